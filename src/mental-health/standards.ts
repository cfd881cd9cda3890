// The mental health waiting standards (the 2016 guide's action 5.5) and how a set of pathways measures against them.
// Pure: no I/O, so the pages, the provider's own figures and the tests all share one definition.
//
// The rule, as NHS England's national statistics count it: a pathway counts in the period in which its FIRST
// TREATMENT falls ("completed pathways in the period"); its wait is the whole days from the clock start (the referral
// received) to that first treatment. A wait of exactly 14 days is within 2 weeks, 15 days is not (6 weeks = 42 days,
// 18 weeks = 126 days, likewise inclusive). A second figure says who is still waiting: pathways open on the period's
// last day (referred by then, neither treated nor ended by then) that had by then waited longer than the threshold.
import { isCalendarDate } from '../domain/dates.ts';
import { addDays, daysBetween } from '../domain/rtt-clock.ts';
import { isSmallNumber, type Share, share } from '../domain/statistics.ts';

export type ServiceKind = 'EIP' | 'TALKING_THERAPIES';
export type StandardId = 'EIP_2_WEEKS' | 'TT_6_WEEKS' | 'TT_18_WEEKS';

export interface Standard {
  id: StandardId;
  kind: ServiceKind;
  /** treated within this many days of referral (inclusive) */
  days: number;
  weeks: number;
  /** the share that must be treated within `days` */
  target: number;
  /** 'MORE_THAN': the share must exceed the target (EIP: "more than 50%"); 'AT_LEAST': reach it */
  comparison: 'MORE_THAN' | 'AT_LEAST';
  /** NHS England's later, higher ambition, where there is one (EIP: 60% from 2020/21); shown beside, never instead */
  laterAmbition: number | null;
}

export const SERVICE_NAMES: Record<ServiceKind, string> = {
  EIP: 'Early intervention in psychosis',
  TALKING_THERAPIES: 'NHS Talking Therapies (formerly IAPT)',
};

/** The standards as the 2016 guide names them (action 5.5). */
export const STANDARDS: readonly Standard[] = [
  { id: 'EIP_2_WEEKS', kind: 'EIP', days: 14, weeks: 2, target: 0.5, comparison: 'MORE_THAN', laterAmbition: 0.6 },
  { id: 'TT_6_WEEKS', kind: 'TALKING_THERAPIES', days: 42, weeks: 6, target: 0.75, comparison: 'AT_LEAST', laterAmbition: null },
  { id: 'TT_18_WEEKS', kind: 'TALKING_THERAPIES', days: 126, weeks: 18, target: 0.95, comparison: 'AT_LEAST', laterAmbition: null },
];

export const standardsOf = (kind: ServiceKind): Standard[] => STANDARDS.filter((s) => s.kind === kind);

/** What the measure reads of a pathway: dates only, never who the patient is. */
export interface PathwayDates {
  kind: ServiceKind;
  providerOdsCode: string;
  referredOn: string;
  firstTreatmentOn: string | null;
  endedOn: string | null;
}

export interface Period {
  /** inclusive calendar dates, YYYY-MM-DD */
  from: string;
  to: string;
}

/** Whole days from the clock start to the first treatment, or null when there has been none. */
export function daysToTreatment(p: Pick<PathwayDates, 'referredOn' | 'firstTreatmentOn'>): number | null {
  return p.firstTreatmentOn === null ? null : daysBetween(p.referredOn, p.firstTreatmentOn);
}

/** Within the standard's time: `days` at most the threshold (day 14 is within 2 weeks; day 15 is not). */
export const withinTime = (days: number, standard: Pick<Standard, 'days'>): boolean => days <= standard.days;

/** Whether a share meets the standard's target (strictly more than, or at least, as the standard says). */
export function meetsTarget(value: number, target: number, comparison: Standard['comparison']): boolean {
  return comparison === 'MORE_THAN' ? value > target : value >= target;
}

export type Verdict = 'MET' | 'NOT_MET' | 'NO_DATA';
/** Where the 95% interval lies against the target: wholly on the side that meets it, wholly short, or across it. */
export type Confidence = 'CLEARLY_MET' | 'CLEARLY_NOT_MET' | 'SPANS_TARGET';

export interface StandardFigure {
  standard: Standard;
  /** pathways whose first treatment fell in the period, and of them those treated within the standard's time */
  treatedWithin: Share;
  verdict: Verdict;
  confidence: Confidence | null;
  /** against NHS England's later ambition, where the standard has one */
  ambitionVerdict: Verdict | null;
  /** pathways open on the period's last day, and of them those waiting longer than the standard's time by then */
  stillWaiting: number;
  stillWaitingPast: number;
}

const inPeriod = (date: string | null, period: Period): date is string => date !== null && date >= period.from && date <= period.to;

/** Open on `day`: referred by then, and neither treated nor ended by then. */
export const openOn = (p: PathwayDates, day: string): boolean =>
  p.referredOn <= day && !(p.firstTreatmentOn !== null && p.firstTreatmentOn <= day) && !(p.endedOn !== null && p.endedOn <= day);

function verdictOf(s: Share, target: number, comparison: Standard['comparison']): Verdict {
  return s.value === null ? 'NO_DATA' : meetsTarget(s.value, target, comparison) ? 'MET' : 'NOT_MET';
}

function confidenceOf(s: Share, standard: Standard): Confidence | null {
  if (s.low === null || s.high === null) return null;
  if (meetsTarget(s.low, standard.target, standard.comparison)) return 'CLEARLY_MET';
  if (!meetsTarget(s.high, standard.target, standard.comparison)) return 'CLEARLY_NOT_MET';
  return 'SPANS_TARGET';
}

/** One standard measured over `pathways` (of any kind: only the standard's own kind counts) in `period`. */
export function measure(pathways: readonly PathwayDates[], standard: Standard, period: Period): StandardFigure {
  let treated = 0;
  let within = 0;
  let stillWaiting = 0;
  let stillWaitingPast = 0;
  for (const p of pathways) {
    if (p.kind !== standard.kind) continue;
    if (inPeriod(p.firstTreatmentOn, period)) {
      treated++;
      if (withinTime(daysBetween(p.referredOn, p.firstTreatmentOn), standard)) within++;
    } else if (openOn(p, period.to)) {
      stillWaiting++;
      if (!withinTime(daysBetween(p.referredOn, period.to), standard)) stillWaitingPast++;
    }
  }
  const treatedWithin = share(within, treated);
  return {
    standard,
    treatedWithin,
    verdict: verdictOf(treatedWithin, standard.target, standard.comparison),
    confidence: confidenceOf(treatedWithin, standard),
    ambitionVerdict: standard.laterAmbition === null ? null : verdictOf(treatedWithin, standard.laterAmbition, standard.comparison),
    stillWaiting,
    stillWaitingPast,
  };
}

/** Every standard measured over the same pathways and period. */
export const measureAll = (pathways: readonly PathwayDates[], period: Period): StandardFigure[] => STANDARDS.map((s) => measure(pathways, s, period));

export type Interval = 'month' | 'quarter';

export interface PeriodSlice extends Period {
  /** '2026-04' for a month, '2026-Q2' for a calendar quarter (April to June) */
  key: string;
}

/**
 * The period cut into calendar months or calendar quarters (January to March, …), the first and last cut to the
 * period itself, in order. A pathway belongs to the slice its first treatment falls in.
 */
export function slices(period: Period, interval: Interval): PeriodSlice[] {
  const out: PeriodSlice[] = [];
  let start = period.from;
  while (start <= period.to) {
    const year = Number(start.slice(0, 4));
    const month = Number(start.slice(5, 7));
    const lastMonth = interval === 'month' ? month : Math.ceil(month / 3) * 3;
    const next = lastMonth === 12 ? `${year + 1}-01-01` : `${year}-${String(lastMonth + 1).padStart(2, '0')}-01`;
    const end = addDays(next, -1) < period.to ? addDays(next, -1) : period.to;
    out.push({ key: interval === 'month' ? start.slice(0, 7) : `${year}-Q${Math.ceil(month / 3)}`, from: start, to: end });
    start = next;
  }
  return out;
}

export interface SliceFigures extends PeriodSlice {
  figures: StandardFigure[];
}

/** Each standard by month or quarter: the same measure over each slice of the period. */
export function bySlice(pathways: readonly PathwayDates[], period: Period, interval: Interval): SliceFigures[] {
  return slices(period, interval).map((slice) => ({ ...slice, figures: measureAll(pathways, slice) }));
}

export interface ProviderFigures {
  providerOdsCode: string;
  figures: StandardFigure[];
}

/** Each standard for each provider with any pathway of the period (treated in it, or open at its end), by code. */
export function byProvider(pathways: readonly PathwayDates[], period: Period): ProviderFigures[] {
  const groups = new Map<string, PathwayDates[]>();
  for (const p of pathways) {
    if (!inPeriod(p.firstTreatmentOn, period) && !openOn(p, period.to)) continue;
    const list = groups.get(p.providerOdsCode) ?? [];
    list.push(p);
    groups.set(p.providerOdsCode, list);
  }
  return [...groups.keys()].sort().map((code) => ({ providerOdsCode: code, figures: measureAll(groups.get(code)!, period) }));
}

/** A figure as it may be published: small numbers hidden. */
export interface PublishedFigure {
  standard: Standard;
  /** null when the number treated is from 1 to 9 */
  treated: number | null;
  /** the share and its interval, null when withheld */
  treatedWithin: Share | null;
  verdict: Verdict | null;
  confidence: Confidence | null;
  stillWaitingPast: number | null;
  suppressed: boolean;
}

/**
 * The publication rule: a count from 1 to 9 is never shown. The share treated within the time is withheld when the
 * number treated, the number within the time or the number not within it is from 1 to 9 (any one gives away the
 * others); the number treated is withheld when it is from 1 to 9; the number still waiting past the time likewise.
 * Nothing is hidden from the ICB's own staff: this is for figures meant to leave it.
 */
export function publishable(f: StandardFigure): PublishedFigure {
  const { count, denominator } = f.treatedWithin;
  const shareHidden = isSmallNumber(denominator) || isSmallNumber(count) || isSmallNumber(denominator - count);
  const treatedHidden = isSmallNumber(denominator);
  const waitingHidden = isSmallNumber(f.stillWaitingPast);
  return {
    standard: f.standard,
    treated: treatedHidden ? null : denominator,
    treatedWithin: shareHidden ? null : f.treatedWithin,
    verdict: shareHidden ? null : f.verdict,
    confidence: shareHidden ? null : f.confidence,
    stillWaitingPast: waitingHidden ? null : f.stillWaitingPast,
    suppressed: shareHidden || treatedHidden || waitingHidden,
  };
}

/** A period of calendar dates, checked: both real dates, `from` not after `to`, at most `maxDays` long. */
export function checkPeriod(from: string, to: string, maxDays = 3 * 366): { ok: true; period: Period } | { ok: false; field: 'from' | 'to'; message: string } {
  if (!isCalendarDate(from)) return { ok: false, field: 'from', message: 'Enter the start of the period as a real date, like 2026-04-01' };
  if (!isCalendarDate(to)) return { ok: false, field: 'to', message: 'Enter the end of the period as a real date, like 2027-03-31' };
  if (from > to) return { ok: false, field: 'to', message: 'The end of the period must be the same as or after its start' };
  if (daysBetween(from, to) > maxDays) return { ok: false, field: 'to', message: 'The period must be 3 years or shorter' };
  return { ok: true, period: { from, to } };
}
