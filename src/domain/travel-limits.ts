// How far a patient says they would travel to move provider (PIDMAS), as a distance the matching can use.
import { milesToKm } from './distance.ts';

export const TRAVEL_LIMITS = ['50_MILES', '100_MILES', 'ANYWHERE'] as const;
export type TravelLimit = (typeof TRAVEL_LIMITS)[number];

/** The limit in km; null: anywhere in England. */
export const TRAVEL_KM: Record<TravelLimit, number | null> = { '50_MILES': milesToKm(50), '100_MILES': milesToKm(100), ANYWHERE: null };
