import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import type { DB } from '../db/schema.ts';
import { VersionedCache } from '../db/versioned-cache.ts';
import { type ParsedPostcode, parsePostcode } from '../domain/postcode.ts';
import { type Coordinates, loadPostcodeIndex, type PostcodeIndex } from './postcode-index.ts';

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

async function findInDatabase(db: Kysely<DB>, parsed: ParsedPostcode): Promise<Coordinates | null> {
  if (parsed.kind === 'postcode') {
    const row = await db.selectFrom('postcode').select(['latitude', 'longitude']).where('postcode', '=', parsed.postcode).executeTakeFirst();
    return row ?? null;
  }
  const code = parsed.kind === 'sector' ? parsed.sector : parsed.outcode;
  const row = await db
    .selectFrom('postcode_area')
    .select(['latitude', 'longitude'])
    .where('code', '=', code)
    .where('kind', '=', parsed.kind)
    .executeTakeFirst();
  return row ?? null;
}

/**
 * Where postcodes are. A full postcode must be known (a mistyped one is not silently moved to its sector);
 * a sector or outward code alone gives that area's centroid, and says so. With `inMemory`, every postcode is
 * loaded into this instance in the background; until then, and if that is off, the database answers.
 */
export class PostcodeDirectory {
  readonly #db: Kysely<DB>;
  readonly #index: VersionedCache<PostcodeIndex> | null;

  constructor(database: Database, options: { inMemory: boolean; maxAgeMs: number }) {
    this.#db = database.db;
    this.#index = options.inMemory
      ? new VersionedCache(database.db, 'postcodes', () => loadPostcodeIndex(database), options)
      : null;
  }

  /** Starts loading the in-memory index, if there is one; resolves when it is loaded. */
  warmUp(): Promise<unknown> {
    return this.#index?.current() ?? Promise.resolve();
  }

  /** For operators: null when postcodes are not kept in memory; else whether they are loaded yet, and as of which version. */
  inMemory(): { loaded: boolean; version: number | null } | null {
    if (!this.#index) return null;
    const version = this.#index.loadedVersion();
    return { loaded: version !== null, version };
  }

  close(): void {
    this.#index?.close();
  }

  async lookup(input: string): Promise<LookupResult> {
    const parsed = parsePostcode(input);
    if (!parsed) return { malformed: true };
    const index = this.#index?.peek();
    const at = index ? index.find(parsed) : await findInDatabase(this.#db, parsed);
    const label = parsed.kind === 'postcode' ? parsed.postcode : parsed.kind === 'sector' ? parsed.sector : parsed.outcode;
    return at ? { found: { postcode: label, ...at, precision: parsed.kind } } : { unknown: label };
  }
}
