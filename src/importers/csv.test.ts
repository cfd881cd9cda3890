import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { type CsvRecord, ImportError, detectDelimiter, forEachRecord, readCsv } from './csv.ts';
import { formatCsvRecord, parseCsvText } from './csv-records.ts';
import { openText } from './source.ts';
import { readableName } from './names.ts';

test('any fields survive formatting and parsing (quotes, delimiters, spaces)', async () => {
  const field = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '~', '"', 'é', '1') });
  await fc.assert(
    fc.asyncProperty(fc.array(field, { minLength: 1, maxLength: 8 }), fc.constantFrom(',', '~'), async (fields, delimiter) => {
      assert.deepEqual((await parseCsvText(formatCsvRecord(fields, delimiter), { delimiter })).map((r) => r.fields), [fields]);
    }),
    { numRuns: 500 },
  );
});

test('parses RFC 4180 quoting and reports an unclosed quote', async () => {
  assert.deepEqual((await parseCsvText('"a,b","say ""hi""",,x'))[0]!.fields, ['a,b', 'say "hi"', '', 'x']);
  await assert.rejects(parseCsvText('"open,field'), /not closed/);
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

test('quoted line breaks and line numbers survive chunk boundaries (plain and gzip)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'csv-'));
  // Every record spans two physical lines, so chunk boundaries fall inside quoted fields.
  let content = 'id,note,tail\n';
  let line = 2;
  const expected: CsvRecord[] = [{ line: 1, fields: ['id', 'note', 'tail'] }];
  for (let i = 0; i < 30_000; i++) {
    const eol = i % 2 === 0 ? '\r\n' : '\n';
    content += `${i},"first ${i}\nsecond ${i}",x${eol}`;
    expected.push({ line, fields: [String(i), `first ${i}\nsecond ${i}`, 'x'] });
    line += 2;
    if (i % 1000 === 999) {
      content += '\n';
      line++;
    }
  }
  for (const [name, bytes] of [['big.csv', Buffer.from(content)], ['big.csv.gz', gzipSync(content)]] as const) {
    const file = join(dir, name);
    await writeFile(file, bytes);
    let chunkEndsInsideQuotes = false;
    for await (const lines of openText(file)) chunkEndsInsideQuotes ||= lines.at(-1)!.includes('"first');
    assert.ok(chunkEndsInsideQuotes, `${name}: no chunk boundary fell inside a quoted field`);
    const records = [];
    for await (const r of readCsv(file)) records.push(r);
    assert.deepEqual(records, expected, name);
  }
});

test('the first bad line wins, whether the caller or the parser finds it, though both are in one chunk', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'csv-'));
  const file = join(dir, 'bad.csv');
  await writeFile(file, 'a,b\n1,oops\n"2"x,y\n');
  const lines: number[] = [];
  const rejectOops = ({ line, fields }: CsvRecord) => {
    lines.push(line);
    if (fields[1] === 'oops') throw new ImportError(`line ${line}: oops`);
  };
  await assert.rejects(forEachRecord(file, rejectOops), { message: 'line 2: oops' });
  assert.deepEqual(lines, [1, 2]);
  await assert.rejects(forEachRecord(file, () => {}), { message: /^line 3: unexpected text after a quoted field/ });
});

test('ODS capitals become readable names', () => {
  assert.equal(readableName('LEEDS TEACHING HOSPITALS NHS TRUST'), 'Leeds Teaching Hospitals NHS Trust');
  assert.equal(readableName('THE DENSHAM SURGERY'), 'The Densham Surgery');
  assert.equal(readableName("ST MICHAEL'S CLINIC"), "St Michael's Clinic");
  assert.equal(readableName("O'BRIEN HOUSE (DHC)"), "O'Brien House (DHC)");
  assert.equal(readableName('Nuffield Health, Brentwood Hospital'), 'Nuffield Health, Brentwood Hospital');
});
