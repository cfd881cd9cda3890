// The demo ICB's published qualifying criteria (NHS West Yorkshire ICB, QWO), so that a provider can apply to list a
// service at once after `npm start`. Added only when the ICB has none, so a later start changes nothing.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

export const DEMO_CRITERIA_ICB = 'QWO';

export const DEMO_CRITERIA: readonly { title: string; description: string }[] = [
  { title: 'Signed NHS Standard Contract', description: 'The provider holds an NHS Standard Contract with the ICB (or a lead commissioner) that covers this service, signed by both parties.' },
  { title: 'Registered with the Care Quality Commission', description: 'The provider is registered with the CQC for the regulated activities the service carries out, at this site, and is not rated inadequate.' },
  { title: 'Service specification met', description: "The service meets the ICB's service specification for the specialty: the clinics, the referral criteria and the reporting it asks for." },
  { title: 'Named clinical lead', description: 'A named consultant or registered clinician leads the service and is accountable for its quality.' },
  { title: 'Directly bookable slots published', description: 'The service publishes appointment slots that referrers and patients can book directly, for at least the next 6 weeks.' },
];

export async function ensureDemoAccreditationCriteria(db: Kysely<DB>): Promise<number> {
  const existing = await db.selectFrom('accreditation_criterion').select('id').where('icb_code', '=', DEMO_CRITERIA_ICB).limit(1).executeTakeFirst();
  if (existing) return 0;
  await db.insertInto('accreditation_criterion')
    .values(DEMO_CRITERIA.map((c, i) => ({ icb_code: DEMO_CRITERIA_ICB, specialty_code: null, title: c.title, description: c.description, position: i + 1, created_by_account_id: null })))
    .execute();
  return DEMO_CRITERIA.length;
}
