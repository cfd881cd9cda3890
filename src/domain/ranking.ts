// The shortlist ranking: which services are eligible for a patient, and in what order.
// Pure: the caller supplies candidate services with their coordinates and waits.
import { EARTH_RADIUS_KM, haversineKm, kmBetween, kmToMiles, type LatLng, prepare } from './distance.ts';

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


const SEX_CODE = { any: 0, female: 1, male: 2 } as const;

/**
 * Candidates as parallel typed arrays. Ranking scans hundreds of services per request; reading a few
 * contiguous arrays is several times faster than visiting one object per service scattered over the heap.
 */
export interface CandidateColumns {
  ids: readonly string[];
  lat: Float64Array; // radians
  lng: Float64Array; // radians
  cosLat: Float64Array;
  waitWeeks: Float64Array; // NaN: no published wait
  minAge: Float64Array; // -Infinity: no lower limit
  maxAge: Float64Array; // +Infinity: no upper limit
  sex: Uint8Array; // SEX_CODE
  /** The point on the unit sphere, for the chord test that spares most candidates the haversine (rankColumns). */
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
}

export function toColumns(candidates: readonly Candidate[]): CandidateColumns {
  const n = candidates.length;
  const cols: CandidateColumns = {
    ids: candidates.map((c) => c.id),
    lat: new Float64Array(n),
    lng: new Float64Array(n),
    cosLat: new Float64Array(n),
    waitWeeks: new Float64Array(n),
    minAge: new Float64Array(n),
    maxAge: new Float64Array(n),
    sex: new Uint8Array(n),
    x: new Float64Array(n),
    y: new Float64Array(n),
    z: new Float64Array(n),
  };
  candidates.forEach((c, i) => {
    const p = prepare(c);
    cols.x[i] = p.cosLat * Math.cos(p.lng);
    cols.y[i] = p.cosLat * Math.sin(p.lng);
    cols.z[i] = Math.sin(p.lat);
    cols.lat[i] = p.lat;
    cols.lng[i] = p.lng;
    cols.cosLat[i] = p.cosLat;
    cols.waitWeeks[i] = c.waitWeeks ?? Number.NaN;
    cols.minAge[i] = c.minAge ?? Number.NEGATIVE_INFINITY;
    cols.maxAge[i] = c.maxAge ?? Number.POSITIVE_INFINITY;
    cols.sex[i] = SEX_CODE[c.sex];
  });
  return cols;
}

interface Entry {
  index: number;
  distanceKm: number;
  /** DISTANCE: the squared chord to the origin (unit sphere) beyond which a candidate is certainly further than this one. */
  beyond: number;
  /** The sort key, then the tie-breaker: (wait, distance), (distance, wait) or (score, distance); then id. */
  primary: number;
  secondary: number;
}

export interface ColumnRankResult {
  eligibleCount: number;
  ranked: { rank: number; index: number; distanceKm: number; balancedScore: number | null }[];
  excluded: Record<ExclusionReason, number>;
}

/**
 * How far the chord test may be from the haversine before the haversine is asked: relatively, a millionth (both
 * are exact to about 1e-15 of what they measure), and absolutely 1e-12 of the Earth's radius (6 µm), because a
 * chord between nearby unit vectors is a difference of nearly equal coordinates, good to 1e-16 and no better.
 * A candidate whose chord is further than that from a limit is certainly on the side the chord says.
 */
const CHORD_MARGIN = 1e-6;
const CHORD_SLACK = 1e-12;
/** The squared chord above which a candidate is certainly further than one at `chord2`, and below which certainly nearer. */
const surelyBeyond = (chord2: number) => (Math.sqrt(chord2) * (1 + CHORD_MARGIN) + CHORD_SLACK) ** 2;
const surelyWithin = (chord2: number) => Math.max(0, Math.sqrt(chord2) * (1 - CHORD_MARGIN) - CHORD_SLACK) ** 2;

/** The squared unit-sphere chord of a great-circle distance: the haversine's h, times 4. */
function chord2Of(km: number): number {
  const half = km / (2 * EARTH_RADIUS_KM);
  return half >= Math.PI / 2 ? Number.POSITIVE_INFINITY : 4 * Math.sin(half) ** 2;
}

/**
 * Ranks the candidates at the given index ranges ([start, end, start, end, …]; default all). Exactly the rules
 * of `exclusionOf` and the documented orders: this is `rankCandidates` for callers that keep columns, and gives
 * exactly what `rankColumnsReference` gives (ranking-fast.test.ts).
 *
 * Most candidates in the grid cells near the origin are out of reach or could not make the first `limit`, so the
 * haversine (two sines, a square root and an arcsine) is worked out only for those it decides: a candidate whose
 * squared chord to the origin (three products on unit vectors, in the same order as the distance) is clearly
 * inside or outside the limit is told so by the chord; one that cannot beat the last of the top `limit` on its
 * wait alone (WAIT, BALANCED) or on its chord (DISTANCE) needs no distance at all.
 */
export function rankColumns(cols: CandidateColumns, q: RankQuery, ranges: readonly number[] = [0, cols.ids.length]): ColumnRankResult {
  const origin = prepare(q.origin);
  const ox = origin.cosLat * Math.cos(origin.lng);
  const oy = origin.cosLat * Math.sin(origin.lng);
  const oz = Math.sin(origin.lat);
  const maxKm = q.maxDistanceKm ?? Number.POSITIVE_INFINITY;
  const limitChord2 = chord2Of(maxKm);
  const surelyInside = surelyWithin(limitChord2);
  const surelyOutside = surelyBeyond(limitChord2);
  const maxWait = q.maxWaitWeeks ?? Number.POSITIVE_INFINITY;
  const sex = q.sex === null ? SEX_CODE.any : SEX_CODE[q.sex];
  const byDistance = q.sortBy === 'DISTANCE';
  const { ids, lat, lng, cosLat, waitWeeks, minAge, maxAge, x, y, z } = cols;
  const excluded: Record<ExclusionReason, number> = { distance: 0, wait: 0, age: 0, sex: 0 };
  // Only the first `limit` (at most 20) are wanted: keep them in order as we go instead of sorting everything,
  // and make an object only for a candidate that gets in.
  const top: Entry[] = [];
  let eligibleCount = 0;
  const before = (primary: number, secondary: number, index: number, b: Entry) =>
    primary !== b.primary ? primary < b.primary : secondary !== b.secondary ? secondary < b.secondary : ids[index]! < ids[b.index]!;
  for (let r = 0; r < ranges.length; r += 2) {
    for (let i = ranges[r]!, end = ranges[r + 1]!; i < end; i++) {
      const dx = x[i]! - ox;
      const dy = y[i]! - oy;
      const dz = z[i]! - oz;
      const chord2 = dx * dx + dy * dy + dz * dz;
      // NaN: not yet worked out.
      let distanceKm = Number.NaN;
      if (chord2 > surelyOutside) {
        excluded.distance++;
        continue;
      }
      if (chord2 >= surelyInside) {
        distanceKm = kmBetween(origin, lat[i]!, lng[i]!, cosLat[i]!);
        if (distanceKm > maxKm) {
          excluded.distance++;
          continue;
        }
      }
      const w = waitWeeks[i]!;
      // NaN (no published wait) fails any wait limit, as the comparison is false.
      if (q.maxWaitWeeks !== null && !(w <= maxWait)) {
        excluded.wait++;
        continue;
      }
      if (q.age !== null && (q.age < minAge[i]! || q.age > maxAge[i]!)) {
        excluded.age++;
        continue;
      }
      if (sex !== SEX_CODE.any && cols.sex[i] !== SEX_CODE.any && cols.sex[i] !== sex) {
        excluded.sex++;
        continue;
      }
      eligibleCount++;
      const wait = Number.isNaN(w) ? Number.POSITIVE_INFINITY : w;
      if (top.length === q.limit) {
        const last = top[top.length - 1]!;
        // WAIT's and BALANCED's keys are at least the wait; DISTANCE's follows the chord.
        if (byDistance ? chord2 > last.beyond : wait > last.primary) continue;
      }
      if (Number.isNaN(distanceKm)) distanceKm = kmBetween(origin, lat[i]!, lng[i]!, cosLat[i]!);
      const primary = q.sortBy === 'WAIT' ? wait : byDistance ? distanceKm : wait + kmToMiles(distanceKm) / BALANCED_MILES_PER_WEEK;
      const secondary = byDistance ? wait : distanceKm;
      if (top.length === q.limit && !before(primary, secondary, i, top[top.length - 1]!)) continue;
      let at = top.length;
      while (at > 0 && before(primary, secondary, i, top[at - 1]!)) at--;
      top.splice(at, 0, { index: i, distanceKm, beyond: byDistance ? surelyBeyond(chord2) : 0, primary, secondary });
      if (top.length > q.limit) top.pop();
    }
  }
  return resultOf(top, eligibleCount, excluded, waitWeeks);
}

function resultOf(top: readonly Entry[], eligibleCount: number, excluded: Record<ExclusionReason, number>, waitWeeks: Float64Array): ColumnRankResult {
  return {
    eligibleCount,
    ranked: top.map((e, k) => {
      const w = waitWeeks[e.index]!;
      return { rank: k + 1, index: e.index, distanceKm: e.distanceKm, balancedScore: balancedScore(Number.isNaN(w) ? null : w, e.distanceKm) };
    }),
    excluded,
  };
}

/**
 * The ranking as the rules state it, with the haversine for every candidate: what `rankColumns` must give
 * exactly (ranking-fast.test.ts), kept as the statement of the rules its shortcuts are checked against.
 */
export function rankColumnsReference(cols: CandidateColumns, q: RankQuery, ranges: readonly number[] = [0, cols.ids.length]): ColumnRankResult {
  const origin = prepare(q.origin);
  const maxKm = q.maxDistanceKm ?? Number.POSITIVE_INFINITY;
  const maxWait = q.maxWaitWeeks ?? Number.POSITIVE_INFINITY;
  const sex = q.sex === null ? SEX_CODE.any : SEX_CODE[q.sex];
  const { ids, lat, lng, cosLat, waitWeeks, minAge, maxAge } = cols;
  const excluded: Record<ExclusionReason, number> = { distance: 0, wait: 0, age: 0, sex: 0 };
  const eligible: Entry[] = [];
  for (let r = 0; r < ranges.length; r += 2) {
    for (let i = ranges[r]!, end = ranges[r + 1]!; i < end; i++) {
      const distanceKm = kmBetween(origin, lat[i]!, lng[i]!, cosLat[i]!);
      const w = waitWeeks[i]!;
      if (distanceKm > maxKm) excluded.distance++;
      else if (q.maxWaitWeeks !== null && !(w <= maxWait)) excluded.wait++;
      else if (q.age !== null && (q.age < minAge[i]! || q.age > maxAge[i]!)) excluded.age++;
      else if (sex !== SEX_CODE.any && cols.sex[i] !== SEX_CODE.any && cols.sex[i] !== sex) excluded.sex++;
      else {
        const wait = Number.isNaN(w) ? Number.POSITIVE_INFINITY : w;
        const primary = q.sortBy === 'WAIT' ? wait : q.sortBy === 'DISTANCE' ? distanceKm : wait + kmToMiles(distanceKm) / BALANCED_MILES_PER_WEEK;
        eligible.push({ index: i, distanceKm, beyond: 0, primary, secondary: q.sortBy === 'DISTANCE' ? wait : distanceKm });
      }
    }
  }
  eligible.sort((a, b) => (a.primary !== b.primary ? a.primary - b.primary : a.secondary !== b.secondary ? a.secondary - b.secondary : ids[a.index]! < ids[b.index]! ? -1 : ids[a.index]! > ids[b.index]! ? 1 : 0));
  return resultOf(eligible.slice(0, q.limit), eligible.length, excluded, waitWeeks);
}

export function rankCandidates<C extends Candidate>(candidates: readonly C[], q: RankQuery): RankResult<C> {
  const result = rankColumns(toColumns(candidates), q);
  return { ...result, ranked: result.ranked.map(({ index, ...r }) => ({ ...r, candidate: candidates[index]! })) };
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
