// Loads the demo referral history (./referral-history.ts) into the database: reads the model's inputs from the
// directory, generates the rows and writes them in large batches in one transaction, the choice facts deferred and
// rebuilt once at the end. Idempotent: a referral with a history UBRN (leading 0) means it is loaded.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.ts';
import type { DB } from '../db/schema.ts';
import { DEMO_ASSESSMENT_SERVICES } from '../triage/demo-assessment-services.ts';
import {
  generateReferralHistory, HISTORY_UBRN_PREFIX, type HistoryInputs, type HistoryOptions, type HistoryReferral,
} from './referral-history.ts';

export const HISTORY_ICB = 'QWO';

/** The model's inputs from the database: the ICB's practices with positions, the services, the specialty mix. */
export async function readHistoryInputs(db: Kysely<DB>, now: Date, icb = HISTORY_ICB): Promise<HistoryInputs | null> {
  const account = await db.selectFrom('account').select('id').where('username', '=', 'demo-referrer').executeTakeFirst();
  if (!account) return null;
  const practices = await db
    .selectFrom('organisation as o')
    .innerJoin('postcode as p', 'p.postcode', 'o.postcode')
    .select(['o.ods_code', 'o.name', 'o.postcode', 'p.latitude', 'p.longitude'])
    .where('o.icb_code', '=', icb).where('o.kind', '=', 'GP_PRACTICE').where('o.active', '=', true)
    .orderBy('o.ods_code')
    .execute();
  const services = await db
    .selectFrom('service as s')
    .innerJoin('organisation as o', 'o.ods_code', 's.provider_ods_code')
    .select(['s.id', 's.name', 's.specialty_code', 's.provider_ods_code', 'o.name as provider_name', 's.latitude', 's.longitude', 's.indicative_wait_weeks', 's.directly_bookable'])
    .where('s.active', '=', true).where('s.accreditation_status', '=', 'ACCREDITED')
    .orderBy('s.id')
    .execute();
  // The ICB's providers' incomplete RTT pathways by treatment function, in the latest period.
  const mix = await sql<{ specialty_code: string; pathways: string }>`
    select w.specialty_code, sum(w.incomplete_pathways)::text as pathways
    from rtt_wait w join organisation o on o.ods_code = w.provider_ods_code
    where o.icb_code = ${icb} and w.period = (select max(period) from rtt_wait)
    group by w.specialty_code order by w.specialty_code`.execute(db);
  const ras = await db.selectFrom('referral_assessment_service').select(['id', 'name', 'specialty_codes']).where('icb_code', '=', icb).where('active', '=', true)
    .where('id', 'in', DEMO_ASSESSMENT_SERVICES.map((r) => r.id)).orderBy('id').execute();
  if (practices.length === 0 || services.length === 0) return null;
  return {
    now,
    accountId: Number(account.id),
    practices: practices.map((p) => ({ odsCode: p.ods_code, name: p.name, postcode: p.postcode!, latitude: p.latitude, longitude: p.longitude })),
    services: services.map((s) => ({
      id: s.id, name: s.name, specialtyCode: s.specialty_code, providerOdsCode: s.provider_ods_code, providerName: s.provider_name,
      latitude: s.latitude, longitude: s.longitude, waitWeeks: s.indicative_wait_weeks, directlyBookable: s.directly_bookable,
    })),
    specialtyMix: mix.rows.map((m) => [m.specialty_code, Number(m.pathways)] as const),
    assessmentServices: ras.map((r) => ({ id: r.id, name: r.name, specialties: r.specialty_codes })),
  };
}

const TABLES = {
  referral: ['ubrn', 'access_code_hash', 'status', 'priority', 'specialty_code', 'clinical_summary', 'patient_nhs_number', 'patient_given_name', 'patient_family_name',
    'patient_date_of_birth', 'patient_postcode', 'preferences', 'referring_organisation_ods_code', 'created_by_account_id', 'rtt_clock_start', 'options_offered',
    'fewer_options_reason', 'fewer_options_code', 'patient_chose', 'created_at', 'updated_at', 'received_via', 'rtt_clock_state', 'rtt_clock_stopped_on', 'rtt_paused_days', 'source',
    'consultant_led', 'tertiary', 'rejection_reason', 'rejection_note', 'rejected_at', 'rejected_by', 'rejected_service_id'],
  referral_option: ['ubrn', 'rank', 'service_id', 'offered'],
  referral_event: ['ubrn', 'at', 'actor_kind', 'actor_label', 'from_status', 'to_status', 'reason'],
  slot: ['id', 'service_id', 'starts_at', 'ends_at', 'created_at', 'withdrawn_at'],
  appointment: ['id', 'ubrn', 'slot_id', 'service_id', 'starts_at', 'ends_at', 'booked_at', 'booked_by', 'booked_by_patient', 'cancelled_at', 'cancelled_by', 'cancel_reason'],
  referral_triage: ['ubrn', 'assessment_service_id', 'sent_on', 'due_on', 'outcome', 'reason_code', 'detail', 'triaged_at', 'triaged_by'],
} as const;
type Table = keyof typeof TABLES;

/** Many rows in one statement: one JSON parameter, spread into the table's own row type. */
export async function insertJson(db: Kysely<DB>, table: Table, rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = sql.join(TABLES[table].map((c) => sql.ref(c)));
  await sql`insert into ${sql.table(table)} (${columns}) select ${columns} from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)}::json)`.execute(db);
}

/** Writes a batch of the history's referrals, each table in one statement, in the order the foreign keys need. */
export async function writeHistoryBatch(db: Kysely<DB>, batch: readonly HistoryReferral[]): Promise<void> {
  await insertJson(db, 'referral', batch.map((h) => h.referral));
  await insertJson(db, 'referral_option', batch.flatMap((h) => h.options));
  await insertJson(db, 'referral_event', batch.flatMap((h) => h.events));
  await insertJson(db, 'slot', batch.map((h) => h.slot));
  await insertJson(db, 'appointment', batch.map((h) => h.appointment));
  await insertJson(db, 'referral_triage', batch.flatMap((h) => (h.triage ? [h.triage] : [])));
}

/** Is any of the history there? */
export async function historyLoaded(db: Kysely<DB>): Promise<boolean> {
  return (await db.selectFrom('referral').select('ubrn').where('ubrn', 'like', `${HISTORY_UBRN_PREFIX}%`).limit(1).executeTakeFirst()) !== undefined;
}

export interface HistoryLoadReport { referrals: number; facts: number; ms: number }

/** import_run's record of a history load: the `now` it was generated for, and whether it finished. */
const HISTORY_RUN = 'demo-referral-history';
interface HistoryRun { now: string; complete: boolean }

async function lastHistoryRun(db: Kysely<DB>): Promise<HistoryRun | null> {
  const row = await db.selectFrom('import_run').select('report').where('kind', '=', HISTORY_RUN).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? (row.report as unknown as HistoryRun) : null;
}

async function recordHistoryRun(db: Kysely<DB>, run: HistoryRun, started: Date): Promise<void> {
  await db.insertInto('import_run').values({ kind: HISTORY_RUN, source: '(generated: src/demo/referral-history.ts)', source_sha256: '', started_at: started, report: JSON.stringify(run) }).execute();
}

/**
 * Loads the year of referral history for the demo ICB as of `now`, once: does nothing once it is complete, or
 * outside the demo directory and accounts. Each batch is its own short transaction (the choice facts deferred,
 * rebuilt once at the end), so the service can answer while it loads, and a load cut short (a crash, a stop) is
 * resumed at the next start: the same `now` gives the same rows, and those already written are skipped.
 */
export async function ensureDemoReferralHistory(
  database: Database, now: Date = new Date(),
  options: HistoryOptions & { batchSize?: number; afterBatch?: (written: number) => void | Promise<void> } = {},
): Promise<HistoryLoadReport> {
  const started = performance.now();
  const { db } = database;
  const run = await lastHistoryRun(db);
  if (run?.complete) return { referrals: 0, facts: 0, ms: 0 };
  // Loaded in one transaction before loads were recorded: complete.
  if (!run && await historyLoaded(db)) return { referrals: 0, facts: 0, ms: 0 };
  const asOf = run ? new Date(run.now) : now;
  const inputs = await readHistoryInputs(db, asOf);
  if (!inputs) return { referrals: 0, facts: 0, ms: 0 };
  if (!run) await recordHistoryRun(db, { now: asOf.toISOString(), complete: false }, new Date());
  const written = new Set(run
    ? (await db.selectFrom('referral').select('ubrn').where('ubrn', 'like', `${HISTORY_UBRN_PREFIX}%`).execute()).map((r) => r.ubrn)
    : []);
  const batchSize = options.batchSize ?? 1000;
  let referrals = 0;
  const write = async (batch: HistoryReferral[]) => {
    await db.transaction().execute(async (trx) => {
      await sql`set local openchoice.defer_choice_facts = 'on'`.execute(trx);
      await writeHistoryBatch(trx, batch);
    });
    referrals += batch.length;
    await options.afterBatch?.(referrals);
  };
  let batch: HistoryReferral[] = [];
  for (const h of generateReferralHistory(inputs, options)) {
    if (written.has(h.referral.ubrn)) continue;
    batch.push(h);
    if (batch.length >= batchSize) {
      await write(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await write(batch);
  const facts = await db.transaction().execute(async (trx) => {
    const refreshed = await sql<{ n: number }>`select refresh_choice_facts() as n`.execute(trx);
    await recordHistoryRun(trx, { now: asOf.toISOString(), complete: true }, new Date());
    return Number(refreshed.rows[0]?.n ?? 0);
  });
  return { referrals, facts, ms: Math.round(performance.now() - started) };
}
