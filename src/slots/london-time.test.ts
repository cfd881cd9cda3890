import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays, londonInstant, weekdayOf } from './london-time.ts';
import { expandPattern } from './pattern.ts';

test('London wall-clock times: GMT in winter, BST in summer', () => {
  assert.equal(londonInstant('2027-01-15', '09:00').toISOString(), '2027-01-15T09:00:00.000Z');
  assert.equal(londonInstant('2027-07-15', '09:00').toISOString(), '2027-07-15T08:00:00.000Z');
  assert.equal(londonInstant('2027-07-01', '00:30').toISOString(), '2027-06-30T23:30:00.000Z');
});

test('the days the clocks change: 09:00 either side; a skipped time lands after the change; a repeated one is its first', () => {
  assert.equal(londonInstant('2027-03-27', '09:00').toISOString(), '2027-03-27T09:00:00.000Z');
  assert.equal(londonInstant('2027-03-28', '09:00').toISOString(), '2027-03-28T08:00:00.000Z');
  assert.equal(londonInstant('2027-03-28', '01:30').toISOString(), '2027-03-28T01:30:00.000Z'); // 02:30 BST
  assert.equal(londonInstant('2027-10-31', '01:30').toISOString(), '2027-10-31T00:30:00.000Z'); // 01:30 BST
  assert.equal(londonInstant('2027-10-31', '09:00').toISOString(), '2027-10-31T09:00:00.000Z');
});

test('calendar arithmetic', () => {
  assert.equal(addDays('2027-02-27', 2), '2027-03-01');
  assert.equal(addDays('2027-12-31', 1), '2028-01-01');
  assert.equal(weekdayOf('2027-03-22'), 0); // a Monday
  assert.equal(weekdayOf('2027-03-28'), 6); // a Sunday
});

test('a weekly pattern across the change to summer time keeps its London times', () => {
  const slots = expandPattern({ from: '2027-03-22', weeks: 2, days: ['MON', 'WED'], times: ['09:30', '09:00'], minutes: 20 });
  assert.deepEqual(slots.map((s) => [s.start.toISOString(), s.end.toISOString()]), [
    ['2027-03-22T09:00:00.000Z', '2027-03-22T09:20:00.000Z'],
    ['2027-03-22T09:30:00.000Z', '2027-03-22T09:50:00.000Z'],
    ['2027-03-24T09:00:00.000Z', '2027-03-24T09:20:00.000Z'],
    ['2027-03-24T09:30:00.000Z', '2027-03-24T09:50:00.000Z'],
    ['2027-03-29T08:00:00.000Z', '2027-03-29T08:20:00.000Z'],
    ['2027-03-29T08:30:00.000Z', '2027-03-29T08:50:00.000Z'],
    ['2027-03-31T08:00:00.000Z', '2027-03-31T08:20:00.000Z'],
    ['2027-03-31T08:30:00.000Z', '2027-03-31T08:50:00.000Z'],
  ]);
});
