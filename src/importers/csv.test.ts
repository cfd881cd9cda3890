import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { detectDelimiter, formatCsvLine, parseCsvLine, readCsv } from './csv.ts';
import { readableName } from './names.ts';

test('any fields survive formatting and parsing (quotes, delimiters, spaces)', () => {
  const field = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '~', '"', 'é', '1') });
  fc.assert(
    fc.property(fc.array(field, { minLength: 1, maxLength: 8 }), fc.constantFrom(',', '~'), (fields, delimiter) => {
      assert.deepEqual(parseCsvLine(formatCsvLine(fields, delimiter), delimiter), fields);
    }),
    { numRuns: 500 },
  );
});

test('parses RFC 4180 quoting and reports an unclosed quote', () => {
  assert.deepEqual(parseCsvLine('"a,b","say ""hi""",,x'), ['a,b', 'say "hi"', '', 'x']);
  assert.throws(() => parseCsvLine('"open,field'), /not closed/);
});

test('detects the delimiter from the header line', () => {
  assert.equal(detectDelimiter('OrganisationID~OrganisationCode~Sector'), '~');
  assert.equal(detectDelimiter('code,title,"group, kind"'), ',');
});

test('readCsv keeps a quoted line break inside one record and numbers lines from 1', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'csv-'));
  const file = join(dir, 'a.csv');
  await writeFile(file, 'a,b\r\n1,"two\nlines"\r\n\r\n3,x\n');
  const records = [];
  for await (const r of readCsv(file)) records.push(r);
  assert.deepEqual(records, [
    { line: 1, fields: ['a', 'b'] },
    { line: 2, fields: ['1', 'two\nlines'] },
    { line: 5, fields: ['3', 'x'] },
  ]);
});

test('ODS capitals become readable names', () => {
  assert.equal(readableName('LEEDS TEACHING HOSPITALS NHS TRUST'), 'Leeds Teaching Hospitals NHS Trust');
  assert.equal(readableName('THE DENSHAM SURGERY'), 'The Densham Surgery');
  assert.equal(readableName("ST MICHAEL'S CLINIC"), "St Michael's Clinic");
  assert.equal(readableName("O'BRIEN HOUSE (DHC)"), "O'Brien House (DHC)");
  assert.equal(readableName('Nuffield Health, Brentwood Hospital'), 'Nuffield Health, Brentwood Hospital');
});
