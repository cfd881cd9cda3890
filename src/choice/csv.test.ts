import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { csvCell, parseCsv, toCsv } from './csv.ts';

test('cells: numbers and booleans as they are, null empty, commas, quotes and line breaks quoted', () => {
  assert.equal(csvCell(12), '12');
  assert.equal(csvCell(0.25), '0.25');
  assert.equal(csvCell(true), 'true');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell('Leeds Teaching Hospitals NHS Trust'), 'Leeds Teaching Hospitals NHS Trust');
  assert.equal(csvCell('Bradford, Airedale'), '"Bradford, Airedale"');
  assert.equal(csvCell('the "new" clinic'), '"the ""new"" clinic"');
  assert.equal(csvCell('two\nlines'), '"two\nlines"');
});

test('a text cell a spreadsheet would run as a formula gets a leading apostrophe; numbers keep their sign', () => {
  for (const s of ['=1+1', '+44', '-2', '@SUM(A1)', '\tx', '\rx']) assert.ok(csvCell(s).replace(/^"/, '').startsWith(`'${s[0]}`), s);
  assert.equal(csvCell('=HYPERLINK("http://x","y")'), '"\'=HYPERLINK(""http://x"",""y"")"');
  assert.equal(csvCell(-2), '-2');
  assert.equal(csvCell('A&E'), 'A&E');
});

test('whatever the cells, reading the CSV back gives them (formulas with their apostrophe), row by row', () => {
  const cell = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('=x', '+1', '-', '@a', 'a,b', '"', '\r\n', ''), fc.integer(), fc.constant(null));
  fc.assert(fc.property(fc.integer({ min: 1, max: 5 }).chain((width) => fc.tuple(fc.array(fc.string({ minLength: 1, maxLength: 8 }).filter((h) => !/^[=+\-@\t\r]/.test(h)), { minLength: width, maxLength: width }), fc.array(fc.array(cell, { minLength: width, maxLength: width }), { maxLength: 6 }))), ([header, rows]) => {
    const back = parseCsv(toCsv(header, rows));
    assert.deepEqual(back, [header, ...rows.map((r) => r.map((v) => (v === null ? '' : typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : String(v))))]);
  }));
});
