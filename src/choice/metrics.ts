// The choice measures: for an ICB and a period (calendar dates, inclusive, on the day a referral was made), how many
// referrals were offered at least 5 options, where the patient chose, booked themselves, met a slot issue or a
// rejection, came on paper, were offered and took a faster alternative, and the PIDMAS requests, by practice, referral
// centre, provider, specialty or over time. All read from choice_fact (migration 018) in one scan with grouping sets.
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

const COUNT_COLUMNS = {
  referrals: sql`count(*) filter (where source = 'REFERRAL')`,
  withOptions: sql`count(*) filter (where source = 'REFERRAL' and not awaiting_options)`,
  offeredAtLeast5: sql`count(*) filter (where source = 'REFERRAL' and not awaiting_options and options_offered >= 5)`,
  optionsOffered: sql`coalesce(sum(options_offered) filter (where source = 'REFERRAL' and not awaiting_options), 0)`,
  noOptions: sql`count(*) filter (where source = 'REFERRAL' and not awaiting_options and options_offered = 0)`,
  patientChoseProvider: sql`count(*) filter (where source = 'REFERRAL' and patient_chose)`,
  booked: sql`count(*) filter (where source = 'REFERRAL' and first_appointment_on is not null)`,
  bookedByPatient: sql`count(*) filter (where source = 'REFERRAL' and booked_by_patient)`,
  appointmentSlotIssues: sql`count(*) filter (where source = 'REFERRAL' and appointment_slot_issue)`,
  rejected: sql`count(*) filter (where source = 'REFERRAL' and rejected)`,
  electronic: sql`count(*) filter (where source = 'REFERRAL' and electronic)`,
  fasterAlternativeOffered: sql`count(*) filter (where faster_alternative_offered)`,
  fasterAlternativeTaken: sql`count(*) filter (where faster_alternative_taken)`,
  pidmasInvited: sql`count(*) filter (where pidmas_invited)`,
  pidmasOptedIn: sql`count(*) filter (where pidmas_opted_in)`,
  pidmasMoved: sql`count(*) filter (where pidmas_moved)`,
} as const;
const fewerColumn = (code: FewerOptionsCode | 'NOT_RECORDED') =>
  code === 'NOT_RECORDED'
    ? sql`count(*) filter (where source = 'REFERRAL' and not awaiting_options and options_offered between 1 and 4 and fewer_options_code is null)`
    : sql`count(*) filter (where source = 'REFERRAL' and not awaiting_options and options_offered between 1 and 4 and fewer_options_code = ${code})`;

const KEY_EXPRESSIONS: Record<Grouping, RawBuilder<unknown>> = {
  icb: sql`icb_code`,
  practice: sql`practice_ods_code`,
  'referral-centre': sql`referral_centre_ods_code`,
  provider: sql`provider_ods_code`,
  specialty: sql`specialty_code`,
  week: sql`date_trunc('week', made_on)::date`,
  month: sql`date_trunc('month', made_on)::date`,
};
const NONE_NAMES: Record<Grouping, string> = {
  icb: 'No ICB', practice: 'Not from a GP practice', 'referral-centre': 'Not through a referral centre', provider: 'No provider yet',
  specialty: 'No specialty', week: '', month: '',
};

function whereFilter(f: MetricsFilter) {
  const parts = [sql`icb_code = ${f.icb.odsCode}`, sql`made_on between ${f.from}::date and ${f.to}::date`];
  if (f.specialty) parts.push(sql`specialty_code = ${f.specialty}`);
  if (f.practice) parts.push(sql`practice_ods_code = ${f.practice}`);
  if (f.referralCentre) parts.push(sql`referral_centre_ods_code = ${f.referralCentre}`);
  if (f.provider) parts.push(sql`provider_ods_code = ${f.provider}`);
  return sql.join(parts, sql` and `);
}

type Row = Record<string, unknown> & { g: number; k: string | null };

/**
 * The counts for each grouping asked for, in one scan of the ICB's facts. Periods run over dates; a week starts on
 * Monday. Groups come in key order; names are the organisations' or specialties' names.
 */
export async function aggregate(db: Kysely<DB>, filter: MetricsFilter, groupings: readonly Grouping[]): Promise<Map<Grouping, MetricsGroup[]>> {
  if (groupings.length === 0) return new Map();
  const columns = sql.join(
    [
      ...Object.entries(COUNT_COLUMNS).map(([name, expr]) => sql`${expr} as ${sql.ref(name)}`),
      ...[...FEWER_OPTIONS_CODES, 'NOT_RECORDED' as const].map((code) => sql`${fewerColumn(code)} as ${sql.ref(`fewer_${code}`)}`),
    ],
    sql`, `,
  );
  // Each grouping set is told apart by its index; its key comes out as text in one column.
  const setIndex = sql.join(groupings.map((g, i) => sql`when grouping(${KEY_EXPRESSIONS[g]}) = 0 then ${sql.lit(i)}`), sql` `);
  const sets = sql.join(groupings.map((g) => sql`(${KEY_EXPRESSIONS[g]})`), sql`, `);
  const distinct = [...new Set(groupings.map((g) => KEY_EXPRESSIONS[g]))];
  if (distinct.length !== groupings.length) throw new Error('aggregate: each grouping once');
  const result = await sql<Row>`
    with grouped as (
      select case ${setIndex} end as g, ${columns}, ${sql.join(groupings.map((g, i) => sql`${KEY_EXPRESSIONS[g]}::text as ${sql.ref(`k${i}`)}`), sql`, `)}
      from choice_fact
      where ${whereFilter(filter)}
      group by grouping sets (${sets})
    )
    select grouped.*, case g ${sql.join(groupings.map((_, i) => sql`when ${sql.lit(i)} then ${sql.ref(`k${i}`)}`), sql` `)} end as k
    from grouped`.execute(db);

  const names = await namesFor(db, result.rows, groupings);
  const out = new Map<Grouping, MetricsGroup[]>(groupings.map((g) => [g, []]));
  for (const row of result.rows) {
    const grouping = groupings[row.g]!;
    out.get(grouping)!.push({ key: row.k, name: nameOf(grouping, row.k, names), counts: countsOf(row) });
  }
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

async function namesFor(db: Kysely<DB>, rows: Row[], groupings: readonly Grouping[]) {
  const ods = new Set<string>();
  const specialties = new Set<string>();
  for (const r of rows) {
    if (r.k === null) continue;
    const g = groupings[r.g]!;
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
