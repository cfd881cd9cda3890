// The detector of referral patterns that moved: for each practice × specialty, is the practice's share of its
// referrals to each provider unusual against the rest of the ICB's, and since when? Pure: facts in, findings out
// (src/patterns/facts.ts reads the facts from choice_fact; this module does no I/O). The statistics are in
// src/domain/pattern-tests.ts, where each rule is stated; the rules of selection are stated here.
//
// - A fact is one referral made (choice_fact source REFERRAL) with its practice, specialty, the provider it is with
//   now, and the London date it was made; `count` lets a caller hand over several identical facts at once.
// - A practice × specialty is tested when the practice made at least MIN_PRACTICE_REFERRALS (20) referrals in the
//   specialty in the period and the rest of the ICB at least MIN_REST_REFERRALS (50). Below that, it is not tested
//   and counts as not tested (`untested`), never as "nothing unusual".
// - Within a tested practice × specialty, every provider that received at least one of the ICB's referrals in the
//   specialty in the period is one cell: k of the practice's n went to it, against the rest of the ICB (every
//   other practice) with K' of N'. The reference share is p0 = (K' + 0.5) / (N' + 1), which is never exactly 0 or
//   1 (a provider nobody else used is not infinitely surprising), and the test is the exact two-sided binomial test
//   of k of n against p0.
// - All cells of one run (every specialty, every practice, every provider) share one Benjamini–Hochberg correction;
//   a cell is flagged when its q-value is at most `q` (0.05 by default). Filters on a page choose what is shown,
//   not what is corrected for.
// - For a flagged cell, over the practice's weekly counts (weeks from Monday, the first week holding `from`, to the
//   week holding `to`): the Bernoulli CUSUM against p0, with odds ratio 2 when the practice's share is above p0 and
//   1/2 when below, says whether and when the change became clear; "since when" is the maximum-likelihood change
//   point of the same weeks (src/domain/pattern-tests.ts, rules 4 and 5).
// - A funnel plot of one specialty × provider places every practice with at least one referral in the specialty:
//   x = its referrals in the specialty, y = its share to the provider; the centre line is the ICB's share (every
//   practice's, the plotted one included, K / N) and the limits are the exact binomial 95% and 99.8% limits about it.
import { type Share, share } from '../domain/statistics.ts';
import { benjaminiHochberg, bernoulliCusum, changePoint, binomialTwoSided, CUSUM_ODDS_RATIO, DEFAULT_Q, funnelLimits, type FunnelLimits, type WeekCount } from '../domain/pattern-tests.ts';

export const MIN_PRACTICE_REFERRALS = 20;
export const MIN_REST_REFERRALS = 50;

export interface ReferralFact {
  practice: string;
  specialty: string;
  provider: string;
  /** YYYY-MM-DD, the London date the referral was made */
  madeOn: string;
  /** how many referrals this fact stands for (1 when absent) */
  count?: number;
}

export interface DetectOptions {
  /** the period, inclusive dates YYYY-MM-DD */
  from: string;
  to: string;
  /** the false-discovery rate to control (0.05) */
  q?: number;
  minPracticeReferrals?: number;
  minRestReferrals?: number;
}

/** One practice × specialty × provider: the identity that a finding is recorded against. */
export interface PatternKey {
  practice: string;
  specialty: string;
  provider: string;
}

export interface CellResult extends PatternKey {
  key: string;
  /** the practice's referrals in the specialty, and those to the provider, with a 95% Wilson interval */
  practiceShare: Share;
  /** the rest of the ICB's (every other practice) */
  restShare: Share;
  /** the reference share the test used, (K' + 0.5) / (N' + 1) */
  reference: number;
  p: number;
  q: number;
  flagged: boolean;
  direction: 'more' | 'fewer';
}

export interface WeekPoint {
  week: string;
  practice: Share;
  rest: Share;
  /** the CUSUM after this week */
  cusum: number;
}

export interface Pattern extends CellResult {
  /** the week the shift started (the change point's), YYYY-MM-DD (a Monday); the first week when it held throughout */
  since: string | null;
  /** whether the share changed within the period (else it held throughout) */
  changed: boolean;
  /** whether the CUSUM crossed its threshold, and when */
  signalled: boolean;
  signalledWeek: string | null;
}

/** A pattern with its weekly series, for the page of one pattern. */
export interface PatternWithWeeks extends Pattern {
  weeks: WeekPoint[];
}

export interface Detection {
  from: string;
  to: string;
  q: number;
  /** how many cells were tested: the m of the correction */
  tested: number;
  /** practice × specialty pairs tested, and those with too few referrals to test */
  testedPairs: number;
  untestedPairs: number;
  /** every tested cell, flagged or not, in key order */
  cells: CellResult[];
  /** the flagged cells with their weekly series, smallest q first */
  flagged: Pattern[];
  /**
   * Of those, the patterns that moved: their weekly shares changed within the period (`changed`). The others differ
   * from the rest of the ICB throughout (often for where the practice is), which is worth seeing but did not move.
   */
  moved: Pattern[];
}

/** The key of a pattern in an address: PRACTICE-SPECIALTY-PROVIDER (ODS and specialty codes hold no '-'). */
export function patternKey(k: PatternKey): string {
  return `${k.practice}-${k.specialty}-${k.provider}`;
}

const KEY = /^([A-Z0-9]{3,10})-([A-Z0-9]{1,10})-([A-Z0-9]{3,10})$/;
export function parsePatternKey(raw: string): PatternKey | null {
  const m = KEY.exec(raw.trim().toUpperCase());
  return m ? { practice: m[1]!, specialty: m[2]!, provider: m[3]! } : null;
}

// ---------------------------------------------------------------- dates

const DAY_MS = 86_400_000;
const toDay = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const fromDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const mondays = new Map<string, string>();
/** The Monday of the week holding `date`. Remembered: a run asks it of the same few hundred dates again and again. */
export function weekOf(date: string): string {
  let monday = mondays.get(date);
  if (monday === undefined) {
    const day = toDay(date);
    const weekday = (new Date(day * DAY_MS).getUTCDay() + 6) % 7;
    monday = fromDay(day - weekday);
    if (mondays.size > 100_000) mondays.clear();
    mondays.set(date, monday);
  }
  return monday;
}
/** Every Monday from the week of `from` to the week of `to`. */
export function weeksBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = toDay(weekOf(from)); d <= toDay(to); d += 7) out.push(fromDay(d));
  return out;
}

// ---------------------------------------------------------------- the counts

interface Counts {
  n: number;
  byProvider: Map<string, number>;
}
const counts = (): Counts => ({ n: 0, byProvider: new Map() });
const add = (c: Counts, provider: string, count: number) => {
  c.n += count;
  c.byProvider.set(provider, (c.byProvider.get(provider) ?? 0) + count);
};

/** The facts of a period counted once, for the tests, the weekly series and the funnel plots. */
export interface Summary {
  from: string;
  to: string;
  weeks: string[];
  /** specialty → the ICB's counts */
  specialties: Map<string, Counts>;
  /** specialty → practice → counts */
  practices: Map<string, Map<string, Counts>>;
  /**
   * Weekly counts, one number per week of `weeks`: `p|${practice}|${specialty}` → the practice's referrals in the
   * specialty; `p|${practice}|${specialty}|${provider}` → those to the provider; `i|${specialty}` and
   * `i|${specialty}|${provider}` → the ICB's. Arrays, not maps of weeks: a year of an ICB is some 300,000 flows.
   */
  weekly: Map<string, Int32Array>;
}

/**
 * The referrals of one practice × specialty × provider, week by week: `weeks` are indices into the period's weeks
 * (0 is the week holding `from`), `counts` the referrals of each. The database hands over flows (src/patterns/service.ts).
 */
export interface Flow {
  practice: string;
  specialty: string;
  provider: string;
  weeks: readonly number[];
  counts: readonly number[];
}

const getOr = <K, V>(m: Map<K, V>, k: K, make: () => V): V => {
  let v = m.get(k);
  if (v === undefined) m.set(k, (v = make()));
  return v;
};

/** The facts of a period counted once, for the tests, the weekly series and the funnel plots. */
export function summarise(facts: Iterable<ReferralFact>, from: string, to: string): Summary {
  const first = toDay(weekOf(from));
  const flows = function* (): Generator<Flow> {
    for (const f of facts) {
      if (f.madeOn < from || f.madeOn > to) continue;
      yield { practice: f.practice, specialty: f.specialty, provider: f.provider, weeks: [(toDay(weekOf(f.madeOn)) - first) / 7], counts: [f.count ?? 1] };
    }
  };
  return summariseFlows(flows(), from, to);
}

/** The same from flows, each practice × specialty × provider added once however many weeks it holds. */
export function summariseFlows(flows: Iterable<Flow>, from: string, to: string): Summary {
  const weeks = weeksBetween(from, to);
  const s: Summary = { from, to, weeks, specialties: new Map(), practices: new Map(), weekly: new Map() };
  const series = (key: string) => getOr(s.weekly, key, () => new Int32Array(weeks.length));
  for (const f of flows) {
    let total = 0;
    const series4 = [series(`p|${f.practice}|${f.specialty}`), series(`p|${f.practice}|${f.specialty}|${f.provider}`), series(`i|${f.specialty}`), series(`i|${f.specialty}|${f.provider}`)];
    for (let i = 0; i < f.weeks.length; i++) {
      const week = f.weeks[i]!;
      if (!(week >= 0 && week < weeks.length)) throw new RangeError(`week ${week} is not within ${from} to ${to}`);
      const count = f.counts[i]!;
      total += count;
      for (const w of series4) w[week]! += count;
    }
    add(getOr(s.specialties, f.specialty, counts), f.provider, total);
    add(getOr(getOr(s.practices, f.specialty, () => new Map<string, Counts>()), f.practice, counts), f.provider, total);
  }
  return s;
}

// ---------------------------------------------------------------- the detector

export function detectPatterns(facts: Iterable<ReferralFact> | Summary, options: DetectOptions): Detection {
  const summary = isSummary(facts) ? facts : summarise(facts, options.from, options.to);
  const level = options.q ?? DEFAULT_Q;
  const minPractice = options.minPracticeReferrals ?? MIN_PRACTICE_REFERRALS;
  const minRest = options.minRestReferrals ?? MIN_REST_REFERRALS;
  const raw: Omit<CellResult, 'q' | 'flagged'>[] = [];
  let testedPairs = 0;
  let untestedPairs = 0;
  for (const specialty of [...summary.specialties.keys()].sort()) {
    const icb = summary.specialties.get(specialty)!;
    const providers = [...icb.byProvider.keys()].sort();
    for (const [practice, own] of [...summary.practices.get(specialty)!].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const restN = icb.n - own.n;
      if (own.n < minPractice || restN < minRest) {
        untestedPairs++;
        continue;
      }
      testedPairs++;
      for (const provider of providers) {
        const k = own.byProvider.get(provider) ?? 0;
        const restK = (icb.byProvider.get(provider) ?? 0) - k;
        const reference = (restK + 0.5) / (restN + 1);
        raw.push({
          key: patternKey({ practice, specialty, provider }),
          practice, specialty, provider,
          practiceShare: share(k, own.n),
          restShare: share(restK, restN),
          reference,
          p: binomialTwoSided(k, own.n, reference),
          direction: k / own.n > reference ? 'more' : 'fewer',
        });
      }
    }
  }
  const qs = benjaminiHochberg(raw.map((c) => c.p));
  const cells: CellResult[] = raw.map((c, i) => ({ ...c, q: qs[i]!, flagged: qs[i]! <= level }));
  const scratch = summary.weeks.map((week) => ({ week, n: 0, k: 0 }));
  const flagged = cells.filter((c) => c.flagged).map((c) => historyOf(summary, c, scratch)).sort((a, b) => a.q - b.q || a.p - b.p || (a.key < b.key ? -1 : 1));
  return { from: summary.from, to: summary.to, q: level, tested: cells.length, testedPairs, untestedPairs, cells, flagged, moved: flagged.filter((f) => f.changed) };
}

function isSummary(x: Iterable<ReferralFact> | Summary): x is Summary {
  return (x as Summary).specialties instanceof Map;
}

const NONE = new Int32Array(0);
/**
 * The cell's weekly counts, written into `into` when given: a run tests thousands of cells and the CUSUM and change
 * point keep nothing of the array they read, so one array serves them all.
 */
function weeklyCounts(summary: Summary, cell: PatternKey, into?: WeekCount[]): WeekCount[] {
  const n = summary.weekly.get(`p|${cell.practice}|${cell.specialty}`) ?? NONE;
  const k = summary.weekly.get(`p|${cell.practice}|${cell.specialty}|${cell.provider}`) ?? NONE;
  if (!into) return summary.weeks.map((week, i) => ({ week, n: n[i] ?? 0, k: k[i] ?? 0 }));
  for (let i = 0; i < into.length; i++) {
    into[i]!.n = n[i] ?? 0;
    into[i]!.k = k[i] ?? 0;
  }
  return into;
}

/** A cell with the CUSUM's and the change point's "since when". */
export function historyOf(summary: Summary, cell: CellResult, scratch?: WeekCount[]): Pattern {
  const weekly = weeklyCounts(summary, cell, scratch);
  const ratio = cell.direction === 'more' ? CUSUM_ODDS_RATIO : 1 / CUSUM_ODDS_RATIO;
  const cusum = bernoulliCusum(weekly, cell.reference, ratio);
  const change = changePoint(weekly, cell.direction === 'more' ? 'up' : 'down');
  return { ...cell, since: change.since, changed: change.changed, signalled: cusum.signalled, signalledWeek: cusum.signalledWeek };
}

/** A cell with its "since when" and its weekly series: the practice's share, the rest of the ICB's, and the CUSUM. */
export function withHistory(summary: Summary, cell: CellResult): PatternWithWeeks {
  const weekly = weeklyCounts(summary, cell);
  const icbN = summary.weekly.get(`i|${cell.specialty}`) ?? NONE;
  const icbK = summary.weekly.get(`i|${cell.specialty}|${cell.provider}`) ?? NONE;
  const cusum = bernoulliCusum(weekly, cell.reference, cell.direction === 'more' ? CUSUM_ODDS_RATIO : 1 / CUSUM_ODDS_RATIO);
  return {
    ...historyOf(summary, cell),
    weeks: weekly.map((w, i) => {
      const restN = (icbN[i] ?? 0) - w.n;
      const restK = (icbK[i] ?? 0) - w.k;
      return { week: w.week, practice: share(w.k, w.n), rest: share(restK, restN), cusum: cusum.path[i]! };
    }),
  };
}

// ---------------------------------------------------------------- funnel plots

export interface FunnelPoint {
  practice: string;
  n: number;
  k: number;
  share: number;
  /** the detector flagged this practice for this specialty × provider */
  flagged: boolean;
  /** outside the 95% or 99.8% limits */
  outside95: boolean;
  outside998: boolean;
}

export interface Funnel {
  specialty: string;
  provider: string;
  /** the ICB's share, K / N */
  centre: number;
  referrals: number;
  points: FunnelPoint[];
  /** the limits at enough values of n to draw them as curves, from 1 to the largest practice's n */
  limits: FunnelLimits[];
}

/** The funnel plot of one specialty × provider, or null when the ICB made no referral in the specialty. */
export function funnelOf(summary: Summary, specialty: string, provider: string, detection: Detection): Funnel | null {
  const icb = summary.specialties.get(specialty);
  if (!icb || icb.n === 0) return null;
  const centre = (icb.byProvider.get(provider) ?? 0) / icb.n;
  const flagged = new Set(detection.flagged.filter((f) => f.specialty === specialty && f.provider === provider).map((f) => f.practice));
  const points: FunnelPoint[] = [];
  for (const [practice, own] of summary.practices.get(specialty) ?? []) {
    const k = own.byProvider.get(provider) ?? 0;
    const limits = funnelLimits(own.n, centre);
    const s = k / own.n;
    points.push({
      practice, n: own.n, k, share: s, flagged: flagged.has(practice),
      outside95: s < limits.lower95 || s > limits.upper95,
      outside998: s < limits.lower998 || s > limits.upper998,
    });
  }
  points.sort((a, b) => b.n - a.n || (a.practice < b.practice ? -1 : 1));
  const maxN = Math.max(1, ...points.map((p) => p.n));
  // About 60 values of n, closer together where the curves bend (small n).
  const ns = new Set<number>();
  for (let i = 0; i <= 60; i++) ns.add(Math.max(1, Math.round(maxN ** (i / 60))));
  return { specialty, provider, centre, referrals: icb.n, points, limits: [...ns].sort((a, b) => a - b).map((n) => funnelLimits(n, centre)) };
}
