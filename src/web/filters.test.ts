import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCode, formatContactMethod, formatContactOutcome, formatDate, formatDateTime, formatDateTimeWelsh, formatDateWelsh, formatDay, formatGbp, formatMiles, formatNhsNumber, formatPriority, formatRelativeDay, formatTime, formatUbrn, formatWeeks, plural } from './filters.ts';

test('dates and times read in British English, in UK time', () => {
  assert.equal(formatDate('2026-04-30'), '30 April 2026');
  assert.equal(formatDate('not a date'), 'not a date');
  assert.equal(formatDateTime('2026-07-01T13:30:00Z'), 'Wednesday 1 July 2026 at 2:30pm');
  assert.equal(formatDay('2026-07-01T23:30:00Z'), 'Thursday 2 July 2026');
  assert.equal(formatTime('2026-12-01T09:00:00Z'), '9:00am');
});

test('numbers and references', () => {
  assert.equal(formatWeeks(1), '1 week');
  assert.equal(formatWeeks(12.63), '12.6 weeks');
  assert.equal(formatMiles(1), '1.0 mile');
  assert.equal(formatMiles(2.04), '2.0 miles');
  assert.equal(formatGbp(4.8), '£4.80');
  assert.equal(plural(2, 'service'), '2 services');
  assert.equal(plural(1, 'service'), '1 service');
  assert.equal(formatUbrn('123456789012'), '1234 5678 9012');
  assert.equal(formatNhsNumber('9990000018'), '999 000 0018');
  assert.equal(formatPriority('TWO_WEEK_WAIT'), 'Two week wait');
  assert.equal(formatCode('NO_MATCH'), 'No match');
});

test('relative days are UK days: today, yesterday, then the date', () => {
  const now = new Date('2026-07-02T10:00:00Z');
  assert.equal(formatRelativeDay('2026-07-02T08:00:00Z', now), 'today');
  assert.equal(formatRelativeDay('2026-07-01T23:30:00Z', now), 'today', '00:30 BST on 2 July');
  assert.equal(formatRelativeDay('2026-07-01T09:00:00Z', now), 'yesterday');
  assert.equal(formatRelativeDay('2026-06-29T09:00:00Z', now), '29 June 2026');
  assert.equal(formatRelativeDay('2026-03-01T09:00:00Z', new Date('2026-03-02T00:30:00Z')), 'yesterday', 'across a month');
});

test('a contact attempt\'s method and outcome read as words; an unknown code as it came', () => {
  assert.equal(formatContactOutcome('VOICEMAIL'), 'Left a voicemail');
  assert.equal(formatContactMethod('TEXT'), 'Text message');
  assert.equal(formatContactOutcome('SOMETHING_ELSE'), 'SOMETHING_ELSE');
});

test('dates and times in Welsh, for letters written in Welsh, in UK time', () => {
  assert.equal(formatDateWelsh('2026-04-30'), '30 Ebrill 2026');
  assert.equal(formatDateTimeWelsh('2026-12-01T09:30:00Z'), 'Dydd Mawrth 1 Rhagfyr 2026 am 9:30yb');
  assert.equal(formatDateTimeWelsh('2026-07-01T11:05:00Z'), 'Dydd Mercher 1 Gorffennaf 2026 am 12:05yp');
  assert.equal(formatDateTimeWelsh('2026-07-01T23:15:00Z'), 'Dydd Iau 2 Gorffennaf 2026 am 12:15yb');
});
