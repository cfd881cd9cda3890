// The monthly test shortlists (2016 guide, action 6.2: "we regularly test whether local referral systems actually
// offer choices to patients"). A run takes one ICB: from the postcode of each of its placed practices, for every
// specialty with listed services, the real shortlist engine (buildShortlist) is asked for the default shortlist (5
// options, the engine's default distance limit, routine, shortest wait first) and each shortlist that offers fewer
// than 5 options, or 5 options from fewer than 5 providers, is recorded with the engine's own reason.
//
// Runs are queued as rows (queueRun) and done by the background job (runQueued), never inside a request. The work
// holds no transaction open: shortlists are built in batches of practices, and each batch's short results are
// inserted in one statement with the run's running totals.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Deps } from '../deps.ts';
import type { DB } from '../db/schema.ts';
import { Problem } from '../http/problem.ts';
import { buildShortlist, RECOMMENDED_OPTIONS } from '../shortlist/service.ts';
import type { ShortlistRequest } from '../shortlist/types.ts';
import { icbsWithPractices, type PlacedPractice, practicesOf } from './practices.ts';
import { specialtiesWithServices } from './reach.ts';

/** Practices per batch: each batch's results are inserted at once and the totals written. */
export const PRACTICE_BATCH = 20;
/** A run started this long ago and not finished was interrupted (the instance stopped): it is closed as failed. */
const INTERRUPTED_AFTER_HOURS = 6;

/** The shortlist a test asks for: the engine's defaults, as a referrer would first see it. */
export const testRequest = (postcode: string, specialty: string): ShortlistRequest => ({
  specialty,
  postcode,
  sortBy: 'WAIT',
  maxWaitWeeks: null,
  priority: 'ROUTINE',
  limit: RECOMMENDED_OPTIONS,
  age: null,
  sex: null,
});

export interface TestRunRow {
  id: number;
  icbCode: string;
  trigger: 'SCHEDULED' | 'REQUESTED';
  requestedBy: string | null;
  requestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  practices: number;
  specialties: number;
  shortlistsRun: number;
  shortCount: number;
  error: string | null;
  state: 'queued' | 'running' | 'finished' | 'failed';
}

type RunRecord = Awaited<ReturnType<ReturnType<typeof runs>['executeTakeFirstOrThrow']>>;
const runs = (db: Kysely<DB>) => db.selectFrom('test_shortlist_run').selectAll();

function toRun(r: RunRecord): TestRunRow {
  const state = r.finished_at ? (r.error ? 'failed' : 'finished') : r.started_at ? 'running' : 'queued';
  return {
    id: r.id,
    icbCode: r.icb_code,
    trigger: r.trigger,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    practices: r.practices,
    specialties: r.specialties,
    shortlistsRun: r.shortlists_run,
    shortCount: r.short_count,
    error: r.error,
    state,
  };
}

/**
 * Queues a run of an ICB's test shortlists, unless one is already queued or running (then that one is the answer).
 * `queued` says whether this call queued it.
 */
export async function queueRun(db: Kysely<DB>, icbCode: string, trigger: 'SCHEDULED' | 'REQUESTED', requestedBy: string | null): Promise<{ run: TestRunRow; queued: boolean }> {
  const inserted = await db
    .insertInto('test_shortlist_run')
    .values({ icb_code: icbCode, trigger, requested_by: requestedBy })
    .onConflict((oc) => oc.column('icb_code').where('finished_at', 'is', null).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { run: toRun(inserted), queued: true };
  const open = await runs(db).where('icb_code', '=', icbCode).where('finished_at', 'is', null).executeTakeFirstOrThrow();
  return { run: toRun(open), queued: false };
}

/** The monthly tick: a run for every ICB with practices. Returns how many were queued. */
export async function queueMonthlyRuns(db: Kysely<DB>): Promise<number> {
  let queued = 0;
  for (const icb of await icbsWithPractices(db)) if ((await queueRun(db, icb, 'SCHEDULED', null)).queued) queued++;
  return queued;
}

/** Claims the oldest queued run (skip locked: several instances never take the same one). */
async function claimNext(db: Kysely<DB>): Promise<TestRunRow | null> {
  const claimed = await db
    .updateTable('test_shortlist_run')
    .set({ started_at: sql<Date>`now()` })
    .where('id', '=', (eb) =>
      eb.selectFrom('test_shortlist_run').select('id').where('started_at', 'is', null).where('finished_at', 'is', null).orderBy('id').limit(1).forUpdate().skipLocked(),
    )
    .returningAll()
    .executeTakeFirst();
  return claimed ? toRun(claimed) : null;
}

/** Closes runs an instance stopped in the middle of, so their ICB can be tested again. */
async function closeInterrupted(db: Kysely<DB>): Promise<void> {
  await db
    .updateTable('test_shortlist_run')
    .set({ finished_at: sql<Date>`now()`, error: 'The run was interrupted before it finished.' })
    .where('finished_at', 'is', null)
    .where('started_at', '<', sql<Date>`now() - make_interval(hours => ${INTERRUPTED_AFTER_HOURS})`)
    .execute();
}

export interface RunSummary {
  runs: number;
  shortlists: number;
  short: number;
}

/** Does every queued run, one after another; what the background job calls. */
export async function runQueued(deps: Deps): Promise<RunSummary> {
  const { db } = deps.database;
  await closeInterrupted(db);
  const summary: RunSummary = { runs: 0, shortlists: 0, short: 0 };
  for (let run = await claimNext(db); run; run = await claimNext(db)) {
    const done = await executeRun(deps, run);
    summary.runs++;
    summary.shortlists += done.shortlistsRun;
    summary.short += done.shortCount;
  }
  return summary;
}

interface ShortResult {
  run_id: number;
  practice_ods_code: string;
  specialty_code: string;
  options_offered: number;
  providers_offered: number;
  eligible_count: number;
  shortfall_reason: string | null;
}

/** One shortlist, tested: null when it offers 5 options from 5 providers. */
export async function testOne(deps: Deps, runId: number, practice: PlacedPractice, specialty: string): Promise<ShortResult | null> {
  try {
    const answer = await buildShortlist(deps, testRequest(practice.postcode, specialty));
    const providers = new Set(answer.options.map((o) => o.service.provider.odsCode)).size;
    if (answer.options.length >= RECOMMENDED_OPTIONS && providers >= RECOMMENDED_OPTIONS) return null;
    return {
      run_id: runId,
      practice_ods_code: practice.odsCode,
      specialty_code: specialty,
      options_offered: answer.options.length,
      providers_offered: providers,
      eligible_count: answer.eligibleCount,
      shortfall_reason:
        answer.shortfall?.reason ??
        `${answer.options.length} options from ${providers === 1 ? '1 provider' : `${providers} providers`}; about ${RECOMMENDED_OPTIONS} providers should be offered.`,
    };
  } catch (err) {
    // The engine refused the practice's postcode: no shortlist could be offered there at all.
    if (!(err instanceof Problem)) throw err;
    return { run_id: runId, practice_ods_code: practice.odsCode, specialty_code: specialty, options_offered: 0, providers_offered: 0, eligible_count: 0, shortfall_reason: err.detail ?? err.title };
  }
}

async function executeRun(deps: Deps, run: TestRunRow): Promise<{ shortlistsRun: number; shortCount: number }> {
  const { db } = deps.database;
  try {
    const [{ placed }, snapshot] = await Promise.all([practicesOf(db, run.icbCode), deps.directory.current()]);
    const specialties = specialtiesWithServices(snapshot).map((s) => s.code);
    await db.updateTable('test_shortlist_run').set({ practices: placed.length, specialties: specialties.length }).where('id', '=', run.id).execute();
    let shortlistsRun = 0;
    let shortCount = 0;
    for (let start = 0; start < placed.length; start += PRACTICE_BATCH) {
      const batch = placed.slice(start, start + PRACTICE_BATCH);
      const short: ShortResult[] = [];
      for (const practice of batch) {
        for (const specialty of specialties) {
          const result = await testOne(deps, run.id, practice, specialty);
          shortlistsRun++;
          if (result) short.push(result);
        }
      }
      if (short.length > 0) await db.insertInto('test_shortlist_result').values(short).onConflict((oc) => oc.doNothing()).execute();
      shortCount += short.length;
      await db.updateTable('test_shortlist_run').set({ shortlists_run: shortlistsRun, short_count: shortCount }).where('id', '=', run.id).execute();
    }
    await db.updateTable('test_shortlist_run').set({ finished_at: sql<Date>`now()` }).where('id', '=', run.id).execute();
    return { shortlistsRun, shortCount };
  } catch (err) {
    await db
      .updateTable('test_shortlist_run')
      .set({ finished_at: sql<Date>`now()`, error: `The run failed: ${(err as Error).name}.` })
      .where('id', '=', run.id)
      .execute();
    throw err;
  }
}

/** The ICB's runs, latest first. */
export async function runsOf(db: Kysely<DB>, icbCode: string, limit = 24): Promise<TestRunRow[]> {
  return (await runs(db).where('icb_code', '=', icbCode).orderBy('id', 'desc').limit(limit).execute()).map(toRun);
}

export interface ShortResultView {
  practice: { odsCode: string; name: string };
  specialty: { code: string; name: string };
  optionsOffered: number;
  providersOffered: number;
  eligibleCount: number;
  reason: string | null;
}

export interface SpecialtyShortfall {
  specialty: { code: string; name: string };
  /** Practices whose shortlist fell short; of them, with fewer than 5 options, and with 5 options from fewer than 5 providers. */
  short: number;
  fewerOptions: number;
  fewerProviders: number;
}

/** A run's short results counted by specialty, most short first. */
export async function shortfallBySpecialty(db: Kysely<DB>, runId: number): Promise<SpecialtyShortfall[]> {
  const rows = await db
    .selectFrom('test_shortlist_result as t')
    .leftJoin('specialty as s', 's.code', 't.specialty_code')
    .select((eb) => [
      't.specialty_code',
      's.name',
      eb.fn.countAll<string>().as('short'),
      eb.fn.count<string>('t.options_offered').filterWhere('t.options_offered', '<', RECOMMENDED_OPTIONS).as('fewer_options'),
    ])
    .where('t.run_id', '=', runId)
    .groupBy(['t.specialty_code', 's.name'])
    .execute();
  return rows
    .map((r) => {
      const short = Number(r.short);
      const fewerOptions = Number(r.fewer_options);
      return { specialty: { code: r.specialty_code, name: r.name ?? r.specialty_code }, short, fewerOptions, fewerProviders: short - fewerOptions };
    })
    .sort((a, b) => b.short - a.short || a.specialty.name.localeCompare(b.specialty.name));
}

/** A run's short results (of one specialty, if named), by practice name then specialty name; at most `limit`. */
export async function shortResultsOf(db: Kysely<DB>, runId: number, options: { specialty?: string; limit?: number } = {}): Promise<ShortResultView[]> {
  let query = db
    .selectFrom('test_shortlist_result as t')
    .leftJoin('organisation as o', 'o.ods_code', 't.practice_ods_code')
    .leftJoin('specialty as s', 's.code', 't.specialty_code')
    .select(['t.practice_ods_code', 'o.name as practice_name', 't.specialty_code', 's.name as specialty_name', 't.options_offered', 't.providers_offered', 't.eligible_count', 't.shortfall_reason'])
    .where('t.run_id', '=', runId);
  if (options.specialty) query = query.where('t.specialty_code', '=', options.specialty);
  const rows = await query.orderBy('o.name').orderBy('s.name').limit(options.limit ?? 500).execute();
  return rows.map((r) => ({
    practice: { odsCode: r.practice_ods_code, name: r.practice_name ?? r.practice_ods_code },
    specialty: { code: r.specialty_code, name: r.specialty_name ?? r.specialty_code },
    optionsOffered: r.options_offered,
    providersOffered: r.providers_offered,
    eligibleCount: r.eligible_count,
    reason: r.shortfall_reason,
  }));
}
