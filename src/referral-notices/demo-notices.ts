// The demo data set's assurance for NHS West Yorkshire ICB (QWO), so that `npm start` shows at once what a referrer
// sees: a prior-approval rule for knee arthroscopy (trauma and orthopaedics), and a notice of spare capacity at
// Calderdale and Huddersfield for the same specialty, from a week ago to two months ahead. The transport policy is
// src/shortlist/travel-help.ts's DEMO_TRANSPORT_SUPPORT. Added once: a later start leaves edited or ended rows alone.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { londonDate } from '../domain/dates.ts';
import { addDays } from '../domain/rtt-clock.ts';

export const DEMO_ICB = 'QWO';

export const DEMO_PRIOR_APPROVAL = {
  icb_code: DEMO_ICB,
  specialty_code: '110',
  procedure: 'Knee arthroscopy',
  criteria:
    'Approved only for a patient with a locked knee or a loose body seen on MRI, after 3 months of physiotherapy that did not help. Not for knee pain from osteoarthritis alone.',
  how_to_apply:
    'Send the prior approval form with the MRI report and the physiotherapy record to the ICB\'s individual funding team through the referral portal. A decision is made within 10 working days.',
} as const;

export const DEMO_CAPACITY_NOTICE = {
  icb_code: DEMO_ICB,
  posted_by: 'ICB',
  posted_by_ods_code: DEMO_ICB,
  kind: 'SPARE_CAPACITY',
  specialty_code: '110',
  provider_ods_code: 'RWY',
  service_id: null,
  title: 'Spare capacity for routine hip and knee referrals',
  body: 'Calderdale and Huddersfield has extra routine orthopaedic clinics this winter: new patients are seen in about 8 weeks. Offer it to patients who can travel to Huddersfield or Halifax.',
} as const;

/** Puts the demo rule and notice in place unless the ICB already has rules or notices. */
export async function ensureDemoReferralNotices(db: Kysely<DB>, now: Date = new Date()): Promise<{ rules: number; notices: number }> {
  const today = londonDate(now);
  const known = await db.selectFrom('specialty').select('code').where('code', '=', '110').executeTakeFirst();
  const provider = await db.selectFrom('organisation').select('ods_code').where('ods_code', '=', 'RWY').executeTakeFirst();
  if (!known) return { rules: 0, notices: 0 };
  let rules = 0;
  let notices = 0;
  if (!(await db.selectFrom('prior_approval_rule').select('id').where('icb_code', '=', DEMO_ICB).limit(1).executeTakeFirst())) {
    await db.insertInto('prior_approval_rule').values({ ...DEMO_PRIOR_APPROVAL, starts_on: addDays(today, -90), ends_on: null }).execute();
    rules = 1;
  }
  if (provider && !(await db.selectFrom('capacity_notice').select('id').where('icb_code', '=', DEMO_ICB).limit(1).executeTakeFirst())) {
    await db.insertInto('capacity_notice').values({ ...DEMO_CAPACITY_NOTICE, starts_on: addDays(today, -7), ends_on: addDays(today, 60) }).execute();
    notices = 1;
  }
  return { rules, notices };
}
