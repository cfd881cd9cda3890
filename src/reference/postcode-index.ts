// Every postcode's coordinates in compact typed arrays (about 42 MB for GB's 1.75 million), so the shortlist
// needs no database round trip to place its origin.
import type { Database } from '../db/database.ts';
import type { ParsedPostcode } from '../domain/postcode.ts';

// A normal-form postcode ('LS1 4AP', at most 8 characters) as one exact number: base 38, one digit per
// character, right-padded with 0. Space sorts before digits and digits before letters, as in the string.
const BASE = 38;
const WIDTH = 8;
const DIGIT = new Int8Array(128).fill(-1);
[...' 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'].forEach((ch, i) => (DIGIT[ch.charCodeAt(0)] = i + 1));

/** The key of a normal-form postcode, or -1 if it has a character no postcode has. */
export function postcodeKey(normal: string): number {
  if (normal.length > WIDTH) return -1;
  let key = 0;
  for (let i = 0; i < WIDTH; i++) {
    const d = i < normal.length ? (DIGIT[normal.charCodeAt(i)] ?? -1) : 0;
    if (d < 0) return -1;
    key = key * BASE + d;
  }
  return key;
}

export interface Coordinates {
  latitude: number;
  longitude: number;
}

export class PostcodeIndex {
  readonly size: number;
  readonly #keys: Float64Array;
  readonly #coords: Float64Array; // latitude, longitude, latitude, …
  readonly #areas: ReadonlyMap<string, Coordinates>;

  constructor(keys: Float64Array, coords: Float64Array, areas: ReadonlyMap<string, Coordinates>) {
    this.#keys = keys;
    this.#coords = coords;
    this.#areas = areas;
    this.size = keys.length;
  }

  find(parsed: ParsedPostcode): Coordinates | null {
    if (parsed.kind !== 'postcode') return this.#areas.get(`${parsed.kind}:${parsed.kind === 'sector' ? parsed.sector : parsed.outcode}`) ?? null;
    const key = postcodeKey(parsed.postcode);
    let lo = 0;
    let hi = this.#keys.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = this.#keys[mid]!;
      if (k < key) lo = mid + 1;
      else if (k > key) hi = mid - 1;
      else return { latitude: this.#coords[2 * mid]!, longitude: this.#coords[2 * mid + 1]! };
    }
    return null;
  }
}

// Small pages keep each query short: on embedded PGlite a query holds up every other one while it runs.
const PAGE = 25_000;

/**
 * Reads the postcode tables page by page, outside any transaction: embedded PGlite runs one transaction at a
 * time, and a long one would hold up every request. The caller reloads if the data changed meanwhile.
 */
export async function loadPostcodeIndex(database: Pick<Database, 'pool'>): Promise<PostcodeIndex> {
  const keys: number[] = [];
  const coords: number[] = [];
  let after = '';
  for (;;) {
    const { rows } = await database.pool.query<[string, number, number]>({
      text: 'select postcode, latitude, longitude from postcode where postcode > $1 order by postcode limit $2',
      values: [after, PAGE],
      rowMode: 'array',
    });
    for (const [postcode, latitude, longitude] of rows) {
      const key = postcodeKey(postcode);
      if (key < 0) continue; // not a normal-form postcode: the importers never write one
      keys.push(key);
      coords.push(latitude, longitude);
    }
    if (rows.length < PAGE) break;
    after = rows.at(-1)![0];
  }
  // The database's collation need not order postcodes as their keys do: sort by key.
  const order = Uint32Array.from(keys, (_k, i) => i).sort((a, b) => keys[a]! - keys[b]!);
  const sortedKeys = new Float64Array(order.length);
  const sortedCoords = new Float64Array(order.length * 2);
  order.forEach((from, to) => {
    sortedKeys[to] = keys[from]!;
    sortedCoords[2 * to] = coords[2 * from]!;
    sortedCoords[2 * to + 1] = coords[2 * from + 1]!;
  });
  const areas = new Map<string, Coordinates>();
  const { rows } = await database.pool.query<{ code: string; kind: string; latitude: number; longitude: number }>(
    'select code, kind, latitude, longitude from postcode_area',
  );
  for (const a of rows) areas.set(`${a.kind}:${a.code}`, { latitude: a.latitude, longitude: a.longitude });
  return new PostcodeIndex(sortedKeys, sortedCoords, areas);
}
