// What one record of a postcode file becomes (Code-Point Open lat/long CSV or ONSPD), and the bulk load's COPY
// batches of them: one rule, run by the importer's in-thread upsert path and by the bulk path's worker alike.
import { normalisePostcode } from '../domain/postcode.ts';
import { type CsvRecord, Columns, FieldError, atLine, readCsvChunks } from './csv.ts';
import { latitude, longitude, required, text } from './fields.ts';
import { type ImportReport, skip } from './report.ts';
import { type BinaryCopyType, binaryCopyOf } from './copy-binary.ts';

/** ONSPD's placeholder for a postcode with no grid reference. */
const ONSPD_NO_LATITUDE = 99.999999;

const NORMAL = /^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$/;

export type PostcodeRow = [postcode: string, latitude: number, longitude: number];

/** The counts the reading part of a postcode import keeps. */
export type ReadCounts = Pick<ImportReport, 'rowsRead' | 'skipped'>;

/** The table's columns, in the order of PostcodeRow, and their types. */
export const POSTCODE_COLUMNS = ['postcode', 'latitude', 'longitude'] as const;
export const POSTCODE_TYPES: readonly BinaryCopyType[] = ['text', 'float8', 'float8'];

/**
 * A reader of the file's records in order: the first is the header; each later one gives its row, or null when
 * it is skipped (counted in `counts` by reason). A bad row throws an ImportError naming its line.
 */
export function postcodeRecords(counts: ReadCounts): (record: CsvRecord) => PostcodeRow | null {
  let cols: { postcode: number; lat: number; long: number; terminated: number | undefined } | null = null;
  return ({ line, fields }) => {
    if (!cols) {
      const c = new Columns(fields);
      cols = { postcode: c.require('postcode', 'pcds', 'pcd'), lat: c.require('latitude', 'lat'), long: c.require('longitude', 'long'), terminated: c.find('doterm') };
      return null;
    }
    counts.rowsRead++;
    const { postcode: p, lat: la, long: lo, terminated } = cols;
    if (terminated !== undefined && text(fields, terminated) !== '') {
      skip(counts, 'terminated postcode');
      return null;
    }
    const row = atLine(line, (): PostcodeRow | null => {
      const raw = required(fields, p, 'postcode');
      // Code-Point Open is already in normal form; parse only what is not.
      const postcode = NORMAL.test(raw) ? raw : normalisePostcode(raw);
      if (!postcode) throw new FieldError(`postcode "${raw}" is not a full postcode`);
      const latText = text(fields, la);
      const longText = text(fields, lo);
      if (latText === '' || longText === '' || Number(latText) === ONSPD_NO_LATITUDE) return null;
      return [postcode, latitude(latText), longitude(longText)];
    });
    if (!row) skip(counts, 'no coordinates');
    return row;
  };
}

/** A batch of rows in binary COPY format (copy-binary.ts), with how many rows it holds. */
export interface CopyBatch {
  rows: number;
  data: Uint8Array;
}

/**
 * The file's rows, in file order and repeats kept (the bulk load removes them when it builds the key), as binary
 * COPY batches of `batchRows` rows (the last one shorter). `counts` is complete once the generator is done.
 */
export async function* postcodeCopyBatches(file: string, counts: ReadCounts, batchRows: number): AsyncGenerator<CopyBatch> {
  const toRow = postcodeRecords(counts);
  const seal = (columns: unknown[][]): CopyBatch => ({ rows: columns[0]!.length, data: binaryCopyOf(columns, POSTCODE_TYPES, columns[0]!.length) });
  let columns: unknown[][] = [[], [], []];
  for await (const records of readCsvChunks(file)) {
    for (const record of records) {
      const row = toRow(record);
      if (!row) continue;
      columns[0]!.push(row[0]);
      columns[1]!.push(row[1]);
      columns[2]!.push(row[2]);
      if (columns[0]!.length >= batchRows) {
        yield seal(columns);
        columns = [[], [], []];
      }
    }
  }
  if (columns[0]!.length > 0) yield seal(columns);
}
