// What a page says when fewer than 5 services match, and the wider searches it offers: in miles, the distances
// people are offered (km stays in the API's numbers). The compare page offers them as links, the referral's
// shortlist page as buttons; both from this.
import { kmToMiles } from '../domain/distance.ts';
import { mayBeOutsideEngland, type Nation, nationOfPostcode } from '../domain/postcode-nation.ts';
import { DISTANCE_CHOICES } from './choices.ts';
import type { ShortlistAnswer } from './types.ts';

export interface WiderSearch {
  /** The distance choice to search with again ('50', 'any'). */
  distance: string;
  /** Its limit in miles; null is any distance. */
  miles: number | null;
  /** How many it finds: a number, or 'enough' when it finds at least 5 but the count is not known. */
  finds: number | 'enough';
}

export interface ShortfallView {
  count: number;
  specialty: string;
  origin: string;
  /** The limit searched, in miles; null when there was none. */
  withinMiles: number | null;
  /** Searches to run again that find more, smallest first; empty when none would. */
  wider: WiderSearch[];
}

const milesOf = (km: number) => Number(DISTANCE_CHOICES.find((c) => c.km === km)?.value ?? Math.round(kmToMiles(km)));

/**
 * The shortfall of an answer as a page shows it, or null when 5 or more matched. The wider searches are the
 * distance choices the pages offer: the smallest that finds 5 (when one does) and, when it finds more than now,
 * any distance.
 */
export function shortfallView(answer: ShortlistAnswer): ShortfallView | null {
  const { shortfall } = answer;
  if (!shortfall) return null;
  const wider: WiderSearch[] = [];
  if (answer.maxDistanceKm !== null) {
    const current = answer.maxDistanceKm;
    const needed = shortfall.widen.distanceKm;
    const enough = needed === null ? undefined : DISTANCE_CHOICES.find((c) => c.km !== null && c.km > current && c.km >= needed);
    if (enough) wider.push({ distance: enough.value, miles: Number(enough.value), finds: 'enough' });
    if (shortfall.widen.anyDistanceCount > answer.eligibleCount) wider.push({ distance: 'any', miles: null, finds: shortfall.widen.anyDistanceCount });
  }
  return {
    count: answer.eligibleCount,
    specialty: answer.specialty.name,
    origin: answer.origin.postcode,
    withinMiles: answer.maxDistanceKm === null ? null : milesOf(answer.maxDistanceKm),
    wider,
  };
}

/**
 * Where a search started outside England, or on its border: the nation and the one across the border, for the
 * page to say that the directory lists England's NHS services only. Null for a postcode in England.
 */
export function outsideEnglandView(postcode: string): { postcode: string; nation: Nation; acrossBorder: Nation | null } | null {
  const place = nationOfPostcode(postcode);
  if (!place || !mayBeOutsideEngland(place)) return null;
  return { postcode, ...place };
}
