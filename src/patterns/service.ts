// Referral patterns that moved, for an ICB and a period: the facts from choice_fact (referrals made, REFERRAL source,
// with a practice and a provider known), the detector's findings (./detect.ts), the names people read, and what
// the ICB recorded about each pattern (pattern_finding, migration 020).
import { type Kysely, sql } from 'kysely';
import { type Icb, icbChoicesFor, icbInScope } from '../choice/icb-scope.ts';
import type { DB, PatternFindingStatus } from '../db/schema.ts';
import { isCalendarDate, londonDate } from '../domain/dates.ts';
import { howUnusual } from '../domain/pattern-tests.ts';
import { share } from '../domain/statistics.ts';
import type { StaffPrincipal } from '../http/principal.ts';
import { actorLabel } from '../http/principal.ts';
import { badRequest, notFound, unprocessable } from '../http/problem.ts';
import { wholeWeeks } from '../choice/metrics.ts';
import { type CellResult, type Detection, detectPatterns, type Funnel, funnelOf, parsePatternKey, type Flow, type Pattern, type PatternKey, type PatternWithWeeks, type Summary, summariseFlows, weekOf, withHistory } from './detect.ts';

export const FINDING_STATUSES: Record<PatternFindingStatus, string> = {
  NEW: 'New',
  REVIEWING: 'Being reviewed',
  EXPLAINED: 'Explained',
  ACTION_TAKEN: 'Action taken',
  NOT_A_CONCERN: 'Not a concern',
};
/** The statuses that close a finding: each needs a note of what was found. */
export const CLOSING: readonly PatternFindingStatus[] = ['EXPLAINED', 'ACTION_TAKEN', 'NOT_A_CONCERN'];
export const NOTE_MAX = 2000;
/** The longest period one run covers: two years of weeks. */
const MAX_DAYS = 731;

export interface PeriodQuery {
  from?: string | undefined;
  to?: string | undefined;
  icb?: string | undefined;
  specialty?: string | undefined;
  provider?: string | undefined;
}

export interface Period {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const days = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS;
const minusDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) - n * DAY_MS).toISOString().slice(0, 10);

/** The period asked for: by default the year to today; dates YYYY-MM-DD, from on or before to, at most two years. */
export function periodOf(query: PeriodQuery, today = londonDate()): Period {
  const from = query.from?.trim() || '';
  const to = query.to?.trim() || '';
  const errors: { field: string; message: string }[] = [];
  if (from && !isCalendarDate(from)) errors.push({ field: 'from', message: 'must be a real date, like 2026-01-31' });
  if (to && !isCalendarDate(to)) errors.push({ field: 'to', message: 'must be a real date, like 2026-12-31' });
  if (errors.length) throw badRequest('The period is not valid: dates are written YYYY-MM-DD.', errors);
  const end = to || today;
  const start = from || minusDays(end, 364);
  if (start > end) throw badRequest('The period must start on or before the day it ends.', [{ field: 'from', message: 'must be on or before the end of the period' }]);
  if (days(start, end) > MAX_DAYS) throw badRequest('The period can be at most two years long.', [{ field: 'from', message: 'must be at most two years before the end of the period' }]);
  return { from: start, to: end };
}

/**
 * The ICB's referrals of the period, counted by practice, specialty, provider and week: whole weeks from the weekly
 * flows (choice_flow_week, migration 031), read in its key's order with one row per practice × specialty × provider
 * holding its weeks and counts as arrays (a year of an ICB's flows is some 300,000 rows, a tenth of that as cells);
 * the partial weeks at either end from the facts.
 */
export async function loadSummary(db: Kysely<DB>, icb: Icb, period: Period): Promise<Summary> {
  const whole = wholeWeeks(period.from, period.to);
  const firstMonday = weekOf(period.from);
  const partial = (from: string, to: string) =>
    db
      .selectFrom('choice_fact')
      .select([
        'practice_ods_code as practice', 'specialty_code as specialty', 'provider_ods_code as provider',
        sql<number>`(date_trunc('week', made_on)::date - ${firstMonday}::date) / 7`.as('week'), sql<number>`count(*)::int`.as('count'),
      ])
      .where('icb_code', '=', icb.odsCode)
      .where('source', '=', 'REFERRAL')
      .where('practice_ods_code', 'is not', null)
      .where('provider_ods_code', 'is not', null)
      .where('made_on', '>=', from)
      .where('made_on', '<=', to)
      .groupBy(['practice_ods_code', 'specialty_code', 'provider_ods_code', sql`date_trunc('week', made_on)`])
      .execute();
  const [cells, ...ends] = await Promise.all([
    whole
      ? sql<{ practice: string; specialty: string; provider: string; weeks: number[]; counts: number[] }>`
          select practice_ods_code as practice, specialty_code as specialty, provider_ods_code as provider,
            -- No order within the arrays: the two aggregates take the rows in the same order, which pairs them.
            array_agg((week - ${firstMonday}::date) / 7) as weeks, array_agg(referrals) as counts
          from choice_flow_week
          where icb_code = ${icb.odsCode} and week >= ${whole.first}::date and week <= ${whole.last}::date and referrals <> 0
          group by practice_ods_code, specialty_code, provider_ods_code`.execute(db).then((r) => r.rows)
      : [],
    ...(whole
      ? [...(period.from < whole.first ? [partial(period.from, minusDays(whole.first, 1))] : []), ...(whole.lastDay < period.to ? [partial(minusDays(whole.lastDay, -1), period.to)] : [])]
      : [partial(period.from, period.to)]),
  ]);
  const flows = function* (): Generator<Flow> {
    yield* cells;
    for (const rows of ends) for (const r of rows) yield { practice: r.practice!, specialty: r.specialty, provider: r.provider!, weeks: [r.week], counts: [r.count] };
  };
  return summariseFlows(flows(), period.from, period.to);
}

type Names = Map<string, string>;
async function namesOf(db: Kysely<DB>, ods: Iterable<string>, specialties: Iterable<string>): Promise<Names> {
  const o = [...new Set(ods)];
  const s = [...new Set(specialties)];
  const [orgs, specs] = await Promise.all([
    o.length ? db.selectFrom('organisation').select(['ods_code', 'name']).where('ods_code', 'in', o).execute() : [],
    s.length ? db.selectFrom('specialty').select(['code', 'name']).where('code', 'in', s).execute() : [],
  ]);
  return new Map([...orgs.map((r) => [r.ods_code, r.name] as const), ...specs.map((r) => [`specialty:${r.code}`, r.name] as const)]);
}

export interface FindingView {
  status: PatternFindingStatus;
  statusText: string;
  note: string | null;
  firstFlaggedWeek: string;
  updatedBy: string;
  updatedAt: Date;
}

export interface NamedCell extends CellResult {
  practiceName: string;
  specialtyName: string;
  providerName: string;
  words: string;
  finding: FindingView | null;
}
export interface NamedPattern extends Pattern, Omit<NamedCell, keyof CellResult> {}

async function findingsOf(db: Kysely<DB>, icb: Icb, keys: PatternKey[]): Promise<Map<string, FindingView>> {
  if (keys.length === 0) return new Map();
  const rows = await db.selectFrom('pattern_finding').selectAll().where('icb_code', '=', icb.odsCode).execute();
  return new Map(rows.map((r) => [`${r.practice_ods_code}-${r.specialty_code}-${r.provider_ods_code}`, {
    status: r.status, statusText: FINDING_STATUSES[r.status], note: r.note, firstFlaggedWeek: r.first_flagged_week, updatedBy: r.updated_by, updatedAt: r.updated_at,
  }]));
}

const named = <C extends CellResult>(c: C, names: Names, findings: Map<string, FindingView>) => ({
  ...c,
  practiceName: names.get(c.practice) ?? c.practice,
  specialtyName: names.get(`specialty:${c.specialty}`) ?? c.specialty,
  providerName: names.get(c.provider) ?? c.provider,
  words: howUnusual(c.p, c.q),
  finding: findings.get(c.key) ?? null,
});

export interface PatternsView {
  icb: Icb;
  /** the ICBs an admin may choose from (empty for a commissioner) */
  icbs: Icb[];
  period: Period;
  detection: Omit<Detection, 'cells' | 'flagged' | 'moved'>;
  /** the flagged patterns shown: every one that moved, and the steady ones as asked (all, or the most unusual) */
  flagged: NamedPattern[];
  /** how many flagged patterns did not move (differ from the rest of the ICB throughout), shown or not */
  steadyCount: number;
  /** when the detection was worked out (it is reused for DETECTION_MAX_AGE_MS) */
  workedOutAt: Date;
  specialty: string | null;
  specialties: { code: string; name: string }[];
  /** the funnel plot asked for (specialty and provider), or of the first flagged pattern shown */
  funnel: (Funnel & { specialtyName: string; providerName: string; names: Record<string, string> }) | null;
  /** the providers of the chosen specialty, for the funnel's picker */
  providers: { code: string; name: string }[];
}

/**
 * How long a detection is reused. A year of an ICB's flows takes the best part of a second to read and test, and the
 * list, its funnel picker and each pattern's page ask for the same ICB and period over and over; one referral more
 * moves no pattern of a year. So each app instance keeps its last few detections for a minute, and the pages say
 * when the figures were worked out.
 */
export const DETECTION_MAX_AGE_MS = 60_000;
const DETECTIONS_KEPT = 4;
interface Detected {
  summary: Summary;
  detection: Detection;
  at: Date;
}
const detections = new WeakMap<Kysely<DB>, Map<string, { at: number; value: Promise<Detected> }>>();

function detect(db: Kysely<DB>, icb: Icb, period: Period): Promise<Detected> {
  let kept = detections.get(db);
  if (!kept) detections.set(db, (kept = new Map()));
  const key = `${icb.odsCode}|${period.from}|${period.to}`;
  const now = Date.now();
  const hit = kept.get(key);
  if (hit && now - hit.at < DETECTION_MAX_AGE_MS) return hit.value;
  const value = loadSummary(db, icb, period).then((summary) => ({ summary, detection: detectPatterns(summary, period), at: new Date() }));
  kept.delete(key);
  kept.set(key, { at: now, value });
  value.catch(() => kept.get(key)?.value === value && kept.delete(key));
  for (const old of kept.keys()) if (kept.size > DETECTIONS_KEPT) kept.delete(old);
  return value;
}

async function scope(db: Kysely<DB>, staff: StaffPrincipal, query: PeriodQuery) {
  const icb = await icbInScope(db, staff, query.icb);
  const period = periodOf(query);
  const { summary, detection, at } = await detect(db, icb, period);
  return { icb, period, summary, detection, at };
}

/**
 * The flagged patterns of the ICB and period, and a funnel plot. `steadyShown` limits the patterns that did not move
 * to the most unusual few (and any the ICB has recorded a finding about): at a million referrals a year most
 * practices differ from the rest of the ICB for where they are, thousands of them, and a page of thousands of rows
 * helps nobody. Every pattern that moved is always shown.
 */
export async function patternsFor(db: Kysely<DB>, staff: StaffPrincipal, query: PeriodQuery, options: { steadyShown?: number } = {}): Promise<PatternsView> {
  const { icb, period, summary, detection, at } = await scope(db, staff, query);
  const specialty = query.specialty?.trim() || null;
  if (specialty !== null && !/^[A-Z0-9]{1,10}$/i.test(specialty)) throw badRequest(`"${specialty}" is not a specialty code.`, [{ field: 'specialty', message: 'must be a treatment function code, like 110' }]);
  const inSpecialty = detection.flagged.filter((f) => specialty === null || f.specialty === specialty);
  const steadyCount = inSpecialty.filter((f) => !f.changed).length;
  const limit = options.steadyShown ?? Infinity;
  const recorded = steadyCount > limit ? new Set((await findingsOf(db, icb, inSpecialty)).keys()) : new Set<string>();
  let steadyTaken = 0;
  const shown = inSpecialty.filter((f) => f.changed || steadyTaken++ < limit || recorded.has(f.key));
  const funnelSpecialty = specialty ?? shown[0]?.specialty ?? null;
  const requestedProvider = query.provider?.trim().toUpperCase() || null;
  const funnelProvider = requestedProvider ?? shown.find((f) => f.specialty === funnelSpecialty && f.direction === 'more')?.provider ?? shown[0]?.provider ?? null;
  const funnel = funnelSpecialty && funnelProvider ? funnelOf(summary, funnelSpecialty, funnelProvider, detection) : null;
  const ods = [...shown.flatMap((f) => [f.practice, f.provider]), ...(funnel?.points.map((p) => p.practice) ?? []), ...(funnelSpecialty ? [...(summary.specialties.get(funnelSpecialty)?.byProvider.keys() ?? [])] : [])];
  if (funnelProvider) ods.push(funnelProvider);
  const names = await namesOf(db, ods, [...summary.specialties.keys()]);
  const findings = await findingsOf(db, icb, shown);
  const { cells: _cells, flagged: _flagged, moved: _moved, ...counts } = detection;
  return {
    icb,
    icbs: await icbChoicesFor(db, staff),
    period,
    detection: counts,
    flagged: shown.map((f) => named(f, names, findings)),
    steadyCount,
    workedOutAt: at,
    specialty,
    specialties: [...summary.specialties.keys()].sort().map((code) => ({ code, name: names.get(`specialty:${code}`) ?? code })),
    funnel: funnel && {
      ...funnel,
      specialtyName: names.get(`specialty:${funnel.specialty}`) ?? funnel.specialty,
      providerName: names.get(funnel.provider) ?? funnel.provider,
      names: Object.fromEntries(funnel.points.map((p) => [p.practice, names.get(p.practice) ?? p.practice])),
    },
    providers: funnelSpecialty ? [...(summary.specialties.get(funnelSpecialty)?.byProvider.keys() ?? [])].sort().map((code) => ({ code, name: names.get(code) ?? code })) : [],
  };
}

export interface NoteView {
  status: PatternFindingStatus;
  statusText: string;
  note: string | null;
  recordedBy: string;
  recordedAt: Date;
}

export interface PatternView {
  icb: Icb;
  period: Period;
  pattern: NamedPattern & Pick<PatternWithWeeks, 'weeks'>;
  /** whether the detector tested this cell in the period (false: too few referrals, or the provider unused) */
  tested: boolean;
  notes: NoteView[];
}

/**
 * One pattern of the ICB: its figures over the period (flagged or not, so a recorded finding can be read again), its
 * weekly series and the notes recorded. A key that names no practice × specialty × provider of this ICB with any
 * referral in the period, and no finding, is not found (another ICB's pattern is not found either).
 */
export async function patternFor(db: Kysely<DB>, staff: StaffPrincipal, rawKey: string, query: PeriodQuery): Promise<PatternView> {
  const key = parsePatternKey(rawKey);
  if (!key) throw notFound('There is no such pattern.');
  const { icb, period, summary, detection } = await scope(db, staff, query);
  const keyText = `${key.practice}-${key.specialty}-${key.provider}`;
  const finding = await db.selectFrom('pattern_finding').select('id').where('icb_code', '=', icb.odsCode).where('practice_ods_code', '=', key.practice)
    .where('specialty_code', '=', key.specialty).where('provider_ods_code', '=', key.provider).executeTakeFirst();
  let cell: CellResult | undefined = detection.flagged.find((f) => f.key === keyText) ?? detection.cells.find((c) => c.key === keyText);
  const tested = cell !== undefined;
  if (!cell) {
    // Not tested (too few referrals) or the provider unused in the period: the figures without a test.
    const own = summary.practices.get(key.specialty)?.get(key.practice);
    if (!own && !finding) throw notFound('There is no such pattern for this ICB in this period.');
    const icbCounts = summary.specialties.get(key.specialty);
    const n = own?.n ?? 0;
    const k = own?.byProvider.get(key.provider) ?? 0;
    const restN = (icbCounts?.n ?? 0) - n;
    const restK = (icbCounts?.byProvider.get(key.provider) ?? 0) - k;
    cell = { ...key, key: keyText, practiceShare: share(k, n), restShare: share(restK, restN), reference: (restK + 0.5) / (restN + 1), p: 1, q: 1, flagged: false, direction: n > 0 && k / n > (restK + 0.5) / (restN + 1) ? 'more' : 'fewer' };
  }
  const pattern = withHistory(summary, cell);
  const names = await namesOf(db, [key.practice, key.provider], [key.specialty]);
  const findings = await findingsOf(db, icb, [key]);
  const notes = finding
    ? await db.selectFrom('pattern_finding_note').selectAll().where('finding_id', '=', finding.id).orderBy('recorded_at', 'desc').orderBy('id', 'desc').execute()
    : [];
  return {
    icb,
    period,
    pattern: named(pattern, names, findings),
    tested,
    notes: notes.map((n) => ({ status: n.status, statusText: FINDING_STATUSES[n.status], note: n.note, recordedBy: n.recorded_by, recordedAt: n.recorded_at })),
  };
}

export interface FindingInput {
  status: PatternFindingStatus;
  note: string;
}

/** Records what the ICB found about a pattern: the finding's status now, and a note appended to its history. */
export async function recordFinding(db: Kysely<DB>, staff: StaffPrincipal, rawKey: string, query: PeriodQuery, input: FindingInput): Promise<void> {
  const view = await patternFor(db, staff, rawKey, query);
  const note = input.note.trim();
  if (!Object.hasOwn(FINDING_STATUSES, input.status) || input.status === 'NEW') throw unprocessable('Choose where the ICB stands on this pattern.', [{ field: 'status', message: 'must be one of REVIEWING, EXPLAINED, ACTION_TAKEN, NOT_A_CONCERN' }]);
  if (CLOSING.includes(input.status) && note.length === 0) throw unprocessable('Say what the ICB found before closing the pattern.', [{ field: 'note', message: 'is required when the pattern is explained, acted on or not a concern' }]);
  if (note.length > NOTE_MAX) throw unprocessable(`A note can be at most ${NOTE_MAX} characters.`, [{ field: 'note', message: `must be ${NOTE_MAX} characters or fewer` }]);
  const p = view.pattern;
  const who = actorLabel(staff);
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('pattern_finding')
      .values({
        icb_code: view.icb.odsCode, practice_ods_code: p.practice, specialty_code: p.specialty, provider_ods_code: p.provider,
        first_flagged_week: p.since ?? weekOf(view.period.from), status: input.status, note: note || null, updated_by_account_id: staff.accountId, updated_by: who,
      })
      .onConflict((oc) => oc.columns(['icb_code', 'practice_ods_code', 'specialty_code', 'provider_ods_code']).doUpdateSet({
        status: input.status, note: note || null, updated_by_account_id: staff.accountId, updated_by: who, updated_at: sql`now()`,
      }))
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.insertInto('pattern_finding_note').values({ finding_id: row.id, status: input.status, note: note || null, recorded_by_account_id: staff.accountId, recorded_by: who }).execute();
  });
}
