// The earliest free slot of each service on a shortlist. The shortlist answers from memory (no database
// query per request, ~5,500 requests/s), so this is a small per-instance cache rather than one query per
// shortlist: each service's earliest free start is kept for TTL_MS, and the services a shortlist needs that
// are missing or expired are fetched together in one query (shared with concurrent requests needing them).
//
// Staleness, accepted and documented: another instance's publication, withdrawal, or a booking or cancellation
// made through the referrals code shows here after at most TTL_MS (30 s), so an option may briefly show a
// slot that was just booked; the slot listing and booking always read the database, so nothing is booked on
// the strength of this. Changes made through this instance's slot routes are forgotten at once, and a cached
// start that has passed is never shown.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { isoInstant } from './instants.ts';
import { earliestFreeStarts } from './queries.ts';

export const TTL_MS = 30_000;
/** Far more than the services of the national directory; a bound in case ids are made up. */
const MAX_ENTRIES = 100_000;

interface Entry {
  start: Date | null;
  fetchedAt: number;
}

export class EarliestSlotCache {
  readonly #db: Kysely<DB>;
  readonly #ttlMs: number;
  readonly #entries = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<void>>();

  constructor(db: Kysely<DB>, options: { ttlMs?: number } = {}) {
    this.#db = db;
    this.#ttlMs = options.ttlMs ?? TTL_MS;
  }

  #fresh(id: string, now: number): Entry | undefined {
    const e = this.#entries.get(id);
    if (!e || now - e.fetchedAt >= this.#ttlMs) return undefined;
    if (e.start !== null && e.start.getTime() <= now) return undefined; // that slot has started: look again
    return e;
  }

  /**
   * The earliest free start of each service (null: none). Should the database fail, a service is reported
   * with no slot rather than failing the shortlist it decorates; the next call asks again.
   */
  async earliest(serviceIds: readonly string[]): Promise<Map<string, Date | null>> {
    const now = Date.now();
    const wanted = [...new Set(serviceIds)];
    const missing = wanted.filter((id) => !this.#fresh(id, now) && !this.#inFlight.has(id));
    if (missing.length > 0) {
      const fetching = this.#fetch(missing);
      for (const id of missing) this.#inFlight.set(id, fetching);
    }
    const waits = wanted.map((id) => this.#inFlight.get(id)).filter((p) => p !== undefined);
    if (waits.length > 0) await Promise.all(waits);
    return new Map(wanted.map((id) => [id, this.#entries.get(id)?.start ?? null]));
  }

  async #fetch(ids: string[]): Promise<void> {
    try {
      const starts = await earliestFreeStarts(this.#db, ids, new Date());
      if (this.#entries.size + ids.length > MAX_ENTRIES) this.#entries.clear();
      const fetchedAt = Date.now();
      for (const id of ids) this.#entries.set(id, { start: starts.get(id) ?? null, fetchedAt });
    } catch {
      for (const id of ids) this.#entries.delete(id);
    } finally {
      for (const id of ids) this.#inFlight.delete(id);
    }
  }

  /** Drops what is known of a service, after its slots changed here. */
  forget(serviceId: string): void {
    this.#entries.delete(serviceId);
  }
}

// One cache per app instance, found from the instance's directory cache: every caller of the shortlist
// (the API, the web pages, referrals) already holds that, so none of them needs another dependency.
const byDirectory = new WeakMap<object, EarliestSlotCache>();

export function attachEarliestSlots(directory: object, cache: EarliestSlotCache): void {
  byDirectory.set(directory, cache);
}

/** The earliest free start of each service, as ISO instants; all null where no cache is attached. */
export async function earliestSlotsFor(directory: object, serviceIds: readonly string[]): Promise<Map<string, string | null>> {
  const cache = byDirectory.get(directory);
  if (!cache) return new Map();
  const starts = await cache.earliest(serviceIds);
  return new Map([...starts].map(([id, start]) => [id, start ? isoInstant(start) : null]));
}
