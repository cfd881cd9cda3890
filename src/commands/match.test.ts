import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { haversineKm } from '../domain/distance.ts';

const CLI = fileURLToPath(new URL('./match.ts', import.meta.url));

/** Runs the CLI as `npm run -s match` would, with `input` on stdin. */
function runMatch(input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const LEEDS = { latitude: 53.8, longitude: -1.55 };
const MANCHESTER = { latitude: 53.48, longitude: -2.24 };
const LONDON = { latitude: 51.51, longitude: -0.13 };

const patient = (id: string, waitWeeks: number, extra: Record<string, unknown> = {}) => ({
  id, specialty: '110', ...LEEDS, waitWeeks, maxTravelKm: 80.4672, age: 54, ...extra,
});
const offer = (id: string, capacity: number, extra: Record<string, unknown> = {}) => ({
  id, specialty: '110', ...MANCHESTER, capacity, minAge: null, maxAge: null, ...extra,
});

test('a valid instance answers assignments, unmatched and totals, and the assignments keep every rule', async () => {
  const instance = {
    patients: [
      patient('p1', 61.5),
      patient('p2', 70, { specialty: 'C_110' }), // the RTT spelling of the same specialty
      patient('p3', 45),
      patient('p4', 80, { specialty: '130' }), // no offer of its specialty
      patient('p5', 90, { maxTravelKm: 10 }), // nothing near enough
      patient('p6', 75, { age: 80 }), // too old for o2, and o1 has one place
    ],
    offers: [offer('o1', 1), offer('o2', 5, { ...LONDON, maxAge: 75 }), offer('o3', 0)],
  };
  const { code, stdout, stderr } = await runMatch(JSON.stringify(instance));
  assert.equal(code, 0, stderr);
  assert.equal(stderr, '');
  const result = JSON.parse(stdout) as {
    assignments: { patientId: string; offerId: string; distanceKm: number }[];
    unmatched: string[];
    totals: { matched: number; waitWeeksMatched: number; distanceKm: number };
  };
  assert.deepEqual(Object.keys(result).sort(), ['assignments', 'totals', 'unmatched']);
  assert.deepEqual(Object.keys(result.totals).sort(), ['distanceKm', 'matched', 'waitWeeksMatched']);

  const patients = new Map(instance.patients.map((p) => [p.id, p]));
  const offers = new Map(instance.offers.map((o) => [o.id, o]));
  const load = new Map<string, number>();
  for (const a of result.assignments) {
    assert.deepEqual(Object.keys(a).sort(), ['distanceKm', 'offerId', 'patientId']);
    const p = patients.get(a.patientId)!;
    const o = offers.get(a.offerId)!;
    assert.ok(p && o, `unknown ids in ${JSON.stringify(a)}`);
    assert.equal(p.specialty.replace('C_', ''), o.specialty);
    const km = haversineKm(p, o);
    assert.ok(Math.abs(a.distanceKm - km) < 1e-6, `${a.patientId}: ${a.distanceKm} km, expected ${km}`);
    assert.ok(p.maxTravelKm === null || km <= p.maxTravelKm);
    assert.ok(o.maxAge === null || p.age <= o.maxAge);
    load.set(a.offerId, (load.get(a.offerId) ?? 0) + 1);
    assert.ok(load.get(a.offerId)! <= o.capacity, `${a.offerId} over capacity`);
  }
  // Every patient is answered exactly once, in one list or the other.
  const answered = [...result.assignments.map((a) => a.patientId), ...result.unmatched].sort();
  assert.deepEqual(answered, instance.patients.map((p) => p.id).sort());
  // London is beyond 80 km of Leeds, so only o1's one place can be used: by the longest waiter who may take it.
  assert.deepEqual(result.assignments.map((a) => [a.patientId, a.offerId]), [['p6', 'o1']]);
  assert.equal(result.totals.matched, 1);
  assert.equal(result.totals.waitWeeksMatched, 75);
  assert.ok(Math.abs(result.totals.distanceKm - result.assignments[0]!.distanceKm) < 1e-9);
});

test('an empty instance answers an empty result', async () => {
  const { code, stdout, stderr } = await runMatch('{"patients":[],"offers":[]}');
  assert.equal(code, 0, stderr);
  assert.deepEqual(JSON.parse(stdout), { assignments: [], unmatched: [], totals: { matched: 0, waitWeeksMatched: 0, distanceKm: 0 } });
});

const refusals: { name: string; input: string; says: RegExp }[] = [
  { name: 'not JSON', input: '{"patients": [', says: /not JSON/ },
  { name: 'nothing at all', input: '', says: /not JSON \(the input is empty\)/ },
  {
    name: 'a missing field',
    input: JSON.stringify({ patients: [patient('p1', 50, { waitWeeks: undefined })], offers: [] }),
    says: /patients\[0\]\.waitWeeks: is required/,
  },
  { name: 'no offers list', input: JSON.stringify({ patients: [] }), says: /^offers: is required$/m },
  { name: 'a negative capacity', input: JSON.stringify({ patients: [], offers: [offer('o1', 5), offer('o2', -1)] }), says: /offers\[1\]\.capacity: must be 0 or more/ },
  {
    name: 'a duplicate id',
    input: JSON.stringify({ patients: [patient('p1', 50), patient('p2', 50), patient('p1', 40)], offers: [] }),
    says: /patients\[2\]\.id: "p1" is already the id of \[0\]/,
  },
  {
    name: 'a wrong type',
    input: JSON.stringify({ patients: [patient('p1', 50, { latitude: '53.8' })], offers: [] }),
    says: /patients\[0\]\.latitude: must be a number/,
  },
];

for (const { name, input, says } of refusals) {
  test(`${name}: exits non-zero with the reason on stderr and nothing on stdout`, async () => {
    const { code, stdout, stderr } = await runMatch(input);
    assert.notEqual(code, 0);
    assert.equal(stdout, '');
    assert.match(stderr, says);
  });
}
