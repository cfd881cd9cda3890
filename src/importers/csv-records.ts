// The one CSV reader of the codebase (RFC 4180, by csv-parse): the reference-data importers, the waiting-list import
// and the mental health pathways all read records through it. A quoted field may hold delimiters, doubled quotes and
// line breaks, so a record is not a line: each record carries the physical line it starts on, counted as a
// spreadsheet user sees it (the header is line 1; CRLF, LF and CR each end one line, inside quotes too).
//
// Streaming: input is fed chunk by chunk and records come out in batches, one batch per chunk, so a file of any
// size is read in bounded memory and callers do their per-record work synchronously (a promise per record costs
// more than the parsing on files of millions of lines).
import { parse, CsvError } from 'csv-parse';

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
  let batch: CsvRecord[] = [];
  // The line the next record starts on. csv-parse's own line count takes a CRLF inside quotes for two lines, so the
  // lines are counted here from each record's raw text (which keeps its quoted breaks and its own line end).
  let line = 1;
  const parser = parse({
    delimiter: options.delimiter ?? ',',
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    bom: true,
    raw: true,
    on_record: (value) => {
      // With `raw`, csv-parse hands each record over as { record, raw } (its types do not say so).
      const { record: fields, raw } = value as unknown as { record: string[]; raw: string };
      const start = line;
      line += raw.match(LINE_BREAK)?.length ?? 0;
      if (!(fields.length === 1 && fields[0] === '' && BLANK.test(raw))) batch.push({ line: start, fields });
      // Nothing goes down the stream: the records are collected here, synchronously, as the chunk is parsed.
      return null;
    },
  });
  parser.resume();
  // Errors are taken from the write and end callbacks; this keeps the stream's own 'error' event from being unhandled.
  parser.on('error', () => {});
  const failure = (err: unknown) => (err instanceof CsvError ? new CsvSyntaxError(line, describe(err, line)) : err);
  const take = () => {
    const out = batch;
    batch = [];
    return out;
  };
  for await (const chunk of source) {
    const written = new Promise<void>((resolve, reject) => parser.write(chunk, (err) => (err ? reject(err) : resolve())));
    try {
      await written;
    } catch (err) {
      const before = take();
      if (before.length > 0) yield before;
      throw failure(err);
    }
    if (batch.length > 0) yield take();
  }
  try {
    await new Promise<void>((resolve, reject) => {
      parser.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
  } catch (err) {
    const before = take();
    if (before.length > 0) yield before;
    throw failure(err);
  }
  if (batch.length > 0) yield take();
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
