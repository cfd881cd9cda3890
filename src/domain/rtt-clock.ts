// The referral-to-treatment clock: how long a patient has waited, when they are likely to be seen, and whether
// the 18-week standard is or will be broken, which gives the patient the right to ask for a faster alternative.
import { say, type Wording } from './wording.ts';

export const RTT_STANDARD_WEEKS = 18;

export type ClockState = 'RUNNING' | 'PAUSED' | 'STOPPED';

export interface RttClock {
  start: string; // 'YYYY-MM-DD'
  state: ClockState;
  /** days the clock stood still (a pause the patient asked for), not counted as waiting */
  pausedDays: number;
  stoppedOn: string | null;
}

const DAY_MS = 86_400_000;

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Days waited on `today`: from the clock start to today (or the day it stopped), less paused days, never negative. */
export function daysWaited(clock: RttClock, today: string): number {
  const end = clock.state === 'STOPPED' && clock.stoppedOn ? clock.stoppedOn : today;
  return Math.max(0, daysBetween(clock.start, end) - clock.pausedDays);
}

/** Weeks waited to one decimal place, as RTT statistics count them (days ÷ 7). */
export function weeksWaited(clock: RttClock, today: string): number {
  return Math.floor((daysWaited(clock, today) / 7) * 10) / 10;
}

/** The day the clock passes 18 weeks, paused days added. */
export function breachDate(clock: RttClock): string {
  return addDays(clock.start, RTT_STANDARD_WEEKS * 7 + clock.pausedDays);
}

export const FORECAST_BASES = ['BOOKED_SLOT', 'NEXT_APPOINTMENT', 'INDICATIVE_WAIT', 'PAST_INDICATIVE_WAIT', 'UNKNOWN'] as const;
export type ForecastBasis = (typeof FORECAST_BASES)[number];

export interface Forecast {
  date: string | null;
  basis: ForecastBasis;
}

/**
 * When the patient is likely to be seen first: a booked slot if there is one, else an appointment date the
 * provider already set, else the clock start plus the service's indicative wait. A patient who has already waited
 * longer than that indicative wait (a median) is past what the figure can tell: the date is then unknown
 * (PAST_INDICATIVE_WAIT), not today, since nothing says they will be seen today.
 */
export function forecastFirstAppointment(input: {
  clock: RttClock;
  today: string;
  bookedOn: string | null;
  nextAppointmentDate: string | null;
  indicativeWaitWeeks: number | null;
}): Forecast {
  if (input.bookedOn) return { date: input.bookedOn, basis: 'BOOKED_SLOT' };
  if (input.nextAppointmentDate) return { date: input.nextAppointmentDate, basis: 'NEXT_APPOINTMENT' };
  if (input.indicativeWaitWeeks !== null) {
    const expected = addDays(input.clock.start, Math.round(input.indicativeWaitWeeks * 7) + input.clock.pausedDays);
    return expected < input.today ? { date: null, basis: 'PAST_INDICATIVE_WAIT' } : { date: expected, basis: 'INDICATIVE_WAIT' };
  }
  return { date: null, basis: 'UNKNOWN' };
}

export interface EighteenWeekStatus {
  weeksWaited: number;
  breachDate: string;
  /** treatment has started: the clock no longer runs */
  stopped: boolean;
  /** the clock has passed 18 weeks */
  breached: boolean;
  /** the forecast first appointment falls after the breach date */
  forecastBreach: boolean;
  /**
   * the pathway moved to a provider who can see the patient sooner, and is given until this day to (see
   * ./moves.ts): no alternative is offered before it; null when none is pending
   */
  settlingUntil: string | null;
  /** the patient may ask for a faster alternative */
  mayAskForAlternative: boolean;
  /** when the patient is likely to be seen, as the status was judged on */
  forecast: Forecast;
}

/** `settlingUntil`: after a move, the day before which no other move is offered (./moves.ts), or null. */
export function eighteenWeekStatus(clock: RttClock, forecast: Forecast, today: string, settlingUntil: string | null = null): EighteenWeekStatus {
  const breach = breachDate(clock);
  const stopped = clock.state === 'STOPPED';
  const breached = !stopped && today > breach;
  const forecastBreach = !stopped && forecast.date !== null && forecast.date > breach;
  const settling = stopped ? null : settlingUntil;
  return {
    weeksWaited: weeksWaited(clock, today), breachDate: breach, stopped, breached, forecastBreach, settlingUntil: settling,
    mayAskForAlternative: (breached || forecastBreach) && settling === null, forecast,
  };
}

/** What the 18-week standard means for the patient now, in one or two sentences. */
export function explainEighteenWeeks(s: EighteenWeekStatus, wording: Wording): string {
  const weeks = s.weeksWaited;
  const breach = wording.date(s.breachDate);
  const forecast = s.forecast.date === null ? null : wording.date(s.forecast.date);
  if (s.stopped) return 'Treatment has started, so the waiting-time clock has stopped.';
  if (s.settlingUntil !== null) {
    const until = wording.date(s.settlingUntil);
    return say(wording,
      `You have waited ${weeks} weeks. Your referral moved to a provider expected to see you sooner; if they have not seen you by ${until}, you can ask for a faster alternative again.`,
      `The patient has waited ${weeks} weeks. The referral moved to a provider expected to see them sooner; if they have not seen the patient by ${until}, the patient can ask for a faster alternative again.`);
  }
  if (s.breached) {
    return say(wording,
      `You have waited ${weeks} weeks, more than the 18 weeks the NHS Constitution sets, so you can ask for a faster alternative.`,
      `The patient has waited ${weeks} weeks, more than the 18 weeks the NHS Constitution sets, so they can ask for a faster alternative.`);
  }
  if (s.forecastBreach) {
    return say(wording,
      `You are likely to be seen on or after ${forecast}, which is more than 18 weeks after your referral (${breach}), so you can ask for a faster alternative.`,
      `The patient is likely to be seen on or after ${forecast}, which is more than 18 weeks after their referral (${breach}), so they can ask for a faster alternative.`);
  }
  if (forecast === null && s.forecast.basis === 'PAST_INDICATIVE_WAIT') {
    return say(wording,
      `You have waited ${weeks} weeks, longer than most patients wait there, so we cannot tell when you will be seen. You can ask for a faster alternative once you pass 18 weeks (${breach}).`,
      `The patient has waited ${weeks} weeks, longer than most patients wait there, so we cannot tell when they will be seen. They can ask for a faster alternative once they pass 18 weeks (${breach}).`);
  }
  if (forecast === null) {
    return say(wording,
      `You have waited ${weeks} weeks. We cannot yet tell when you will be seen; you can ask for a faster alternative once you pass 18 weeks (${breach}).`,
      `The patient has waited ${weeks} weeks. We cannot yet tell when they will be seen; they can ask for a faster alternative once they pass 18 weeks (${breach}).`);
  }
  return say(wording,
    `You are likely to be seen by ${forecast}, within 18 weeks of your referral.`,
    `The patient is likely to be seen by ${forecast}, within 18 weeks of their referral.`);
}

/** Why a faster alternative is faster: when the patient could expect to be seen there, and how much sooner. */
export function explainSooner(alternative: { expectedBy: string; soonerByWeeks: number | null }, wording: Wording): string {
  const by = wording.date(alternative.expectedBy);
  if (alternative.soonerByWeeks === null) return say(wording, `Expected to see you by ${by}`, `Expected to see the patient by ${by}`);
  return say(wording,
    `Expected to see you by ${by}, about ${alternative.soonerByWeeks} weeks sooner than where you wait now`,
    `Expected to see the patient by ${by}, about ${alternative.soonerByWeeks} weeks sooner than where they wait now`);
}
