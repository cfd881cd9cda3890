// Reference data held in memory by each app instance and reloaded when its counter in `data_version`
// (kept by triggers, migration 002) changes. Each instance asks at most once per `maxAgeMs`.
import type { Kysely } from 'kysely';
import type { DB } from './schema.ts';

export type DataName = DB['data_version']['name'];

/** Never a real version: forces the next check to reload. */
const STALE = -1;

export async function readVersion(db: Kysely<DB>, name: DataName): Promise<number> {
  const row = await db.selectFrom('data_version').select('version').where('name', '=', name).executeTakeFirstOrThrow();
  return Number(row.version);
}

export class VersionedCache<T> {
  readonly #db: Kysely<DB>;
  readonly #name: DataName;
  readonly #load: (version: number) => Promise<T>;
  readonly #maxAgeMs: number;
  #value: { version: number; data: T } | null = null;
  #checkedAt = 0;
  #refreshing: Promise<T> | null = null;
  #closed = false;

  /** `load` reads the data as of `version`; it is called again whenever the version has moved on. */
  constructor(db: Kysely<DB>, name: DataName, load: (version: number) => Promise<T>, options: { maxAgeMs: number }) {
    this.#db = db;
    this.#name = name;
    this.#load = load;
    this.#maxAgeMs = options.maxAgeMs;
  }

  #due(): boolean {
    return this.#value === null || Date.now() - this.#checkedAt >= this.#maxAgeMs;
  }

  /** The data as of at most `maxAgeMs` ago, waiting for a check (and a reload if it changed) when one is due. */
  async current(): Promise<T> {
    if (!this.#due()) return this.#value!.data;
    return this.#refresh();
  }

  /**
   * What is loaded now, never waiting: null until the first load has finished. A check that is due
   * starts in the background, and meanwhile the data already loaded is served.
   */
  peek(): T | null {
    if (this.#due()) this.#refresh().catch(() => {}); // the next call tries again
    return this.#value?.data ?? null;
  }

  /**
   * Checks now rather than within `maxAgeMs`: for the instance that has just changed the data, so that its own
   * next answer shows the change. A check already under way may have read the old version, so it is waited out.
   */
  async refresh(): Promise<T> {
    await this.#refreshing?.catch(() => {});
    return this.#refresh();
  }

  /** The version this instance holds, for operators (null before the first load, -1 when a reload is due); never waits. */
  loadedVersion(): number | null {
    return this.#value?.version ?? null;
  }

  /** Stops background reloads (the app is closing). */
  close(): void {
    this.#closed = true;
  }

  /** One check, and at most one reload, at a time, shared by every caller that arrives meanwhile. */
  #refresh(): Promise<T> {
    this.#refreshing ??= (async () => {
      try {
        if (this.#closed && this.#value) return this.#value.data;
        const checkedAt = Date.now();
        const version = await readVersion(this.#db, this.#name);
        if (this.#value?.version !== version) {
          const data = await this.#load(version);
          // Changed again during a long load: serve what was read, but reload at the next check.
          const after = await readVersion(this.#db, this.#name);
          this.#value = { version: after === version ? version : STALE, data };
        }
        this.#checkedAt = checkedAt;
        return this.#value.data;
      } finally {
        this.#refreshing = null;
      }
    })();
    return this.#refreshing;
  }
}
