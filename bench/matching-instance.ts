// The matching benchmark's instance, built from the real April 2026 RTT figures so that the load has the country's
// shape: where the long waiters are, in which specialties, and where the short waits that could take them are.
//
// Patients: NHS England's full extract, incomplete pathways (Part_2) summed over commissioners per provider ×
// treatment function (src/importers/rtt.ts), the 18 treatment functions the statistics report on their own (not
// the C_999 totals, not the X02–X06 "other" groups, which mix unrelated services). Each person in a weekly band
// above the threshold becomes a patient of that specialty at the provider's location, waiting a whole number of
// days drawn evenly over the band's seven (a clock-start date gives days; whole days also make ties, the hard
// case). The open band ">104 weeks" is drawn over 104–120 weeks. Providers without a location are left out.
// The threshold is the highest whole week, 40 at most, with at least `minPatients` patients over it.
//
// Offers: a provider × specialty whose median wait (from the same extract) is under `offerMedianBelowWeeks` and
// whose location is known offers a share of its monthly new RTT periods (Part_3, from the derived summary) as
// spare capacity for the next four weeks, one offer per week, criteria drawn per offer.
//
// Everything random comes from one seeded generator in a fixed order, so the same seed gives the same instance.
import { fileURLToPath } from 'node:url';
import { EARTH_RADIUS_KM, milesToKm } from '../src/domain/distance.ts';
import type { MatchInstance, MatchOffer, MatchPatient } from '../src/domain/optimal-assignment.ts';
import { Columns, readCsv } from '../src/importers/csv.ts';
import { count, latitude, longitude } from '../src/importers/fields.ts';
import { type RttAggregate, WEEK_BANDS, aggregateRtt, summarise } from '../src/importers/rtt.ts';
import { RTT_REPORTED_TFCS } from '../src/importers/specialties.ts';
import { mulberry32 } from './support.ts';

export const DEFAULT_DATA_DIR =
  process.env.BENCH_MATCHING_DATA ?? fileURLToPath(new URL('../../shared/data/nhs-rtt-2026-04/', import.meta.url));

export interface InstanceSettings {
  dataDir: string;
  seed: number;
  /** Lower the wait threshold until there are at least this many patients. */
  minPatients: number;
  /** The threshold to start from: patients waiting over this many weeks. */
  maxThresholdWeeks: number;
  offerMedianBelowWeeks: number;
  /** Spare capacity offered for the next four weeks, as a share of the monthly new RTT periods. */
  capacityShare: number;
  jitterKm: number;
}

export const DEFAULT_SETTINGS: InstanceSettings = {
  dataDir: DEFAULT_DATA_DIR,
  seed: 20260430,
  minPatients: 400_000,
  maxThresholdWeeks: 40,
  offerMedianBelowWeeks: 10,
  capacityShare: 0.5,
  jitterKm: 5,
};

const OPEN_BAND_WEEKS: readonly [number, number] = [104, 120];
const OFFER_WEEKS = 4;
/** A third each: 50 miles, 100 miles, anywhere. */
const TRAVEL_LIMITS: readonly (number | null)[] = [milesToKm(50), milesToKm(100), null];
const AGES: readonly [number, number] = [18, 90];
/** Shares of offers with an age limit; the rest take any age. */
const MAX_AGE_75_SHARE = 0.1;
const MIN_AGE_18_SHARE = 0.1;

export interface SpecialtyFigures {
  patients: number;
  waitWeeks: number;
  offers: number;
  capacity: number;
}

export interface BuiltInstance {
  instance: MatchInstance;
  thresholdWeeks: number;
  /** Patients over the threshold at providers with no known location, left out. */
  droppedPatients: number;
  droppedProviders: number;
  offeringRows: number;
  /** The rules, to print with the figures. */
  rules: string[];
}

// ---------------------------------------------------------------- seeded randomness

const intBetween = (rand: () => number, low: number, high: number) => low + Math.floor(rand() * (high - low + 1));

/** A point drawn evenly over a disc of `km` around the centre, so that patients of one provider are not all on one spot. */
function jitter(rand: () => number, lat: number, lng: number, km: number): { latitude: number; longitude: number } {
  const r = km * Math.sqrt(rand());
  const angle = 2 * Math.PI * rand();
  const kmPerDegree = (EARTH_RADIUS_KM * Math.PI) / 180;
  return {
    latitude: lat + (r * Math.cos(angle)) / kmPerDegree,
    longitude: lng + (r * Math.sin(angle)) / (kmPerDegree * Math.cos((lat * Math.PI) / 180)),
  };
}

// ---------------------------------------------------------------- the files

interface Place {
  latitude: number;
  longitude: number;
}

/** Provider code → location, for the providers the derived locations file could place. */
async function providerLocations(file: string): Promise<Map<string, Place>> {
  const places = new Map<string, Place>();
  let col: { code: number; lat: number; lng: number } | null = null;
  for await (const { fields } of readCsv(file)) {
    if (!col) {
      const c = new Columns(fields);
      col = { code: c.require('provider_org_code'), lat: c.require('latitude'), lng: c.require('longitude') };
      continue;
    }
    const lat = fields[col.lat]?.trim() ?? '';
    const lng = fields[col.lng]?.trim() ?? '';
    if (lat === '' || lng === '') continue;
    places.set(fields[col.code]!.trim(), { latitude: latitude(lat), longitude: longitude(lng) });
  }
  return places;
}

/** `provider|tfc` → new RTT periods in the month (Part_3 "Total All", as the derived summary carries it). */
async function newPeriods(file: string): Promise<Map<string, number>> {
  const periods = new Map<string, number>();
  let col: { code: number; tfc: number; periods: number } | null = null;
  for await (const { fields } of readCsv(file)) {
    if (!col) {
      const c = new Columns(fields);
      col = { code: c.require('provider_org_code'), tfc: c.require('treatment_function_code'), periods: c.require('new_rtt_periods') };
      continue;
    }
    const tfc = fields[col.tfc]!.trim().replace(/^C_/, '');
    periods.set(`${fields[col.code]!.trim()}|${tfc}`, count(fields[col.periods] ?? '', 'new_rtt_periods'));
  }
  return periods;
}

// ---------------------------------------------------------------- the instance

function patientsOver(groups: readonly RttAggregate[], thresholdWeeks: number): number {
  let n = 0;
  for (const g of groups) for (let b = thresholdWeeks; b < WEEK_BANDS; b++) n += g.bands[b]!;
  return n;
}

/** Splits `total` into `parts` whole numbers that differ by at most one. */
function split(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

export async function buildInstance(settings: InstanceSettings = DEFAULT_SETTINGS): Promise<BuiltInstance> {
  const dir = settings.dataDir.endsWith('/') ? settings.dataDir : `${settings.dataDir}/`;
  const [all, places, periods] = await Promise.all([
    aggregateRtt(`${dir}20260430-RTT-April-2026-full-extract.csv.zip`),
    providerLocations(`${dir}rtt_providers_locations_2026_04.csv`),
    newPeriods(`${dir}rtt_incomplete_provider_tfc_2026_04.csv`),
  ]);
  // A fixed order, whatever order the files come in, so the seed alone decides the draws.
  const groups = all
    .filter((g) => RTT_REPORTED_TFCS.has(g.specialtyCode))
    .sort((a, b) => a.specialtyCode.localeCompare(b.specialtyCode) || a.providerCode.localeCompare(b.providerCode));
  const located = groups.filter((g) => places.has(g.providerCode));

  let thresholdWeeks = settings.maxThresholdWeeks;
  while (thresholdWeeks > 0 && patientsOver(located, thresholdWeeks) < settings.minPatients) thresholdWeeks--;
  const droppedPatients = patientsOver(groups, thresholdWeeks) - patientsOver(located, thresholdWeeks);
  const droppedProviders = new Set(
    groups.filter((g) => !places.has(g.providerCode) && patientsOver([g], thresholdWeeks) > 0).map((g) => g.providerCode),
  ).size;

  const rand = mulberry32(settings.seed);
  const patients: Omit<MatchPatient, 'id'>[] = [];
  for (const g of located) {
    const place = places.get(g.providerCode)!;
    for (let band = thresholdWeeks; band < WEEK_BANDS; band++) {
      for (let n = g.bands[band]!; n > 0; n--) {
        const waitWeeks = band === WEEK_BANDS - 1
          ? intBetween(rand, OPEN_BAND_WEEKS[0] * 7, OPEN_BAND_WEEKS[1] * 7 - 1) / 7
          : (band * 7 + intBetween(rand, 0, 6)) / 7;
        patients.push({
          specialty: g.specialtyCode,
          ...jitter(rand, place.latitude, place.longitude, settings.jitterKm),
          waitWeeks,
          maxTravelKm: TRAVEL_LIMITS[intBetween(rand, 0, TRAVEL_LIMITS.length - 1)]!,
          age: intBetween(rand, AGES[0], AGES[1]),
        });
      }
    }
  }
  // Shuffled, so that the input order (the engine's tie-break) says nothing about provider, and a prefix is a sample.
  for (let i = patients.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [patients[i], patients[j]] = [patients[j]!, patients[i]!];
  }

  const offers: MatchOffer[] = [];
  let offeringRows = 0;
  for (const g of located) {
    const median = summarise(g.bands).medianWaitWeeks;
    if (median === null || median >= settings.offerMedianBelowWeeks) continue;
    const monthly = Math.round(settings.capacityShare * (periods.get(`${g.providerCode}|${g.specialtyCode}`) ?? 0));
    if (monthly === 0) continue;
    offeringRows++;
    const place = places.get(g.providerCode)!;
    split(monthly, OFFER_WEEKS).forEach((capacity, week) => {
      const draw = rand();
      if (capacity === 0) return;
      offers.push({
        id: `${g.providerCode}-${g.specialtyCode}-w${week + 1}`,
        specialty: g.specialtyCode,
        latitude: place.latitude,
        longitude: place.longitude,
        capacity,
        minAge: draw >= MAX_AGE_75_SHARE && draw < MAX_AGE_75_SHARE + MIN_AGE_18_SHARE ? 18 : null,
        maxAge: draw < MAX_AGE_75_SHARE ? 75 : null,
      });
    });
  }

  const rules = [
    `patients: RTT April 2026 incomplete pathways (Part_2) waiting over ${thresholdWeeks} weeks` +
      `${thresholdWeeks < settings.maxThresholdWeeks ? ` (lowered from ${settings.maxThresholdWeeks} to reach ${settings.minPatients.toLocaleString('en-GB')})` : ''},` +
      ` 18 reported treatment functions (no C_999 totals, no X02–X06 "other" groups), at their provider's location ± ${settings.jitterKm} km;`,
    `  wait: a whole number of days drawn evenly within the weekly band (>104 weeks: 104–120); age ${AGES[0]}–${AGES[1]} evenly;` +
      ' travel limit 50 miles / 100 miles / anywhere, a third each',
    `offers: provider × specialty with median wait under ${settings.offerMedianBelowWeeks} weeks and a known location;` +
      ` ${Math.round(settings.capacityShare * 100)}% of its monthly new RTT periods, split into ${OFFER_WEEKS} weekly offers;` +
      ` ${MAX_AGE_75_SHARE * 100}% of offers maxAge 75, ${MIN_AGE_18_SHARE * 100}% minAge 18, the rest no age limit`,
    `seed ${settings.seed}`,
  ];

  return {
    instance: { patients: patients.map((p, i) => ({ id: `p${i + 1}`, ...p })), offers },
    thresholdWeeks,
    droppedPatients,
    droppedProviders,
    offeringRows,
    rules,
  };
}

/**
 * Whether a patient may go to an offer at `km`: the contract's rules (api.md), written here from its words rather
 * than taken from the engine, for the baseline and the LP. Capacity is the caller's to count.
 */
export function accepts(offer: MatchOffer, patient: MatchPatient, km: number): boolean {
  return (
    offer.specialty === patient.specialty &&
    (offer.minAge === null || (patient.age !== null && patient.age >= offer.minAge)) &&
    (offer.maxAge === null || (patient.age !== null && patient.age <= offer.maxAge)) &&
    (patient.maxTravelKm === null || km <= patient.maxTravelKm)
  );
}

/**
 * A smaller instance of the same shape for quick runs: the first n patients (a random sample, the list being
 * shuffled) and every offer's capacity scaled by the same fraction, rounded at random so the total stays in
 * proportion; offers left with no capacity are dropped.
 */
export function sampleInstance(instance: MatchInstance, n: number, seed: number): MatchInstance {
  if (n >= instance.patients.length) return instance;
  const fraction = n / instance.patients.length;
  const rand = mulberry32(seed ^ 0x5eed);
  const offers = instance.offers.flatMap((o) => {
    const capacity = Math.floor(o.capacity * fraction + rand());
    return capacity > 0 ? [{ ...o, capacity }] : [];
  });
  return { patients: instance.patients.slice(0, n), offers };
}

/** The part of an instance in the given specialties: exact for comparisons, since specialties never share an offer. */
export function restrictToSpecialties(instance: MatchInstance, specialties: ReadonlySet<string>): MatchInstance {
  return {
    patients: instance.patients.filter((p) => specialties.has(p.specialty)),
    offers: instance.offers.filter((o) => specialties.has(o.specialty)),
  };
}

/** Per-specialty figures of an instance, in code order. */
export function specialtyFigures(instance: MatchInstance): Map<string, SpecialtyFigures> {
  const out = new Map<string, SpecialtyFigures>();
  const of = (s: string) => {
    let f = out.get(s);
    if (!f) out.set(s, (f = { patients: 0, waitWeeks: 0, offers: 0, capacity: 0 }));
    return f;
  };
  for (const p of instance.patients) {
    const f = of(p.specialty);
    f.patients++;
    f.waitWeeks += p.waitWeeks;
  }
  for (const o of instance.offers) {
    const f = of(o.specialty);
    f.offers++;
    f.capacity += o.capacity;
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}
