// After a pathway moves to a provider who can see the patient sooner (the 18-week faster alternative, or a PIDMAS
// or mutual-aid move), that provider must have the chance to: the pathway is not offered another move at once, or
// the patient would be told on the new referral's first page to leave the provider they just chose. It may be
// offered one again once the day by which the new service was expected to see the patient has passed unseen: the
// day of the move plus the service's indicative wait or, where it publishes none, six weeks.
import { addDays } from './rtt-clock.ts';

/** How long a service that publishes no waiting time is given to see a patient who moved to it. */
export const SETTLING_WEEKS_WITHOUT_A_WAIT = 6;

/**
 * The first day a pathway that moved on `movedOn` to a service with this indicative wait may be offered another
 * move; null for a pathway that never moved.
 */
export function nextMoveFrom(movedOn: string | null, waitWeeksThere: number | null): string | null {
  if (movedOn === null) return null;
  return addDays(movedOn, Math.round((waitWeeksThere ?? SETTLING_WEEKS_WITHOUT_A_WAIT) * 7));
}

/** The day another move may be offered, while that is still to come; null when one may be offered now (or never moved). */
export function settlingUntil(nextMove: string | null, today: string): string | null {
  return nextMove !== null && today < nextMove ? nextMove : null;
}
