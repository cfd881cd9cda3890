import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { parsePostcode } from '../domain/postcode.ts';

export type Precision = 'postcode' | 'sector' | 'outcode';

export interface Located {
  /** The normal form of what was looked up: 'LS1 4AP', or 'LS1 4' / 'LS1' for a centroid. */
  postcode: string;
  latitude: number;
  longitude: number;
  /** 'postcode' for the postcode's own centroid; 'sector' or 'outcode' when only part of it was given. */
  precision: Precision;
}

export type LookupResult = { found: Located } | { malformed: true } | { unknown: string };

/**
 * Finds where a postcode is. A full postcode must be known (a mistyped one is not silently moved to its
 * sector); a sector or outward code alone gives that area's centroid, and says so.
 */
export async function lookupPostcode(db: Kysely<DB>, input: string): Promise<LookupResult> {
  const parsed = parsePostcode(input);
  if (!parsed) return { malformed: true };
  if (parsed.kind === 'postcode') {
    const row = await db
      .selectFrom('postcode')
      .select(['latitude', 'longitude'])
      .where('postcode', '=', parsed.postcode)
      .executeTakeFirst();
    return row ? { found: { postcode: parsed.postcode, ...row, precision: 'postcode' } } : { unknown: parsed.postcode };
  }
  const code = parsed.kind === 'sector' ? parsed.sector : parsed.outcode;
  const row = await db
    .selectFrom('postcode_area')
    .select(['latitude', 'longitude'])
    .where('code', '=', code)
    .where('kind', '=', parsed.kind)
    .executeTakeFirst();
  return row ? { found: { postcode: code, ...row, precision: parsed.kind } } : { unknown: code };
}
