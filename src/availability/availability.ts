// The figures of the choice-availability page for one ICB, one specialty and one radius: every placed practice's
// reach (reach.ts), the map (map.ts), and the specialty × radius summary for the whole ICB.
import type { Deps } from '../deps.ts';
import type { Icb } from '../choice/icb-scope.ts';
import { type AvailabilityMap, drawMap } from './map.ts';
import type { DirectorySnapshot } from '../directory/snapshot.ts';
import { type PlacedPractice, practicesOf } from './practices.ts';
import { ENOUGH_PROVIDERS, type PracticeReach, RADII_MILES, type RadiusMiles, reachOf, sitesWithin, specialtiesWithServices, type SpecialtySummary, summaryOf } from './reach.ts';

export type SortKey = 'providers' | 'practice' | 'wait';
export const SORT_KEYS: readonly SortKey[] = ['providers', 'practice', 'wait'];

export interface AvailabilityPage {
  icb: Icb;
  specialty: { code: string; name: string };
  radius: RadiusMiles;
  sort: SortKey;
  rows: PracticeReach[];
  map: AvailabilityMap;
  /** Placed practices, and how many of them reach fewer than 5 providers within the radius. */
  practices: number;
  fewerThanEnough: number;
  unplaced: number;
  sites: number;
  summary: SpecialtySummary[];
  /** How long the figures took to work out, in milliseconds (shown to no one; logged by the page). */
  elapsedMs: number;
}

const byName = (a: PracticeReach, b: PracticeReach) => a.practice.name.localeCompare(b.practice.name) || a.practice.odsCode.localeCompare(b.practice.odsCode);

/** Orders the table: by default the practices with fewest providers within the radius first (those under 5 lead). */
export function sortRows(rows: readonly PracticeReach[], radius: RadiusMiles, sort: SortKey): PracticeReach[] {
  const wait = (r: PracticeReach) => r.within[radius].shortestWaitWeeks ?? Number.POSITIVE_INFINITY;
  const compare: Record<SortKey, (a: PracticeReach, b: PracticeReach) => number> = {
    providers: (a, b) => a.within[radius].providers - b.within[radius].providers || byName(a, b),
    practice: byName,
    wait: (a, b) => wait(a) - wait(b) || byName(a, b),
  };
  return [...rows].sort(compare[sort]);
}

/**
 * Every specialty's reach for an ICB's practices, worked out once per directory snapshot (it is ~150 ms for an ICB of
 * 260 practices and 18 specialties; one specialty is a tenth of that): the page reads it for any specialty and the
 * summary. A new snapshot (the directory changed) or another set of practices works it out again.
 */
const reachCache = new WeakMap<DirectorySnapshot, Map<string, { key: string; bySpecialty: Map<string, PracticeReach[]> }>>();
const MAX_ICBS_CACHED = 50;

function reachOfEvery(snapshot: DirectorySnapshot, icbCode: string, placed: readonly PlacedPractice[]): Map<string, PracticeReach[]> {
  const key = placed.map((p) => `${p.odsCode}@${p.latitude},${p.longitude}`).join(' ');
  let byIcb = reachCache.get(snapshot);
  if (!byIcb) reachCache.set(snapshot, (byIcb = new Map()));
  const hit = byIcb.get(icbCode);
  if (hit && hit.key === key) return hit.bySpecialty;
  const bySpecialty = new Map(specialtiesWithServices(snapshot).map((s) => [s.code, reachOf(snapshot, s.code, placed)]));
  if (byIcb.size >= MAX_ICBS_CACHED) byIcb.delete(byIcb.keys().next().value!);
  byIcb.set(icbCode, { key, bySpecialty });
  return bySpecialty;
}

export async function availabilityPage(deps: Deps, icb: Icb, specialty: { code: string; name: string }, radius: RadiusMiles, sort: SortKey): Promise<AvailabilityPage> {
  const [{ placed, unplaced }, snapshot] = await Promise.all([practicesOf(deps.database.db, icb.odsCode), deps.directory.current()]);
  const started = performance.now();
  const every = reachOfEvery(snapshot, icb.odsCode, placed);
  const rows = sortRows(every.get(specialty.code) ?? reachOf(snapshot, specialty.code, placed), radius, sort);
  const sites = sitesWithin(snapshot, specialty.code, placed, radius);
  const map = drawMap({ practices: rows.map((r) => ({ ...r.practice, providers: r.within[radius].providers })), sites });
  const summary = summaryOf(snapshot, every);
  return {
    icb,
    specialty,
    radius,
    sort,
    rows,
    map,
    practices: placed.length,
    fewerThanEnough: rows.filter((r) => r.within[radius].providers < ENOUGH_PROVIDERS).length,
    unplaced,
    sites: sites.length,
    summary,
    elapsedMs: Math.round(performance.now() - started),
  };
}

export { RADII_MILES, ENOUGH_PROVIDERS };
