// For the patterns' page and browser tests: a history of trauma and orthopaedics referrals from West Yorkshire (QWO)
// practices written straight into a test database, with one planted pattern: Hyde Park Surgery (B86025, the
// demo-referrer's practice) sends 80% of its referrals to one provider from 120 days ago, where the rest of the ICB
// sends 5%. Rows are written with the choice facts deferred, then refreshed once (migration 018).
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.ts';
import { mulberry32 } from './synthetic.ts';

export interface PlantedHistory {
  practice: string;
  specialty: string;
  /** the provider the practice moved to, and the ICB's usual one */
  planted: string;
  usual: string;
  key: string;
  practices: number;
  /** another practice of the history, which refers as the ICB does */
  other: string;
  /** every practice of the history */
  all: string[];
}

export async function plantPatternHistory(db: Kysely<DB>, options: { practices?: number; perPractice?: number; seed?: number } = {}): Promise<PlantedHistory> {
  const random = mulberry32(options.seed ?? 10);
  const perPractice = options.perPractice ?? 40;
  const practices = (await db.selectFrom('organisation').select('ods_code').where('kind', '=', 'GP_PRACTICE').where('icb_code', '=', 'QWO').where('ods_code', '!=', 'B86025')
    .orderBy('ods_code').limit((options.practices ?? 30) - 1).execute()).map((r) => r.ods_code);
  practices.unshift('B86025');
  const services = await db.selectFrom('service').select(['id', 'provider_ods_code']).where('specialty_code', '=', '110').where('active', '=', true)
    .where('accreditation_status', '=', 'ACCREDITED').orderBy('provider_ods_code').orderBy('id').execute();
  const byProvider = new Map<string, string>();
  for (const s of services) if (!byProvider.has(s.provider_ods_code)) byProvider.set(s.provider_ods_code, s.id);
  const usual = byProvider.has('RR8') ? 'RR8' : [...byProvider.keys()][0]!;
  const others = [...byProvider.keys()].filter((p) => p !== usual);
  const second = others[0]!;
  const planted = others[1]!;
  const account = await db.selectFrom('account').select('id').where('username', '=', 'demo-referrer').executeTakeFirstOrThrow();
  const now = Date.now();
  const rows: { ubrn: string; practice: string; service: string; at: Date }[] = [];
  let serial = 0;
  for (const practice of practices) {
    for (let i = 0; i < perPractice; i++) {
      const daysAgo = 2 + Math.floor(random() * 300);
      const u = random();
      const moved = practice === 'B86025' && daysAgo <= 120;
      const provider = moved ? (u < 0.8 ? planted : usual) : u < 0.05 ? planted : u < 0.3 ? second : usual;
      rows.push({ ubrn: `97${String(serial++).padStart(10, '0')}`, practice, service: byProvider.get(provider)!, at: new Date(now - daysAgo * 86_400_000) });
    }
  }
  await db.transaction().execute(async (trx) => {
    await sql`set local openchoice.defer_choice_facts = 'on'`.execute(trx);
    for (let i = 0; i < rows.length; i += 500) {
      await trx.insertInto('referral').values(rows.slice(i, i + 500).map((r) => ({
        ubrn: r.ubrn, access_code_hash: 'x', status: 'NOT_BOOKED', priority: 'ROUTINE', specialty_code: '110', clinical_summary: 'Knee pain.',
        patient_nhs_number: '9000000009', patient_given_name: 'Test', patient_family_name: 'Pattern', patient_date_of_birth: '1970-01-31', patient_postcode: 'LS1 4AP',
        preferences: JSON.stringify({ sortBy: 'BALANCED' }), referring_organisation_ods_code: r.practice, created_by_account_id: account.id,
        rtt_clock_start: r.at.toISOString().slice(0, 10), options_offered: 5, patient_chose: true, created_at: r.at, updated_at: r.at, current_service_id: r.service,
      }) as never)).execute();
    }
    await sql`select refresh_choice_facts()`.execute(trx);
  });
  return { practice: 'B86025', specialty: '110', planted, usual, key: `B86025-110-${planted}`, practices: practices.length, other: practices[1]!, all: practices };
}
