// The shortlist request and answer, as in shared/design/api.md ("Shortlist").
import type { ServiceView } from '../directory/types.ts';

export type SortBy = 'WAIT' | 'DISTANCE' | 'BALANCED';
export type Priority = 'ROUTINE' | 'URGENT' | 'TWO_WEEK_WAIT';
export type Sex = 'female' | 'male';

export interface ShortlistRequest {
  specialty: string;            // '110' or 'C_110'
  postcode: string;             // the origin: the patient's home or another (a relative's)
  sortBy: SortBy;
  /** Absent: the configured default (80 km unless set); null: no distance limit. */
  maxDistanceKm?: number | null;
  maxWaitWeeks: number | null;
  priority: Priority;
  limit: number;                // 1..20, default 5
  age: number | null;
  sex: Sex | null;
}

export interface ShortlistOption {
  rank: number;
  service: ServiceView;
  distanceKm: number;
  distanceMiles: number;
  indicativeWaitWeeks: number | null;
  earliestSlot: string | null;
  travel: { estimatedCostGbp: number; basis: string };
  reasons: string[];
}

export interface ShortlistAnswer {
  origin: { postcode: string; latitude: number; longitude: number; precision: 'postcode' | 'sector' | 'outcode' };
  specialty: { code: string; name: string };
  sortBy: SortBy;
  maxDistanceKm: number | null;
  eligibleCount: number;
  options: ShortlistOption[];
  shortfall: {
    reason: string;
    suggestion: string;
    /** What would widen the list, for pages to offer: each a search the person can run again. */
    widen: {
      /** The smallest distance limit that finds 5 with the other limits unchanged; null when none would, or with no limit. */
      distanceKm: number | null;
      /** How many match at any distance, the other limits unchanged. */
      anyDistanceCount: number;
      /** How many match with no waiting-time limit; null when none was set. */
      withoutWaitLimitCount: number | null;
    };
  } | null;
}
