// Reads a binary COPY stream back into rows, so tests can say what a batch holds without a database.
import type { BinaryCopyType } from '../importers/copy-binary.ts';

export function rowsOfBinaryCopy(data: Uint8Array, types: readonly BinaryCopyType[]): unknown[][] {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.toString('latin1', 0, 11) !== 'PGCOPY\n\xff\r\n\0') throw new Error('not a binary COPY stream');
  let at = 19;
  const rows: unknown[][] = [];
  for (;;) {
    const fields = buf.readInt16BE(at);
    at += 2;
    if (fields === -1) break;
    if (fields !== types.length) throw new Error(`a tuple of ${fields} fields, expected ${types.length}`);
    const row: unknown[] = [];
    for (const type of types) {
      const length = buf.readInt32BE(at);
      at += 4;
      if (length === -1) row.push(null);
      else if (type === 'float8') row.push(buf.readDoubleBE(at));
      else row.push(buf.toString('utf8', at, at + length));
      if (length > 0) at += length;
    }
    rows.push(row);
  }
  if (at !== buf.length) throw new Error(`${buf.length - at} bytes after the trailer`);
  return rows;
}
