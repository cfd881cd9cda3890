// Demo only: long waiters on the waiting lists of Leeds (RR8, demo-provider) and Bradford (RAE), and mutual-aid
// capacity offered by Huddersfield (RWY, demo-provider-2), Leeds and Harrogate (RCD), so that the 18-week
// alternative, PIDMAS and DMAS can be tried from a fresh `npm start`. Loaded once, through the same importer a
// provider uses; the patients are invented (NHS numbers in the 999 test range).
import { DEFAULT_TRAVEL_COST_PENCE_PER_MILE } from '../config.ts';
import type { Database } from '../db/database.ts';
import { londonDate } from '../domain/dates.ts';
import { nhsNumberCheckDigit } from '../domain/nhs-number.ts';
import { addDays } from '../domain/rtt-clock.ts';
import { importWaitingList } from './waiting-list-import.ts';

const PATIENTS: [given: string, family: string, born: string, postcode: string, provider: string, service: string, daysWaited: number][] = [
  ['Margaret', 'Hill', '1952-03-14', 'LS6 1SG', 'RR8', 'RR813-110', 330],
  ['Peter', 'Walsh', '1961-07-02', 'LS17 6AA', 'RR8', 'RR813-110', 310],
  ['Aisha', 'Khan', '1975-11-23', 'LS12 3QE', 'RR8', 'RR813-110', 296],
  ['Tom', 'Baker', '1948-01-30', 'LS28 6AA', 'RR8', 'RR813-110', 200],
  ['Grace', 'Okafor', '1983-05-09', 'LS9 7TF', 'RR8', 'RR813-110', 150],
  ['Harold', 'Price', '1957-09-17', 'BD2 4AA', 'RAE', 'RAE01-110', 340],
  ['Nadia', 'Hussain', '1969-12-01', 'BD5 0NA', 'RAE', 'RAE01-110', 318],
];

/** A valid NHS number in the 999 test range, from a serial. */
function demoNhsNumber(serial: number): string {
  for (let s = serial; ; s++) {
    const nine = `999${String(s).padStart(6, '0')}`;
    const check = nhsNumberCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

export async function ensureDemoWaitingList(database: Database, today = londonDate()): Promise<{ imported: number }> {
  const { db } = database;
  const loaded = await db.selectFrom('referral').select('ubrn').where('source', '=', 'WAITING_LIST').limit(1).executeTakeFirst();
  if (loaded) return { imported: 0 };
  const admin = await db.selectFrom('account').select('id').where('username', '=', 'demo-admin').executeTakeFirst();
  const services = new Set((await db.selectFrom('service').select('id').where('id', 'in', [...PATIENTS.map((p) => p[5]), 'RWY01-110', 'RR801-110', 'RCD01-110']).execute()).map((s) => s.id));
  if (!admin || !PATIENTS.every((p) => services.has(p[5]))) return { imported: 0 }; // not the demo directory
  const csv = [
    'nhs_number,provider,specialty,clock_start,date_of_birth,postcode,given_name,family_name,registered_gp,service_id',
    ...PATIENTS.map(([given, family, born, postcode, provider, service, days], i) =>
      [demoNhsNumber(100 + i * 7), provider, '110', addDays(today, -days), born, postcode, given, family, 'B86025', service].join(',')),
  ].join('\n');
  const report = await importWaitingList(database, csv, { accountId: admin.id, onlyProvider: null, accessCodeSecret: 'unused: demo codes are issued by invitation',
    // The demo data set is the same whatever the settings: its travel costs are at the default rate.
    travelCostPencePerMile: DEFAULT_TRAVEL_COST_PENCE_PER_MILE,
  });
  if (report.errors.length > 0) throw new Error(`demo waiting list: ${JSON.stringify(report.errors)}`);

  // Bradford's long waiters have already asked to move and been validated, so a matching run has someone to place.
  const bradford = await db.selectFrom('referral as r').innerJoin('service as s', 's.id', 'r.current_service_id').select('r.ubrn').where('r.source', '=', 'WAITING_LIST').where('s.provider_ods_code', '=', 'RAE').execute();
  for (const { ubrn } of bradford) {
    await db.insertInto('pidmas_request').values({
      ubrn, status: 'VALIDATED', invited_at: null, invited_by_account_id: null, opted_in_at: new Date(), travel: '50_MILES', interpreter_language: null, contact_preference: 'LETTER',
      validated_at: new Date(), validated_by_account_id: admin.id, not_suitable_reason: null, outcome_note: 'Your hospital team agreed you can move. We are looking for a provider with capacity.', updated_at: new Date(),
    }).execute();
  }
  const offers: [provider: string, service: string, perWeek: number, weeks: number][] = [['RWY', 'RWY01-110', 3, 8], ['RR8', 'RR801-110', 2, 6], ['RCD', 'RCD01-110', 2, 10]];
  for (const [provider, service, perWeek, weeks] of offers) {
    if (!services.has(service)) continue;
    await db.insertInto('mutual_aid_offer').values({
      provider_ods_code: provider, service_id: service, specialty_code: '110', capacity_per_week: perWeek, starts_on: addDays(today, 7), ends_on: addDays(today, 7 * weeks + 6),
      min_age: 18, max_age: null, notes: 'Demo capacity for routine first outpatient appointments.', created_by_account_id: admin.id,
    }).execute();
  }
  await db.insertInto('mutual_aid_request').values({ provider_ods_code: 'RAE', specialty_code: '110', patients: 120, needed_by: addDays(today, 90), constraints: 'Routine hips and knees; no patients needing HDU after surgery', created_by_account_id: admin.id }).execute();
  return { imported: report.imported };
}
