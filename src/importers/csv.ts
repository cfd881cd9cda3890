// Delimited-text parsing for the importers: RFC 4180 quoting, any one-character delimiter.
import { openText } from './source.ts';

/** A problem with the input, named by its line number so the operator can find it. */
export class ImportError extends Error {
  override name = 'ImportError';
}

/** Thrown by field parsers; the record reader adds the line number. */
export class FieldError extends Error {}

export interface CsvRecord {
  /** 1-based physical line number where the record starts. */
  line: number;
  fields: string[];
}

/** Splits one record. Quotes are only special at the start of a field, as in RFC 4180. */
export function parseCsvLine(text: string, delimiter = ','): string[] {
  // Fast path: most lines of the big files have no quotes at all.
  if (!text.includes('"')) return text.split(delimiter);
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close < 0) throw new FieldError('a quoted field is not closed');
        value += text.slice(i, close);
        if (text[close + 1] === '"') {
          value += '"';
          i = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      fields.push(value);
      if (i === text.length) return fields;
      if (text[i] !== delimiter) throw new FieldError(`unexpected text after a quoted field at column ${fields.length}`);
      i++;
    } else {
      const next = text.indexOf(delimiter, i);
      if (next < 0) {
        fields.push(text.slice(i));
        return fields;
      }
      fields.push(text.slice(i, next));
      i = next + 1;
    }
  }
}

/** The inverse of parseCsvLine: quotes a field only when it needs it. */
export function formatCsvLine(fields: readonly string[], delimiter = ','): string {
  return fields
    .map((f) => (f.includes('"') || f.includes(delimiter) || f.includes('\n') || f.includes('\r') || f.startsWith(' ')
      ? `"${f.replaceAll('"', '""')}"`
      : f))
    .join(delimiter);
}

const DELIMITERS = [',', '~', '\t', '|', ';', '¬'];

/** The candidate delimiter seen most often outside quotes in a header line. */
export function detectDelimiter(headerLine: string): string {
  const unquoted = headerLine.replace(/"[^"]*"/g, '');
  let best = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const count = unquoted.split(d).length - 1;
    if (count > bestCount) [best, bestCount] = [d, count];
  }
  return best;
}

function unbalancedQuotes(text: string): boolean {
  let n = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) n++;
  return n % 2 === 1;
}

/**
 * Reads a delimited file (plain, gzip or zip; UTF-8 or Windows-1252) as arrays of records, one array per
 * chunk of input, so that callers do their per-record work synchronously and await once per chunk. The
 * delimiter is detected from the first line unless given. Blank lines are skipped. Errors name the line.
 */
export async function* readCsvChunks(path: string, options: { delimiter?: string } = {}): AsyncGenerator<CsvRecord[]> {
  let delimiter = options.delimiter;
  // A record whose quoted field runs over a line break, possibly into the next chunk.
  let pending: { line: number; text: string } | null = null;
  let lineNo = 0;
  for await (const lines of openText(path)) {
    const records: CsvRecord[] = [];
    try {
      for (const text of lines) {
        lineNo++;
        if (pending) {
          // A quoted field ran over a line break: keep the break and carry on.
          pending.text += `\n${text}`;
          if (unbalancedQuotes(pending.text)) continue;
        } else {
          if (text.length === 0) continue;
          if (text.includes('"') && unbalancedQuotes(text)) {
            pending = { line: lineNo, text };
            continue;
          }
          pending = { line: lineNo, text };
        }
        delimiter ??= detectDelimiter(pending.text);
        const record = pending;
        pending = null;
        records.push({ line: record.line, fields: parseAt(record, delimiter) });
      }
    } catch (err) {
      // Hand over the records before the bad line first: an error the caller finds in one of them comes
      // earlier in the file, and is the one to report, as when records were read one at a time.
      if (records.length > 0) yield records;
      throw err;
    }
    if (records.length > 0) yield records;
  }
  if (pending) throw new ImportError(`line ${pending.line}: a quoted field is not closed before the end of the file`);
}

/** Record by record, for small files and tests; the importers use forEachRecord, which costs no promise per record. */
export async function* readCsv(path: string, options: { delimiter?: string } = {}): AsyncGenerator<CsvRecord> {
  for await (const records of readCsvChunks(path, options)) yield* records;
}

/**
 * The importers' loop: calls onRecord for every record, synchronously within a chunk, then awaits afterChunk
 * (typically BatchUpsert.flushFull) before reading on, so database writes keep pace with the reading.
 */
export async function forEachRecord(
  path: string,
  onRecord: (record: CsvRecord) => void,
  options: { delimiter?: string; afterChunk?: () => Promise<void> } = {},
): Promise<void> {
  for await (const records of readCsvChunks(path, options)) {
    for (const record of records) onRecord(record);
    await options.afterChunk?.();
  }
}

function parseAt(record: { line: number; text: string }, delimiter: string): string[] {
  try {
    return parseCsvLine(record.text, delimiter);
  } catch (err) {
    throw new ImportError(`line ${record.line}: ${(err as Error).message}`);
  }
}

/** Finds columns by header name (case- and space-insensitive), accepting alternative names. */
export class Columns {
  readonly #index = new Map<string, number>();

  constructor(header: readonly string[]) {
    header.forEach((name, i) => this.#index.set(squash(name), i));
  }

  /** The index of the first of `names` present; throws naming them when none is. */
  require(...names: string[]): number {
    const i = this.find(...names);
    if (i === undefined) throw new ImportError(`line 1: no column named ${names.map((n) => `"${n}"`).join(' or ')}`);
    return i;
  }

  find(...names: string[]): number | undefined {
    for (const n of names) {
      const i = this.#index.get(squash(n));
      if (i !== undefined) return i;
    }
    return undefined;
  }
}

function squash(name: string): string {
  return name.toLowerCase().replace(/[\s_]+/g, '');
}

/** Runs a row mapper, turning its FieldError into an ImportError that names the line. */
export function atLine<T>(line: number, map: () => T): T {
  try {
    return map();
  } catch (err) {
    if (err instanceof FieldError) throw new ImportError(`line ${line}: ${err.message}`);
    throw err;
  }
}
