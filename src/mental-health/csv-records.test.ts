import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CsvSyntaxError, formatCsvRecord, parseCsvRecords } from './csv-records.ts';

test('quoted commas, doubled quotes and line breaks stay in their field; the record keeps the line it starts on', () => {
  const text = 'a,b,c\r\n1,"two, and more","say ""hi"""\r\n"multi\nline",x,y\n\nlast,,\n';
  assert.deepEqual(parseCsvRecords(text), [
    { line: 1, fields: ['a', 'b', 'c'] },
    { line: 2, fields: ['1', 'two, and more', 'say "hi"'] },
    { line: 3, fields: ['multi\nline', 'x', 'y'] },
    { line: 6, fields: ['last', '', ''] },
  ]);
});

test('a byte-order mark is dropped, a last line without a line end is read', () => {
  assert.deepEqual(parseCsvRecords('\uFEFFid\nP1'), [{ line: 1, fields: ['id'] }, { line: 2, fields: ['P1'] }]);
});

test('an unclosed quote, text after a closing quote and a stray quote are errors that name the line', () => {
  assert.throws(() => parseCsvRecords('a\nb\n"never closed\n\n'), (e: unknown) => e instanceof CsvSyntaxError && e.line === 3 && /not closed/.test(e.message));
  assert.throws(() => parseCsvRecords('a\n"x"y,z'), (e: unknown) => e instanceof CsvSyntaxError && e.line === 2);
  assert.throws(() => parseCsvRecords('a\nb"c'), (e: unknown) => e instanceof CsvSyntaxError && e.line === 2 && /quote inside/.test(e.message));
});

test('property: formatting records and parsing them gives them back, with the right starting lines', () => {
  const field = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r', ' ', 'é', '1'), maxLength: 8 });
  const record = fc.array(field, { minLength: 1, maxLength: 5 });
  fc.assert(fc.property(fc.array(record, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), (records, eol) => {
    const text = records.map(formatCsvRecord).join(eol) + (records.length ? eol : '');
    const parsed = parseCsvRecords(text);
    assert.deepEqual(parsed.map((r) => r.fields), records);
    // Each record starts one line after the end of the one before, counting the breaks within its quoted fields.
    let line = 1;
    for (const [i, r] of parsed.entries()) {
      assert.equal(r.line, line);
      const body = formatCsvRecord(records[i]!);
      line += 1 + (body.match(/\r\n|\r|\n/g)?.length ?? 0);
    }
  }));
});
