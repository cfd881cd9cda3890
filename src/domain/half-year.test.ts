// Half-years: what a commissioner may ask for, and the arithmetic of the comparison with the one before.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { halfYearDates, halfYearOf, halfYearWords, parseHalfYear, previousHalfYear, readHalfYear } from './half-year.ts';

const TODAY = '2026-12-03';

test('a half-year is read as 2026-H2 (any case, spaces around), from 2016-H1 to the current one', () => {
  assert.deepEqual(parseHalfYear('2026-H2', TODAY), { ok: true, half: '2026-H2' });
  assert.deepEqual(parseHalfYear(' 2026-h1 ', TODAY), { ok: true, half: '2026-H1' });
  assert.deepEqual(parseHalfYear('2016-H1', TODAY), { ok: true, half: '2016-H1' });
  for (const bad of ['2026-H3', '1999-H1', '2015-H2', '2027-H1', '2026H2', '2026-H', '26-H2', '', 'H2-2026', '2026-H2x']) {
    assert.equal(parseHalfYear(bad, TODAY).ok, false, bad);
  }
  assert.match((parseHalfYear('2027-H1', TODAY) as { message: string }).message, /2026-H2 or earlier/);
});

test('property: every date falls in the half-year whose dates hold it, and the previous half-year ends the day before', () => {
  fc.assert(
    fc.property(fc.date({ min: new Date('2016-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }), (d) => {
      const date = d.toISOString().slice(0, 10);
      const half = halfYearOf(date);
      const { from, to } = halfYearDates(half);
      assert.ok(from <= date && date <= to, `${date} in ${half}`);
      const before = halfYearDates(previousHalfYear(half));
      const dayBefore = new Date(Date.parse(`${from}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      assert.equal(before.to, dayBefore);
      assert.deepEqual(parseHalfYear(half, '2099-12-31'), { ok: true, half });
    }),
  );
});

test('property: any text that is not YYYY-H1 or YYYY-H2 is refused with a message, never thrown', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 12 }), (raw) => {
      const parsed = parseHalfYear(raw, TODAY);
      if (parsed.ok) assert.match(parsed.half, /^\d{4}-H[12]$/);
      else assert.ok(parsed.message.length > 0);
    }),
  );
});

test('half-years in words', () => {
  assert.equal(halfYearWords('2026-H1'), 'January to June 2026');
  assert.equal(halfYearWords('2026-H2'), 'July to December 2026');
  assert.equal(previousHalfYear('2026-H1'), '2025-H2');
});

test('the form alone, as the self-assessment\'s addresses give it: its dates, the one before, the one holding a date', () => {
  assert.equal(readHalfYear('2026-H2'), '2026-H2');
  assert.equal(readHalfYear(' 2026-h1 '), '2026-H1');
  for (const bad of ['2026-H3', '2026H1', '26-H1', '2026-H1x', '']) assert.equal(readHalfYear(bad), null, bad);
  assert.deepEqual(halfYearDates('2026-H1'), { from: '2026-01-01', to: '2026-06-30' });
  assert.equal(previousHalfYear('2026-H2'), '2026-H1');
  assert.equal(halfYearOf('2026-06-30'), '2026-H1');
  assert.equal(halfYearOf('2026-07-01'), '2026-H2');
});
