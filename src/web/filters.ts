// How numbers, dates and references read on the pages (British English, as the NHS service manual's content style
// asks), as Nunjucks filters: a view writes `{{ referral.contactBy | date }}` and a handler passes the value as it is.
import type nunjucks from 'nunjucks';
import { type ContactMethod, type ContactOutcome, METHOD_WORDS, OUTCOMES } from '../domain/contact-attempts.ts';
import { formatDate, formatDateTime } from '../domain/dates.ts';
import { formatValue } from './charts.ts';
import { formatPValue } from './figure-filters.ts';

// The two the history's stored reasons are written with too (src/domain/dates.ts), so a page and a reason agree.
export { formatDate, formatDateTime };

const DAY = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
const TIME = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: '2-digit', hour12: true, timeZone: 'Europe/London' });
const GBP = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });

const instantOf = (at: Date | string): Date => (at instanceof Date ? at : new Date(at));
const partsOf = (format: Intl.DateTimeFormat, d: Date) => Object.fromEntries(format.formatToParts(d).map((p) => [p.type, p.value]));

/**
 * A sentence kept as the API words it (dates as 'YYYY-MM-DD', like an option's stored reasons) with each calendar
 * date written as people read it: 'Expected to see you by 2026-12-04' → 'Expected to see you by 4 December 2026'.
 */
export function formatDatesIn(text: string): string {
  return String(text).replace(/\b(\d{4}-\d{2}-\d{2})(T[\d:.]+Z)?\b/g, (whole, date: string, time: string | undefined) => (time ? formatDateTime(whole) : formatDate(date)));
}

/** 'Tuesday 1 December 2026': the UK day of an instant. */
export function formatDay(instant: string | Date): string {
  const parts = partsOf(DAY, instantOf(instant));
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}`;
}

/** '9:00am' in UK time. */
export function formatTime(instant: string | Date): string {
  return TIME.format(instantOf(instant)).replace(/\s/g, '').toLowerCase();
}

const LONDON_DAY = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'Europe/London' });

/** An instant's UK day relative to now: 'today', 'yesterday', or '30 November 2026'. */
export function formatRelativeDay(instant: string | Date, now: Date = new Date()): string {
  const d = instantOf(instant);
  if (Number.isNaN(d.getTime())) return String(instant);
  const day = LONDON_DAY.format(d);
  const today = LONDON_DAY.format(now);
  if (day === today) return 'today';
  const yesterday = new Date(`${today}T12:00:00Z`);
  yesterday.setUTCDate(yesterday.getUTCDate() - 1);
  return day === yesterday.toISOString().slice(0, 10) ? 'yesterday' : formatDate(day);
}

// Welsh, for letters written in Welsh: 'Dydd Mawrth 1 Rhagfyr 2026 am 9:30yb' (yb, y bore; yp, y prynhawn).
const WELSH_DAY = new Intl.DateTimeFormat('cy', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
const WELSH_DATE = new Intl.DateTimeFormat('cy', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const UK_CLOCK = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: '2-digit', hourCycle: 'h23', timeZone: 'Europe/London' });

/** '2026-04-30' → '30 Ebrill 2026'. */
export function formatDateWelsh(isoDate: string): string {
  const d = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? isoDate : WELSH_DATE.format(d);
}

/** An instant as 'Dydd Mawrth 1 Rhagfyr 2026 am 9:30yb' (UK time). */
export function formatDateTimeWelsh(instant: string | Date): string {
  const d = instantOf(instant);
  if (Number.isNaN(d.getTime())) return String(instant);
  const day = partsOf(WELSH_DAY, d);
  const clock = partsOf(UK_CLOCK, d);
  const hour = Number(clock.hour);
  const twelve = hour % 12 === 0 ? 12 : hour % 12;
  return `${day.weekday} ${day.day} ${day.month} ${day.year} am ${twelve}:${clock.minute}${hour < 12 ? 'yb' : 'yp'}`;
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

/** '123456789012' → '1234 5678 9012', as the letter prints it. */
export function formatUbrn(ubrn: string): string {
  return ubrn.replace(/^(\d{4})(\d{4})(\d{4})$/, '$1 $2 $3');
}

/** '9990000018' → '999 000 0018', as the NHS writes NHS numbers. */
export function formatNhsNumber(nhsNumber: string): string {
  return nhsNumber.replace(/^(\d{3})(\d{3})(\d{4})$/, '$1 $2 $3');
}

const PRIORITY_TEXT: Record<string, string> = { ROUTINE: 'Routine', URGENT: 'Urgent', TWO_WEEK_WAIT: 'Two week wait' };

/** 'TWO_WEEK_WAIT' → 'Two week wait'. */
export function formatPriority(priority: string): string {
  return PRIORITY_TEXT[priority] ?? priority;
}

/** 'VOICEMAIL' → 'Left a voicemail': a provider's attempt to contact a patient, as staff read it. */
export function formatContactOutcome(outcome: string): string {
  return OUTCOMES[outcome as ContactOutcome]?.words ?? outcome;
}

/** 'TEXT' → 'Text message'. */
export function formatContactMethod(method: string): string {
  return METHOD_WORDS[method as ContactMethod] ?? method;
}

/** 'NO_MATCH' → 'No match': a state's code as words, for codes with no wording of their own. */
export function formatCode(code: string): string {
  const words = code.replaceAll('_', ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The filters every view can use. */
export function registerFilters(environment: nunjucks.Environment): void {
  const filters: Record<string, (...args: never[]) => string> = {
    date: formatDate,
    datesIn: formatDatesIn,
    dateTime: formatDateTime,
    dateCy: formatDateWelsh,
    dateTimeCy: formatDateTimeWelsh,
    day: formatDay,
    time: formatTime,
    relativeDay: (instant: string | Date) => formatRelativeDay(instant),
    weeks: formatWeeks,
    miles: formatMiles,
    km: formatKm,
    gbp: formatGbp,
    plural,
    ubrn: formatUbrn,
    nhsNumber: formatNhsNumber,
    priority: formatPriority,
    contactOutcome: formatContactOutcome,
    contactMethod: formatContactMethod,
    code: formatCode,
    // Figures, as the charts write them (src/web/charts.ts): 0.623 → '62.3%', 1234 → '1,234', 12.34 → '12.3'.
    percent: (share: number | null, digits?: number) => formatValue(share, 'percent', digits ?? 1),
    number: (n: number | null) => formatValue(n, 'number'),
    rate: (n: number | null) => formatValue(n, 'rate'),
    pValue: formatPValue,
  };
  for (const [name, filter] of Object.entries(filters)) environment.addFilter(name, filter as (...args: unknown[]) => string);
}
