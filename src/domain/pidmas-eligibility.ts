// Who may ask to move provider under PIDMAS (first cohort, NHS England 2023): routine, consultant-led, waiting
// over 40 weeks (configurable), aged 18 or over, no appointment or admission date in the next 8 weeks, not a
// tertiary referral, registered with a GP in England. Each rule is answered in plain English, passed or not.
import { ageOn } from './dates.ts';
import { addDays, type RttClock, weeksWaited } from './rtt-clock.ts';

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
}

export interface EligibilityRule {
  rule: 'ROUTINE' | 'CONSULTANT_LED' | 'WAITED_LONG_ENOUGH' | 'ADULT' | 'NO_DATE_SOON' | 'NOT_TERTIARY' | 'GP_IN_ENGLAND';
  passed: boolean;
  explanation: string;
}

export interface Eligibility {
  eligible: boolean;
  rules: EligibilityRule[];
}

export function pidmasEligibility(facts: PidmasFacts, today: string, thresholdWeeks = PIDMAS_DEFAULT_THRESHOLD_WEEKS): Eligibility {
  const weeks = weeksWaited(facts.clock, today);
  const age = ageOn(facts.dateOfBirth, today);
  const windowEnd = addDays(today, PIDMAS_APPOINTMENT_WINDOW_WEEKS * 7);
  const dateSoon = facts.nextDate !== null && facts.nextDate >= today && facts.nextDate <= windowEnd;
  const rules: EligibilityRule[] = [
    {
      rule: 'ROUTINE',
      passed: facts.priority === 'ROUTINE',
      explanation: facts.priority === 'ROUTINE' ? 'Your referral is routine.' : 'Your referral is urgent, so your hospital is already seeing you as soon as it can.',
    },
    {
      rule: 'CONSULTANT_LED',
      passed: facts.consultantLed,
      explanation: facts.consultantLed ? 'You are waiting for care led by a consultant.' : 'Your care is not led by a consultant.',
    },
    {
      rule: 'WAITED_LONG_ENOUGH',
      passed: facts.clock.state !== 'STOPPED' && weeks > thresholdWeeks,
      explanation:
        facts.clock.state === 'STOPPED'
          ? 'Your treatment has started, so you are no longer waiting.'
          : weeks > thresholdWeeks
            ? `You have waited ${weeks} weeks, more than ${thresholdWeeks}.`
            : `You have waited ${weeks} weeks; you can ask once you have waited more than ${thresholdWeeks}.`,
    },
    {
      rule: 'ADULT',
      passed: age >= 18,
      explanation: age >= 18 ? 'You are 18 or over.' : 'You are under 18; children are not part of this scheme yet.',
    },
    {
      rule: 'NO_DATE_SOON',
      passed: !dateSoon,
      explanation: dateSoon
        ? `You already have a date (${facts.nextDate}) in the next ${PIDMAS_APPOINTMENT_WINDOW_WEEKS} weeks.`
        : `You do not have an appointment or admission date in the next ${PIDMAS_APPOINTMENT_WINDOW_WEEKS} weeks.`,
    },
    {
      rule: 'NOT_TERTIARY',
      passed: !facts.tertiary,
      explanation: facts.tertiary ? 'You were referred on to a specialist centre (a tertiary referral), which this scheme does not cover.' : 'You were not referred on to a specialist centre.',
    },
    {
      rule: 'GP_IN_ENGLAND',
      passed: facts.gpInEngland === true,
      explanation:
        facts.gpInEngland === true
          ? 'You are registered with a GP practice in England.'
          : facts.gpInEngland === false
            ? 'Your GP practice is not in England.'
            : 'We could not confirm that you are registered with a GP practice in England.',
    },
  ];
  return { eligible: rules.every((r) => r.passed), rules };
}
