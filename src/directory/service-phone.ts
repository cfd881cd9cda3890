// The number a patient calls about a service: the site's own, else its provider's, as ODS or the NHS website publish
// them; none known is null, said plainly and never guessed. One rule for the letters and patient pages
// (src/messages/who-to-call.ts) and for FHIR's HealthcareService.telecom.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

export function servicePhone(numbers: { site: string | null; provider: string | null }): string | null {
  return numbers.site ?? numbers.provider;
}

/** servicePhone for each of these services; a service with no number known is left out. */
export async function servicePhones(db: Kysely<DB>, serviceIds: readonly string[]): Promise<Map<string, string>> {
  if (serviceIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('service as s')
    .innerJoin('site as t', 't.ods_code', 's.site_ods_code')
    .innerJoin('organisation as o', 'o.ods_code', 's.provider_ods_code')
    .select(['s.id', 't.phone as site', 'o.phone as provider'])
    .where('s.id', 'in', [...new Set(serviceIds)])
    .execute();
  return new Map(rows.flatMap((r) => {
    const phone = servicePhone(r);
    return phone ? [[r.id, phone] as const] : [];
  }));
}
