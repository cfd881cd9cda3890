// The listed directory held in memory by each app instance: the shortlist reads it on every request, so it
// must not cost a database query each time. It is reloaded when the directory's data version changes.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { VersionedCache } from '../db/versioned-cache.ts';
import type { LatLng } from '../domain/distance.ts';
import { type CandidateColumns, toColumns } from '../domain/ranking.ts';
import type { Box } from './queries.ts';
import { loadListedServices, type ServiceCandidate, toCandidate } from './queries.ts';

export interface SpecialtyServices {
  /** In grid-cell order; `columns` holds the same services at the same indexes. */
  candidates: readonly ServiceCandidate[];
  columns: CandidateColumns;
  /** Where each grid cell's services start in `candidates` (one more entry than cells). */
  cellStart: Uint32Array;
}

export interface DirectorySnapshot {
  version: number;
  specialties: ReadonlyMap<string, { code: string; name: string }>;
  byId: ReadonlyMap<string, ServiceCandidate>;
  /** The listed services of a specialty. */
  ofSpecialty(code: string): SpecialtyServices;
  /** Index ranges [start, end, …] of a specialty's services that holds every one inside the box (and some near it). */
  rangesNear(code: string, box: Box): number[];
  /** Listed services of a specialty whose site lies in the box. */
  inBox(code: string, box: Box): ServiceCandidate[];
}

// A grid over Great Britain of 0.25° of latitude by 0.4° of longitude (about 28 by 27 km); points beyond it
// fall in its edge cells, so every box query still finds them.
const GRID = { minLat: 49, minLng: -9, dLat: 0.25, dLng: 0.4, rows: 48, cols: 29 };
const clamp = (x: number, max: number) => Math.min(max, Math.max(0, x));
const rowOf = (lat: number) => clamp(Math.floor((lat - GRID.minLat) / GRID.dLat), GRID.rows - 1);
const colOf = (lng: number) => clamp(Math.floor((lng - GRID.minLng) / GRID.dLng), GRID.cols - 1);
const cellOf = (c: LatLng) => rowOf(c.latitude) * GRID.cols + colOf(c.longitude);

function specialtyServices(services: ServiceCandidate[]): SpecialtyServices {
  const cells = services.map(cellOf);
  const order = services.map((_, i) => i).sort((a, b) => cells[a]! - cells[b]! || services[a]!.latitude - services[b]!.latitude);
  const candidates = order.map((i) => services[i]!);
  const cellStart = new Uint32Array(GRID.rows * GRID.cols + 1);
  for (const cell of cells) cellStart[cell + 1]!++;
  for (let k = 1; k < cellStart.length; k++) cellStart[k]! += cellStart[k - 1]!;
  return { candidates, columns: toColumns(candidates), cellStart };
}

function rangesNear({ cellStart }: SpecialtyServices, box: Box): number[] {
  const ranges: number[] = [];
  const [c0, c1] = [colOf(box.minLng), colOf(box.maxLng)];
  for (let r = rowOf(box.minLat), last = rowOf(box.maxLat); r <= last; r++) {
    const start = cellStart[r * GRID.cols + c0]!;
    const end = cellStart[r * GRID.cols + c1 + 1]!;
    if (end > start) ranges.push(start, end);
  }
  return ranges;
}

export function buildSnapshot(version: number, specialties: { code: string; name: string }[], rows: ServiceCandidate[]): DirectorySnapshot {
  const grouped = new Map<string, ServiceCandidate[]>();
  for (const c of rows) {
    const list = grouped.get(c.row.specialty_code);
    if (list) list.push(c);
    else grouped.set(c.row.specialty_code, [c]);
  }
  const bySpecialty = new Map([...grouped].map(([code, list]) => [code, specialtyServices(list)]));
  const none = specialtyServices([]);
  const ofSpecialty = (code: string) => bySpecialty.get(code) ?? none;
  return {
    version,
    specialties: new Map(specialties.map((s) => [s.code, s])),
    byId: new Map(rows.map((c) => [c.id, c])),
    ofSpecialty,
    rangesNear: (code, box) => rangesNear(ofSpecialty(code), box),
    inBox(code, box) {
      const services = ofSpecialty(code);
      const ranges = rangesNear(services, box);
      const found: ServiceCandidate[] = [];
      for (let r = 0; r < ranges.length; r += 2) {
        for (let i = ranges[r]!; i < ranges[r + 1]!; i++) {
          const c = services.candidates[i]!;
          if (c.latitude >= box.minLat && c.latitude <= box.maxLat && c.longitude >= box.minLng && c.longitude <= box.maxLng) found.push(c);
        }
      }
      return found;
    },
  };
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
