// Demo only: the two referral assessment services the demo referral centre (DEMO-RMC, demo-referral-centre) runs
// for the practices of NHS West Yorkshire ICB (QWO), among them the demo GP practice (B86025, demo-referrer):
// musculoskeletal (trauma and orthopaedics, rheumatology) and ophthalmology. Created with the demo accounts and
// never outside the demo data set (the centre itself exists only there).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

export const DEMO_ASSESSMENT_SERVICES = [
  { id: 'DEMO-RAS-MSK', name: 'West Yorkshire Musculoskeletal Referral Assessment Service', specialties: ['110', '410'] },
  { id: 'DEMO-RAS-EYE', name: 'West Yorkshire Ophthalmology Referral Assessment Service', specialties: ['130'] },
] as const;

const CENTRE = 'DEMO-RMC';
const ICB = 'QWO';

/** Creates the demo assessment services that are missing, when the demo centre exists; returns the ids created. */
export async function ensureDemoAssessmentServices(db: Kysely<DB>): Promise<string[]> {
  const centre = await db.selectFrom('organisation').select('ods_code').where('ods_code', '=', CENTRE).executeTakeFirst();
  if (!centre) return [];
  const specialties = new Set((await db.selectFrom('specialty').select('code').execute()).map((s) => s.code));
  const existing = new Set((await db.selectFrom('referral_assessment_service').select('id').execute()).map((r) => r.id));
  const missing = DEMO_ASSESSMENT_SERVICES.filter((r) => !existing.has(r.id) && r.specialties.every((code) => specialties.has(code)));
  if (missing.length === 0) return [];
  await db
    .insertInto('referral_assessment_service')
    .values(missing.map((r) => ({
      id: r.id,
      name: r.name,
      organisation_ods_code: CENTRE,
      icb_code: ICB,
      specialty_codes: [...r.specialties],
      // Days to triage: a routine referral within two weeks, an urgent one within two days, a suspected cancer next day.
      target_days_routine: 14,
      target_days_urgent: 2,
      target_days_two_week_wait: 1,
      demo: true,
    })))
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return missing.map((r) => r.id);
}
