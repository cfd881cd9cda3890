// The choice measures: for an ICB and a period (calendar dates, inclusive, on the day a referral was made), how many
// referrals were offered at least 5 options, where the patient chose, booked themselves, met a slot issue or a
// rejection, came on paper, were offered and took a faster alternative, and the PIDMAS requests, by practice, referral
// centre, provider, specialty or over time. Whole months come from the monthly rollup (migration 019), whole weeks
// from the weekly one (026), and the partial months or weeks at a period's ends from the facts themselves (018);
// grouping sets make one scan serve many groupings.
import { type Kysely, sql, type RawBuilder } from 'kysely';
import type { DB, FewerOptionsCode } from '../db/schema.ts';
import { isSmallNumber, type Share, share } from '../domain/statistics.ts';
import type { Icb } from './icb-scope.ts';

/** The groupings of the API; the dashboard also groups by specialty and over time. */
export const GROUP_BY = ['icb', 'practice', 'referral-centre', 'provider'] as const;
export type GroupBy = (typeof GROUP_BY)[number];
export type Grouping = GroupBy | 'specialty' | 'week' | 'month';

export const FEWER_OPTIONS_CODES: readonly FewerOptionsCode[] = ['FEWER_WITHIN_REACH', 'PATIENT_ASKED', 'CLINICALLY_SPECIALIST', 'URGENT_CAPACITY', 'REFERRER_CHOSE', 'OTHER'];

export interface MetricsFilter {
  icb: Icb;
  from: string;
  to: string;
  /** only this specialty (treatment function code) */
  specialty?: string | null;
  /** only this practice's, centre's or provider's referrals (a drill-down) */
  practice?: string | null;
  referralCentre?: string | null;
  provider?: string | null;
}

/** The counts of one group; `ChoiceMetrics` in the API contract, and more. */
export interface MetricsCounts {
  referrals: number;
  /** referrals whose options are known: all but those still awaiting triage (the denominator of the options measures) */
  withOptions: number;
  offeredAtLeast5: number;
  /** total options offered, over `withOptions` */
  optionsOffered: number;
  /** offered 1 to 4 options, by coded reason ('NOT_RECORDED' where none was) */
  fewerThan5: Record<FewerOptionsCode | 'NOT_RECORDED', number>;
  /** offered none at all (a triage that returned the referral, or no service) */
  noOptions: number;
  patientChoseProvider: number;
  /** referrals with an appointment booked now (by anyone): the e-RS extract's bookings */
  booked: number;
  bookedByPatient: number;
  appointmentSlotIssues: number;
  rejected: number;
  electronic: number;
  fasterAlternativeOffered: number;
  fasterAlternativeTaken: number;
  /** PIDMAS counts are of every pathway of the ICB's patients started in the period, waiting-list imports included */
  pidmasInvited: number;
  pidmasOptedIn: number;
  pidmasMoved: number;
}

export interface MetricsGroup {
  /** the group's key: an ODS code, a specialty code, a week's Monday or a month's first day; null for 'none' */
  key: string | null;
  name: string;
  counts: MetricsCounts;
}

// What each count sums: columns of the view choice_fact_counts (one referral's 0 or 1 towards each) and of the table
// choice_rollup (the same summed by month), both defined once in migration 019.
const COUNT_COLUMNS = {
  referrals: 'referrals',
  withOptions: 'with_options',
  offeredAtLeast5: 'offered_at_least_5',
  optionsOffered: 'options_offered',
  noOptions: 'no_options',
  patientChoseProvider: 'patient_chose',
  booked: 'booked',
  bookedByPatient: 'booked_by_patient',
  appointmentSlotIssues: 'appointment_slot_issues',
  rejected: 'rejected',
  electronic: 'electronic',
  fasterAlternativeOffered: 'faster_offered',
  fasterAlternativeTaken: 'faster_taken',
  pidmasInvited: 'pidmas_invited',
  pidmasOptedIn: 'pidmas_opted_in',
  pidmasMoved: 'pidmas_moved',
} as const;
const FEWER_COLUMNS = Object.fromEntries([...FEWER_OPTIONS_CODES, 'NOT_RECORDED'].map((c) => [`fewer_${c}`, `fewer_${c.toLowerCase()}`]));
const SUMMED: Record<string, string> = { ...COUNT_COLUMNS, ...FEWER_COLUMNS, facts: 'facts' };
/** Every count of choice_fact_counts, each summed in a column of the same name of the rollups (019, 026). */
export const SUMMED_COLUMNS: readonly string[] = Object.values(SUMMED);
const SOURCE_COLUMNS = ['icb_code', 'month', 'practice_ods_code', 'referral_centre_ods_code', 'provider_ods_code', 'specialty_code'];

const KEY_EXPRESSIONS: Record<Grouping, RawBuilder<unknown>> = {
  icb: sql`icb_code`,
  practice: sql`practice_ods_code`,
  'referral-centre': sql`referral_centre_ods_code`,
  provider: sql`provider_ods_code`,
  specialty: sql`specialty_code`,
  week: sql`week`,
  month: sql`month`,
};
const NONE_NAMES: Record<Grouping, string> = {
  icb: 'No ICB', practice: 'Not from a GP practice', 'referral-centre': 'Not through a referral centre', provider: 'No provider yet',
  specialty: 'No specialty', week: '', month: '',
};

function groupFilter(f: MetricsFilter) {
  const parts = [sql`icb_code = ${f.icb.odsCode}`];
  if (f.specialty) parts.push(sql`specialty_code = ${f.specialty}`);
  if (f.practice) parts.push(sql`practice_ods_code = ${f.practice}`);
  if (f.referralCentre) parts.push(sql`referral_centre_ods_code = ${f.referralCentre}`);
  if (f.provider) parts.push(sql`provider_ods_code = ${f.provider}`);
  return sql.join(parts, sql` and `);
}

/** The whole calendar months within from..to (inclusive dates), as the first day of the first and of the last; null if none. */
export function wholeMonths(from: string, to: string): { first: string; last: string; lastDay: string } | null {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(fy, fm - 1 + (fd === 1 ? 0 : 1), 1));
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  const endOfToMonth = new Date(Date.UTC(ty, tm, 0)).getUTCDate();
  const lastMonth = new Date(Date.UTC(ty, tm - 1 - (td === endOfToMonth ? 0 : 1), 1));
  if (first > lastMonth) return null;
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  return { first: iso(first), last: iso(lastMonth), lastDay: iso(new Date(Date.UTC(lastMonth.getUTCFullYear(), lastMonth.getUTCMonth() + 1, 0))) };
}

/** The whole weeks (Monday to Sunday) within from..to, as the first and last Monday and the last Sunday; null if none. */
export function wholeWeeks(from: string, to: string): { first: string; last: string; lastDay: string } | null {
  const day = (d: string) => Date.parse(`${d}T00:00:00Z`);
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const f = day(from);
  const first = f + (((8 - new Date(f).getUTCDay()) % 7) * 86_400_000);
  const t = day(to);
  const lastDay = t - ((new Date(t).getUTCDay() % 7) * 86_400_000);
  if (lastDay < first + 6 * 86_400_000) return null;
  return { first: iso(first), last: iso(lastDay - 6 * 86_400_000), lastDay: iso(lastDay) };
}

/**
 * The rows to sum for a period: whole months (or, for weeks, whole weeks) from the rollups, the partial ones at
 * either end from the facts themselves. A weekly series narrowed to one practice, centre or provider reads the facts.
 */
function sourceRows(f: MetricsFilter, byWeek: boolean) {
  const period = sql`made_on between ${f.from}::date and ${f.to}::date`;
  if (byWeek) {
    const cols = sql.join([...['icb_code', 'week', 'specialty_code'], ...Object.values(SUMMED)].map((c) => sql.ref(c)), sql`, `);
    const facts = sql`select *, date_trunc('week', made_on)::date as week from choice_fact_counts`;
    const whole = f.practice || f.referralCentre || f.provider ? null : wholeWeeks(f.from, f.to);
    if (!whole) return sql`select ${cols} from (${facts}) f where ${groupFilter(f)} and ${period}`;
    return sql`select ${cols} from choice_rollup_week where ${groupFilter(f)} and week between ${whole.first}::date and ${whole.last}::date
      union all
      select ${cols} from (${facts}) f where ${groupFilter(f)} and ${period} and not (made_on between ${whole.first}::date and ${whole.lastDay}::date)`;
  }
  const cols = sql.join([...SOURCE_COLUMNS, ...Object.values(SUMMED)].map((c) => sql.ref(c)), sql`, `);
  const whole = wholeMonths(f.from, f.to);
  if (!whole) return sql`select ${cols} from choice_fact_counts where ${groupFilter(f)} and ${period}`;
  return sql`select ${cols} from choice_rollup where ${groupFilter(f)} and month between ${whole.first}::date and ${whole.last}::date
    union all
    select ${cols} from choice_fact_counts where ${groupFilter(f)} and ${period}
      and not (made_on between ${whole.first}::date and ${whole.lastDay}::date)`;
}

type Row = Record<string, unknown> & { g: number; k: string | null };

async function grouped(db: Kysely<DB>, filter: MetricsFilter, groupings: readonly Grouping[], byWeek: boolean): Promise<Row[]> {
  if (groupings.length === 0) return [];
  const columns = sql.join(Object.entries(SUMMED).map(([name, column]) => sql`coalesce(sum(${sql.ref(column)}), 0) as ${sql.ref(name)}`), sql`, `);
  // Each grouping set is told apart by its index; its key comes out as text in one column.
  const setIndex = sql.join(groupings.map((g, i) => sql`when grouping(${KEY_EXPRESSIONS[g]}) = 0 then ${sql.lit(i)}`), sql` `);
  const sets = sql.join(groupings.map((g) => sql`(${KEY_EXPRESSIONS[g]})`), sql`, `);
  const result = await sql<Row>`
    with grouped as (
      select case ${setIndex} end as g, ${columns}, ${sql.join(groupings.map((g, i) => sql`${KEY_EXPRESSIONS[g]}::text as ${sql.ref(`k${i}`)}`), sql`, `)}
      from (${sourceRows(filter, byWeek)}) source
      group by grouping sets (${sets})
      having sum(facts) > 0
    )
    select grouped.*, case g ${sql.join(groupings.map((_, i) => sql`when ${sql.lit(i)} then ${sql.ref(`k${i}`)}`), sql` `)} end as k
    from grouped`.execute(db);
  return result.rows;
}

/**
 * The counts for each grouping asked for: one scan of the monthly rollup and the period's partial months (and, for
 * weeks, one scan of the facts). Periods run over dates; a week starts on Monday. Groups come in key order; names are
 * the organisations' or specialties' names.
 */
export async function aggregate(db: Kysely<DB>, filter: MetricsFilter, groupings: readonly Grouping[]): Promise<Map<Grouping, MetricsGroup[]>> {
  if (new Set(groupings).size !== groupings.length) throw new Error('aggregate: each grouping once');
  const monthly = groupings.filter((g) => g !== 'week');
  const weekly = groupings.filter((g) => g === 'week');
  const [monthlyRows, weeklyRows] = await Promise.all([grouped(db, filter, monthly, false), grouped(db, filter, weekly, true)]);
  const rows = [...monthlyRows.map((r) => ({ ...r, grouping: monthly[r.g]! })), ...weeklyRows.map((r) => ({ ...r, grouping: weekly[r.g]! }))];

  const names = await namesFor(db, rows);
  const out = new Map<Grouping, MetricsGroup[]>(groupings.map((g) => [g, []]));
  for (const row of rows) out.get(row.grouping)!.push({ key: row.k, name: nameOf(row.grouping, row.k, names), counts: countsOf(row) });
  for (const groups of out.values()) groups.sort((a, b) => (a.key === null ? 1 : b.key === null ? -1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  // A grouping with no facts at all still answers its one total row for the ICB, so "no referrals" reads as 0.
  if (out.get('icb')?.length === 0) out.get('icb')!.push({ key: filter.icb.odsCode, name: filter.icb.name, counts: countsOf({}) });
  return out;
}

function countsOf(row: Record<string, unknown>): MetricsCounts {
  const n = (name: string) => Number(row[name] ?? 0);
  return {
    referrals: n('referrals'), withOptions: n('withOptions'), offeredAtLeast5: n('offeredAtLeast5'), optionsOffered: n('optionsOffered'),
    fewerThan5: Object.fromEntries([...FEWER_OPTIONS_CODES, 'NOT_RECORDED'].map((c) => [c, n(`fewer_${c}`)])) as MetricsCounts['fewerThan5'],
    noOptions: n('noOptions'), patientChoseProvider: n('patientChoseProvider'), booked: n('booked'), bookedByPatient: n('bookedByPatient'),
    appointmentSlotIssues: n('appointmentSlotIssues'), rejected: n('rejected'), electronic: n('electronic'),
    fasterAlternativeOffered: n('fasterAlternativeOffered'), fasterAlternativeTaken: n('fasterAlternativeTaken'),
    pidmasInvited: n('pidmasInvited'), pidmasOptedIn: n('pidmasOptedIn'), pidmasMoved: n('pidmasMoved'),
  };
}

async function namesFor(db: Kysely<DB>, rows: { k: string | null; grouping: Grouping }[]) {
  const ods = new Set<string>();
  const specialties = new Set<string>();
  for (const r of rows) {
    if (r.k === null) continue;
    const g = r.grouping;
    if (g === 'specialty') specialties.add(r.k);
    else if (g !== 'week' && g !== 'month') ods.add(r.k);
  }
  const [orgs, specs] = await Promise.all([
    ods.size ? db.selectFrom('organisation').select(['ods_code', 'name']).where('ods_code', 'in', [...ods]).execute() : [],
    specialties.size ? db.selectFrom('specialty').select(['code', 'name']).where('code', 'in', [...specialties]).execute() : [],
  ]);
  return new Map<string, string>([...orgs.map((o) => [o.ods_code, o.name] as const), ...specs.map((s) => [`specialty:${s.code}`, s.name] as const)]);
}

function nameOf(g: Grouping, key: string | null, names: Map<string, string>): string {
  if (key === null) return NONE_NAMES[g];
  if (g === 'week' || g === 'month') return key;
  return names.get(g === 'specialty' ? `specialty:${key}` : key) ?? key;
}

/** The shares a figure is read by, each with its denominator and 95% interval. */
export interface MetricsShares {
  offeredAtLeast5: Share;
  patientChoseProvider: Share;
  bookedByPatient: Share;
  appointmentSlotIssues: Share;
  rejected: Share;
  electronic: Share;
  fasterAlternativeTaken: Share;
}

export function sharesOf(c: MetricsCounts): MetricsShares {
  return {
    offeredAtLeast5: share(c.offeredAtLeast5, c.withOptions),
    patientChoseProvider: share(c.patientChoseProvider, c.referrals),
    bookedByPatient: share(c.bookedByPatient, c.referrals),
    appointmentSlotIssues: share(c.appointmentSlotIssues, c.referrals),
    rejected: share(c.rejected, c.referrals),
    electronic: share(c.electronic, c.referrals),
    fasterAlternativeTaken: share(c.fasterAlternativeTaken, c.fasterAlternativeOffered),
  };
}

/** The mean number of options offered, over referrals whose options are known. */
export const meanOptions = (c: MetricsCounts): number | null => (c.withOptions === 0 ? null : c.optionsOffered / c.withOptions);

/** Appointment slot issues per 10,000 referrals, the rate of the e-RS open data. */
export const asiPer10000 = (c: MetricsCounts): number | null => (c.referrals === 0 ? null : (c.appointmentSlotIssues / c.referrals) * 10_000);

/**
 * The counts as they may be published: a group of 1 to 9 referrals is hidden whole, and any other count of 1 to 9 is
 * hidden on its own (null). For the ICB's own staff, nothing is hidden; they call with `publication` false.
 */
export function publishable(c: MetricsCounts): { counts: { [K in keyof MetricsCounts]: MetricsCounts[K] extends number ? number | null : Record<string, number | null> }; suppressed: boolean } {
  let suppressed = false;
  const whole = isSmallNumber(c.referrals);
  const hide = (v: number) => {
    if (whole || isSmallNumber(v)) {
      suppressed = suppressed || v > 0 || whole;
      return null;
    }
    return v;
  };
  const counts = Object.fromEntries(
    Object.entries(c).map(([k, v]) => [k, typeof v === 'number' ? hide(v) : Object.fromEntries(Object.entries(v as Record<string, number>).map(([code, n]) => [code, hide(n)]))]),
  ) as ReturnType<typeof publishable>['counts'];
  return { counts, suppressed: suppressed || whole };
}
