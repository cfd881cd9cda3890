import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CsvSyntaxError, csvRecordBatches, csvRecordsFromLines, formatCsvRecord, parseCsvText } from './csv-records.ts';

const field = fc.string({ unit: fc.oneof(fc.constantFrom('a', 'Z', ' ', ',', ';', '"', '\n', '\r', 'é', '1'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), maxLength: 10 });
const table = fc.array(fc.array(field, { minLength: 1, maxLength: 6 }), { maxLength: 15 });

/**
 * The text cut into pieces at the given points, as a network or a file delivers it: bytes anywhere (inside a UTF-8
 * sequence, a CRLF or a quoted field too), text anywhere but inside a surrogate pair.
 */
function pieces<T extends string | Buffer>(text: T, cuts: number[]): T[] {
  const whole = (c: number) => (typeof text === 'string' && /[\uD800-\uDBFF]/.test(text[c - 1] ?? '') ? c + 1 : c);
  const at = [...new Set(cuts.map((c) => whole(Math.floor(c * text.length))))].sort((a, b) => a - b);
  const out: T[] = [];
  let from = 0;
  for (const c of at) {
    out.push(text.slice(from, c) as T);
    from = c;
  }
  out.push(text.slice(from) as T);
  return out;
}

/** The lines in chunks cut at the given line numbers (anywhere, inside a quoted field too; some chunks empty). */
async function* chunksOf(lines: string[], cuts: number[]): AsyncGenerator<string[]> {
  let from = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    yield lines.slice(from, Math.max(from, c));
    from = Math.max(from, c);
  }
  yield lines.slice(from);
}

async function readAll(source: Iterable<string | Uint8Array>, delimiter?: string) {
  const out = [];
  for await (const batch of csvRecordBatches(source, { delimiter })) out.push(...batch);
  return out;
}

test('property: any table written as RFC 4180 CSV reads back the same, with each record on the physical line it starts on, however the input is cut', async () => {
  await fc.assert(
    fc.asyncProperty(table, fc.constantFrom('\n', '\r\n', '\r'), fc.constantFrom(',', ';'), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }), fc.boolean(),
      async (rows, eol, delimiter, cuts, asBytes) => {
        const text = rows.map((r) => formatCsvRecord(r, delimiter)).join(eol) + (rows.length > 0 ? eol : '');
        // Bytes are cut anywhere, inside a UTF-8 sequence too; text only between UTF-16 code units of whole characters.
        const source = asBytes ? pieces(Buffer.from(text), cuts) : pieces(text, cuts);
        const parsed = await readAll(source, delimiter);
        assert.deepEqual(parsed.map((r) => r.fields), rows);
        // Each record starts one line after the end of the one before, counting the breaks inside its quoted fields.
        let line = 1;
        for (const [i, r] of parsed.entries()) {
          assert.equal(r.line, line);
          line += 1 + (formatCsvRecord(rows[i]!, delimiter).match(/\r\n|\r|\n/g)?.length ?? 0);
        }
      }),
    { numRuns: 400 },
  );
});

test('bytes cut inside a multi-byte character still read as UTF-8', async () => {
  const bytes = Buffer.from('name,town\nZoë,Llanfair­pwll\n');
  const cut = bytes.indexOf(Buffer.from('ë')) + 1;
  assert.deepEqual(await readAll([bytes.subarray(0, cut), bytes.subarray(cut)]), [{ line: 1, fields: ['name', 'town'] }, { line: 2, fields: ['Zoë', 'Llanfair­pwll'] }]);
});

test('quoted commas, doubled quotes and line breaks stay in their field; the record keeps the line it starts on', async () => {
  const text = 'a,b,c\r\n1,"two, and more","say ""hi"""\r\n"multi\nline",x,y\n\nlast,,\n';
  assert.deepEqual(await parseCsvText(text), [
    { line: 1, fields: ['a', 'b', 'c'] },
    { line: 2, fields: ['1', 'two, and more', 'say "hi"'] },
    { line: 3, fields: ['multi\nline', 'x', 'y'] },
    { line: 6, fields: ['last', '', ''] },
  ]);
});

test('blank lines are skipped but counted; a byte-order mark is dropped; a last line without a line end is read', async () => {
  assert.deepEqual(await parseCsvText('\uFEFFa,b\r\n\r\n1,"two\r\nlines"\n\n3,x'), [
    { line: 1, fields: ['a', 'b'] },
    { line: 3, fields: ['1', 'two\r\nlines'] },
    { line: 6, fields: ['3', 'x'] },
  ]);
  // A quoted empty field is a record, not a blank line.
  assert.deepEqual(await parseCsvText('a\n""\n'), [{ line: 1, fields: ['a'] }, { line: 2, fields: [''] }]);
});

test('an unclosed quote, text after a closing quote and a stray quote name the line their record starts on, after the records before it', async () => {
  const isAt = (line: number, words: RegExp) => (e: unknown) => e instanceof CsvSyntaxError && e.line === line && words.test(e.message);
  await assert.rejects(parseCsvText('a\n"multi\nline"\n"never closed\n\n'), isAt(4, /not closed/));
  await assert.rejects(parseCsvText('a\n"x"y,z'), isAt(2, /after a quoted field/));
  await assert.rejects(parseCsvText('a\nb"c'), isAt(2, /quote inside a field/));
  const seen: number[] = [];
  await assert.rejects(async () => {
    for await (const batch of csvRecordBatches(['h\n1\n2\n"3'])) seen.push(...batch.map((r) => r.line));
  }, isAt(4, /not closed/));
  assert.deepEqual(seen, [1, 2, 3]);
});

test('property: from chunks of lines (the national files), the same records on the same lines as from the text', async () => {
  const lfField = fc.string({ unit: fc.constantFrom('a', ' ', ',', '"', '\n', 'é', '~'), maxLength: 8 });
  await fc.assert(
    fc.asyncProperty(fc.array(fc.array(lfField, { minLength: 1, maxLength: 5 }), { maxLength: 12 }), fc.array(fc.nat(20), { maxLength: 3 }), fc.array(fc.nat(30), { maxLength: 4 }), fc.constantFrom(',', '~'),
      async (rows, blanks, cuts, delimiter) => {
        const records = rows.map((r) => formatCsvRecord(r, delimiter));
        for (const b of blanks) records.splice(Math.min(b, records.length), 0, '');
        const text = records.join('\n') + '\n';
        const lines = text.split('\n').slice(0, -1);
        const fromLines = [];
        for await (const batch of csvRecordsFromLines(chunksOf(lines, cuts), { delimiter })) fromLines.push(...batch);
        const fromText = await parseCsvText(text, { delimiter });
        assert.deepEqual(fromLines, fromText);
        assert.deepEqual(fromText.map((r) => r.fields), rows);
      }),
    { numRuns: 400 },
  );
});

test('property: from chunks of lines, any text, valid CSV or not, gives the records and the error that the text gives', async () => {
  // Blank lines too: before a quote never closed, one was once named a line early from chunks of lines.
  const line = fc.string({ unit: fc.constantFrom('a', ',', '"', ' ', 'é'), maxLength: 8 });
  const readUntilError = async (batches: AsyncIterable<{ line: number; fields: string[] }[]>) => {
    const records = [];
    try {
      for await (const batch of batches) records.push(...batch);
      return { records, error: null };
    } catch (err) {
      assert.ok(err instanceof CsvSyntaxError, String(err));
      return { records, error: { line: err.line, message: err.message } };
    }
  };
  await fc.assert(
    fc.asyncProperty(fc.array(line, { maxLength: 10 }), fc.array(fc.nat(12), { maxLength: 3 }), async (lines, cuts) => {
      const fromLines = await readUntilError(csvRecordsFromLines(chunksOf(lines, cuts)));
      const fromText = await readUntilError(csvRecordBatches([lines.map((l) => `${l}\n`).join('')]));
      assert.deepEqual(fromLines, fromText);
    }),
    { numRuns: 1000 },
  );
});

test('from chunks of lines, a quote never closed after a blank line is named on its own line', async () => {
  async function* source() {
    yield ['"', '"', '', '"never closed'];
  }
  const seen: number[] = [];
  await assert.rejects(async () => {
    for await (const batch of csvRecordsFromLines(source())) seen.push(...batch.map((r) => r.line));
  }, (e: unknown) => e instanceof CsvSyntaxError && e.line === 4 && /starts on line 4 is not closed/.test(e.message));
  assert.deepEqual(seen, [1]);
});
