import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addYears, parsePeriod, shiftDays, weekStart, wholeWeeks } from './period.ts';

const date = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2060-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

test('a period of real dates in order and under five years is accepted as it is', () => {
  fc.assert(fc.property(date, fc.integer({ min: 0, max: 5 * 366 }), (from, days) => {
    const to = shiftDays(from, days);
    const parsed = parsePeriod(from, to);
    assert.equal(parsed.ok, to < addYears(from, 5));
    if (parsed.ok) assert.deepEqual(parsed.period, { from, to });
    else assert.deepEqual(parsed.problems.map((p) => p.field), ['to']);
  }));
});

test('a period ending before it starts is refused on "to"', () => {
  fc.assert(fc.property(date, fc.integer({ min: 1, max: 4000 }), (from, days) => {
    const parsed = parsePeriod(from, shiftDays(from, -days));
    assert.ok(!parsed.ok);
    assert.deepEqual(parsed.problems.map((p) => p.field), ['to']);
    assert.match(parsed.problems[0]!.message, /before from/);
  }));
});

test('anything but a real YYYY-MM-DD date is refused, naming the field', () => {
  for (const bad of ['2026-02-30', '2025-02-29', '2026-13-01', '2026-1-01', '01/02/2026', '', ' 2026-01-01', '2026-01-01T00:00']) {
    const parsed = parsePeriod(bad, '2026-12-31');
    assert.ok(!parsed.ok, bad);
    assert.deepEqual(parsed.problems.map((p) => p.field), ['from'], bad);
  }
  const both = parsePeriod(undefined, '2026-02-30');
  assert.ok(!both.ok);
  assert.deepEqual(both.problems.map((p) => p.field), ['from', 'to']);
  fc.assert(fc.property(fc.string({ maxLength: 12 }), (s) => {
    const parsed = parsePeriod(s, s);
    if (parsed.ok) assert.match(s, /^\d{4}-\d{2}-\d{2}$/);
  }));
  assert.ok(parsePeriod('2024-02-29', '2024-02-29').ok, 'a leap day is a date');
});

test('five years exactly is refused, a day less allowed', () => {
  assert.ok(parsePeriod('2021-01-01', '2025-12-31').ok);
  assert.ok(!parsePeriod('2021-01-01', '2026-01-01').ok);
  assert.ok(parsePeriod('2024-02-29', '2029-02-28').ok);
  assert.ok(!parsePeriod('2024-02-29', '2029-03-01').ok);
});

test('weeks start on Monday and whole weeks run Monday to Sunday around the period', () => {
  assert.equal(weekStart('2026-12-03'), '2026-11-30'); // a Thursday
  assert.equal(weekStart('2026-11-30'), '2026-11-30');
  assert.equal(weekStart('2026-12-06'), '2026-11-30'); // the Sunday
  fc.assert(fc.property(date, fc.integer({ min: 0, max: 400 }), (from, days) => {
    const to = shiftDays(from, days);
    const w = wholeWeeks({ from, to });
    assert.equal(new Date(`${w.from}T00:00:00Z`).getUTCDay(), 1);
    assert.equal(new Date(`${w.to}T00:00:00Z`).getUTCDay(), 0);
    assert.ok(w.from <= from && shiftDays(w.from, 7) > from);
    assert.ok(w.to >= to && shiftDays(w.to, -7) < to);
  }));
});
