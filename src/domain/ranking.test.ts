import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { haversineKm } from './distance.ts';
import { balancedScore, type Candidate, distanceNeededFor, type RankQuery, rankCandidates } from './ranking.ts';

const ukPoint = { latitude: fc.double({ min: 50, max: 58.5, noNaN: true }), longitude: fc.double({ min: -6, max: 1.7, noNaN: true }) };

const candidate = fc.record({
  ...ukPoint,
  // Waits in tenths of a week, as published, so that ties happen.
  waitWeeks: fc.option(fc.integer({ min: 0, max: 800 }).map((t) => t / 10), { nil: null, freq: 8 }),
  minAge: fc.option(fc.integer({ min: 0, max: 60 }), { nil: null, freq: 3 }),
  maxAge: fc.option(fc.integer({ min: 16, max: 120 }), { nil: null, freq: 3 }),
  sex: fc.constantFrom('any', 'any', 'any', 'female', 'male') as fc.Arbitrary<Candidate['sex']>,
});

const candidates = fc
  .array(candidate, { maxLength: 80 })
  .map((cs) => cs.map((c, i) => ({ ...c, id: `svc-${String(i).padStart(3, '0')}` })));

const query: fc.Arbitrary<RankQuery> = fc.record({
  origin: fc.record(ukPoint),
  sortBy: fc.constantFrom('WAIT', 'DISTANCE', 'BALANCED'),
  maxDistanceKm: fc.option(fc.double({ min: 1, max: 900, noNaN: true }), { nil: null }),
  maxWaitWeeks: fc.option(fc.double({ min: 0, max: 80, noNaN: true }), { nil: null }),
  age: fc.option(fc.integer({ min: 0, max: 110 }), { nil: null }),
  sex: fc.constantFrom(null, 'female', 'male'),
  limit: fc.integer({ min: 1, max: 20 }),
});

/** The specification of eligibility, written independently of the implementation. */
function eligible(c: Candidate, q: RankQuery): boolean {
  const d = haversineKm(q.origin, c);
  return (
    (q.maxDistanceKm === null || d <= q.maxDistanceKm) &&
    (q.maxWaitWeeks === null || (c.waitWeeks !== null && c.waitWeeks <= q.maxWaitWeeks)) &&
    (q.age === null || ((c.minAge === null || q.age >= c.minAge) && (c.maxAge === null || q.age <= c.maxAge))) &&
    (q.sex === null || c.sex === 'any' || c.sex === q.sex)
  );
}

const key = (w: number | null) => (w === null ? Infinity : w);

test('property: eligibleCount is exact and every listed option is eligible, once', () => {
  fc.assert(
    fc.property(candidates, query, (cs, q) => {
      const r = rankCandidates(cs, q);
      assert.equal(r.eligibleCount, cs.filter((c) => eligible(c, q)).length);
      assert.equal(r.ranked.length, Math.min(q.limit, r.eligibleCount));
      for (const o of r.ranked) assert.ok(eligible(o.candidate, q));
      assert.equal(new Set(r.ranked.map((o) => o.candidate.id)).size, r.ranked.length);
      assert.deepEqual(r.ranked.map((o) => o.rank), r.ranked.map((_, i) => i + 1));
      const excludedTotal = Object.values(r.excluded).reduce((a, b) => a + b, 0);
      assert.equal(excludedTotal + r.eligibleCount, cs.length);
    }),
  );
});

test('property: distances match haversine', () => {
  fc.assert(
    fc.property(candidates, query, (cs, q) => {
      for (const o of rankCandidates(cs, q).ranked) {
        assert.equal(o.distanceKm, haversineKm(q.origin, o.candidate));
      }
    }),
  );
});

test('property: results are sorted by the stated key, ties broken as documented', () => {
  fc.assert(
    fc.property(candidates, query, (cs, q) => {
      const r = rankCandidates(cs, q).ranked;
      for (let i = 1; i < r.length; i++) {
        const a = r[i - 1]!;
        const b = r[i]!;
        if (q.sortBy === 'WAIT') {
          assert.ok(key(a.candidate.waitWeeks) <= key(b.candidate.waitWeeks));
          if (a.candidate.waitWeeks === b.candidate.waitWeeks) assert.ok(a.distanceKm <= b.distanceKm);
        } else if (q.sortBy === 'DISTANCE') {
          assert.ok(a.distanceKm <= b.distanceKm);
          if (a.distanceKm === b.distanceKm) assert.ok(key(a.candidate.waitWeeks) <= key(b.candidate.waitWeeks));
        } else {
          assert.ok(key(a.balancedScore) <= key(b.balancedScore));
          assert.equal(a.balancedScore, balancedScore(a.candidate.waitWeeks, a.distanceKm));
        }
      }
    }),
  );
});

test('property: no eligible service that is closer (DISTANCE) or sooner (WAIT) than a listed one is left out', () => {
  fc.assert(
    fc.property(candidates, query, (cs, q) => {
      const r = rankCandidates(cs, q);
      const listed = new Set(r.ranked.map((o) => o.candidate.id));
      const last = r.ranked.at(-1);
      if (!last) return;
      for (const c of cs) {
        if (listed.has(c.id) || !eligible(c, q)) continue;
        if (q.sortBy === 'DISTANCE') assert.ok(haversineKm(q.origin, c) >= last.distanceKm, `${c.id} is closer than a listed option`);
        if (q.sortBy === 'WAIT') assert.ok(key(c.waitWeeks) >= key(last.candidate.waitWeeks), `${c.id} is sooner than a listed option`);
        if (q.sortBy === 'BALANCED') {
          assert.ok(key(balancedScore(c.waitWeeks, haversineKm(q.origin, c))) >= key(last.balancedScore));
        }
      }
    }),
  );
});

test('property: the order does not depend on the order of the input', () => {
  fc.assert(
    fc.property(candidates, query, fc.infiniteStream(fc.nat()), (cs, q, randoms) => {
      const shuffled = [...cs];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = randoms.next().value % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      const ids = (x: Candidate[]) => rankCandidates(x, q).ranked.map((o) => o.candidate.id);
      assert.deepEqual(ids(shuffled), ids(cs));
    }),
  );
});

test('property: distanceNeededFor gives the smallest limit that makes the wanted number eligible', () => {
  fc.assert(
    fc.property(candidates, query, fc.integer({ min: 1, max: 10 }), (cs, q, wanted) => {
      const needed = distanceNeededFor(cs, q, wanted);
      const unlimited = rankCandidates(cs, { ...q, maxDistanceKm: null }).eligibleCount;
      if (needed === null) return assert.ok(unlimited < wanted);
      assert.ok(rankCandidates(cs, { ...q, maxDistanceKm: needed }).eligibleCount >= wanted);
      assert.ok(rankCandidates(cs, { ...q, maxDistanceKm: needed * (1 - 1e-9) - 1e-9 }).eligibleCount < wanted);
    }),
  );
});

test('a worked example: WAIT, DISTANCE and BALANCED orders', () => {
  const origin = { latitude: 53.8, longitude: -1.55 };
  const at = (id: string, km: number, waitWeeks: number): Candidate => ({
    id,
    latitude: origin.latitude + km / 111.195,
    longitude: origin.longitude,
    waitWeeks,
    minAge: null,
    maxAge: null,
    sex: 'any',
  });
  const cs = [at('near-slow', 2, 30), at('far-fast', 60, 5), at('mid', 20, 12)];
  const order = (sortBy: RankQuery['sortBy']) =>
    rankCandidates(cs, { origin, sortBy, maxDistanceKm: null, maxWaitWeeks: null, age: null, sex: null, limit: 5 }).ranked.map(
      (o) => o.candidate.id,
    );
  assert.deepEqual(order('WAIT'), ['far-fast', 'mid', 'near-slow']);
  assert.deepEqual(order('DISTANCE'), ['near-slow', 'mid', 'far-fast']);
  // Scores: near-slow 30 + 0.12, far-fast 5 + 3.73, mid 12 + 1.24.
  assert.deepEqual(order('BALANCED'), ['far-fast', 'mid', 'near-slow']);
});
