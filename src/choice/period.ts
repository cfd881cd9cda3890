// The period a choice measure covers: two calendar dates, inclusive, on the day a referral was made. Pure: the
// routes turn its problems into a 400 naming the field.
import { isCalendarDate } from '../domain/dates.ts';

/** The longest period one call may cover, in years (the measures' facts are kept that long and a scan stays small). */
export const MAX_PERIOD_YEARS = 5;

export interface Period {
  from: string;
  to: string;
}

export interface PeriodProblem {
  field: 'from' | 'to';
  message: string;
}

const utc = (date: string) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
};
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const DAY = 86_400_000;

/** `date` moved by `days` (negative: earlier). */
export const shiftDays = (date: string, days: number): string => iso(utc(date) + days * DAY);

/** The same day `years` later; 29 February falls on 1 March in a year without one. */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return iso(Date.UTC(y + years, m - 1, d));
}

/** The Monday of the ISO week `date` falls in. */
export function weekStart(date: string): string {
  const day = new Date(utc(date)).getUTCDay(); // 0 Sunday … 6 Saturday
  return shiftDays(date, -((day + 6) % 7));
}

/**
 * Checks a period as asked for: both dates real ('YYYY-MM-DD', no 30 February), `to` not before `from`, and no longer
 * than five years (`to` before the same day five years after `from`). Answers the period, or every problem found.
 */
export function parsePeriod(from: string | undefined, to: string | undefined): { ok: true; period: Period } | { ok: false; problems: PeriodProblem[] } {
  const problems: PeriodProblem[] = [];
  const check = (field: 'from' | 'to', value: string | undefined) => {
    if (value === undefined || value === '') problems.push({ field, message: 'is required: a date written YYYY-MM-DD' });
    else if (!isCalendarDate(value)) problems.push({ field, message: `"${value.slice(0, 20)}" is not a real date written YYYY-MM-DD` });
  };
  check('from', from);
  check('to', to);
  if (problems.length > 0) return { ok: false, problems };
  const period = { from: from!, to: to! };
  if (period.to < period.from) return { ok: false, problems: [{ field: 'to', message: `must not be before from (${period.from})` }] };
  if (period.to >= addYears(period.from, MAX_PERIOD_YEARS)) {
    return { ok: false, problems: [{ field: 'to', message: `must be less than ${MAX_PERIOD_YEARS} years after from: ask for ${MAX_PERIOD_YEARS} years or less at a time` }] };
  }
  return { ok: true, period };
}

/** The period widened to whole ISO weeks, Monday to Sunday, as weekly open data counts them. */
export function wholeWeeks(p: Period): Period {
  return { from: weekStart(p.from), to: shiftDays(weekStart(p.to), 6) };
}
