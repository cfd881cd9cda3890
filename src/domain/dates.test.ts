import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ageOn, formatDate, formatDateTime, isCalendarDate, londonDate } from './dates.ts';

test('the day turns at midnight in London, in summer time too', () => {
  assert.equal(londonDate(new Date('2026-07-01T23:30:00Z')), '2026-07-02');
  assert.equal(londonDate(new Date('2026-12-01T23:30:00Z')), '2026-12-01');
});

test('ages', () => {
  assert.equal(ageOn('1970-01-31', '2026-11-23'), 56);
  assert.equal(ageOn('2000-11-23', '2026-11-23'), 26);
  assert.equal(ageOn('2000-11-24', '2026-11-23'), 25);
  assert.equal(ageOn('2004-02-29', '2026-02-28'), 21);
  assert.equal(ageOn('2004-02-29', '2026-03-01'), 22);
});

test('calendar dates', () => {
  assert.ok(isCalendarDate('2024-02-29'));
  for (const bad of ['2026-02-29', '2026-13-01', '2026-1-1', '31/01/1970', '']) assert.equal(isCalendarDate(bad), false, bad);
});

test('property: age grows by one on each birthday', () => {
  fc.assert(
    fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2020-12-31'), noInvalidDate: true }), fc.integer({ min: 1, max: 100 }), (born, years) => {
      const dob = born.toISOString().slice(0, 10);
      if (dob.endsWith('02-29')) return;
      const birthday = `${Number(dob.slice(0, 4)) + years}${dob.slice(4)}`;
      assert.equal(ageOn(dob, birthday), years);
    }),
  );
});

test('dates and instants as the history and the pages write them: British English, UK time', () => {
  assert.equal(formatDateTime('2026-12-07T09:00:00.000Z'), 'Monday 7 December 2026 at 9:00am');
  // Summer time: 13:30 UTC is half past two in London.
  assert.equal(formatDateTime(new Date('2026-07-01T13:30:00Z')), 'Wednesday 1 July 2026 at 2:30pm');
  assert.equal(formatDate('2026-12-12'), '12 December 2026');
  assert.equal(formatDate('not a date'), 'not a date');
});
