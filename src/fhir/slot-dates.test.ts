// FHIR date prefixes on Slot.start as the window the JSON API reads: London days, each prefix's bound, and refusals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Problem } from '../http/problem.ts';
import { slotWindow } from './slot-dates.ts';

const now = new Date('2026-07-01T12:00:00Z');
const window = (...values: string[]) => {
  const w = slotWindow(values, { now, defaultWeeks: 12, maxWeeks: 26 });
  return [w.from.toISOString(), w.to.toISOString()];
};

test('a date is a London day: eq is that day, ge from its midnight, gt from the next, le to its end, lt to its midnight', () => {
  // July: London is an hour ahead of UTC.
  assert.deepEqual(window('2026-07-10'), ['2026-07-09T23:00:00.000Z', '2026-07-10T23:00:00.000Z']);
  assert.deepEqual(window('eq2026-07-10'), ['2026-07-09T23:00:00.000Z', '2026-07-10T23:00:00.000Z']);
  assert.deepEqual(window('ge2026-07-10', 'lt2026-07-17'), ['2026-07-09T23:00:00.000Z', '2026-07-16T23:00:00.000Z']);
  assert.deepEqual(window('gt2026-07-10', 'le2026-07-17'), ['2026-07-10T23:00:00.000Z', '2026-07-17T23:00:00.000Z']);
  // December: London is on UTC.
  assert.deepEqual(window('ge2026-12-01', 'lt2026-12-08'), ['2026-12-01T00:00:00.000Z', '2026-12-08T00:00:00.000Z']);
});

test('instants bound exactly (gt and le a millisecond on); the narrowest of several bounds wins; absent, the next 12 weeks', () => {
  assert.deepEqual(window('ge2026-07-10T09:00:00Z', 'lt2026-07-10T17:00:00+01:00'), ['2026-07-10T09:00:00.000Z', '2026-07-10T16:00:00.000Z']);
  assert.deepEqual(window('gt2026-07-10T09:00:00Z', 'le2026-07-10T10:00:00Z'), ['2026-07-10T09:00:00.001Z', '2026-07-10T10:00:00.001Z']);
  assert.deepEqual(window('ge2026-07-01', 'ge2026-07-10T09:00:00Z', 'lt2026-08-01', 'lt2026-07-20'), ['2026-07-10T09:00:00.000Z', '2026-07-19T23:00:00.000Z']);
  // A London day against an instant: compared as the instants they stand for (London midnight is 23:00Z in July).
  assert.deepEqual(window('ge2026-07-10', 'ge2026-07-09T23:30:00Z', 'le2026-07-20', 'lt2026-07-20T23:30:00Z'), ['2026-07-09T23:30:00.000Z', '2026-07-20T23:00:00.000Z']);
  assert.deepEqual(window(), [now.toISOString(), new Date(now.getTime() + 12 * 7 * 86_400_000).toISOString()]);
});

test('what is not a FHIR date, another prefix, an eq instant, an empty or too long window: 400 naming start', () => {
  for (const values of [['2026-13-45'], ['tomorrow'], ['sa2026-07-10'], ['ne2026-07-10'], ['2026-07'], ['ge2026-07-10T09:00'], ['eq2026-07-10T09:00:00Z'], ['ge2026-07-10', 'lt2026-07-10'], ['ge2026-01-01', 'lt2026-12-31']]) {
    assert.throws(() => slotWindow(values, { now, defaultWeeks: 12, maxWeeks: 26 }), (err: unknown) => {
      assert.ok(err instanceof Problem, String(err));
      assert.equal(err.status, 400, values.join('&'));
      assert.equal(err.errors?.[0]?.field, 'start');
      return true;
    }, values.join('&'));
  }
});
