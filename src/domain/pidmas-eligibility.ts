// Who may ask to move provider under PIDMAS (first cohort, NHS England 2023): routine, consultant-led, waiting
// over 40 weeks (configurable), aged 18 or over, no appointment or admission date in the next 8 weeks, not a
// tertiary referral, registered with a GP in England; and not just moved to a provider who has yet to have its
// chance to see the patient (./moves.ts). Each rule is answered in plain English, passed or not.
import { ageOn } from './dates.ts';
import { addDays, type RttClock, weeksWaited } from './rtt-clock.ts';
import { say, type Wording } from './wording.ts';

export const PIDMAS_DEFAULT_THRESHOLD_WEEKS = 40;
export const PIDMAS_APPOINTMENT_WINDOW_WEEKS = 8;

export interface PidmasFacts {
  clock: RttClock;
  priority: 'ROUTINE' | 'URGENT' | 'TWO_WEEK_WAIT';
  consultantLed: boolean;
  tertiary: boolean;
  dateOfBirth: string;
  /** the next appointment or admission date already set, if any */
  nextDate: string | null;
  /** the GP practice's country, as ODS codes tell it; null when not known */
  gpInEngland: boolean | null;
  /** after a move, the day before which no other move is offered (./moves.ts); null when none is pending */
  settlingUntil: string | null;
}

/** Whether a GP practice is in England, as its ODS record tells; null when it cannot tell (not a practice, no region). */
export function gpInEngland(organisation: { kind: string; regionCode: string | null } | undefined): boolean | null {
  if (organisation?.kind !== 'GP_PRACTICE' || !organisation.regionCode) return null;
  // NHS England regions have ODS codes Y56–Y63; Welsh practices sit under W00.
  return /^Y\d\d$/.test(organisation.regionCode);
}

export type RuleName = 'ROUTINE' | 'CONSULTANT_LED' | 'WAITED_LONG_ENOUGH' | 'ADULT' | 'NO_DATE_SOON' | 'NOT_TERTIARY' | 'GP_IN_ENGLAND' | 'NOT_JUST_MOVED';
export const ELIGIBILITY_RULES: readonly RuleName[] = ['ROUTINE', 'CONSULTANT_LED', 'WAITED_LONG_ENOUGH', 'ADULT', 'NO_DATE_SOON', 'NOT_TERTIARY', 'GP_IN_ENGLAND', 'NOT_JUST_MOVED'];

/** One rule judged, with what its explanation quotes. */
export type EligibilityRule =
  | { rule: 'ROUTINE' | 'CONSULTANT_LED' | 'ADULT' | 'NOT_TERTIARY'; passed: boolean }
  | { rule: 'WAITED_LONG_ENOUGH'; passed: boolean; weeksWaited: number; thresholdWeeks: number; clockStopped: boolean }
  | { rule: 'NO_DATE_SOON'; passed: boolean; nextDate: string | null }
  | { rule: 'GP_IN_ENGLAND'; passed: boolean; gpInEngland: boolean | null }
  | { rule: 'NOT_JUST_MOVED'; passed: boolean; settlingUntil: string | null };

export interface Eligibility {
  eligible: boolean;
  rules: EligibilityRule[];
}

export function pidmasEligibility(facts: PidmasFacts, today: string, thresholdWeeks = PIDMAS_DEFAULT_THRESHOLD_WEEKS): Eligibility {
  const weeks = weeksWaited(facts.clock, today);
  const clockStopped = facts.clock.state === 'STOPPED';
  const windowEnd = addDays(today, PIDMAS_APPOINTMENT_WINDOW_WEEKS * 7);
  const dateSoon = facts.nextDate !== null && facts.nextDate >= today && facts.nextDate <= windowEnd;
  const rules: EligibilityRule[] = [
    { rule: 'ROUTINE', passed: facts.priority === 'ROUTINE' },
    { rule: 'CONSULTANT_LED', passed: facts.consultantLed },
    { rule: 'WAITED_LONG_ENOUGH', passed: !clockStopped && weeks > thresholdWeeks, weeksWaited: weeks, thresholdWeeks, clockStopped },
    { rule: 'ADULT', passed: ageOn(facts.dateOfBirth, today) >= 18 },
    { rule: 'NO_DATE_SOON', passed: !dateSoon, nextDate: facts.nextDate },
    { rule: 'NOT_TERTIARY', passed: !facts.tertiary },
    { rule: 'GP_IN_ENGLAND', passed: facts.gpInEngland === true, gpInEngland: facts.gpInEngland },
    { rule: 'NOT_JUST_MOVED', passed: facts.settlingUntil === null, settlingUntil: facts.settlingUntil },
  ];
  return { eligible: rules.every((r) => r.passed), rules };
}

/** A rule's outcome in plain English, passed or not. */
export function explainRule(r: EligibilityRule, wording: Wording): string {
  const window = PIDMAS_APPOINTMENT_WINDOW_WEEKS;
  switch (r.rule) {
    case 'ROUTINE':
      return r.passed
        ? say(wording, 'Your referral is routine.', 'The referral is routine.')
        : say(wording, 'Your referral is urgent, so your hospital is already seeing you as soon as it can.', 'The referral is urgent, so the hospital is already seeing the patient as soon as it can.');
    case 'CONSULTANT_LED':
      return r.passed
        ? say(wording, 'You are waiting for care led by a consultant.', 'The patient is waiting for care led by a consultant.')
        : say(wording, 'Your care is not led by a consultant.', 'The patient\'s care is not led by a consultant.');
    case 'WAITED_LONG_ENOUGH':
      if (r.clockStopped) return say(wording, 'Your treatment has started, so you are no longer waiting.', 'The patient\'s treatment has started, so they are no longer waiting.');
      return r.passed
        ? say(wording, `You have waited ${r.weeksWaited} weeks, more than ${r.thresholdWeeks}.`, `The patient has waited ${r.weeksWaited} weeks, more than ${r.thresholdWeeks}.`)
        : say(wording,
          `You have waited ${r.weeksWaited} weeks; you can ask once you have waited more than ${r.thresholdWeeks}.`,
          `The patient has waited ${r.weeksWaited} weeks; they can ask once they have waited more than ${r.thresholdWeeks}.`);
    case 'ADULT':
      return r.passed
        ? say(wording, 'You are 18 or over.', 'The patient is 18 or over.')
        : say(wording, 'You are under 18; children are not part of this scheme yet.', 'The patient is under 18; children are not part of this scheme yet.');
    case 'NO_DATE_SOON':
      return r.passed || r.nextDate === null
        ? say(wording, `You do not have an appointment or admission date in the next ${window} weeks.`, `The patient does not have an appointment or admission date in the next ${window} weeks.`)
        : say(wording, `You already have a date (${wording.date(r.nextDate)}) in the next ${window} weeks.`, `The patient already has a date (${wording.date(r.nextDate)}) in the next ${window} weeks.`);
    case 'NOT_TERTIARY':
      return r.passed
        ? say(wording, 'You were not referred on to a specialist centre.', 'The patient was not referred on to a specialist centre.')
        : say(wording,
          'You were referred on to a specialist centre (a tertiary referral), which this scheme does not cover.',
          'The patient was referred on to a specialist centre (a tertiary referral), which this scheme does not cover.');
    case 'GP_IN_ENGLAND':
      if (r.gpInEngland === true) return say(wording, 'You are registered with a GP practice in England.', 'The patient is registered with a GP practice in England.');
      if (r.gpInEngland === false) return say(wording, 'Your GP practice is not in England.', 'The patient\'s GP practice is not in England.');
      return say(wording, 'We could not confirm that you are registered with a GP practice in England.', 'We could not confirm that the patient is registered with a GP practice in England.');
    case 'NOT_JUST_MOVED':
      if (r.passed || r.settlingUntil === null) return say(wording, 'Your referral has not just moved to another provider.', 'The referral has not just moved to another provider.');
      return say(wording,
        `Your referral has just moved to a provider expected to see you sooner. If they have not seen you by ${wording.date(r.settlingUntil)}, you can ask to move again.`,
        `The referral has just moved to a provider expected to see the patient sooner. If they have not seen the patient by ${wording.date(r.settlingUntil)}, the patient can ask to move again.`);
  }
}

/** Every rule with its explanation, as the API answers it and the pages show it. */
export function explainEligibility(e: Eligibility, wording: Wording) {
  return { eligible: e.eligible, rules: e.rules.map((r) => ({ rule: r.rule, passed: r.passed, explanation: explainRule(r, wording) })) };
}

/** The explanations of the rules that failed. */
export const failedRules = (e: Eligibility, wording: Wording): string[] => e.rules.filter((r) => !r.passed).map((r) => explainRule(r, wording));
