import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { haversineKm } from './distance.ts';
import { type MatchInstance, type MatchOffer, type MatchPatient, type MatchResult, matchPatients } from './optimal-assignment.ts';

// Points within a region about 100 km across, so that 50- and 100-mile limits bite.
const point = { latitude: fc.double({ min: 52.5, max: 53.5, noNaN: true }), longitude: fc.double({ min: -2.5, max: -0.5, noNaN: true }) };
const specialty = fc.constantFrom('110', '110', '130');

const patient: fc.Arbitrary<Omit<MatchPatient, 'id'>> = fc.record({
  specialty,
  ...point,
  // Whole and half weeks, so that equal waits (the hard case) are common.
  waitWeeks: fc.integer({ min: 0, max: 12 }).map((h) => 40 + h / 2),
  maxTravelKm: fc.constantFrom(null, 80.4672, 40, 20),
  age: fc.option(fc.integer({ min: 10, max: 95 }), { nil: null, freq: 8 }),
});

const offer: fc.Arbitrary<Omit<MatchOffer, 'id'>> = fc.record({
  specialty,
  ...point,
  capacity: fc.integer({ min: 0, max: 4 }),
  minAge: fc.constantFrom(null, null, 18),
  maxAge: fc.constantFrom(null, null, 75),
});

function instanceOf(maxPatients: number, maxOffers: number): fc.Arbitrary<MatchInstance> {
  return fc.record({
    patients: fc.array(patient, { maxLength: maxPatients, size: 'max' }).map((ps) => ps.map((p, i) => ({ ...p, id: `p${i}` }))),
    offers: fc.array(offer, { maxLength: maxOffers, size: 'max' }).map((os) => os.map((o, i) => ({ ...o, id: `o${i}` }))),
  });
}

/** The rules of feasibility, written again from the contract rather than shared with the engine. */
function mayGo(p: MatchPatient, o: MatchOffer): boolean {
  if (p.specialty !== o.specialty) return false;
  if (o.minAge !== null && !(p.age !== null && p.age >= o.minAge)) return false;
  if (o.maxAge !== null && !(p.age !== null && p.age <= o.maxAge)) return false;
  return p.maxTravelKm === null || haversineKm(p, o) <= p.maxTravelKm;
}

function assertFeasible(instance: MatchInstance, result: MatchResult): void {
  const patients = new Map(instance.patients.map((p) => [p.id, p]));
  const offers = new Map(instance.offers.map((o) => [o.id, o]));
  const used = new Map<string, number>();
  const seen = new Set<string>();
  for (const a of result.assignments) {
    assert.ok(!seen.has(a.patientId), `${a.patientId} matched twice`);
    seen.add(a.patientId);
    const p = patients.get(a.patientId)!;
    const o = offers.get(a.offerId)!;
    assert.ok(p && o, 'assignment names a real patient and offer');
    assert.ok(mayGo(p, o), `${p.id} may not go to ${o.id}`);
    assert.ok(Math.abs(a.distanceKm - haversineKm(p, o)) < 1e-9);
    used.set(o.id, (used.get(o.id) ?? 0) + 1);
  }
  for (const [id, n] of used) assert.ok(n <= offers.get(id)!.capacity, `${id} over capacity`);
  assert.deepEqual([...seen, ...result.unmatched].sort(), instance.patients.map((p) => p.id).sort(), 'every patient is matched or unmatched, once');
  assert.equal(result.totals.matched, result.assignments.length);
}

/** The best (waitWeeks, km) over every feasible assignment, by exhaustive search. */
function bruteForce(instance: MatchInstance): { waitWeeks: number; km: number } {
  const room = instance.offers.map((o) => o.capacity);
  let best = { waitWeeks: 0, km: 0 };
  const visit = (i: number, waitWeeks: number, km: number) => {
    if (i === instance.patients.length) {
      if (waitWeeks > best.waitWeeks + 1e-9 || (Math.abs(waitWeeks - best.waitWeeks) <= 1e-9 && km < best.km)) best = { waitWeeks, km };
      return;
    }
    const p = instance.patients[i]!;
    visit(i + 1, waitWeeks, km);
    instance.offers.forEach((o, j) => {
      if (room[j]! > 0 && mayGo(p, o)) {
        room[j]!--;
        visit(i + 1, waitWeeks + p.waitWeeks, km + haversineKm(p, o));
        room[j]!++;
      }
    });
  };
  visit(0, 0, 0);
  return best;
}

/**
 * The best (waitWeeks, km) by a plain min-cost flow on the explicit network (Bellman–Ford shortest paths, costs
 * −M·waitWeeks + km): an independent oracle for instances too big for exhaustive search.
 */
function minCostFlow(instance: MatchInstance): { waitWeeks: number; km: number } {
  const M = 1e6; // any half-week difference outweighs all the travel in these instances
  const n = instance.patients.length;
  const m = instance.offers.length;
  const source = n + m;
  const sink = source + 1;
  const to: number[] = [], cap: number[] = [], cost: number[] = [], first: number[] = new Array(sink + 1).fill(-1), next: number[] = [];
  const edge = (u: number, v: number, c: number, w: number) => {
    for (const [a, b, cc, ww] of [[u, v, c, w], [v, u, 0, -w]] as const) {
      to.push(b); cap.push(cc); cost.push(ww); next.push(first[a]!); first[a] = to.length - 1;
    }
  };
  instance.patients.forEach((p, i) => {
    edge(source, i, 1, -M * p.waitWeeks);
    instance.offers.forEach((o, j) => { if (mayGo(p, o)) edge(i, n + j, 1, haversineKm(p, o)); });
  });
  instance.offers.forEach((o, j) => edge(n + j, sink, o.capacity, 0));
  let total = 0;
  for (;;) {
    const dist = new Array(sink + 1).fill(Infinity);
    const via = new Array(sink + 1).fill(-1);
    dist[source] = 0;
    for (let round = 0; round <= sink; round++) {
      let changed = false;
      for (let u = 0; u <= sink; u++) {
        if (dist[u] === Infinity) continue;
        for (let e = first[u]!; e >= 0; e = next[e]!) {
          if (cap[e]! > 0 && dist[u] + cost[e]! < dist[to[e]!] - 1e-9) { dist[to[e]!] = dist[u] + cost[e]!; via[to[e]!] = e; changed = true; }
        }
      }
      if (!changed) break;
    }
    if (!(dist[sink] < 0)) break;
    for (let v = sink; v !== source; v = to[via[v]! ^ 1]!) { cap[via[v]!]!--; cap[via[v]! ^ 1]!++; }
    total += dist[sink];
  }
  let waitWeeks = 0;
  instance.patients.forEach((p, i) => { for (let e = first[i]!; e >= 0; e = next[e]!) if (to[e] === source && cap[e]! > 0) waitWeeks += p.waitWeeks; });
  return { waitWeeks, km: total + M * waitWeeks };
}

test('every answer is feasible: capacity, specialty, age, travel limit, each patient once', () => {
  fc.assert(
    fc.property(instanceOf(60, 12), (instance) => {
      assertFeasible(instance, matchPatients(instance));
    }),
    { numRuns: 300 },
  );
});

test('the answer is the best there is: most weeks waited matched, then least travel (against exhaustive search)', () => {
  fc.assert(
    fc.property(instanceOf(7, 3), (instance) => {
      const result = matchPatients(instance);
      const best = bruteForce(instance);
      assert.ok(Math.abs(result.totals.waitWeeksMatched - best.waitWeeks) < 1e-9, `waitWeeks ${result.totals.waitWeeksMatched} vs ${best.waitWeeks}`);
      assert.ok(Math.abs(result.totals.distanceKm - best.km) < 1e-6, `km ${result.totals.distanceKm} vs ${best.km}`);
    }),
    { numRuns: 400 },
  );
});

test('the answer is the best there is on bigger instances (against a plain min-cost flow)', () => {
  fc.assert(
    fc.property(instanceOf(40, 12), (instance) => {
      const result = matchPatients(instance);
      const best = minCostFlow(instance);
      assert.ok(Math.abs(result.totals.waitWeeksMatched - best.waitWeeks) < 1e-9, `waitWeeks ${result.totals.waitWeeksMatched} vs ${best.waitWeeks}`);
      assert.ok(Math.abs(result.totals.distanceKm - best.km) < 1e-4, `km ${result.totals.distanceKm} vs ${best.km}`);
    }),
    { numRuns: 200 },
  );
});

test('a longer waiter is never left unmatched for a shorter one who could have taken the same place', () => {
  fc.assert(
    fc.property(instanceOf(80, 10), (instance) => {
      const result = matchPatients(instance);
      const byId = new Map(instance.patients.map((p) => [p.id, p]));
      const offers = new Map(instance.offers.map((o) => [o.id, o]));
      for (const id of result.unmatched) {
        const left = byId.get(id)!;
        if (left.waitWeeks === 0) continue;
        for (const a of result.assignments) {
          const taken = byId.get(a.patientId)!;
          if (taken.waitWeeks < left.waitWeeks) assert.ok(!mayGo(left, offers.get(a.offerId)!), `${left.id} (${left.waitWeeks} wk) could have had ${a.offerId} instead of ${taken.id} (${taken.waitWeeks} wk)`);
        }
      }
    }),
    { numRuns: 300 },
  );
});

test('the order the patients and offers come in changes nothing that matters', () => {
  fc.assert(
    fc.property(instanceOf(40, 8), fc.infiniteStream(fc.nat()), (instance, random) => {
      const shuffle = <T,>(items: readonly T[]) => items.map((item) => ({ item, key: random.next().value })).sort((a, b) => a.key - b.key).map((x) => x.item);
      const a = matchPatients(instance).totals;
      const b = matchPatients({ patients: shuffle(instance.patients), offers: shuffle(instance.offers) }).totals;
      assert.equal(a.matched, b.matched);
      assert.ok(Math.abs(a.waitWeeksMatched - b.waitWeeksMatched) < 1e-9);
      assert.ok(Math.abs(a.distanceKm - b.distanceKm) < 1e-6);
    }),
    { numRuns: 150 },
  );
});

test('moving a placed patient on to make room is found: the nearer patient gives way', () => {
  // Two offers in Leeds and Manchester, one place each. Ann (longest wait) lives in Leeds but will go anywhere; Bob
  // can only reach Leeds. Greedy would send Ann to Leeds and leave Bob out; the best sends Ann to Manchester.
  const leeds = { latitude: 53.8, longitude: -1.55 };
  const manchester = { latitude: 53.48, longitude: -2.24 };
  const result = matchPatients({
    patients: [
      { id: 'ann', specialty: '110', ...leeds, waitWeeks: 60, maxTravelKm: null, age: 50 },
      { id: 'bob', specialty: '110', ...leeds, waitWeeks: 45, maxTravelKm: 10, age: 50 },
    ],
    offers: [
      { id: 'leeds', specialty: '110', ...leeds, capacity: 1, minAge: null, maxAge: null },
      { id: 'manchester', specialty: '110', ...manchester, capacity: 1, minAge: null, maxAge: null },
    ],
  });
  assert.deepEqual(result.assignments.map((a) => [a.patientId, a.offerId]), [['ann', 'manchester'], ['bob', 'leeds']]);
  assert.deepEqual(result.unmatched, []);
});

test('edge cases: nothing to match, no capacity, zero waits, no specialty in common, unknown age', () => {
  assert.deepEqual(matchPatients({ patients: [], offers: [] }), { assignments: [], unmatched: [], totals: { matched: 0, waitWeeksMatched: 0, distanceKm: 0 } });
  const here = { latitude: 53.8, longitude: -1.55 };
  const result = matchPatients({
    patients: [
      { id: 'zero', specialty: '110', ...here, waitWeeks: 0, maxTravelKm: null, age: 40 },
      { id: 'eyes', specialty: '130', ...here, waitWeeks: 50, maxTravelKm: null, age: 40 },
      { id: 'no-age', specialty: '110', ...here, waitWeeks: 50, maxTravelKm: null, age: null },
    ],
    offers: [
      { id: 'adults', specialty: '110', ...here, capacity: 5, minAge: 18, maxAge: null },
      { id: 'none', specialty: '130', ...here, capacity: 0, minAge: null, maxAge: null },
    ],
  });
  assert.deepEqual(result.assignments, []);
  assert.deepEqual(result.unmatched, ['zero', 'eyes', 'no-age']);
});
