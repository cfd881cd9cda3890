// A provider's attempt to reach a patient about a deferred referral (an appointment slot issue): how it tried, what
// came of it, and when. Which outcomes fit which way of trying is a rule here, so the API and the pages refuse the
// same things (a voicemail is left only by phone; a letter is never "no answer").
import { londonDate } from './dates.ts';

export const CONTACT_METHODS = ['PHONE', 'EMAIL', 'TEXT', 'LETTER'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

export const CONTACT_OUTCOMES = [
  'REACHED_BOOKED',
  'REACHED_CALL_BACK',
  'REACHED_DECLINED',
  'NO_ANSWER',
  'VOICEMAIL',
  'WRONG_NUMBER',
  'MESSAGE_SENT',
  'UNDELIVERED',
] as const;
export type ContactOutcome = (typeof CONTACT_OUTCOMES)[number];

/** How each way of trying reads to staff. */
export const METHOD_WORDS: Record<ContactMethod, string> = { PHONE: 'Phone call', EMAIL: 'Email', TEXT: 'Text message', LETTER: 'Letter' };

/** How each outcome reads to staff, and the ways of trying it can follow. */
export const OUTCOMES: Record<ContactOutcome, { words: string; methods: readonly ContactMethod[] }> = {
  REACHED_BOOKED: { words: 'Reached: appointment booked', methods: CONTACT_METHODS },
  REACHED_CALL_BACK: { words: 'Reached: will call back', methods: CONTACT_METHODS },
  REACHED_DECLINED: { words: 'Reached: does not want an appointment now', methods: CONTACT_METHODS },
  NO_ANSWER: { words: 'No answer', methods: ['PHONE'] },
  VOICEMAIL: { words: 'Left a voicemail', methods: ['PHONE'] },
  WRONG_NUMBER: { words: 'Wrong number', methods: ['PHONE', 'TEXT'] },
  MESSAGE_SENT: { words: 'Sent, no reply yet', methods: ['EMAIL', 'TEXT', 'LETTER'] },
  UNDELIVERED: { words: 'Could not be delivered', methods: ['EMAIL', 'TEXT', 'LETTER'] },
};

export function outcomeFits(method: ContactMethod, outcome: ContactOutcome): boolean {
  return OUTCOMES[outcome].methods.includes(method);
}

/** A clock a minute fast on the caller's side is not "in the future". */
const CLOCK_SKEW_MS = 60_000;

/**
 * Why an attempt's time cannot be recorded, or null when it can: an attempt is logged on the day it is made (so
 * the worklist never shows a backdated history), at a time already past.
 */
export function attemptTimeProblem(attemptedAt: Date, now: Date): 'future' | 'not-today' | null {
  if (attemptedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) return 'future';
  if (londonDate(attemptedAt) !== londonDate(now)) return 'not-today';
  return null;
}
