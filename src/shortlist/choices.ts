// What a patient can say matters to them, as the compare page and the referral's questions offer it.
import { milesToKm } from '../domain/distance.ts';
import type { SortBy } from './types.ts';

export const SORT_CHOICES: readonly { value: SortBy; text: string; hint: string; hintForStaff: string }[] = [
  { value: 'WAIT', text: 'Shortest wait', hint: 'Hospitals that can see you soonest come first', hintForStaff: 'Hospitals that can see the patient soonest come first' },
  { value: 'DISTANCE', text: 'Nearest', hint: 'Hospitals closest to the postcode come first', hintForStaff: 'Hospitals closest to the postcode come first' },
  { value: 'BALANCED', text: 'A balance of both', hint: 'Weighs a shorter wait against a shorter journey', hintForStaff: 'Weighs a shorter wait against a shorter journey' },
];

// To the metre: the limit is echoed back in answers, and 16.093 reads better than 16.09344.
const km = (miles: number) => Math.round(milesToKm(miles) * 1000) / 1000;

/** The distance limits offered; `km` null is no limit. */
export const DISTANCE_CHOICES: readonly { value: string; text: string; km: number | null }[] = [
  { value: '10', text: 'Up to 10 miles', km: km(10) },
  { value: '25', text: 'Up to 25 miles', km: km(25) },
  { value: '50', text: 'Up to 50 miles', km: km(50) },
  { value: '100', text: 'Up to 100 miles', km: km(100) },
  { value: 'any', text: 'Any distance', km: null },
];
