// The statistics behind "referral patterns that moved" (the 2016 guide's minimum standard 3, actions 4.2 and 4.3):
// is a practice's share of its referrals in a specialty to one provider unusual against the rest of the ICB, across
// many such comparisons at once, and since when? Pure: no I/O. Every rule is stated here exactly; the README repeats
// them.
//
// 1. The test of one cell (practice × specialty × provider): an EXACT two-sided binomial test, for every n (there is
//    no normal approximation: the sum walks out from the mode and stops where the rest cannot change it). Null
//    hypothesis: each of the practice's n referrals went to the provider with probability p0, the rest of the
//    ICB's share (see referenceShare). The two-sided p-value is the total probability of every outcome no
//    more likely than the one observed (the "minimum likelihood" method, as R's binom.test, with the same relative
//    tolerance 1e-7 for ties).
// 2. Many cells at once: Benjamini–Hochberg (1995) false-discovery control. With m p-values sorted p(1) ≤ … ≤ p(m),
//    q(i) = min over j ≥ i of min(1, m·p(j)/j); a cell is flagged when q ≤ the chosen level (0.05 by default). Among
//    the flagged, the expected share that are chance is at most that level (for independent or positively
//    dependent tests).
// 3. Funnel-plot control limits for a proportion θ at n: EXACT binomial limits with Spiegelhalter's interpolation
//    (Statistics in Medicine 2005;24:1185, appendix A.1.1): for a tail probability P, r is the smallest count with
//    F(r) ≥ P (F the Binomial(n, θ) distribution function), α = (F(r) − P) / (F(r) − F(r − 1)), and the limit is
//    (r − α) / n, kept within 0 to 1 and on its own side of θ (an upper limit never below θ, a lower never above:
//    with n·θ tiny the interpolation can cross it). 95% limits are P = 0.025 and 0.975; 99.8% P = 0.001 and 0.999.
// 4. Since when: a one-sided Bernoulli CUSUM over the practice's weeks (each week's referrals to the provider y out
//    of n), against p0 and the alternative p1 with odds ratio R to p0 (R = 2 when the practice's share is above p0,
//    R = 1/2 when below): S(0) = 0, S(t) = max(0, S(t−1) + y·ln(p1/p0) + (n − y)·ln((1 − p1)/(1 − p0))). It
//    signals when S reaches h = 5 (the weeks since the last reset are e^5 ≈ 148 times likelier under the shift than
//    not). The shift started in the week after the last week S was 0 before it first signalled; when it never
//    signals, the start of the run that reached the highest S is reported, marked as not signalled.
// 5. Since when, sharpened: the CUSUM's start is the start of its excursion, which with a few referrals a week can
//    begin at a chance referral months before the shift (a failure costs little under p1 = odds ratio 2). So the
//    week reported as "since" is the maximum-likelihood single change point (Hinkley 1970): over every split of the
//    weeks into before and after (each side with at least one referral), the split maximising
//    ℓ(before) + ℓ(after) − ℓ(all), ℓ being the binomial log-likelihood at that segment's own share. It is used when
//    that gain is at least CHANGE_THRESHOLD = 7 (a change e^7 ≈ 1,100 times likelier than none) and the share after
//    is on the side the pattern lies (higher for "more", lower for "fewer"); otherwise the pattern is taken to hold
//    throughout, since the first week with a referral.

/** The false-discovery rate the detector controls by default. */
export const DEFAULT_Q = 0.05;
/** The CUSUM's odds ratio of the shift it looks for, and its signal threshold. */
export const CUSUM_ODDS_RATIO = 2;
export const CUSUM_THRESHOLD = 5;

// ---------------------------------------------------------------- the binomial distribution

const logFactorials: number[] = [0];
function logFactorial(n: number): number {
  for (let i = logFactorials.length; i <= n; i++) logFactorials.push(logFactorials[i - 1]! + Math.log(i));
  return logFactorials[n]!;
}

function checkCounts(what: string, k: number, n: number, p: number): void {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || n < 0 || k > n || !(p >= 0 && p <= 1)) {
    throw new RangeError(`${what}(${k}, ${n}, ${p}): need whole numbers 0 <= k <= n and 0 <= p <= 1`);
  }
}

/** P(X = k) for X ~ Binomial(n, p). */
export function binomialPmf(k: number, n: number, p: number): number {
  checkCounts('binomialPmf', k, n, p);
  if (p === 0) return k === 0 ? 1 : 0;
  if (p === 1) return k === n ? 1 : 0;
  return Math.exp(logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

/** P(X ≤ k) for X ~ Binomial(n, p); 0 for k < 0. */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  let sum = 0;
  for (let i = 0; i <= k; i++) sum += binomialPmf(i, n, p);
  return Math.min(1, sum);
}

/**
 * The exact two-sided binomial test's p-value for k of n against p: the sum of P(X = i) over every i with
 * P(X = i) ≤ P(X = k)·(1 + 1e-7) (R's binom.test). 1 when n is 0.
 */
export function binomialTwoSided(k: number, n: number, p: number): number {
  checkCounts('binomialTwoSided', k, n, p);
  if (n === 0) return 1;
  if (p === 0) return k === 0 ? 1 : 0;
  if (p === 1) return k === n ? 1 : 0;
  const observed = binomialPmf(k, n, p) * (1 + 1e-7);
  // The distribution is unimodal: walk out from the mode on each side by the ratio of successive terms, adding each
  // term no likelier than the one observed. Beyond the mode the ratio falls at every step, so once a term is added
  // the rest of that tail is at most term · ratio / (1 − ratio): stop when that cannot change the sum. That is
  // O(√n) terms per test where the plain sum over every outcome was O(n), and it gives the same sum to rounding.
  const odds = p / (1 - p);
  const mode = Math.min(n, Math.floor((n + 1) * p));
  let sum = 0;
  const atMode = binomialPmf(mode, n, p);
  for (let i = mode, d = atMode; i <= n && d > 0; i++) {
    const ratio = ((n - i) / (i + 1)) * odds;
    if (d <= observed) {
      sum += d;
      if (ratio < 1 && (d * ratio) / (1 - ratio) <= sum * 1e-17) break;
    }
    d *= ratio;
  }
  for (let i = mode - 1, d = mode > 0 ? (atMode * mode) / ((n - mode + 1) * odds) : 0; i >= 0 && d > 0; i--) {
    const ratio = i / ((n - i + 1) * odds);
    if (d <= observed) {
      sum += d;
      if (ratio < 1 && (d * ratio) / (1 - ratio) <= sum * 1e-17) break;
    }
    d *= ratio;
  }
  return Math.min(1, sum);
}

// ---------------------------------------------------------------- many tests: Benjamini–Hochberg

/** The Benjamini–Hochberg q-values of `pValues`, in the same order. */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  for (const p of pValues) if (!(p >= 0 && p <= 1)) throw new RangeError(`benjaminiHochberg: ${p} is not a p-value`);
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const q = new Array<number>(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const { p, i } = order[rank - 1]!;
    running = Math.min(running, (m * p) / rank);
    q[i] = Math.min(1, running);
  }
  return q;
}

// ---------------------------------------------------------------- funnel plots

/** The exact binomial control limit for tail probability `tail` (0.975 is the upper 95% limit) at n about θ. */
export function funnelLimit(n: number, theta: number, tail: number): number {
  if (!Number.isInteger(n) || n < 1 || !(theta >= 0 && theta <= 1) || !(tail > 0 && tail < 1)) {
    throw new RangeError(`funnelLimit(${n}, ${theta}, ${tail}): need n >= 1, 0 <= theta <= 1, 0 < tail < 1`);
  }
  let cdf = 0;
  let previous = 0;
  let r = 0;
  for (; r <= n; r++) {
    previous = cdf;
    cdf += binomialPmf(r, n, theta);
    if (cdf >= tail) break;
  }
  if (r > n) return 1;
  const step = cdf - previous;
  const alpha = step > 0 ? (cdf - tail) / step : 0;
  const limit = Math.min(1, Math.max(0, (r - alpha) / n));
  // With n·θ tiny the interpolation can cross θ itself (r = 0 for an upper tail): a limit stays on its own side.
  return tail > 0.5 ? Math.max(limit, theta) : Math.min(limit, theta);
}

export interface FunnelLimits {
  n: number;
  lower998: number;
  lower95: number;
  upper95: number;
  upper998: number;
}

/** The 95% and 99.8% limits at n about θ. */
export function funnelLimits(n: number, theta: number): FunnelLimits {
  return {
    n,
    lower998: funnelLimit(n, theta, 0.001),
    lower95: funnelLimit(n, theta, 0.025),
    upper95: funnelLimit(n, theta, 0.975),
    upper998: funnelLimit(n, theta, 0.999),
  };
}

// ---------------------------------------------------------------- since when: the Bernoulli CUSUM

export interface WeekCount {
  /** the week's Monday, YYYY-MM-DD */
  week: string;
  /** the practice's referrals in the specialty that week */
  n: number;
  /** of them, to the provider */
  k: number;
}

export interface CusumResult {
  /** S after each week, in the weeks' order */
  path: number[];
  /** the week the shift started (see the rules at the top), or null when no week had a referral */
  since: string | null;
  /** whether S reached the threshold */
  signalled: boolean;
  /** the first week S reached the threshold */
  signalledWeek: string | null;
  /** the highest S reached */
  peak: number;
  /** 'up': the practice's share is above p0; 'down': below */
  direction: 'up' | 'down';
}

/**
 * The one-sided Bernoulli CUSUM of the weekly counts against p0, looking for a shift to odds ratio `oddsRatio`
 * (above 1 looks for more referrals to the provider, below 1 for fewer).
 */
export function bernoulliCusum(weeks: readonly WeekCount[], p0: number, oddsRatio: number, threshold = CUSUM_THRESHOLD): CusumResult {
  if (!(p0 > 0 && p0 < 1) || !(oddsRatio > 0) || oddsRatio === 1) throw new RangeError(`bernoulliCusum: need 0 < p0 < 1 and an odds ratio other than 1 (${p0}, ${oddsRatio})`);
  const p1 = (oddsRatio * p0) / (1 - p0 + oddsRatio * p0);
  const yes = Math.log(p1 / p0);
  const no = Math.log((1 - p1) / (1 - p0));
  const path: number[] = [];
  let s = 0;
  let runStart: number | null = null;
  let peak = 0;
  let peakStart: number | null = null;
  let signalledAt: number | null = null;
  let signalStart: number | null = null;
  for (let t = 0; t < weeks.length; t++) {
    const { n, k } = weeks[t]!;
    if (!Number.isInteger(n) || !Number.isInteger(k) || k < 0 || k > n) throw new RangeError(`bernoulliCusum: week ${weeks[t]!.week} has ${k} of ${n}`);
    const next = Math.max(0, s + k * yes + (n - k) * no);
    if (next > 0 && s === 0) runStart = t;
    if (next === 0) runStart = null;
    s = next;
    path.push(s);
    if (s > peak) {
      peak = s;
      peakStart = runStart;
    }
    if (signalledAt === null && s >= threshold) {
      signalledAt = t;
      signalStart = runStart;
    }
  }
  const firstWithReferrals = weeks.findIndex((w) => w.n > 0);
  const startIndex = signalStart ?? peakStart ?? (firstWithReferrals >= 0 ? firstWithReferrals : null);
  return {
    path,
    since: startIndex === null ? null : weeks[startIndex]!.week,
    signalled: signalledAt !== null,
    signalledWeek: signalledAt === null ? null : weeks[signalledAt]!.week,
    peak,
    direction: oddsRatio > 1 ? 'up' : 'down',
  };
}

// ---------------------------------------------------------------- since when: the change point

export const CHANGE_THRESHOLD = 7;

const segmentLogLikelihood = (k: number, n: number) => (n === 0 || k === 0 || k === n ? 0 : k * Math.log(k / n) + (n - k) * Math.log(1 - k / n));

export interface ChangePoint {
  /** the first week after the change, or the first week with a referral when there is no clear change */
  since: string | null;
  /** whether a change within the period was clear (gain >= CHANGE_THRESHOLD, in the pattern's direction) */
  changed: boolean;
  /** the log-likelihood gain of the best split over none */
  gain: number;
}

/** The maximum-likelihood single change point of the weekly counts (rule 5 at the top). */
export function changePoint(weeks: readonly WeekCount[], direction: 'up' | 'down', threshold = CHANGE_THRESHOLD): ChangePoint {
  let totalN = 0;
  let totalK = 0;
  for (const w of weeks) {
    totalN += w.n;
    totalK += w.k;
  }
  const first = weeks.find((w) => w.n > 0)?.week ?? null;
  if (totalN === 0) return { since: null, changed: false, gain: 0 };
  const whole = segmentLogLikelihood(totalK, totalN);
  let beforeN = 0;
  let beforeK = 0;
  let best = { gain: 0, index: -1 };
  for (let i = 1; i < weeks.length; i++) {
    beforeN += weeks[i - 1]!.n;
    beforeK += weeks[i - 1]!.k;
    const afterN = totalN - beforeN;
    if (beforeN === 0 || afterN === 0 || weeks[i]!.n === 0) continue;
    const afterK = totalK - beforeK;
    const up = afterK / afterN > beforeK / beforeN;
    if (up !== (direction === 'up')) continue;
    const gain = segmentLogLikelihood(beforeK, beforeN) + segmentLogLikelihood(afterK, afterN) - whole;
    if (gain > best.gain + 1e-12) best = { gain, index: i };
  }
  const changed = best.index >= 0 && best.gain >= threshold;
  return { since: changed ? weeks[best.index]!.week : first, changed, gain: best.gain };
}

// ---------------------------------------------------------------- plain words

/** How unusual a flagged share is, in words for a commissioner (by its q-value, then p). */
export function howUnusual(p: number, q: number): string {
  const oneIn = p > 0 ? Math.round(1 / p) : Infinity;
  const chance = !Number.isFinite(oneIn) || oneIn >= 1_000_000 ? 'less than 1 in a million' : `about 1 in ${oneIn.toLocaleString('en-GB')}`;
  const strength = q < 0.001 ? 'Very strong evidence' : q < 0.01 ? 'Strong evidence' : q <= 0.05 ? 'Some evidence' : 'No good evidence';
  return `${strength} that this is not chance: if the practice referred as the rest of the ICB did, a share this far from theirs would happen by chance ${chance}.`;
}
