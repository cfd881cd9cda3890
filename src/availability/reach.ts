// Where choice cannot exist: for each GP practice of an ICB and each specialty, how many listed services lie within
// 10, 25 and 50 miles, how many distinct providers that is (choice is of provider), and their waits. It reads the
// app instance's in-memory directory (src/directory/snapshot.ts) and measures distance with the one haversine the
// shortlist engine uses (src/domain/distance.ts), over the same precomputed columns: a bounding box of the largest
// radius picks the grid cells near each practice, then each service in them is measured once.
//
// Counted: listed services (active and ACCREDITED, as the directory lists them) of type FIRST_OUTPATIENT, whether
// directly bookable or not (a service that is not directly bookable is still a choice the patient can be offered).
import type { DirectorySnapshot } from '../directory/snapshot.ts';
import { boundingBox, kmBetween, milesToKm, prepare } from '../domain/distance.ts';
import type { PlacedPractice } from './practices.ts';

export const RADII_MILES = [10, 25, 50] as const;
export type RadiusMiles = (typeof RADII_MILES)[number];
/** Fewer providers than this within reach is no meaningful choice (about 5 should be offered). */
export const ENOUGH_PROVIDERS = 5;
const LARGEST = RADII_MILES[RADII_MILES.length - 1]!;

export interface Reach {
  services: number;
  providers: number;
  /** Of the services within the radius that publish an indicative wait; null when none does. */
  shortestWaitWeeks: number | null;
  medianWaitWeeks: number | null;
}

export interface PracticeReach {
  practice: PlacedPractice;
  within: Record<RadiusMiles, Reach>;
}

/** What a counted service is: a first outpatient appointment (the choice the guide is about). */
const counts = (serviceType: string) => serviceType === 'FIRST_OUTPATIENT';

/** The specialties with at least one counted service, by name. */
export function specialtiesWithServices(snapshot: DirectorySnapshot): { code: string; name: string }[] {
  return [...snapshot.specialties.values()]
    .filter((s) => snapshot.ofSpecialty(s.code).candidates.some((c) => counts(c.row.service_type)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The median of some numbers (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summarise(providers: Set<string>, waits: number[], services: number): Reach {
  return { services, providers: providers.size, shortestWaitWeeks: waits.length ? Math.min(...waits) : null, medianWaitWeeks: median(waits) };
}

/** Each practice's reach in one specialty at every radius. */
export function reachOf(snapshot: DirectorySnapshot, specialtyCode: string, practices: readonly PlacedPractice[]): PracticeReach[] {
  const { candidates, columns } = snapshot.ofSpecialty(specialtyCode);
  const limitsKm = RADII_MILES.map(milesToKm);
  return practices.map((practice) => {
    const origin = prepare(practice);
    const box = boundingBox(practice, milesToKm(LARGEST));
    const ranges = snapshot.rangesNear(specialtyCode, box);
    const providers = RADII_MILES.map(() => new Set<string>());
    const waits: number[][] = RADII_MILES.map(() => []);
    const services = RADII_MILES.map(() => 0);
    for (let r = 0; r < ranges.length; r += 2) {
      for (let i = ranges[r]!; i < ranges[r + 1]!; i++) {
        const c = candidates[i]!;
        // The box first: a comparison is cheaper than the haversine, and the grid's cells hold services beyond it.
        if (c.latitude < box.minLat || c.latitude > box.maxLat || c.longitude < box.minLng || c.longitude > box.maxLng) continue;
        const row = c.row;
        if (!counts(row.service_type)) continue;
        const km = kmBetween(origin, columns.lat[i]!, columns.lng[i]!, columns.cosLat[i]!);
        for (let k = 0; k < limitsKm.length; k++) {
          if (km > limitsKm[k]!) continue;
          services[k]!++;
          providers[k]!.add(row.provider_ods_code);
          if (row.indicative_wait_weeks !== null) waits[k]!.push(row.indicative_wait_weeks);
        }
      }
    }
    const within = Object.fromEntries(RADII_MILES.map((miles, k) => [miles, summarise(providers[k]!, waits[k]!, services[k]!)])) as Record<RadiusMiles, Reach>;
    return { practice, within };
  });
}

export interface SpecialtySummary {
  specialty: { code: string; name: string };
  /** How many practices cannot reach ENOUGH_PROVIDERS providers within each radius. */
  fewerThanEnough: Record<RadiusMiles, number>;
}

/** For the whole ICB: per specialty and radius, how many practices have fewer than 5 providers within reach. */
export function icbSummary(snapshot: DirectorySnapshot, practices: readonly PlacedPractice[]): SpecialtySummary[] {
  return summaryOf(snapshot, new Map(specialtiesWithServices(snapshot).map((s) => [s.code, reachOf(snapshot, s.code, practices)])));
}

/** The summary from every specialty's reach, worked out already. */
export function summaryOf(snapshot: DirectorySnapshot, bySpecialty: ReadonlyMap<string, readonly PracticeReach[]>): SpecialtySummary[] {
  return specialtiesWithServices(snapshot).map((specialty) => {
    const reach = bySpecialty.get(specialty.code) ?? [];
    const fewerThanEnough = Object.fromEntries(
      RADII_MILES.map((miles) => [miles, reach.filter((r) => r.within[miles].providers < ENOUGH_PROVIDERS).length]),
    ) as Record<RadiusMiles, number>;
    return { specialty, fewerThanEnough };
  });
}

export interface ServiceSite {
  odsCode: string;
  name: string;
  providerName: string;
  latitude: number;
  longitude: number;
  services: number;
}

/** The sites of a specialty's counted services within `miles` of at least one of the practices. */
export function sitesWithin(snapshot: DirectorySnapshot, specialtyCode: string, practices: readonly PlacedPractice[], miles: RadiusMiles): ServiceSite[] {
  const { candidates, columns } = snapshot.ofSpecialty(specialtyCode);
  const km = milesToKm(miles);
  const sites = new Map<string, ServiceSite>();
  const seen = new Set<number>();
  for (const practice of practices) {
    const origin = prepare(practice);
    const ranges = snapshot.rangesNear(specialtyCode, boundingBox(practice, km));
    for (let r = 0; r < ranges.length; r += 2) {
      for (let i = ranges[r]!; i < ranges[r + 1]!; i++) {
        const row = candidates[i]!.row;
        if (seen.has(i) || !counts(row.service_type)) continue;
        if (kmBetween(origin, columns.lat[i]!, columns.lng[i]!, columns.cosLat[i]!) > km) continue;
        seen.add(i);
        const site = sites.get(row.site_ods_code);
        if (site) site.services++;
        else sites.set(row.site_ods_code, { odsCode: row.site_ods_code, name: row.site_name, providerName: row.provider_name, latitude: row.latitude, longitude: row.longitude, services: 1 });
      }
    }
  }
  return [...sites.values()].sort((a, b) => a.name.localeCompare(b.name));
}
