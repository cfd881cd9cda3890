// Calendar dates as the NHS keeps them: in England, so the day changes at midnight in London, not UTC.

const LONDON = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's date in London, 'YYYY-MM-DD'. */
export function londonDate(at: Date = new Date()): string {
  return LONDON.format(at);
}

/** Whole years from a date of birth to a date (both 'YYYY-MM-DD'); a 29 February birthday counts on 1 March. */
export function ageOn(dateOfBirth: string, on: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** A real calendar date written 'YYYY-MM-DD'. */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === s;
}

// Dates as people read them (British English, UK time), for the pages' filters (src/web/filters.ts) and for the
// sentences kept in a referral's history, which staff and patients read as they were written.
const LONG_DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit', hour12: true,
  timeZone: 'Europe/London',
});

/** '2026-04-30' (or an instant) → '30 April 2026'; anything unreadable is returned as it came. */
export function formatDate(isoDate: string | Date): string {
  const text = isoDate instanceof Date ? isoDate.toISOString() : isoDate;
  const d = new Date(`${text.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? text : LONG_DATE.format(d);
}

/** '2026-12-01T09:00:00Z' → 'Tuesday 1 December 2026 at 9:00am' (UK time); anything unreadable as it came. */
export function formatDateTime(instant: string | Date): string {
  const d = instant instanceof Date ? instant : new Date(instant);
  if (Number.isNaN(d.getTime())) return String(instant);
  const parts = Object.fromEntries(DATE_TIME.formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year} at ${parts.hour}:${parts.minute}${(parts.dayPeriod ?? '').toLowerCase().replace(/\s/g, '')}`;
}
