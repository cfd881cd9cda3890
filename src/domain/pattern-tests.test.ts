import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { benjaminiHochberg, bernoulliCusum, changePoint, binomialCdf, binomialPmf, binomialTwoSided, funnelLimit, funnelLimits, howUnusual, type WeekCount } from './pattern-tests.ts';

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);

test('the exact two-sided binomial test gives the published values (R binom.test, SciPy binomtest)', () => {
  // R's own example: binom.test(c(682, 243), p = 3/4) has p-value 0.3825.
  close(binomialTwoSided(682, 925, 0.75), 0.3824915595748517, 1e-9, '682 of 925 against 3/4');
  // 9 heads in 10 fair tosses: P(X >= 9) + P(X <= 1) = 22/1024 exactly.
  close(binomialTwoSided(9, 10, 0.5), 22 / 1024, 1e-12, '9 of 10 against 1/2');
  close(binomialTwoSided(7, 20, 0.1), 0.002386089408966118, 1e-12, '7 of 20 against 0.1');
  close(binomialTwoSided(0, 30, 0.2), 0.002139809368012913, 1e-12, '0 of 30 against 0.2');
  const tiny = binomialTwoSided(39, 50, 0.09);
  assert.ok(Math.abs(tiny / 2.234521938018973e-31 - 1) < 1e-6, `39 of 50 against 0.09: ${tiny}`);
  assert.equal(binomialTwoSided(0, 0, 0.3), 1, 'no referrals: nothing to test');
  assert.throws(() => binomialTwoSided(5, 4, 0.5), RangeError);
});

test('the binomial distribution sums to 1 and a p-value is a probability no smaller than the outcome\'s own', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 400 }), fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.nat(), (n, p, seed) => {
      const k = n === 0 ? 0 : seed % (n + 1);
      let total = 0;
      for (let i = 0; i <= n; i++) total += binomialPmf(i, n, p);
      close(total, 1, 1e-9, 'total probability');
      const pv = binomialTwoSided(k, n, p);
      assert.ok(pv >= 0 && pv <= 1);
      assert.ok(pv >= binomialPmf(k, n, p) * (1 - 1e-9), 'the observed outcome is part of its own tail');
      assert.ok(binomialCdf(k, n, p) <= 1 && binomialCdf(k, n, p) >= binomialPmf(k, n, p) * (1 - 1e-9));
    }),
  );
});

test('the two-sided test walked out from the mode equals the plain sum over every outcome', () => {
  const plain = (k: number, n: number, p: number) => {
    const observed = binomialPmf(k, n, p) * (1 + 1e-7);
    let sum = 0;
    for (let i = 0; i <= n; i++) if (binomialPmf(i, n, p) <= observed) sum += binomialPmf(i, n, p);
    return Math.min(1, sum);
  };
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 3000 }), fc.double({ min: 1e-4, max: 1 - 1e-4, noNaN: true }), fc.nat(), (n, p, seed) => {
      // k anywhere, but often near the mode and in the far tails, where the walk starts and where it stops
      const spread = Math.ceil(6 * Math.sqrt(n * p * (1 - p))) + 1;
      const k = [seed % (n + 1), Math.max(0, Math.min(n, Math.round(n * p) + (seed % (2 * spread)) - spread)), seed % 2 ? 0 : n][seed % 3]!;
      const expected = plain(k, n, p);
      const got = binomialTwoSided(k, n, p);
      assert.ok(Math.abs(got - expected) <= 1e-12 + 1e-9 * expected, `${k} of ${n} against ${p}: ${got} where the plain sum is ${expected}`);
    }),
    { numRuns: 400 },
  );
});

test('the test is valid: under the null hypothesis P(p <= alpha) <= alpha, exactly computed', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 120 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.constantFrom(0.01, 0.05, 0.2), (n, p, alpha) => {
      let rejected = 0;
      for (let k = 0; k <= n; k++) if (binomialTwoSided(k, n, p) <= alpha) rejected += binomialPmf(k, n, p);
      assert.ok(rejected <= alpha + 1e-9, `size ${rejected} above ${alpha} at n ${n}, p ${p}`);
    }),
    { numRuns: 200 },
  );
});

test('Benjamini–Hochberg q-values: known values and their properties', () => {
  // SciPy false_discovery_control([0.01, 0.04, 0.03, 0.005, 0.5, 0.2]).
  const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.005, 0.5, 0.2]);
  [0.03, 0.06, 0.06, 0.03, 0.5, 0.24].forEach((expected, i) => close(q[i]!, expected, 1e-12, `q[${i}]`));
  assert.deepEqual(benjaminiHochberg([]), []);
  assert.deepEqual(benjaminiHochberg([0.3]), [0.3]);
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 60 }), (ps) => {
      const qs = benjaminiHochberg(ps);
      assert.equal(qs.length, ps.length);
      ps.forEach((p, i) => {
        assert.ok(qs[i]! >= p - 1e-15 && qs[i]! <= 1, 'p <= q <= 1');
        assert.ok(qs[i]! <= Math.min(1, p * ps.length) + 1e-15, 'never above Bonferroni');
      });
      // Monotone: a smaller p never has a larger q.
      for (let i = 0; i < ps.length; i++) for (let j = 0; j < ps.length; j++) if (ps[i]! < ps[j]!) assert.ok(qs[i]! <= qs[j]! + 1e-15);
      // The step-up rule itself: q(i) <= 0.05 exactly for the k smallest, k the largest rank with p(k) <= k·0.05/m.
      const sorted = [...ps].sort((a, b) => a - b);
      let k = 0;
      sorted.forEach((p, i) => { if (p <= ((i + 1) * 0.05) / ps.length) k = i + 1; });
      assert.equal(qs.filter((x) => x <= 0.05).length, k);
      // Order of the input does not matter.
      const reversed = benjaminiHochberg([...ps].reverse()).reverse();
      reversed.forEach((x, i) => close(x, qs[i]!, 1e-15, 'permutation'));
    }),
  );
});

test('funnel limits: Spiegelhalter\'s exact binomial limits with interpolation, known values', () => {
  // Computed from SciPy's binomial distribution with the same formula (r = ppf(P), alpha = (F(r) - P) / pmf(r)).
  const l = funnelLimits(100, 0.2);
  close(l.lower998, 0.08097825256459949, 1e-9, 'lower 99.8%');
  close(l.lower95, 0.1197422327150688, 1e-9, 'lower 95%');
  close(l.upper95, 0.2764760850335919, 1e-9, 'upper 95%');
  close(l.upper998, 0.3267658515166423, 1e-9, 'upper 99.8%');
  const small = funnelLimits(30, 0.09);
  assert.equal(small.lower95, 0, 'a lower limit below 0 is 0');
  close(small.upper95, 0.19009449951531643, 1e-9, 'upper 95% at 30');
  close(small.upper998, 0.266218902808738, 1e-9, 'upper 99.8% at 30');
  const big = funnelLimits(500, 0.5);
  close(big.upper95, 0.542847896252551, 1e-9, 'upper 95% at 500');
  close(big.lower998, 0.4299988332938803, 1e-9, 'lower 99.8% at 500');
  // For large n they approach the normal approximation θ ± z·sqrt(θ(1−θ)/n).
  const n = 20000;
  close(funnelLimit(n, 0.3, 0.975), 0.3 + 1.959964 * Math.sqrt(0.21 / n), 2e-4, 'normal limit');
});

test('funnel limits are ordered, hold θ between them and narrow as n grows', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 600 }), fc.double({ min: 0.005, max: 0.995, noNaN: true }), (n, theta) => {
      const l = funnelLimits(n, theta);
      assert.ok(l.lower998 <= l.lower95 && l.lower95 <= theta + 1e-12 && theta <= l.upper95 + 1e-12 && l.upper95 <= l.upper998);
      assert.ok(l.lower998 >= 0 && l.upper998 <= 1);
      // Exact limits are not strictly monotone at the smallest n (one referral: 0 or 100%); from 10 on they are.
      if (n < 10) return;
      const wider = funnelLimits(n * 4, theta);
      assert.ok(wider.upper998 - wider.lower998 <= l.upper998 - l.lower998 + 1e-9, 'four times the referrals: a narrower funnel');
    }),
    { numRuns: 150 },
  );
});

const weeksOf = (counts: [number, number][]): WeekCount[] =>
  counts.map(([n, k], i) => ({ week: new Date(Date.UTC(2026, 0, 5 + 7 * i)).toISOString().slice(0, 10), n, k }));

test('the CUSUM starts at 0, never goes below, and finds the week a shift started', () => {
  // 20 weeks at the ICB's 10%, then 10 weeks at 70%.
  const counts: [number, number][] = [];
  for (let i = 0; i < 20; i++) counts.push([5, i % 10 === 0 ? 1 : 0]);
  for (let i = 0; i < 10; i++) counts.push([5, 4]);
  const weeks = weeksOf(counts);
  const c = bernoulliCusum(weeks, 0.1, 2);
  assert.equal(c.signalled, true);
  assert.equal(c.since, weeks[20]!.week, 'the shift started in week 21');
  assert.equal(c.signalledWeek, weeks[22]!.week, 'about 2.3 a week: it reaches 5 in the third week');
  assert.equal(c.direction, 'up');
  // Worked by hand: p1 = 2·0.1 / (0.9 + 0.2) = 0.1818…; week 21 adds 4·ln(p1/p0) + ln((1 − p1)/(1 − p0)).
  const p1 = 0.2 / 1.1;
  close(c.path[20]!, 4 * Math.log(p1 / 0.1) + Math.log((1 - p1) / 0.9), 1e-12, 'S in week 21');
  const none = bernoulliCusum(weeksOf(Array.from({ length: 30 }, () => [5, 0] as [number, number])), 0.1, 2);
  assert.equal(none.signalled, false);
  assert.equal(none.peak, 0);
  assert.equal(bernoulliCusum([], 0.1, 2).since, null);
  // Looking for fewer: a practice that stopped sending to a provider half the ICB uses.
  const downWeeks = weeksOf([...Array.from({ length: 10 }, () => [6, 3] as [number, number]), ...Array.from({ length: 10 }, () => [6, 0] as [number, number])]);
  const down = bernoulliCusum(downWeeks, 0.5, 0.5);
  assert.equal(down.signalled, true);
  assert.equal(down.direction, 'down');
  assert.equal(down.since, downWeeks[10]!.week, 'it stopped in week 11');
});

test('CUSUM properties: S >= 0, and the start week is no later than the signal week', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 60 }),
      fc.double({ min: 0.02, max: 0.9, noNaN: true }),
      fc.constantFrom(2, 0.5),
      (raw, p0, ratio) => {
        const weeks = weeksOf(raw.map(([n, f]) => [n, Math.min(n, Math.floor(f * (n + 1)))]));
        const c = bernoulliCusum(weeks, p0, ratio);
        assert.equal(c.path.length, weeks.length);
        assert.ok(c.path.every((s) => s >= 0));
        assert.equal(c.peak, Math.max(0, ...c.path));
        assert.equal(c.signalled, c.path.some((s) => s >= 5));
        if (c.signalled) assert.ok(c.since! <= c.signalledWeek!);
        if (c.since !== null) assert.ok(weeks.some((w) => w.week === c.since));
      },
    ),
  );
});

test('plain words follow the q-value and say how rare the share is', () => {
  assert.match(howUnusual(1e-9, 1e-7), /^Very strong evidence.*less than 1 in a million/);
  assert.match(howUnusual(0.0004, 0.004), /^Strong evidence.*about 1 in 2,500/);
  assert.match(howUnusual(0.002, 0.04), /^Some evidence/);
});

test('the change point finds when a share moved, and says "throughout" when it did not', () => {
  const counts: [number, number][] = [];
  for (let i = 0; i < 20; i++) counts.push([1, i === 2 || i === 9 ? 1 : 0]);
  for (let i = 0; i < 10; i++) counts.push([1, i === 4 ? 0 : 1]);
  const weeks = weeksOf(counts);
  const c = changePoint(weeks, 'up');
  assert.equal(c.changed, true);
  assert.equal(c.since, weeks[20]!.week, 'the week the practice moved, not the chance referral of week 3');
  // By hand: before 2 of 20, after 9 of 10, all 11 of 30.
  const ll = (k: number, n: number) => k * Math.log(k / n) + (n - k) * Math.log(1 - k / n);
  close(c.gain, ll(2, 20) + ll(9, 10) - ll(11, 30), 1e-9, 'the gain');
  // Against a rarer reference (2%), the CUSUM's run starts at the chance referral of week 3 and never drops back
  // to 0: why "since" is the change point.
  assert.equal(bernoulliCusum(weeks, 0.02, 2).since, weeks[2]!.week);
  assert.equal(changePoint(weeks, 'down').changed, false, 'the share rose: no change downwards');
  const steady = weeksOf(Array.from({ length: 40 }, (_, i) => [5, i % 2 === 0 ? 4 : 3] as [number, number]));
  assert.deepEqual(changePoint(steady, 'up').changed, false);
  assert.equal(changePoint(steady, 'up').since, steady[0]!.week);
  assert.equal(changePoint(weeksOf([[0, 0], [0, 0]]), 'up').since, null);
});

test('change point properties: the gain is never negative, the week is one of the weeks, the direction holds', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 8 }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 60 }),
      fc.constantFrom('up' as const, 'down' as const),
      (raw, direction) => {
        const weeks = weeksOf(raw.map(([n, f]) => [n, Math.min(n, Math.floor(f * (n + 1)))]));
        const c = changePoint(weeks, direction);
        assert.ok(c.gain >= 0);
        if (weeks.every((w) => w.n === 0)) return assert.equal(c.since, null);
        assert.ok(weeks.some((w) => w.week === c.since && w.n > 0));
        if (c.changed) {
          const i = weeks.findIndex((w) => w.week === c.since);
          const sum = (ws: WeekCount[]) => ws.reduce((a, w) => [a[0]! + w.k, a[1]! + w.n], [0, 0]);
          const [bk, bn] = sum(weeks.slice(0, i));
          const [ak, an] = sum(weeks.slice(i));
          assert.equal(ak! / an! > bk! / bn!, direction === 'up');
        }
      },
    ),
  );
});
