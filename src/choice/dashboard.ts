// The commissioner's choice dashboard: what the page's GET form asks (period, interval, specialty, sort), checked into
// a filter or the errors to show; and the figures of an ICB for it, from one call of `aggregate` (one scan), made into
// the charts, their tables and the sortable tables by practice, referral centre and provider.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { isCalendarDate, londonDate } from '../domain/dates.ts';
import type { Share } from '../domain/statistics.ts';
import { barFigure, type Figure, formatValue, lineFigure } from '../web/charts.ts';
import type { FieldError } from '../web/forms.ts';
import type { Icb } from './icb-scope.ts';
import { aggregate, asiPer10000, FEWER_OPTIONS_CODES, type Grouping, meanOptions, type MetricsCounts, type MetricsGroup, sharesOf } from './metrics.ts';
import { FEWER_OPTIONS_WORDS } from './wording.ts';

// ---------------------------------------------------------------- dates

const addDays = (iso: string, days: number) => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};
const addMonths = (iso: string, months: number) => {
  const [y, m] = iso.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + months, 1));
  return d.toISOString().slice(0, 10);
};
const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

/** The default period: the 12 months ending today, from the day after this date a year ago to today. */
export function defaultPeriod(today = londonDate()): { from: string; to: string } {
  const [y, m, d] = today.split('-') as [string, string, string];
  const yearAgo = isCalendarDate(`${Number(y) - 1}-${m}-${d}`) ? `${Number(y) - 1}-${m}-${d}` : `${Number(y) - 1}-${m}-28`;
  return { from: addDays(yearAgo, 1), to: today };
}

/** The last 3 full calendar months before today's month: the home page's headline period. */
export function lastThreeFullMonths(today = londonDate()): { from: string; to: string } {
  const thisMonth = `${today.slice(0, 7)}-01`;
  return { from: addMonths(thisMonth, -3), to: addDays(thisMonth, -1) };
}

/** A period may run at most this many days (5 years and their leap days). */
export const MAX_PERIOD_DAYS = 5 * 365 + 2;

/** The Monday of a date's week, and the first of its month: the keys `aggregate` groups by. */
export const weekOf = (iso: string) => addDays(iso, -((new Date(`${iso}T00:00:00Z`).getUTCDay() + 6) % 7));
export const monthOf = (iso: string) => `${iso.slice(0, 7)}-01`;

/** Every week (Monday) or month (first day) from `from`'s to `to`'s, so a period with no referrals shows as a gap. */
export function periodsBetween(from: string, to: string, interval: Interval): string[] {
  const out: string[] = [];
  for (let p = interval === 'week' ? weekOf(from) : monthOf(from); p <= to && out.length < 400; p = interval === 'week' ? addDays(p, 7) : addMonths(p, 1)) out.push(p);
  return out;
}

/** The last day of a week or month starting on `start`, kept within the period. */
export const periodEnd = (start: string, interval: Interval, to: string) => {
  const end = interval === 'week' ? addDays(start, 6) : addDays(addMonths(start, 1), -1);
  return end < to ? end : to;
};

// ---------------------------------------------------------------- the query

export const INTERVALS = ['week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

/** The columns the tables sort by, with their headings. */
export const SORT_COLUMNS = {
  name: 'Name',
  referrals: 'Referrals',
  offeredAtLeast5: 'Offered 5 or more',
  meanOptions: 'Mean options',
  patientChose: 'Patient chose',
  bookedByPatient: 'Booked online by the patient',
  asi: 'Appointment slot issues',
  rejected: 'Rejected',
  paper: 'Paper referrals',
} as const;
export type SortColumn = keyof typeof SORT_COLUMNS;
export const isSortColumn = (s: string): s is SortColumn => Object.hasOwn(SORT_COLUMNS, s);

export interface DashboardQuery {
  from: string;
  to: string;
  interval: Interval;
  specialty: string | null;
  sort: SortColumn;
  order: 'asc' | 'desc';
  /** every practice, not the first PRACTICE_LIMIT */
  allPractices: boolean;
}

/** What the form shows again, as typed. */
export type DashboardValues = Record<'from' | 'to' | 'interval' | 'specialty' | 'sort' | 'order' | 'practices', string>;

export const PRACTICE_LIMIT = 25;

const first = (v: unknown): string => {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'string' ? x.trim().slice(0, 40) : '';
};

/** Reads the dashboard's query string; any problem is an error for the NHS error summary, never an exception. */
export function readDashboardQuery(
  query: unknown,
  specialtyCodes: ReadonlySet<string>,
  today = londonDate(),
): { ok: true; values: DashboardValues; query: DashboardQuery } | { ok: false; values: DashboardValues; errors: FieldError[] } {
  const q = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
  const values: DashboardValues = {
    from: first(q.from), to: first(q.to), interval: first(q.interval), specialty: first(q.specialty), sort: first(q.sort), order: first(q.order), practices: first(q.practices),
  };
  const errors: FieldError[] = [];
  // Sort, order and 'show all' come from links, not fields: their errors point at the one message the form shows for them.
  const fail = (field: string, message: string) => void errors.push({ field, href: ['order', 'practices'].includes(field) ? '#sort' : `#${field}`, message });
  const period = defaultPeriod(today);
  const from = values.from || period.from;
  const to = values.to || period.to;
  const dateOk = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && isCalendarDate(v);
  if (!dateOk(from)) fail('from', 'The start date must be a real date, written like 2026-01-31');
  if (!dateOk(to)) fail('to', 'The end date must be a real date, written like 2026-12-31');
  if (dateOk(from) && dateOk(to)) {
    if (to < from) fail('to', 'The end date must be the same as or after the start date');
    else if (daysBetween(from, to) > MAX_PERIOD_DAYS) fail('to', 'The period must be 5 years or shorter');
  }
  const interval = values.interval || 'week';
  if (!(INTERVALS as readonly string[]).includes(interval)) fail('interval', 'Select weeks or months');
  const specialty = values.specialty || null;
  if (specialty !== null && !specialtyCodes.has(specialty)) fail('specialty', 'Select a specialty from the list');
  const sort = values.sort || 'referrals';
  if (!isSortColumn(sort)) fail('sort', `Sort by one of the table's columns (${Object.keys(SORT_COLUMNS).join(', ')})`);
  const order = values.order || (sort === 'name' ? 'asc' : 'desc');
  if (order !== 'asc' && order !== 'desc') fail('order', 'Sort in ascending (asc) or descending (desc) order');
  if (values.practices && values.practices !== 'all') fail('practices', 'Show all practices (practices=all) or the first ones');
  if (errors.length) return { ok: false, values, errors };
  return { ok: true, values, query: { from, to, interval: interval as Interval, specialty, sort: sort as SortColumn, order: order as 'asc' | 'desc', allPractices: values.practices === 'all' } };
}

/** The specialties a referral can be made in, for the filter. */
export function listSpecialties(db: Kysely<DB>): Promise<{ code: string; name: string }[]> {
  return db.selectFrom('specialty').select(['code', 'name']).orderBy('name').execute();
}

// ---------------------------------------------------------------- the figures

export interface GroupRow {
  key: string | null;
  name: string;
  referrals: number;
  offeredAtLeast5: Share;
  meanOptions: number | null;
  patientChose: Share;
  bookedByPatient: Share;
  asi: number;
  rejected: number;
  paper: number;
}

export function groupRow(g: MetricsGroup): GroupRow {
  const s = sharesOf(g.counts);
  return {
    key: g.key, name: g.name, referrals: g.counts.referrals, offeredAtLeast5: s.offeredAtLeast5, meanOptions: meanOptions(g.counts), patientChose: s.patientChoseProvider,
    bookedByPatient: s.bookedByPatient, asi: g.counts.appointmentSlotIssues, rejected: g.counts.rejected, paper: g.counts.referrals - g.counts.electronic,
  };
}

const sortValue = (r: GroupRow, c: SortColumn): number | string | null => {
  switch (c) {
    case 'name': return r.name.toLowerCase();
    case 'offeredAtLeast5': return r.offeredAtLeast5.value;
    case 'patientChose': return r.patientChose.value;
    case 'bookedByPatient': return r.bookedByPatient.value;
    default: return r[c];
  }
};

/** Rows sorted by a column, missing values (no denominator) last whichever the order; ties by name. */
export function sortRows(rows: readonly GroupRow[], column: SortColumn, order: 'asc' | 'desc'): GroupRow[] {
  const sign = order === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = sortValue(a, column);
    const y = sortValue(b, column);
    if (x === null || y === null) return x === null && y === null ? a.name.localeCompare(b.name) : x === null ? 1 : -1;
    if (typeof x === 'string' && typeof y === 'string') return sign * x.localeCompare(y) || a.name.localeCompare(b.name);
    if (x < y) return -sign;
    if (x > y) return sign;
    return a.name.localeCompare(b.name);
  });
}

/** The groupings the dashboard asks `aggregate` for, in its one scan. */
export const dashboardGroupings = (interval: Interval): Grouping[] => ['icb', interval, 'practice', 'referral-centre', 'provider'];

export interface Dashboard {
  icb: MetricsCounts;
  totals: GroupRow;
  asiRate: number | null;
  overTime: Figure;
  asiOverTime: Figure;
  reasons: Figure;
  fewerThan5: { code: string; words: string; count: number }[];
  practices: GroupRow[];
  practicesShown: GroupRow[];
  referralCentres: GroupRow[];
  providers: GroupRow[];
  groups: Map<Grouping, MetricsGroup[]>;
}

const periodLabel = (start: string, interval: Interval) => {
  const d = new Date(`${start}T00:00:00Z`);
  return interval === 'week'
    ? d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })
    : d.toLocaleDateString('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
};

/** An ICB's figures for the dashboard's query, from one call of `aggregate`. */
export async function dashboardFigures(db: Kysely<DB>, icb: Icb, q: DashboardQuery): Promise<Dashboard> {
  const groups = await aggregate(db, { icb, from: q.from, to: q.to, specialty: q.specialty }, dashboardGroupings(q.interval));
  const icbCounts = groups.get('icb')![0]!.counts;
  const byPeriod = new Map(groups.get(q.interval)!.map((g) => [g.key, g.counts]));
  const periods = periodsBetween(q.from, q.to, q.interval);
  const categories = periods.map((p) => periodLabel(p, q.interval));
  const shareSeries = (name: string, pick: (c: MetricsCounts) => Share) => {
    const shares = periods.map((p) => (byPeriod.has(p) ? pick(byPeriod.get(p)!) : null));
    return {
      name,
      values: shares.map((s) => s?.value ?? null),
      low: shares.map((s) => s?.low ?? null),
      high: shares.map((s) => s?.high ?? null),
      counts: shares.map((s) => (s ? { count: s.count, denominator: s.denominator } : null)),
    };
  };
  const series = [
    shareSeries('Offered 5 or more options', (c) => sharesOf(c).offeredAtLeast5),
    shareSeries('The patient chose', (c) => sharesOf(c).patientChoseProvider),
    shareSeries('Booked online by the patient', (c) => sharesOf(c).bookedByPatient),
  ];
  const totals = sharesOf(icbCounts);
  const heading = q.interval === 'week' ? 'Week beginning' : 'Month';
  const describeShare = (name: string, s: Share) => `${name}: ${formatValue(s.value, 'percent')} over the period (${s.count.toLocaleString('en-GB')} of ${s.denominator.toLocaleString('en-GB')})`;
  const overTime = lineFigure({
    id: 'shares-over-time',
    title: `Shares of referrals by ${q.interval}`,
    description: icbCounts.referrals === 0
      ? 'No referrals were made in this period.'
      : `${describeShare('Offered 5 or more options', totals.offeredAtLeast5)}; ${describeShare('the patient chose', totals.patientChoseProvider)}; ${describeShare('booked online by the patient', totals.bookedByPatient)}. Shaded bands are 95% intervals of the share offered 5 or more.`,
    categories, categoryHeading: heading, format: 'percent', yMax: 1,
    // The interval band of the first series only: three overlapping bands would hide the lines.
    series: series.map((s, i) => (i === 0 ? s : { name: s.name, values: s.values, counts: s.counts })),
  });
  const rates = periods.map((p) => (byPeriod.has(p) ? asiPer10000(byPeriod.get(p)!) : null));
  const asiRate = asiPer10000(icbCounts);
  const peak = rates.reduce<{ i: number; v: number } | null>((best, v, i) => (v !== null && (best === null || v > best.v) ? { i, v } : best), null);
  const asiOverTime = lineFigure({
    id: 'asi-over-time',
    title: `Appointment slot issues per 10,000 referrals, by ${q.interval}`,
    description: asiRate === null
      ? 'No referrals were made in this period.'
      : `${formatValue(asiRate, 'rate')} appointment slot issues per 10,000 referrals over the period (${icbCounts.appointmentSlotIssues.toLocaleString('en-GB')} of ${icbCounts.referrals.toLocaleString('en-GB')})${peak && peak.v > 0 ? `, highest in ${categories[peak.i]} at ${formatValue(peak.v, 'rate')}` : ''}.`,
    categories, categoryHeading: heading, format: 'rate',
    series: [{ name: 'Appointment slot issues per 10,000 referrals', values: rates, counts: periods.map((p) => (byPeriod.has(p) ? { count: byPeriod.get(p)!.appointmentSlotIssues, denominator: byPeriod.get(p)!.referrals } : null)) }],
  });
  const fewerThan5 = [...FEWER_OPTIONS_CODES, 'NOT_RECORDED' as const].map((code) => ({ code, words: FEWER_OPTIONS_WORDS[code], count: icbCounts.fewerThan5[code] }));
  const fewerTotal = fewerThan5.reduce((n, r) => n + r.count, 0);
  const top = [...fewerThan5].sort((a, b) => b.count - a.count)[0]!;
  const reasons = barFigure({
    id: 'fewer-reasons',
    title: 'Why referrals were offered fewer than 5 options',
    description: fewerTotal === 0
      ? 'No referral in this period was offered between 1 and 4 options.'
      : `${fewerTotal.toLocaleString('en-GB')} referrals were offered 1 to 4 options; the most common reason was “${top.words}” (${top.count.toLocaleString('en-GB')}).`,
    bars: fewerThan5.map((r) => ({ label: r.words, value: r.count, count: r.count, denominator: fewerTotal })),
    format: 'number', categoryHeading: 'Reason', valueHeading: 'Referrals',
  });
  const rows = (g: Grouping) => sortRows(groups.get(g)!.map(groupRow), q.sort, q.order);
  const practices = rows('practice');
  return {
    icb: icbCounts, totals: groupRow(groups.get('icb')![0]!), asiRate, overTime, asiOverTime, reasons, fewerThan5,
    practices, practicesShown: q.allPractices ? practices : practices.slice(0, PRACTICE_LIMIT),
    referralCentres: rows('referral-centre'), providers: rows('provider'), groups,
  };
}

/** The home page's headline figures: the ICB's last 3 full months. */
export async function headlineFigures(db: Kysely<DB>, icb: Icb, today = londonDate()) {
  const period = lastThreeFullMonths(today);
  const counts = (await aggregate(db, { icb, ...period }, ['icb'])).get('icb')![0]!.counts;
  const s = sharesOf(counts);
  return { ...period, referrals: counts.referrals, offeredAtLeast5: s.offeredAtLeast5, patientChose: s.patientChoseProvider, asiPer10000: asiPer10000(counts), counts };
}
