// The one CSV reader of the codebase (RFC 4180, by csv-parse): the reference-data importers, the waiting-list import
// and the mental health pathways all read records through it. A quoted field may hold delimiters, doubled quotes and
// line breaks, so a record is not a line: each record carries the physical line it starts on, counted as a
// spreadsheet user sees it (the header is line 1; CRLF, LF and CR each end one line, inside quotes too).
//
// Streaming: input is fed chunk by chunk and records come out in batches, one batch per chunk, so a file of any
// size is read in bounded memory and callers do their per-record work synchronously (a promise per record costs
// more than the parsing on files of millions of lines).
import { CsvError, parse } from 'csv-parse';

export interface CsvRecord {
  /** 1-based physical line on which the record starts */
  line: number;
  fields: string[];
}

/** A record that is not valid CSV, named by the line it starts on. */
export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
  readonly line: number;
  constructor(line: number, message: string) {
    super(message);
    this.line = line;
  }
}

export interface CsvOptions {
  /** one character; ',' unless given */
  delimiter?: string;
}

const LINE_BREAK = /\r\n|\r|\n/g;
const BLANK = /^(?:\r\n|\r|\n)?$/;

/**
 * Reads CSV from `source` (text or bytes, UTF-8; a byte-order mark is dropped) as batches of records. Blank lines
 * are skipped but counted. A syntax error throws CsvSyntaxError after the records before it have been handed over.
 */
export async function* csvRecordBatches(source: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>, options: CsvOptions = {}): AsyncGenerator<CsvRecord[]> {
  const reader = new RecordReader(options, false, 0);
  for await (const chunk of source) {
    await reader.write(chunk);
    yield* reader.take();
  }
  await reader.end();
  yield* reader.take();
}

/**
 * Reads CSV from chunks of lines whose ends have been taken off (as importers/source.ts openText hands them over),
 * as one batch of records per chunk. The big national files are almost all quote-free: a chunk without a quote,
 * outside a quoted field, is split on the delimiter directly, and so is a line whose quoted fields close on it (what
 * RFC 4180 gives for such lines, a property test holds the two to each other), which keeps 1.75 million postcodes
 * as fast to read as before csv-parse; csv-parse reads from the first line that is not a whole record by itself.
 */
export async function* csvRecordsFromLines(source: AsyncIterable<string[]>, options: CsvOptions = {}): AsyncGenerator<CsvRecord[]> {
  const delimiter = options.delimiter ?? ',';
  // Lines before this chunk; the csv-parse reader of the quoted stretch of the file now being read, if any.
  let seen = 0;
  let reader: RecordReader | null = null;
  // An odd count of quotes so far means the text given to csv-parse ends inside a quoted field.
  let insideQuotes = false;
  for await (const chunk of source) {
    let lines = chunk;
    if (lines.length === 0) continue;
    if (reader === null) {
      // Line by line while each is a whole record: quote-free, or with quoted fields that close on the line.
      const records: CsvRecord[] = [];
      let i = 0;
      for (; i < lines.length; i++) {
        const text = lines[i]!;
        if (text.length === 0) continue;
        const fields = text.includes('"') ? quotedLineFields(text, delimiter) : text.split(delimiter);
        if (fields === null) break;
        records.push({ line: seen + i + 1, fields });
      }
      if (records.length > 0) yield records;
      seen += i;
      if (i === lines.length) continue;
      // From the first line that is not a whole record by itself, csv-parse reads (and names any error).
      lines = lines.slice(i);
    }
    const text = `${lines.join('\n')}\n`;
    for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) insideQuotes = !insideQuotes;
    const current: RecordReader = reader ?? new RecordReader(options, true, seen);
    reader = current;
    seen += lines.length;
    await current.write(text);
    // csv-parse may hold a chunk's last record back until it sees more: ending the quoted stretch here hands it
    // over, so that records come in order and a quote-free chunk after it may be split directly again.
    if (!insideQuotes) {
      await current.end();
      reader = null;
    }
    yield* current.take();
  }
  if (reader) {
    await reader.end();
    yield* reader.take();
  }
}

/**
 * The fields of one line whose quoted fields all close on it, as RFC 4180 reads them (a doubled quote is one quote);
 * null for anything else (a quoted field that runs on past the line end, text after a closing quote, a quote inside
 * an unquoted field), which is left to csv-parse to read or to name as an error. A quarter of the lines of an RTT
 * extract quote a field; read here, not by csv-parse, the extract takes half the time.
 */
function quotedLineFields(text: string, delimiter: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === 34) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0) return null;
        value += text.slice(from, quote);
        if (text.charCodeAt(quote + 1) === 34) {
          value += '"';
          from = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      fields.push(value);
      if (i === text.length) return fields;
      if (text.slice(i, i + delimiter.length) !== delimiter) return null;
      i += delimiter.length;
    } else {
      const next = text.indexOf(delimiter, i);
      const value = text.slice(i, next < 0 ? text.length : next);
      if (value.includes('"')) return null;
      fields.push(value);
      if (next < 0) return fields;
      i = next + delimiter.length;
    }
  }
}

/**
 * csv-parse as a push parser: text goes in by write(), the records of each write come out by take(), each with the
 * line it starts on. A syntax error is held until the records before it have been taken, then thrown.
 */
class RecordReader {
  #batch: CsvRecord[] = [];
  #failure: unknown = null;
  #parser;
  /** the line the next record starts on (before lineOffset) */
  #line = 1;
  /** lfOnly: the blank lines csv-parse had skipped when it gave the last record (it counts them, never hands them over) */
  #blankBefore = 0;
  /** lines of the input before the first given to this reader */
  readonly lineOffset: number;

  constructor(options: CsvOptions, lfOnly: boolean, lineOffset: number) {
    this.lineOffset = lineOffset;
    const common = { delimiter: options.delimiter ?? ',', relax_column_count: true, bom: true } as const;
    this.#parser = lfOnly
      ? parse({
        ...common,
        record_delimiter: '\n',
        skip_empty_lines: true,
        // csv-parse counts lines right when they end in LF alone: info.lines is the line the record ends on, and it
        // started as many lines earlier as its fields hold breaks. No raw text is kept, which is a third cheaper.
        on_record: (fields: string[], info) => {
          let breaks = 0;
          for (const f of fields) for (let i = f.indexOf('\n'); i >= 0; i = f.indexOf('\n', i + 1)) breaks++;
          this.#batch.push({ line: this.lineOffset + info.lines - breaks, fields });
          this.#line = info.lines + 1;
          this.#blankBefore = info.empty_lines;
          return null;
        },
      })
      : parse({
        ...common,
        record_delimiter: ['\r\n', '\n', '\r'],
        raw: true,
        // csv-parse's own line count takes a CRLF inside quotes for two lines, so lines are counted here from each
        // record's raw text, which keeps its quoted breaks and its own line end.
        on_record: (value) => {
          // With `raw`, csv-parse hands each record over as { record, raw } (its types do not say so).
          const { record: fields, raw } = value as unknown as { record: string[]; raw: string };
          const start = this.#line;
          this.#line += raw.match(LINE_BREAK)?.length ?? 0;
          if (!(fields.length === 1 && fields[0] === '' && BLANK.test(raw))) this.#batch.push({ line: start, fields });
          return null;
        },
      });
    // Nothing goes down the stream (on_record keeps every record here, synchronously, as a chunk is parsed); errors
    // are taken from the write and end callbacks, and this keeps the stream's own 'error' event from going unhandled.
    this.#parser.resume();
    this.#parser.on('error', () => {});
  }

  write(chunk: string | Uint8Array): Promise<void> {
    return new Promise((resolve) => this.#parser.write(chunk, (err) => {
      if (err) this.#failure ??= err;
      resolve();
    }));
  }

  end(): Promise<void> {
    return new Promise((resolve) => this.#parser.end((err?: Error | null) => {
      if (err) this.#failure ??= err;
      resolve();
    }));
  }

  /** The records read so far, as one batch (none when empty); then the syntax error, if there was one. */
  *take(): Generator<CsvRecord[]> {
    const batch = this.#batch;
    this.#batch = [];
    if (batch.length > 0) yield batch;
    if (this.#failure !== null) {
      const err = this.#failure;
      // The failing record starts after any blank lines skipped since the last record (lfOnly: counted by csv-parse).
      const blank = err instanceof CsvError && typeof err.empty_lines === 'number' ? err.empty_lines - this.#blankBefore : 0;
      const line = this.lineOffset + this.#line + blank;
      throw err instanceof CsvError ? new CsvSyntaxError(line, describe(err, line)) : err;
    }
  }
}

/** Record by record, for small inputs and tests. */
export async function* csvRecords(source: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>, options: CsvOptions = {}): AsyncGenerator<CsvRecord> {
  for await (const records of csvRecordBatches(source, options)) yield* records;
}

/** All the records of `text` (an uploaded body already bounded in size). */
export async function parseCsvText(text: string, options: CsvOptions = {}): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const records of csvRecordBatches([text], options)) out.push(...records);
  return out;
}

/** One record as CSV, quoting a field only when it must be: the inverse of the reader. */
export function formatCsvRecord(fields: readonly string[], delimiter = ','): string {
  return fields
    .map((f) => (f.includes('"') || f.includes(delimiter) || f.includes('\n') || f.includes('\r') || (f === '' && fields.length === 1)
      ? `"${f.replaceAll('"', '""')}"`
      : f))
    .join(delimiter);
}

/** csv-parse's message in words for the person who made the file, naming the record's first line. */
function describe(err: CsvError, line: number): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return `the quoted field in the record that starts on line ${line} is not closed before the end of the file`;
    case 'CSV_INVALID_CLOSING_QUOTE':
      return `unexpected text after a quoted field in the record that starts on line ${line}: after the closing quote comes a comma or the end of the line`;
    case 'INVALID_OPENING_QUOTE':
      return `a quote inside a field that is not quoted, in the record that starts on line ${line}: quote the whole field and double the quote`;
    default:
      return `line ${line} is not valid CSV (${err.code})`;
  }
}
