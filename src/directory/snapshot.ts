// The listed directory held in memory by each app instance. The shortlist reads it on every request, so it
// must not cost a database query each time; a version counter kept by triggers (migration 002) says when to
// reload, and every instance checks it at most once per `maxAgeMs`.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Box } from './queries.ts';
import { loadListedServices, type ServiceCandidate, toCandidate } from './queries.ts';

export interface DirectorySnapshot {
  version: number;
  specialties: ReadonlyMap<string, { code: string; name: string }>;
  byId: ReadonlyMap<string, ServiceCandidate>;
  /** Listed services of each specialty. */
  ofSpecialty(code: string): readonly ServiceCandidate[];
  /** Listed services of a specialty whose site lies in the box. */
  inBox(code: string, box: Box): ServiceCandidate[];
}

export function buildSnapshot(version: number, specialties: { code: string; name: string }[], rows: ServiceCandidate[]): DirectorySnapshot {
  const bySpecialty = new Map<string, ServiceCandidate[]>();
  for (const c of rows) {
    const list = bySpecialty.get(c.row.specialty_code);
    if (list) list.push(c);
    else bySpecialty.set(c.row.specialty_code, [c]);
  }
  // Sorted by latitude so a box query is a binary search and a short scan.
  for (const list of bySpecialty.values()) list.sort((a, b) => a.latitude - b.latitude);
  const empty: ServiceCandidate[] = [];
  return {
    version,
    specialties: new Map(specialties.map((s) => [s.code, s])),
    byId: new Map(rows.map((c) => [c.id, c])),
    ofSpecialty: (code) => bySpecialty.get(code) ?? empty,
    inBox(code, box) {
      const list = bySpecialty.get(code) ?? empty;
      const found: ServiceCandidate[] = [];
      for (let i = firstAtOrAbove(list, box.minLat); i < list.length && list[i]!.latitude <= box.maxLat; i++) {
        const c = list[i]!;
        if (c.longitude >= box.minLng && c.longitude <= box.maxLng) found.push(c);
      }
      return found;
    },
  };
}

function firstAtOrAbove(list: readonly ServiceCandidate[], latitude: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.latitude < latitude) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class DirectoryCache {
  readonly #db: Kysely<DB>;
  readonly #maxAgeMs: number;
  #snapshot: DirectorySnapshot | null = null;
  #checkedAt = 0;
  #refreshing: Promise<DirectorySnapshot> | null = null;

  constructor(db: Kysely<DB>, options: { maxAgeMs: number }) {
    this.#db = db;
    this.#maxAgeMs = options.maxAgeMs;
  }

  /** The directory as of at most `maxAgeMs` ago. */
  async current(): Promise<DirectorySnapshot> {
    if (this.#snapshot && Date.now() - this.#checkedAt < this.#maxAgeMs) return this.#snapshot;
    // One check (and at most one reload) at a time, shared by every request that arrives meanwhile.
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #refresh(): Promise<DirectorySnapshot> {
    const checkedAt = Date.now();
    const { version } = await this.#db.selectFrom('directory_version').select('version').executeTakeFirstOrThrow();
    if (this.#snapshot?.version !== Number(version)) {
      // Read in one transaction so the services, their sites and the version agree.
      this.#snapshot = await this.#db.transaction().execute(async (trx) => {
        const v = await trx.selectFrom('directory_version').select('version').executeTakeFirstOrThrow();
        const specialties = await trx.selectFrom('specialty').select(['code', 'name']).execute();
        const rows = (await loadListedServices(trx)).map(toCandidate);
        return buildSnapshot(Number(v.version), specialties, rows);
      });
    }
    this.#checkedAt = checkedAt;
    return this.#snapshot;
  }
}
