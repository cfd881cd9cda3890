// The earliest free slot of each service on a shortlist. The shortlist answers from memory, with no database
// query per request, and stays that way: each app instance keeps the earliest free start of every directly
// bookable service, reloaded in bulk (one query, an index probe per service: ~130 ms for the demo's 7,800
// services and 280,000 slots, ~300 ms for the benchmark's 50,000 services) when it is TTL_MS old. Measured
// with `npm run bench:shortlist` against the alternatives, one query per shortlist or a per-service cache
// filled on demand: both put a query on most requests, since shortlists spread over the whole directory.
//
// Staleness, accepted: a booking, cancellation, publication or withdrawal made through another instance or
// the referrals code shows on shortlists after at most TTL_MS (30 s), or MAX_STALE_MS if the instance was
// idle; so an option may briefly show a slot that was just booked. The slot listing and booking always read
// the database, so nothing is booked on the strength of this. Changes made through this instance's slot
// routes or pages show at once (refreshService), and a cached start that has passed is never shown. One cache
// per app instance, made by buildApp and handed to whatever needs it.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { isoInstant } from './instants.ts';
import { earliestFreeStarts, earliestFreeStartsOfAll } from './free-slots.ts';

export const TTL_MS = 30_000;
/** Older than this, a shortlist waits for the reload rather than show it (after an idle spell). */
export const MAX_STALE_MS = 120_000;

export class EarliestSlotCache {
  readonly #db: Kysely<DB>;
  readonly #onError: (err: unknown) => void;
  #starts: Map<string, Date> | null = null;
  #loadedAt = 0;
  #loading: Promise<void> | null = null;

  constructor(db: Kysely<DB>, options: { onError?: (err: unknown) => void } = {}) {
    this.#db = db;
    this.#onError = options.onError ?? (() => {});
  }

  /**
   * The earliest free start of each service (null: none). Should the database fail, the last answers are
   * kept (or none, at first) rather than fail the shortlist they decorate; the next call tries again.
   */
  async earliest(serviceIds: readonly string[]): Promise<Map<string, Date | null>> {
    const starts = await this.#fresh();
    const now = Date.now();
    return new Map(serviceIds.map((id) => {
      const start = starts?.get(id);
      return [id, start && start.getTime() > now ? start : null];
    }));
  }

  /** The starts, reloaded first when they are too old to show and in the background when due. */
  async #fresh(): Promise<Map<string, Date> | null> {
    const age = Date.now() - this.#loadedAt;
    if (this.#starts === null || age >= MAX_STALE_MS) await this.#reload();
    else if (age >= TTL_MS) void this.#reload();
    return this.#starts;
  }

  /** One reload at a time, shared by every caller meanwhile. */
  #reload(): Promise<void> {
    this.#loading ??= (async () => {
      try {
        this.#starts = await earliestFreeStartsOfAll(this.#db, new Date());
        this.#loadedAt = Date.now();
      } catch (err) {
        this.#onError(err);
      } finally {
        this.#loading = null;
      }
    })();
    return this.#loading;
  }

  /** As `earliest`, each start as an ISO instant (the API's form). */
  async earliestInstants(serviceIds: readonly string[]): Promise<Map<string, string | null>> {
    const starts = await this.#fresh();
    const now = Date.now();
    const found = new Map<string, string | null>();
    for (const id of serviceIds) {
      const start = starts?.get(id);
      found.set(id, start && start.getTime() > now ? this.#instantOf(start) : null);
    }
    return found;
  }

  // Every shortlist shows the same few thousand starts until the next reload: each written as an instant once.
  readonly #instants = new WeakMap<Date, string>();
  #instantOf(start: Date): string {
    let instant = this.#instants.get(start);
    if (instant === undefined) this.#instants.set(start, (instant = isoInstant(start)));
    return instant;
  }

  /** Looks a service up again at once, after its slots changed through this instance. */
  async refreshService(serviceId: string): Promise<void> {
    if (this.#starts === null) return; // the first load will see it
    try {
      const start = (await earliestFreeStarts(this.#db, [serviceId], new Date())).get(serviceId);
      if (start) this.#starts.set(serviceId, start);
      else this.#starts.delete(serviceId);
    } catch (err) {
      this.#onError(err);
    }
  }
}
