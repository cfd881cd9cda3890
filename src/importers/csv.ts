// Delimited files for the importers: RFC 4180 quoting (read by csv-records.ts, the one CSV reader), any
// one-character delimiter, files of millions of lines read chunk by chunk.
import { type CsvRecord, CsvSyntaxError, csvRecordsFromLines } from './csv-records.ts';
import { openText } from './source.ts';

/** A problem with the input, named by its line number so the operator can find it. */
export class ImportError extends Error {
  override name = 'ImportError';
}

/** Thrown by field parsers; the record reader adds the line number. */
export class FieldError extends Error {}

export type { CsvRecord } from './csv-records.ts';

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

/**
 * Reads a delimited file (plain, gzip or zip; UTF-8 or Windows-1252) as arrays of records, one array per
 * chunk of input, so that callers do their per-record work synchronously and await once per chunk. The
 * delimiter is detected from the first line unless given. Blank lines are skipped. Errors name the line.
 */
export async function* readCsvChunks(path: string, options: { delimiter?: string } = {}): AsyncGenerator<CsvRecord[]> {
  // The delimiter is found in the first line that is not blank; the chunks read to find it are read again.
  const chunks = openText(path)[Symbol.asyncIterator]();
  const head: string[][] = [];
  let headerLine: string | undefined;
  while (headerLine === undefined) {
    const next = await chunks.next();
    if (next.done) return;
    head.push(next.value);
    headerLine = next.value.find((l) => l.length > 0);
  }
  const delimiter = options.delimiter ?? detectDelimiter(headerLine);
  async function* lines(): AsyncGenerator<string[]> {
    yield* head;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  }
  try {
    yield* csvRecordsFromLines(lines(), { delimiter });
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new ImportError(`line ${err.line}: ${err.message}`);
    throw err;
  }
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
