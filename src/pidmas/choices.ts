// How the PIDMAS pages name the options of a request to move and its states: to the patient on their questions,
// and more briefly to the provider's staff who check the request.
import type { RuleName } from '../domain/pidmas-eligibility.ts';
import type { PidmasStatus } from '../domain/pidmas-status.ts';
import type { TravelLimit } from '../domain/travel-limits.ts';
import type { CONTACT_PREFERENCES, SUPPORT_KINDS } from './service.ts';

export type Support = (typeof SUPPORT_KINDS)[number];
export type Contact = (typeof CONTACT_PREFERENCES)[number];

export const TRAVEL_CHOICES: Record<TravelLimit, string> = { '50_MILES': 'Up to 50 miles', '100_MILES': 'Up to 100 miles', ANYWHERE: 'Anywhere in England' };
export const SUPPORT_CHOICES: Record<Support, string> = { TRANSPORT: 'Help with transport', INTERPRETER: 'An interpreter', ADVOCACY: 'An advocate, or someone to help me speak up' };
export const CONTACT_CHOICES: Record<Contact, string> = { EMAIL: 'Email', TEXT: 'Text message', PHONE: 'Phone call', LETTER: 'Letter' };
/** The support a patient asked for, as their provider's staff read it. */
export const SUPPORT_FOR_STAFF: Record<Support, string> = { TRANSPORT: 'Transport', INTERPRETER: 'An interpreter', ADVOCACY: 'An advocate' };

export const RULE_TITLES: Record<RuleName, string> = {
  ROUTINE: 'Routine referral',
  CONSULTANT_LED: 'Consultant-led care',
  WAITED_LONG_ENOUGH: 'How long you have waited',
  ADULT: 'Aged 18 or over',
  NO_DATE_SOON: 'No date in the next 8 weeks',
  NOT_TERTIARY: 'Not a specialist (tertiary) referral',
  GP_IN_ENGLAND: 'GP practice in England',
  NOT_JUST_MOVED: 'Not just moved to another provider',
};

/** A request's state, as the patient is told it. */
export const STATUS_FOR_PATIENT: Record<PidmasStatus, string> = {
  INVITED: 'Invited to ask',
  OPTED_IN: 'Sent: your hospital team is checking it',
  VALIDATED: 'Looking for a provider who can see you sooner',
  PROPOSED: 'Looking for a provider who can see you sooner',
  OFFERED: 'A provider can see you sooner',
  NO_MATCH: 'No provider found yet',
  NOT_SUITABLE: 'Not suitable to move',
  ACCEPTED: 'Moved',
  DECLINED: 'You declined the offer',
  WITHDRAWN: 'Withdrawn',
};

/** The support asked for, as the patient said it; an interpreter with their language. */
export function supportAsked(kinds: readonly string[], language: string | null): string[] {
  if (kinds.length === 0) return ['None'];
  return kinds.map((k) => (k === 'INTERPRETER' && language ? `An interpreter (${language})` : SUPPORT_CHOICES[k as Support] ?? k));
}
