// How numbers and dates read on the pages (British English, as the NHS service manual's content style).

const LONG_DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit', hour12: true,
  timeZone: 'Europe/London',
});
const GBP = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });

/** '2026-04-30' → '30 April 2026'; anything unreadable is returned as it came. */
export function formatDate(isoDate: string): string {
  const d = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? isoDate : LONG_DATE.format(d);
}

/** '2026-12-01T09:00:00Z' → 'Tuesday 1 December 2026 at 9:00am' (UK time). */
export function formatDateTime(instant: string): string {
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) return instant;
  const parts = Object.fromEntries(DATE_TIME.formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year} at ${parts.hour}:${parts.minute}${(parts.dayPeriod ?? '').toLowerCase().replace(/\s/g, '')}`;
}

/** 12.6 → '12.6 weeks', 1 → '1 week', 9 → '9 weeks'. */
export function formatWeeks(weeks: number): string {
  const rounded = Math.round(weeks * 10) / 10;
  return `${rounded} ${rounded === 1 ? 'week' : 'weeks'}`;
}

/** 2.04 → '2.0 miles'; 1 → '1.0 mile'. */
export function formatMiles(miles: number): string {
  const text = miles.toFixed(1);
  return `${text} ${text === '1.0' ? 'mile' : 'miles'}`;
}

export function formatKm(km: number): string {
  return `${km.toFixed(1)} km`;
}

/** 4.8 → '£4.80'. */
export function formatGbp(amount: number): string {
  return GBP.format(amount);
}

/** 1 → '1 service', 37 → '37 services'. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
