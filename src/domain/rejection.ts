// Why a provider rejects a referral, and what the rejection does to the patient's referral-to-treatment clock.
//
// The rule (NHS RTT rules suite, as OpenChoice applies it): a referral that was clinically appropriate but sent
// where it could not be treated is *wrongly directed*: the patient's need stands, so the clock keeps running from
// the original referral, and a re-referral with a new shortlist carries on the same clock. A referral returned as
// clinically inappropriate (or one that duplicates another the patient already waits on) ends this wait: the clock
// stops on the day of the rejection, and a re-referral starts a new clock on the day it is made.
import { type RttClock } from './rtt-clock.ts';
import { say, type Wording } from './wording.ts';

export type ClockRule = 'KEEPS_RUNNING' | 'STOPS';

interface ReasonRule {
  /** the reason in words, as the provider chooses it and the referrer reads it */
  words: string;
  clock: ClockRule;
  /** what the referrer can do next, in one sentence */
  nextStep: string;
}

export const REJECTION_RULES = {
  CLINICALLY_INAPPROPRIATE: {
    words: 'The referral is not clinically appropriate for this service',
    clock: 'STOPS',
    nextStep: 'Review the patient\'s care. If they still need to be seen, re-refer with a new shortlist (a new waiting-time clock starts), or close the referral.',
  },
  SERVICE_CANNOT_MEET_NEEDS: {
    words: 'The service cannot meet the patient\'s needs',
    clock: 'KEEPS_RUNNING',
    nextStep: 'Re-refer with a new shortlist of services that can meet the patient\'s needs, and let the patient choose again.',
  },
  INSUFFICIENT_INFORMATION: {
    words: 'The referral does not have enough clinical information',
    clock: 'KEEPS_RUNNING',
    nextStep: 'Add what the provider asked for and re-refer with a new shortlist, or close the referral.',
  },
  WRONG_SPECIALTY: {
    words: 'The patient needs another specialty',
    clock: 'KEEPS_RUNNING',
    nextStep: 'Re-refer to another service of this specialty that can help, or close this referral and refer the patient for the specialty they need.',
  },
  DUPLICATE_REFERRAL: {
    words: 'The patient has already been referred for this',
    clock: 'STOPS',
    nextStep: 'Check the patient\'s other referral, then close this one.',
  },
} as const satisfies Record<string, ReasonRule>;

export type RejectionReason = keyof typeof REJECTION_RULES;
export const REJECTION_REASON_CODES = Object.keys(REJECTION_RULES) as [RejectionReason, ...RejectionReason[]];

/** Each reason in words, for the provider's form and the API. */
export const REJECTION_REASONS = Object.fromEntries(REJECTION_REASON_CODES.map((code) => [code, REJECTION_RULES[code].words])) as Record<RejectionReason, string>;

export const isRejectionReason = (code: string): code is RejectionReason => Object.hasOwn(REJECTION_RULES, code);

/** The clock once the provider rejects the referral for this reason on `today`. */
export function clockAfterRejection(reason: RejectionReason, clock: RttClock, today: string): RttClock {
  if (REJECTION_RULES[reason].clock === 'KEEPS_RUNNING' || clock.state === 'STOPPED') return clock;
  return { ...clock, state: 'STOPPED', stoppedOn: today };
}

/** The clock when the referrer re-refers, on `today`, a referral rejected for this reason. */
export function clockOnReReferral(reason: RejectionReason | null, clock: RttClock, today: string): RttClock {
  // No reason recorded (a rejection before reasons were kept): the clock is left as it stands.
  if (reason === null || REJECTION_RULES[reason].clock === 'KEEPS_RUNNING') return clock;
  return { start: today, state: 'RUNNING', pausedDays: 0, stoppedOn: null };
}

/** Which rule applies to this rejection, in a sentence for whoever reads it. */
export function explainRejectionClock(reason: RejectionReason, clock: RttClock, wording: Wording): string {
  const start = wording.date(clock.start);
  if (REJECTION_RULES[reason].clock === 'KEEPS_RUNNING') {
    return say(wording,
      `Your referral was appropriate but went to a service that could not treat you, so your waiting time still counts from ${start}.`,
      `The referral was clinically appropriate but wrongly directed, so the waiting-time clock keeps running from ${start}. Re-referring keeps that start.`);
  }
  const stopped = clock.stoppedOn ? wording.date(clock.stoppedOn) : null;
  return say(wording,
    `The provider returned your referral${stopped ? ` on ${stopped}` : ''}, so this wait has ended. If you are referred again, a new wait starts then.`,
    `The provider returned the referral as clinically inappropriate or a duplicate, so the waiting-time clock stopped${stopped ? ` on ${stopped}` : ''}. Re-referring starts a new clock on the day you do.`);
}
