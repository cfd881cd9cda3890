// The shortlist ranking: which services are eligible for a patient, and in what order.
// Pure: the caller supplies candidate services with their coordinates and waits.
import { haversineKm, kmToMiles, type LatLng } from './distance.ts';

export type SortBy = 'WAIT' | 'DISTANCE' | 'BALANCED';

/**
 * BALANCED treats this many miles of travel as costing the patient as much as one more week of waiting:
 * score = indicative wait in weeks + miles / BALANCED_MILES_PER_WEEK (lower is better).
 */
export const BALANCED_MILES_PER_WEEK = 10;

export interface Candidate extends LatLng {
  id: string;
  waitWeeks: number | null;
  minAge: number | null;
  maxAge: number | null;
  sex: 'any' | 'female' | 'male';
}

export interface RankQuery {
  origin: LatLng;
  sortBy: SortBy;
  maxDistanceKm: number | null;
  maxWaitWeeks: number | null;
  age: number | null;
  sex: 'female' | 'male' | null;
  limit: number;
}

export interface Ranked<C extends Candidate> {
  rank: number;
  candidate: C;
  distanceKm: number;
  /** The BALANCED score; present for every sort so reasons can quote it. */
  balancedScore: number | null;
}

export type ExclusionReason = 'distance' | 'wait' | 'age' | 'sex';

export interface RankResult<C extends Candidate> {
  /** Every candidate that met all the filters. */
  eligibleCount: number;
  /** The first `limit` eligible candidates in order. */
  ranked: Ranked<C>[];
  /** Why the others were left out: the first filter each one failed, in the order distance, wait, age, sex. */
  excluded: Record<ExclusionReason, number>;
}

export function balancedScore(waitWeeks: number | null, distanceKm: number): number | null {
  return waitWeeks === null ? null : waitWeeks + kmToMiles(distanceKm) / BALANCED_MILES_PER_WEEK;
}

/** The first filter a candidate fails, or null when it is eligible. */
export function exclusionOf(c: Candidate, distanceKm: number, q: Omit<RankQuery, 'limit' | 'sortBy' | 'origin'>): ExclusionReason | null {
  if (q.maxDistanceKm !== null && distanceKm > q.maxDistanceKm) return 'distance';
  if (q.maxWaitWeeks !== null && (c.waitWeeks === null || c.waitWeeks > q.maxWaitWeeks)) return 'wait';
  if (q.age !== null && ((c.minAge !== null && q.age < c.minAge) || (c.maxAge !== null && q.age > c.maxAge))) return 'age';
  if (q.sex !== null && c.sex !== 'any' && c.sex !== q.sex) return 'sex';
  return null;
}

// Unknown waits sort after every known wait.
const waitKey = (w: number | null) => (w === null ? Number.POSITIVE_INFINITY : w);

interface Scored<C extends Candidate> {
  candidate: C;
  distanceKm: number;
  balancedScore: number | null;
  /** The sort key, then the tie-breaker: (wait, distance), (distance, wait) or (score, distance); then id. */
  primary: number;
  secondary: number;
}

function before<C extends Candidate>(a: Scored<C>, b: Scored<C>): boolean {
  if (a.primary !== b.primary) return a.primary < b.primary;
  if (a.secondary !== b.secondary) return a.secondary < b.secondary;
  return a.candidate.id < b.candidate.id;
}

export function rankCandidates<C extends Candidate>(candidates: readonly C[], q: RankQuery): RankResult<C> {
  const excluded: Record<ExclusionReason, number> = { distance: 0, wait: 0, age: 0, sex: 0 };
  // Only the first `limit` (at most 20) are wanted: keep them in order as we go instead of sorting everything.
  const top: Scored<C>[] = [];
  let eligibleCount = 0;
  for (const candidate of candidates) {
    const distanceKm = haversineKm(q.origin, candidate);
    const why = exclusionOf(candidate, distanceKm, q);
    if (why) {
      excluded[why] += 1;
      continue;
    }
    eligibleCount += 1;
    const score = balancedScore(candidate.waitWeeks, distanceKm);
    const wait = waitKey(candidate.waitWeeks);
    const scored: Scored<C> =
      q.sortBy === 'WAIT'
        ? { candidate, distanceKm, balancedScore: score, primary: wait, secondary: distanceKm }
        : q.sortBy === 'DISTANCE'
          ? { candidate, distanceKm, balancedScore: score, primary: distanceKm, secondary: wait }
          : { candidate, distanceKm, balancedScore: score, primary: waitKey(score), secondary: distanceKm };
    if (top.length === q.limit && !before(scored, top[top.length - 1]!)) continue;
    let i = top.length;
    while (i > 0 && before(scored, top[i - 1]!)) i--;
    top.splice(i, 0, scored);
    if (top.length > q.limit) top.pop();
  }
  return {
    eligibleCount,
    ranked: top.map((s, i) => ({ rank: i + 1, candidate: s.candidate, distanceKm: s.distanceKm, balancedScore: s.balancedScore })),
    excluded,
  };
}

/**
 * The smallest distance limit that would make `wanted` candidates eligible with the other filters unchanged,
 * or null when even an unlimited distance would not.
 */
export function distanceNeededFor<C extends Candidate>(candidates: readonly C[], q: RankQuery, wanted: number): number | null {
  const distances = candidates
    .map((c) => ({ c, d: haversineKm(q.origin, c) }))
    .filter(({ c, d }) => exclusionOf(c, d, { ...q, maxDistanceKm: null }) === null)
    .map(({ d }) => d)
    .sort((a, b) => a - b);
  return distances.length >= wanted ? distances[wanted - 1]! : null;
}
