// Demo only: referrals from Hyde Park Surgery (demo-referrer) that their patients deferred to Leeds Teaching
// Hospitals (demo-provider) because no slot was free, so the provider's appointment slot issue (ASI) worklist has
// work on a fresh `npm start`. Made the way the real ones are (the referral through createReferral, the deferral
// by the patient through deferToProvider), before the demo slots are published: the provider then finds free slots
// to book them into. The patients are invented (NHS numbers in the 999 test range).
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { createDeps } from '../deps.ts';
import { nhsNumberCheckDigit } from '../domain/nhs-number.ts';
import type { StaffPrincipal } from '../http/principal.ts';
import { deferToProvider } from './booking.ts';
import { createReferral } from './create.ts';
import { CreateReferralBody } from './schemas.ts';

/** The service they are deferred to, and the other Leeds service on their shortlists. */
export const DEMO_DEFERRED_SERVICE = 'RR813-110';
const ALSO_SHORTLISTED = 'RR801-110';

export const DEMO_DEFERRALS = [
  {
    givenName: 'Olivia', familyName: 'Bennett', dateOfBirth: '1968-04-12', priority: 'URGENT', serial: 900,
    addressLines: ['14 Park Square East', 'Leeds'], email: 'olivia.bennett@example.org', mobile: '07700 900461',
    clinicalSummary: 'Painful, swollen right knee after a fall 3 weeks ago; locking on stairs. X-ray: no fracture. Please assess for a meniscal tear.',
  },
  {
    givenName: 'Kwame', familyName: 'Asante', dateOfBirth: '1979-09-30', priority: 'ROUTINE', serial: 907,
    addressLines: ['3 Infirmary Street', 'Leeds'], email: null, mobile: '07700 900462',
    clinicalSummary: 'Left hip pain for 8 months, worse on walking; not helped by physiotherapy. Please assess.',
  },
] as const;

/** A valid NHS number in the 999 test range, from a serial. */
function demoNhsNumber(serial: number): string {
  for (let s = serial; ; s++) {
    const nine = `999${String(s).padStart(6, '0')}`;
    if (nhsNumberCheckDigit(nine) !== null) return `${nine}${nhsNumberCheckDigit(nine)}`;
  }
}

/** Makes the demo deferrals once; not at all outside the demo directory and accounts. */
export async function ensureDemoDeferrals(config: Config, database: Database): Promise<{ deferred: number }> {
  const { db } = database;
  const numbers = DEMO_DEFERRALS.map((p) => demoNhsNumber(p.serial));
  if (await db.selectFrom('referral').select('ubrn').where('patient_nhs_number', 'in', numbers).limit(1).executeTakeFirst()) return { deferred: 0 };
  const referrer = await db
    .selectFrom('account as a')
    .innerJoin('organisation as o', 'o.ods_code', 'a.organisation_ods_code')
    .select(['a.id', 'a.username', 'a.display_name', 'a.role', 'o.ods_code', 'o.name'])
    .where('a.username', '=', 'demo-referrer')
    .executeTakeFirst();
  const services = await db.selectFrom('service').select('id').where('id', 'in', [DEMO_DEFERRED_SERVICE, ALSO_SHORTLISTED]).execute();
  if (!referrer || services.length < 2) return { deferred: 0 };
  const staff: StaffPrincipal = {
    kind: 'staff', accountId: referrer.id, username: referrer.username, displayName: referrer.display_name, role: referrer.role,
    organisation: { odsCode: referrer.ods_code, name: referrer.name },
  };
  const deps = createDeps(config, database, () => {});
  let deferred = 0;
  try {
    for (const [i, p] of DEMO_DEFERRALS.entries()) {
      const { ubrn } = await createReferral(deps, staff, CreateReferralBody.parse({
        patient: { nhsNumber: numbers[i], givenName: p.givenName, familyName: p.familyName, dateOfBirth: p.dateOfBirth, postcode: 'LS1 4AP', addressLines: p.addressLines, email: p.email, mobile: p.mobile },
        specialty: '110', priority: p.priority, clinicalSummary: p.clinicalSummary, shortlist: [DEMO_DEFERRED_SERVICE, ALSO_SHORTLISTED],
      }));
      // Refused (and left not booked) if the service already has free slots: a deferral is never a way round booking.
      const outcome = await deferToProvider(deps, { kind: 'patient', role: 'patient', ubrn }, ubrn, DEMO_DEFERRED_SERVICE).then(() => true, () => false);
      if (outcome) deferred++;
    }
  } finally {
    deps.directory.close();
    deps.postcodes.close();
  }
  return { deferred };
}
