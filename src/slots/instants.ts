// Instants and windows of time as the API reads and writes them.
import { badRequest } from '../http/problem.ts';
import { addDays, londonInstant } from './london-time.ts';

/** An instant as the API writes it: UTC, without milliseconds when they are zero ('2026-12-01T09:00:00Z'). */
export function isoInstant(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}

const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

/** How far ahead slots are listed when nobody says: the API's default window and the pages' (patients', providers'). */
export const SLOTS_AHEAD_WEEKS = 12;

/** The next `weeks` weeks from `from`, as a window. */
export function weeksAhead(weeks = SLOTS_AHEAD_WEEKS, from = new Date()): { from: Date; to: Date } {
  return { from, to: new Date(from.getTime() + weeks * WEEK_MS) };
}

/**
 * A window [from, to) from query parameters, each an ISO date or an instant with a zone. A date is a London
 * day: `from` starts at its midnight, and `to` takes in the whole day (the window ends at the next midnight),
 * so from=2026-12-01&to=2026-12-07 is that week. Absent, `from` is `defaultFrom` and `to` is `defaultWeeks`
 * after `from`. Throws 400 when `to` is not after `from` or the window is longer than `maxWeeks`.
 */
export function windowOf(
  query: { from?: string | undefined; to?: string | undefined },
  options: { defaultFrom: Date; defaultWeeks: number; maxWeeks: number },
): { from: Date; to: Date } {
  const from = query.from === undefined ? options.defaultFrom : startOf(usable(query.from, 'from'));
  const to = query.to === undefined ? weeksAhead(options.defaultWeeks, from).to : endOf(usable(query.to, 'to'));
  if (to <= from) throw badRequest('"to" must be after "from".', [{ field: 'to', message: 'must be after from' }]);
  if (to.getTime() - from.getTime() > options.maxWeeks * WEEK_MS) {
    throw badRequest(`The window may be at most ${options.maxWeeks} weeks long.`, [{ field: 'to', message: `must be at most ${options.maxWeeks} weeks after from` }]);
  }
  return { from, to };
}

const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);
/** The years a window may name: a real date such as 9999-12-31 has no next midnight to end at, in JavaScript's dates. */
const FIRST_YEAR = 1900;
const LAST_YEAR = 2999;
function usable(s: string, field: 'from' | 'to'): string {
  const time = Date.parse(isDate(s) ? `${s}T00:00:00Z` : s);
  const year = new Date(time).getUTCFullYear();
  if (Number.isNaN(time) || year < FIRST_YEAR || year > LAST_YEAR) {
    throw badRequest(`"${field}" must be a date between ${FIRST_YEAR} and ${LAST_YEAR}.`, [{ field, message: `must be between ${FIRST_YEAR} and ${LAST_YEAR}` }]);
  }
  return s;
}
const startOf = (s: string) => (isDate(s) ? londonInstant(s, '00:00') : new Date(s));
const endOf = (s: string) => (isDate(s) ? londonInstant(addDays(s, 1), '00:00') : new Date(s));
