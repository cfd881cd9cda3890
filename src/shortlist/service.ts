import type { Deps } from '../deps.ts';
import type { Config } from '../config.ts';
import { type ServiceCandidate, type ServiceRow, toServiceView } from '../directory/queries.ts';
import type { ServiceView } from '../directory/types.ts';
import type { DirectoryCache } from '../directory/snapshot.ts';
import { boundingBox, haversineKm, kmToMiles, type LatLng, round1, round2 } from '../domain/distance.ts';
import { BALANCED_MILES_PER_WEEK, balancedScore, distanceNeededFor, exclusionOf, type RankQuery, type Ranked, rankCandidates, rankColumns } from '../domain/ranking.ts';
import { unprocessable } from '../http/problem.ts';
import type { PostcodeDirectory } from '../reference/postcodes.ts';
import { resolveOrigin, resolveSpecialty } from '../reference/resolve.ts';
import type { EarliestSlotCache } from '../slots/earliest-slots.ts';
import type { ShortlistAnswer, ShortlistOption, ShortlistRequest } from './types.ts';

/** A referrer should offer about this many options (NHS e-Referral guidance and the choice framework). */
export const RECOMMENDED_OPTIONS = 5;

/** The ranked, explained shortlist for one patient. Throws a Problem for unknown or malformed input. */
export async function buildShortlist(deps: Deps, request: ShortlistRequest): Promise<ShortlistAnswer> {
  const [directory, origin] = await Promise.all([deps.directory.current(), resolveOrigin(deps.postcodes, request.postcode)]);
  const specialty = resolveSpecialty(directory.specialties, request.specialty);
  const maxDistanceKm = request.maxDistanceKm === undefined ? deps.config.defaultMaxDistanceKm : request.maxDistanceKm;
  const query: RankQuery = {
    origin,
    sortBy: request.sortBy,
    maxDistanceKm,
    maxWaitWeeks: request.maxWaitWeeks,
    age: request.age,
    sex: request.sex,
    limit: request.limit,
  };
  const box = maxDistanceKm === null ? undefined : boundingBox(origin, maxDistanceKm);
  const services = directory.ofSpecialty(specialty.code);
  const result = rankColumns(services.columns, query, box ? directory.rangesNear(specialty.code, box) : undefined);

  let shortfall: ShortlistAnswer['shortfall'] = null;
  if (result.eligibleCount < RECOMMENDED_OPTIONS) {
    // Look at the whole country to say what would widen the list.
    shortfall = explainShortfall(services.candidates, query, result.eligibleCount, specialty.name, origin.postcode);
  }

  const context = { eligibleCount: result.eligibleCount, originLabel: origin.postcode, sortBy: request.sortBy };
  const ranked = result.ranked.map((r) => ({ rank: r.rank, candidate: services.candidates[r.index]!, distanceKm: r.distanceKm, balancedScore: r.balancedScore }));
  const earliest = ranked.length === 0 ? null : await deps.earliestSlots.earliestInstants(ranked.map((r) => r.candidate.id));
  return {
    origin,
    specialty,
    sortBy: request.sortBy,
    maxDistanceKm,
    eligibleCount: result.eligibleCount,
    options: ranked.map((r) => toOption(r, reasonsFor(r, context), deps.config.travelCostPencePerMile, earliest?.get(r.candidate.id) ?? null)),
    shortfall,
  };
}

/**
 * Options for services the referrer picked with the patient, in the order given, explained as the engine
 * explains its own. Each must be a listed service of the specialty.
 */
export async function optionsForChosenServices(
  deps: Deps,
  request: { specialty: string; postcode: string; field: string },
  ids: readonly string[],
): Promise<{ specialty: { code: string; name: string }; options: ShortlistOption[] }> {
  const [directory, origin] = await Promise.all([deps.directory.current(), resolveOrigin(deps.postcodes, request.postcode)]);
  const specialty = resolveSpecialty(directory.specialties, request.specialty);
  const problems = ids.flatMap((id, i) => {
    const service = directory.byId.get(id);
    if (!service) return [{ field: `${request.field}[${i}]`, message: `"${id.slice(0, 60)}" is not a listed service` }];
    if (service.row.specialty_code !== specialty.code) {
      return [{ field: `${request.field}[${i}]`, message: `${service.row.name} is not a ${specialty.name} service` }];
    }
    return [];
  });
  if (problems.length > 0) throw unprocessable('Every service on a shortlist must be a listed service of the referral\'s specialty.', problems);
  const options = ids.map((id, i) => optionAt(directory.byId.get(id)!, origin, i + 1, 'Chosen by the referrer with the patient', deps.config.travelCostPencePerMile));
  return { specialty, options: await withEarliestSlots(deps.earliestSlots, options) };
}

/** Why a service chosen for a shortlist no longer fits its request: as `exclusionOf` says, or not listed, or another specialty. */
export type NoLongerFits =
  | { kind: 'unlisted' }
  | { kind: 'specialty'; specialty: string }
  | { kind: 'distance'; distanceMiles: number; maxDistanceMiles: number; origin: string }
  | { kind: 'wait' | 'age' | 'sex' };

/**
 * Which of the services chosen for an earlier request still fit this one (an answer changed: another specialty,
 * origin, distance limit or age): the same eligibility as the engine's, whatever their rank. Those that no longer
 * fit come back with the reason, so the person can be told.
 */
export async function chosenStillFit(
  deps: Deps,
  request: ShortlistRequest,
  ids: readonly string[],
): Promise<{ kept: string[]; removed: { serviceId: string; name: string | null; why: NoLongerFits }[] }> {
  const [directory, origin] = await Promise.all([deps.directory.current(), resolveOrigin(deps.postcodes, request.postcode)]);
  const specialty = resolveSpecialty(directory.specialties, request.specialty);
  const maxDistanceKm = request.maxDistanceKm === undefined ? deps.config.defaultMaxDistanceKm : request.maxDistanceKm;
  const kept: string[] = [];
  const removed: { serviceId: string; name: string | null; why: NoLongerFits }[] = [];
  for (const id of ids) {
    const candidate = directory.byId.get(id);
    if (!candidate) {
      removed.push({ serviceId: id, name: null, why: { kind: 'unlisted' } });
      continue;
    }
    const name = candidate.row.name;
    if (candidate.row.specialty_code !== specialty.code) {
      removed.push({ serviceId: id, name, why: { kind: 'specialty', specialty: specialty.name } });
      continue;
    }
    const distanceKm = haversineKm(origin, candidate);
    const excluded = exclusionOf(candidate, distanceKm, { maxDistanceKm, maxWaitWeeks: request.maxWaitWeeks, age: request.age, sex: request.sex });
    if (excluded === null) kept.push(id);
    else if (excluded === 'distance') {
      removed.push({ serviceId: id, name, why: { kind: 'distance', distanceMiles: round1(kmToMiles(distanceKm)), maxDistanceMiles: Math.round(kmToMiles(maxDistanceKm!)), origin: origin.postcode } });
    } else removed.push({ serviceId: id, name, why: { kind: excluded } });
  }
  return { kept, removed };
}

/**
 * One service offered to a patient at `origin` for a reason other than the ranking (the referrer chose it, or the
 * patient already waits there): its distance, travel cost and wait worked out and explained as the shortlist's
 * own. The earliest free slot is left for the caller to add.
 */
export function optionAt(candidate: ServiceCandidate, origin: LatLng & { postcode: string }, rank: number, why: string, pencePerMile: number): ShortlistOption {
  const distanceKm = haversineKm(origin, candidate);
  const r = { rank, candidate, distanceKm, balancedScore: balancedScore(candidate.waitWeeks, distanceKm) };
  const { waitText, distanceText } = describe(r, origin.postcode);
  return toOption(r, [why, waitText, distanceText], pencePerMile);
}

/**
 * Each option's earliest free slot, from the app instance's per-service cache (src/slots/earliest-slots.ts):
 * the shortlist otherwise answers from memory, and in the benchmark a query per shortlist more than doubled
 * the CPU each one costs. The cache may lag a booking made elsewhere by up to 30 seconds; booking reads the database.
 */
async function withEarliestSlots(cache: EarliestSlotCache, options: ShortlistOption[]): Promise<ShortlistOption[]> {
  if (options.length === 0) return options;
  const earliest = await cache.earliestInstants(options.map((o) => o.service.id));
  return options.map((o) => ({ ...o, earliestSlot: earliest.get(o.service.id) ?? null }));
}

/** The estimated cost of travelling to a service `km` away and back, and how it was worked out. */
export function travelEstimate(km: number, pencePerMile: number): ShortlistOption['travel'] {
  const returnMiles = 2 * kmToMiles(km);
  return {
    estimatedCostGbp: round2((returnMiles * pencePerMile) / 100),
    basis: `Return journey by car, ${round1(returnMiles)} miles at ${pencePerMile}p a mile (HMRC approved mileage rate); straight-line distance, so the road journey is usually longer.`,
  };
}

// A service looks the same on every shortlist until the directory reloads, which makes new rows: its view is made
// once per row and frozen, so that the answer's serializer can write it once (src/shortlist/routes.ts).
const views = new WeakMap<ServiceRow, ServiceView>();

/** The service as options show it: the same frozen object for the same row. */
export function serviceViewOf(row: ServiceRow): ServiceView {
  let view = views.get(row);
  if (!view) views.set(row, (view = deepFreeze(toServiceView(row))));
  return view;
}

function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) if (inner !== null && typeof inner === 'object') deepFreeze(inner as object);
  return Object.freeze(value);
}

function toOption(r: Ranked<ServiceCandidate>, reasons: string[], pencePerMile: number, earliestSlot: string | null = null): ShortlistOption {
  return {
    rank: r.rank,
    service: serviceViewOf(r.candidate.row),
    distanceKm: round1(r.distanceKm),
    distanceMiles: round1(kmToMiles(r.distanceKm)),
    indicativeWaitWeeks: r.candidate.waitWeeks,
    earliestSlot,
    travel: travelEstimate(r.distanceKm, pencePerMile),
    reasons,
  };
}

const ORDINALS = ['', '', '2nd', '3rd'];
function ordinal(n: number): string {
  if (ORDINALS[n]) return ORDINALS[n]!;
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

function position(rank: number, of: number, superlative: string): string {
  return rank === 1 ? `the ${superlative} of ${of} matching services` : `the ${ordinal(rank)} ${superlative} of ${of} matching services`;
}

/** The wait and the distance of an option, in the words every explanation uses. */
function describe(r: Ranked<ServiceCandidate>, originLabel: string) {
  const row = r.candidate.row;
  const wait = row.indicative_wait_weeks;
  const basis = row.indicative_wait_basis ? ` (${row.indicative_wait_basis})` : '';
  return {
    waitText: wait === null ? 'No published waiting time' : `Indicative wait ${wait} weeks`,
    // Miles, as people in the UK speak of distance; the API's numbers carry the km.
    distanceText: `${round1(kmToMiles(r.distanceKm))} miles from ${originLabel}`,
    basis,
  };
}

function reasonsFor(
  r: Ranked<ServiceCandidate>,
  { eligibleCount, originLabel, sortBy }: { eligibleCount: number; originLabel: string; sortBy: RankQuery['sortBy'] },
): string[] {
  const { waitText, distanceText, basis } = describe(r, originLabel);
  switch (sortBy) {
    case 'WAIT':
      return [`${waitText}: ${position(r.rank, eligibleCount, 'shortest wait')}${basis}`, distanceText];
    case 'DISTANCE':
      return [`${distanceText}: ${position(r.rank, eligibleCount, 'nearest')}`, `${waitText}${basis}`];
    case 'BALANCED': {
      const score = r.balancedScore === null ? 'no score (no published wait)' : `score ${round1(r.balancedScore)}`;
      return [
        `Balance of wait and travel: ${position(r.rank, eligibleCount, 'best balance')}, ${score}, counting every ${BALANCED_MILES_PER_WEEK} miles of travel as one more week of waiting`,
        `${waitText}${basis}`,
        distanceText,
      ];
    }
  }
}

function explainShortfall(
  everywhere: readonly ServiceCandidate[],
  query: RankQuery,
  eligibleCount: number,
  specialtyName: string,
  originLabel: string,
): NonNullable<ShortlistAnswer['shortfall']> {
  const found = eligibleCount === 0 ? 'No services' : eligibleCount === 1 ? 'Only 1 service' : `Only ${eligibleCount} services`;
  const limits: string[] = [];
  if (query.maxDistanceKm !== null) limits.push(`within ${round1(query.maxDistanceKm)} km of ${originLabel}`);
  if (query.maxWaitWeeks !== null) limits.push(`with a wait of ${query.maxWaitWeeks} weeks or less`);
  if (query.age !== null || query.sex !== null) limits.push('that see patients of this age and sex');
  const reason = `${found} for ${specialtyName} ${limits.join(', ') || 'are listed'}; about ${RECOMMENDED_OPTIONS} should be offered.`;

  const suggestions: string[] = [];
  const neededKm = distanceNeededFor(everywhere, query, RECOMMENDED_OPTIONS);
  const anyDistanceCount = query.maxDistanceKm === null ? eligibleCount : rankCandidates(everywhere, { ...query, maxDistanceKm: null, limit: 1 }).eligibleCount;
  const withoutWaitLimitCount = query.maxWaitWeeks === null ? null : rankCandidates(everywhere, { ...query, maxWaitWeeks: null, limit: 1 }).eligibleCount;
  if (query.maxDistanceKm !== null && neededKm !== null) {
    const km = Math.ceil(neededKm);
    suggestions.push(`search up to ${km} km (${Math.ceil(kmToMiles(neededKm))} miles) to see ${RECOMMENDED_OPTIONS}`);
  }
  if (withoutWaitLimitCount !== null && withoutWaitLimitCount > eligibleCount) suggestions.push(`remove the waiting-time limit to see ${withoutWaitLimitCount}`);
  if (suggestions.length === 0) {
    suggestions.push(
      'no wider search would find more listed services: consider a referral to a clinical assessment service, or ask the ICB about services not yet listed',
    );
  }
  return {
    reason,
    suggestion: `${capitalise(suggestions.join('; or '))}.`,
    widen: {
      // Rounded up, so that searching with it finds the 5.
      distanceKm: query.maxDistanceKm !== null && neededKm !== null ? Math.ceil(neededKm * 10) / 10 : null,
      anyDistanceCount,
      withoutWaitLimitCount,
    },
  };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
