// rankColumns takes shortcuts (the chord test instead of the haversine, no distance for a candidate that cannot make
// the top): it must give exactly what the rules as written give, rankColumnsReference, whatever the candidates, the
// query and the index ranges, including candidates on the distance limit itself, at one place, and with tied waits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { haversineKm } from './distance.ts';
import { type Candidate, type RankQuery, rankColumns, rankColumnsReference, toColumns } from './ranking.ts';

const ukPoint = fc.record({ latitude: fc.double({ min: 49.9, max: 58.7, noNaN: true }), longitude: fc.double({ min: -8, max: 1.8, noNaN: true }) });

const candidateAt = (point: fc.Arbitrary<{ latitude: number; longitude: number }>) =>
  fc.record({
    place: point,
    waitWeeks: fc.option(fc.integer({ min: 0, max: 60 }).map((t) => t / 2), { nil: null, freq: 6 }),
    minAge: fc.option(fc.integer({ min: 0, max: 60 }), { nil: null, freq: 3 }),
    maxAge: fc.option(fc.integer({ min: 16, max: 120 }), { nil: null, freq: 3 }),
    sex: fc.constantFrom('any', 'any', 'any', 'female', 'male') as fc.Arbitrary<Candidate['sex']>,
  });

/** Candidates, some sharing a site (equal distances), with ids that repeat now and then (ties all the way down). */
const scenario = fc
  .record({
    origin: ukPoint,
    sites: fc.array(ukPoint, { minLength: 1, maxLength: 12 }),
    raw: fc.array(fc.tuple(candidateAt(ukPoint), fc.nat(), fc.constantFrom('own', 'site', 'beside')), { maxLength: 120 }),
    // Offsets in degrees for candidates beside the origin: metres, millimetres, and nearer than the chord can tell.
    beside: fc.array(fc.tuple(fc.double({ min: -1e-2, max: 1e-2, noNaN: true }), fc.double({ min: -1e-2, max: 1e-2, noNaN: true }), fc.integer({ min: 0, max: 12 })), { minLength: 1, maxLength: 8 }),
    sortBy: fc.constantFrom('WAIT', 'DISTANCE', 'BALANCED') as fc.Arbitrary<RankQuery['sortBy']>,
    // A limit that is some candidate's own distance (it lies on the limit), a random one, or none.
    limitKind: fc.constantFrom('onCandidate', 'random', 'none'),
    limitPick: fc.nat(),
    limitKm: fc.double({ min: 0.01, max: 900, noNaN: true }),
    maxWaitWeeks: fc.option(fc.integer({ min: 0, max: 60 }).map((t) => t / 2), { nil: null }),
    age: fc.option(fc.integer({ min: 0, max: 110 }), { nil: null }),
    sex: fc.constantFrom(null, 'female', 'male') as fc.Arbitrary<RankQuery['sex']>,
    limit: fc.integer({ min: 1, max: 20 }),
    cuts: fc.array(fc.nat(), { maxLength: 6 }),
  })
  .map((s) => {
    const besideOrigin = (n: number) => {
      const [dLat, dLng, shrink] = s.beside[n % s.beside.length]!;
      return { latitude: s.origin.latitude + dLat / 10 ** shrink, longitude: s.origin.longitude + dLng / 10 ** shrink };
    };
    const candidates: Candidate[] = s.raw.map(([c, n, where], i) => ({
      id: n % 7 === 0 ? 'svc-same' : `svc-${String(i).padStart(3, '0')}`,
      ...(where === 'site' ? s.sites[n % s.sites.length]! : where === 'beside' ? besideOrigin(n) : c.place),
      waitWeeks: c.waitWeeks,
      minAge: c.minAge,
      maxAge: c.maxAge,
      sex: c.sex,
    }));
    const onCandidate = candidates.length > 0 ? haversineKm(s.origin, candidates[s.limitPick % candidates.length]!) : s.limitKm;
    const maxDistanceKm = s.limitKind === 'none' ? null : s.limitKind === 'random' ? s.limitKm : onCandidate > 0 ? onCandidate : s.limitKm;
    const query: RankQuery = { origin: s.origin, sortBy: s.sortBy, maxDistanceKm, maxWaitWeeks: s.maxWaitWeeks, age: s.age, sex: s.sex, limit: s.limit };
    // Index ranges as the grid gives them: ascending, disjoint, some empty.
    const bounds = [...new Set(s.cuts.map((c) => c % (candidates.length + 1)))].sort((a, b) => a - b);
    const ranges = bounds.length < 2 ? [0, candidates.length] : bounds.slice(0, bounds.length - (bounds.length % 2));
    return { candidates, query, ranges };
  });

test('property: rankColumns gives exactly what the rules as written give (rankColumnsReference)', () => {
  fc.assert(
    fc.property(scenario, ({ candidates, query, ranges }) => {
      const cols = toColumns(candidates);
      assert.deepEqual(rankColumns(cols, query, ranges), rankColumnsReference(cols, query, ranges));
      assert.deepEqual(rankColumns(cols, query), rankColumnsReference(cols, query));
    }),
    { numRuns: 3000 },
  );
});

test('a candidate exactly on the distance limit is in, and one a metre beyond is out, as the haversine says', () => {
  const origin = { latitude: 53.8, longitude: -1.55 };
  const near = { id: 'a', latitude: 54.3, longitude: -1.2, waitWeeks: 10, minAge: null, maxAge: null, sex: 'any' as const };
  const limit = haversineKm(origin, near);
  const cols = toColumns([near]);
  const q: RankQuery = { origin, sortBy: 'DISTANCE', maxDistanceKm: limit, maxWaitWeeks: null, age: null, sex: null, limit: 5 };
  assert.equal(rankColumns(cols, q).eligibleCount, 1);
  assert.equal(rankColumns(cols, q).ranked[0]!.distanceKm, limit);
  assert.equal(rankColumns(cols, { ...q, maxDistanceKm: limit - 0.001 }).eligibleCount, 0);
  assert.equal(rankColumns(cols, { ...q, maxDistanceKm: limit - 0.001 }).excluded.distance, 1);
});
