// The choice measures as the API answers them: the counts of src/choice/metrics.ts for one ICB and period, grouped by
// ICB, practice, referral centre or provider, with their shares (Wilson 95% intervals), hidden where small only when
// asked for publication; and the weekly extract shaped like NHS England's e-RS open data, always for publication.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { type Share } from '../domain/statistics.ts';
import type { StaffPrincipal } from '../http/principal.ts';
import { badRequest, unprocessable } from '../http/problem.ts';
import { type CsvValue, toCsv } from './csv.ts';
import { icbInScope, type Icb } from './icb-scope.ts';
import { aggregate, asiPer10000, FEWER_OPTIONS_CODES, type GroupBy, meanOptions, type MetricsCounts, type MetricsGroup, publishable, sharesOf } from './metrics.ts';
import { parsePeriod, type Period, wholeWeeks } from './period.ts';

export const FEWER_KEYS = [...FEWER_OPTIONS_CODES, 'NOT_RECORDED'] as const;
export const SHARE_KEYS = ['offeredAtLeast5', 'patientChoseProvider', 'bookedByPatient', 'appointmentSlotIssues', 'rejected', 'electronic', 'fasterAlternativeTaken'] as const;
type ShareKey = (typeof SHARE_KEYS)[number];

/** One group's figures: the contract's ChoiceMetrics and, after `suppressed`, the fields added to it. */
export interface ChoiceMetrics {
  odsCode: string | null;
  name: string;
  referrals: number | null;
  offeredAtLeast5: number | null;
  meanOptionsOffered: number | null;
  patientChoseProvider: number | null;
  bookedByPatient: number | null;
  appointmentSlotIssues: number | null;
  rejected: number | null;
  suppressed: boolean;
  withOptions: number | null;
  optionsOffered: number | null;
  noOptions: number | null;
  fewerThan5: Record<(typeof FEWER_KEYS)[number], number | null>;
  electronic: number | null;
  paper: number | null;
  booked: number | null;
  fasterAlternativeOffered: number | null;
  fasterAlternativeTaken: number | null;
  pidmasInvited: number | null;
  pidmasOptedIn: number | null;
  pidmasMoved: number | null;
  asiPer10000: number | null;
  shares: Record<ShareKey, Share | null>;
}

export interface MetricsQuery {
  from?: string | undefined;
  to?: string | undefined;
  groupBy: GroupBy;
  icb?: string | undefined;
  specialty?: string | undefined;
  publication: boolean;
}

/** A period as asked for, or a 400 naming the field. */
export function checkedPeriod(from: string | undefined, to: string | undefined): Period {
  const parsed = parsePeriod(from, to);
  if (!parsed.ok) throw badRequest(`The period is not valid: ${parsed.problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`, parsed.problems);
  return parsed.period;
}

/** A specialty (treatment function code) the service knows, or a 422 naming the field. */
async function knownSpecialty(db: Kysely<DB>, code: string | undefined): Promise<string | null> {
  if (code === undefined) return null;
  const wanted = code.toUpperCase();
  const found = await db.selectFrom('specialty').select('code').where('code', '=', wanted).executeTakeFirst();
  if (!found) throw unprocessable(`There is no specialty with the treatment function code ${wanted}.`, [{ field: 'specialty', message: 'must be a treatment function code the directory knows, like 110' }]);
  return found.code;
}

/** A group's counts as the API shows them: all of them, or for publication with 1 to 9 hidden (null). */
export function metricsRow(group: MetricsGroup, publication: boolean): ChoiceMetrics {
  const c = group.counts;
  const shown = publication ? publishable(c) : { counts: c, suppressed: false };
  const n = shown.counts as unknown as Record<Exclude<keyof MetricsCounts, 'fewerThan5'>, number | null> & { fewerThan5: Record<string, number | null> };
  const paperCount = c.referrals - c.electronic;
  const paper = n.referrals === null || n.electronic === null ? null : publication && paperCount > 0 && paperCount < 10 ? null : paperCount;
  const shares = sharesOf(c);
  // A published share is shown only when its count and its denominator both are.
  const denominators: Record<ShareKey, number | null> = {
    offeredAtLeast5: n.withOptions, patientChoseProvider: n.referrals, bookedByPatient: n.referrals, appointmentSlotIssues: n.referrals,
    rejected: n.referrals, electronic: n.referrals, fasterAlternativeTaken: n.fasterAlternativeOffered,
  };
  return {
    odsCode: group.key,
    name: group.name,
    referrals: n.referrals,
    offeredAtLeast5: n.offeredAtLeast5,
    meanOptionsOffered: n.withOptions === null || n.optionsOffered === null ? null : meanOptions(c),
    patientChoseProvider: n.patientChoseProvider,
    bookedByPatient: n.bookedByPatient,
    appointmentSlotIssues: n.appointmentSlotIssues,
    rejected: n.rejected,
    suppressed: shown.suppressed || paper === null && paperCount > 0,
    withOptions: n.withOptions,
    optionsOffered: n.optionsOffered,
    noOptions: n.noOptions,
    fewerThan5: Object.fromEntries(FEWER_KEYS.map((k) => [k, n.fewerThan5[k] ?? null])) as ChoiceMetrics['fewerThan5'],
    electronic: n.electronic,
    paper,
    booked: n.booked,
    fasterAlternativeOffered: n.fasterAlternativeOffered,
    fasterAlternativeTaken: n.fasterAlternativeTaken,
    pidmasInvited: n.pidmasInvited,
    pidmasOptedIn: n.pidmasOptedIn,
    pidmasMoved: n.pidmasMoved,
    asiPer10000: n.referrals === null || n.appointmentSlotIssues === null ? null : asiPer10000(c),
    shares: Object.fromEntries(SHARE_KEYS.map((k) => [k, n[k] === null || denominators[k] === null ? null : shares[k]])) as ChoiceMetrics['shares'],
  };
}

export interface MetricsAnswer {
  from: string;
  to: string;
  groupBy: GroupBy;
  icb: Icb;
  specialty: string | null;
  publication: boolean;
  rows: ChoiceMetrics[];
}

/** The figures of the ICB in scope for the period, one row per group (the "none" group last, odsCode null). */
export async function choiceMetrics(db: Kysely<DB>, staff: StaffPrincipal, q: MetricsQuery): Promise<MetricsAnswer> {
  const period = checkedPeriod(q.from, q.to);
  const icb = await icbInScope(db, staff, q.icb);
  const specialty = await knownSpecialty(db, q.specialty);
  const groups = (await aggregate(db, { icb, ...period, specialty }, [q.groupBy])).get(q.groupBy) ?? [];
  return { ...period, groupBy: q.groupBy, icb, specialty, publication: q.publication, rows: groups.map((g) => metricsRow(g, q.publication)) };
}

/** The CSV columns of a metrics row: the JSON's field names, nested ones written with dots (shares.rejected.low). */
export const METRICS_COLUMNS: readonly string[] = [
  'odsCode', 'name', 'referrals', 'offeredAtLeast5', 'meanOptionsOffered', 'patientChoseProvider', 'bookedByPatient', 'appointmentSlotIssues', 'rejected', 'suppressed',
  'withOptions', 'optionsOffered', 'noOptions', ...FEWER_KEYS.map((k) => `fewerThan5.${k}`), 'electronic', 'paper', 'booked',
  'fasterAlternativeOffered', 'fasterAlternativeTaken', 'pidmasInvited', 'pidmasOptedIn', 'pidmasMoved', 'asiPer10000',
  ...SHARE_KEYS.flatMap((k) => ['count', 'denominator', 'value', 'low', 'high'].map((f) => `shares.${k}.${f}`)),
];

const at = (row: object, path: string): CsvValue => {
  let v: unknown = row;
  for (const part of path.split('.')) v = v === null || v === undefined ? null : (v as Record<string, unknown>)[part];
  return (v ?? null) as CsvValue;
};

export const metricsCsv = (answer: MetricsAnswer): string => toCsv(METRICS_COLUMNS, answer.rows.map((r) => METRICS_COLUMNS.map((c) => at(r, c))));

/** One line of the extract: a week (its Monday) × the ICB × a specialty. Column names as in the CSV. */
export interface ExtractRow {
  week_start: string;
  icb_code: string;
  specialty_code: string;
  specialty_name: string;
  referrals: number | null;
  bookings: number | null;
  appointment_slot_issues: number | null;
  asi_per_10000_referrals: number | null;
  offered_at_least_5: number | null;
  patient_chose_provider: number | null;
  suppressed: boolean;
}

export const EXTRACT_COLUMNS = ['week_start', 'icb_code', 'specialty_code', 'specialty_name', 'referrals', 'bookings', 'appointment_slot_issues', 'asi_per_10000_referrals', 'offered_at_least_5', 'patient_chose_provider', 'suppressed'] as const;

export interface ExtractAnswer {
  from: string;
  to: string;
  icb: Icb;
  rows: ExtractRow[];
}

/** How many specialties' weeks are counted at once: a handful of small scans, not one per connection. */
const AT_ONCE = 4;

/**
 * The extract for the ICB in scope: the period widened to whole ISO weeks (Monday to Sunday), one row per week and
 * specialty with referrals made in it, by week then specialty. For publication: 1 to 9 hidden, as `publishable` does.
 */
export async function ersExtract(db: Kysely<DB>, staff: StaffPrincipal, q: { from?: string | undefined; to?: string | undefined; icb?: string | undefined }): Promise<ExtractAnswer> {
  const period = wholeWeeks(checkedPeriod(q.from, q.to));
  const icb = await icbInScope(db, staff, q.icb);
  const specialties = ((await aggregate(db, { icb, ...period }, ['specialty'])).get('specialty') ?? []).filter((s) => s.key !== null && s.counts.referrals > 0);
  const rows: ExtractRow[] = [];
  for (let i = 0; i < specialties.length; i += AT_ONCE) {
    const batch = specialties.slice(i, i + AT_ONCE);
    const weeks = await Promise.all(batch.map(async (s) => ({ s, weeks: (await aggregate(db, { icb, ...period, specialty: s.key }, ['week'])).get('week') ?? [] })));
    for (const { s, weeks: ws } of weeks) {
      for (const w of ws) if (w.key !== null && w.counts.referrals > 0) rows.push(extractRow(w.key, icb, s, w.counts));
    }
  }
  rows.sort((a, b) => (a.week_start < b.week_start ? -1 : a.week_start > b.week_start ? 1 : a.specialty_code < b.specialty_code ? -1 : a.specialty_code > b.specialty_code ? 1 : 0));
  return { ...period, icb, rows };
}

function extractRow(week: string, icb: Icb, specialty: MetricsGroup, c: MetricsCounts): ExtractRow {
  const { counts: p, suppressed } = publishable(c);
  const rate = p.referrals === null || p.appointmentSlotIssues === null ? null : asiPer10000(c);
  return {
    week_start: week,
    icb_code: icb.odsCode,
    specialty_code: specialty.key!,
    specialty_name: specialty.name,
    referrals: p.referrals as number | null,
    bookings: p.booked as number | null,
    appointment_slot_issues: p.appointmentSlotIssues as number | null,
    asi_per_10000_referrals: rate === null ? null : Math.round(rate * 10) / 10,
    offered_at_least_5: p.offeredAtLeast5 as number | null,
    patient_chose_provider: p.patientChoseProvider as number | null,
    suppressed,
  };
}

export const extractCsv = (answer: ExtractAnswer): string => toCsv(EXTRACT_COLUMNS, answer.rows.map((r) => EXTRACT_COLUMNS.map((c) => r[c])));
