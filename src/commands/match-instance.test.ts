import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MatchInstanceError, fieldPath, parseMatchInstance } from './match-instance.ts';

const patient = (extra: Record<string, unknown> = {}) => ({
  id: 'p1', specialty: '110', latitude: 53.8, longitude: -1.55, waitWeeks: 61.5, maxTravelKm: 80.47, age: 54, ...extra,
});
const offer = (extra: Record<string, unknown> = {}) => ({
  id: 'o1', specialty: '110', latitude: 53.4, longitude: -2.2, capacity: 25, minAge: 18, maxAge: null, ...extra,
});

/** The problems an input is refused for, as `field: message` lines. */
function refusal(input: unknown): string[] {
  try {
    parseMatchInstance(input);
  } catch (err) {
    assert.ok(err instanceof MatchInstanceError, String(err));
    return err.problems.map((p) => `${p.field}: ${p.message}`);
  }
  assert.fail('the input was accepted');
}

test('the api.md example is accepted as it is', () => {
  const instance = parseMatchInstance({ patients: [patient()], offers: [offer()] });
  assert.deepEqual(instance, { patients: [patient()], offers: [offer()] });
});

test('"C_110" is read as "110", and omitted ages and age limits mean null', () => {
  const instance = parseMatchInstance({
    patients: [{ id: 'p1', specialty: ' C_110 ', latitude: 0, longitude: 0, waitWeeks: 0, maxTravelKm: null }],
    offers: [{ id: 'o1', specialty: 'c_110', latitude: -90, longitude: 180, capacity: 0 }],
  });
  assert.deepEqual(instance.patients[0], { id: 'p1', specialty: '110', latitude: 0, longitude: 0, waitWeeks: 0, maxTravelKm: null, age: null });
  assert.deepEqual(instance.offers[0], { id: 'o1', specialty: '110', latitude: -90, longitude: 180, capacity: 0, minAge: null, maxAge: null });
});

test('fields the contract does not name are dropped rather than passed to the engine', () => {
  const instance = parseMatchInstance({ patients: [patient({ nhsNumber: '9990000018' })], offers: [], note: 'x' });
  assert.ok(!('nhsNumber' in instance.patients[0]!));
  assert.ok(!('note' in instance));
});

test('each bad field is named by its path', () => {
  assert.deepEqual(refusal({ patients: [patient(), patient({ id: 'p2', waitWeeks: -1 })], offers: [] }), ['patients[1].waitWeeks: must be 0 or more']);
  assert.deepEqual(refusal({ patients: [], offers: [offer({ capacity: -1 })] }), ['offers[0].capacity: must be 0 or more']);
  assert.deepEqual(refusal({ patients: [], offers: [offer({ capacity: 2.5 })] }), ['offers[0].capacity: must be a whole number']);
  assert.deepEqual(refusal({ patients: [patient({ age: 54.5 })], offers: [] }), ['patients[0].age: must be a whole number']);
  assert.deepEqual(refusal({ patients: [patient({ age: -1 })], offers: [] }), ['patients[0].age: must be 0 or more']);
  assert.deepEqual(refusal({ patients: [patient({ maxTravelKm: -5 })], offers: [] }), ['patients[0].maxTravelKm: must be 0 or more']);
  assert.deepEqual(refusal({ patients: [], offers: [offer({ maxAge: -5 })] }), ['offers[0].maxAge: must be 0 or more']);
  assert.deepEqual(refusal({ patients: [patient({ latitude: 90.5 })], offers: [] }), ['patients[0].latitude: must be between -90 and 90']);
  assert.deepEqual(refusal({ patients: [patient({ longitude: -180.5 })], offers: [] }), ['patients[0].longitude: must be between -180 and 180']);
  assert.deepEqual(refusal({ patients: [patient({ waitWeeks: Infinity })], offers: [] }), ['patients[0].waitWeeks: must be a number']);
  assert.deepEqual(refusal({ patients: [patient({ specialty: '' })], offers: [] }), ['patients[0].specialty: must not be empty']);
  assert.deepEqual(refusal({ patients: [patient({ id: '' })], offers: [] }), ['patients[0].id: must not be empty']);
});

test('a missing field is "required", a wrong type says what it must be', () => {
  const { waitWeeks: _, ...noWait } = patient();
  assert.deepEqual(refusal({ patients: [noWait], offers: [] }), ['patients[0].waitWeeks: is required']);
  const { maxTravelKm: __, ...noLimit } = patient();
  // Null is allowed, but leaving the limit out is not: it must not quietly mean "anywhere".
  assert.deepEqual(refusal({ patients: [noLimit], offers: [] }), ['patients[0].maxTravelKm: is required']);
  assert.deepEqual(refusal({ patients: [patient({ waitWeeks: '61' })], offers: [] }), ['patients[0].waitWeeks: must be a number']);
  assert.deepEqual(refusal({ patients: [patient({ id: 7 })], offers: [] }), ['patients[0].id: must be a string']);
  assert.deepEqual(refusal({ patients: {}, offers: [] }), ['patients: must be an array']);
  assert.deepEqual(refusal({ offers: [] }), ['patients: is required']);
  assert.deepEqual(refusal([]), ['(instance): must be an object with "patients" and "offers"']);
  assert.deepEqual(refusal(null), ['(instance): must be an object with "patients" and "offers"']);
});

test('ids must be unique among patients and among offers, but a patient and an offer may share one', () => {
  assert.deepEqual(refusal({ patients: [patient(), patient({ id: 'p2' }), patient()], offers: [] }), ['patients[2].id: "p1" is already the id of [0]']);
  assert.deepEqual(refusal({ patients: [], offers: [offer(), offer()] }), ['offers[1].id: "o1" is already the id of [0]']);
  assert.equal(parseMatchInstance({ patients: [patient({ id: 'x' })], offers: [offer({ id: 'x' })] }).offers.length, 1);
});

test('every problem is reported, and the message lists them one per line', () => {
  const input = { patients: [patient({ waitWeeks: -1, latitude: 'north' })], offers: [offer({ capacity: -3 })] };
  assert.deepEqual(refusal(input).sort(), ['offers[0].capacity: must be 0 or more', 'patients[0].latitude: must be a number', 'patients[0].waitWeeks: must be 0 or more']);
  try {
    parseMatchInstance({ patients: Array.from({ length: 30 }, (_, i) => patient({ id: `p${i}`, waitWeeks: -1 })), offers: [] });
    assert.fail('accepted');
  } catch (err) {
    const lines = (err as Error).message.split('\n');
    assert.equal(lines.length, 21);
    assert.equal(lines[0], 'patients[0].waitWeeks: must be 0 or more');
    assert.equal(lines[20], '… and 10 more problems');
  }
});

test('fieldPath writes array indices in brackets', () => {
  assert.equal(fieldPath(['patients', 3, 'waitWeeks']), 'patients[3].waitWeeks');
  assert.equal(fieldPath(['offers']), 'offers');
  assert.equal(fieldPath([]), '(instance)');
});
