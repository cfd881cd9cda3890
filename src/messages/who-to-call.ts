// Who a patient calls about their referral, as every letter, message and patient page tells them: the provider
// while the referral is deferred to it (it is the provider who must contact them and book), otherwise whoever
// referred them (the GP practice or the referral centre). The provider's number is the service's
// (src/directory/service-phone.ts); the referrer's is the one ODS publishes; none known is said plainly, never guessed.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { servicePhone } from '../directory/service-phone.ts';

export interface WhoToCall {
  name: string;
  phone: string | null;
  /** Why this one: the provider holds a deferred referral; the referrer holds every other. */
  role: 'provider' | 'referrer';
}

export async function whoToCall(db: Kysely<DB> | Transaction<DB>, ubrn: string): Promise<WhoToCall> {
  const r = await db
    .selectFrom('referral as r')
    .innerJoin('organisation as ro', 'ro.ods_code', 'r.referring_organisation_ods_code')
    .leftJoin('service as s', (j) => j.onRef('s.id', '=', 'r.deferred_service_id').on('r.status', '=', 'DEFERRED_TO_PROVIDER'))
    .leftJoin('site as ss', 'ss.ods_code', 's.site_ods_code')
    .leftJoin('organisation as po', 'po.ods_code', 's.provider_ods_code')
    .select(['ro.name as referrer', 'ro.phone as referrer_phone', 'po.name as provider', 'po.phone as provider_phone', 'ss.phone as site_phone'])
    .where('r.ubrn', '=', ubrn)
    .executeTakeFirstOrThrow();
  if (r.provider) return { name: r.provider, phone: servicePhone({ site: r.site_phone, provider: r.provider_phone }), role: 'provider' };
  return { name: r.referrer, phone: r.referrer_phone, role: 'referrer' };
}
