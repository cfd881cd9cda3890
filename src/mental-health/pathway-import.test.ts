import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isCalendarDate } from '../domain/dates.ts';
import { addDays } from '../domain/rtt-clock.ts';
import { pathwayHash, readDate, rowsFromCsv } from './pathway-import.ts';

test('dates are read as YYYY-MM-DD or DD/MM/YYYY; empty is none; anything else is no date', () => {
  assert.equal(readDate('2026-04-01'), '2026-04-01');
  assert.equal(readDate(' 1/4/2026 '), '2026-04-01');
  assert.equal(readDate(''), null);
  assert.equal(readDate(null), null);
  assert.equal(readDate('31/02/2026'), undefined);
  assert.equal(readDate('2026-4-1'), undefined);
  assert.equal(readDate('04/01/26'), undefined);
});

test('property: every real date reads back in both forms, and no text reads as an unreal date', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 60_000 }), (n) => {
    const iso = addDays('1900-01-01', n);
    assert.equal(readDate(iso), iso);
    assert.equal(readDate(`${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`), iso);
  }));
  fc.assert(fc.property(fc.string({ maxLength: 12 }), (s) => {
    const d = readDate(s);
    assert.ok(d === null || d === undefined || isCalendarDate(d));
  }));
});

test('columns are found by name in any order, case and spacing; the rows keep the lines their records start on', async () => {
  const parsed = await rowsFromCsv('ICB,Referred On,Service,"Pathway ID"\r\nQWO,2026-01-01,EIP,"A\nB"\r\nQWO,2026-01-02,EIP,C');
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.rows.map((r) => [r.line, r.row.pathwayId, r.row.service, r.row.icb, r.row.practice]), [[2, 'A\nB', 'EIP', 'QWO', null], [4, 'C', 'EIP', 'QWO', null]]);
  assert.deepEqual(await rowsFromCsv(''), { ok: false, errors: [{ line: 1, message: 'the file is empty: send a header line and one line for each pathway' }] });
});

test('a pathway is known by a hash of its provider and its id, never the id', () => {
  const h = pathwayHash('RGD', 'P-1');
  assert.match(h, /^[0-9a-f]{64}$/);
  assert.notEqual(h, pathwayHash('RXG', 'P-1'), 'the same id at another provider is another pathway');
  assert.ok(!h.includes('P-1'));
});
