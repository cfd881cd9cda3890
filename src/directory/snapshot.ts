// The listed directory held in memory by each app instance: the shortlist reads it on every request, so it
// must not cost a database query each time. It is reloaded when the directory's data version changes.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { VersionedCache } from '../db/versioned-cache.ts';
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

export type DirectoryCache = VersionedCache<DirectorySnapshot>;

export function createDirectoryCache(db: Kysely<DB>, options: { maxAgeMs: number }): DirectoryCache {
  return new VersionedCache(
    db,
    'directory',
    // One snapshot-consistent read, so services, their sites and the specialties agree.
    (version) =>
      db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
        const specialties = await trx.selectFrom('specialty').select(['code', 'name']).execute();
        const rows = (await loadListedServices(trx)).map(toCandidate);
        return buildSnapshot(version, specialties, rows);
      }),
    options,
  );
}
