// Clinics run on London wall-clock time: 09:00 is 09:00 in winter (GMT) and in summer (BST), so a weekly
// pattern can't be a fixed number of UTC hours apart. These turn London dates and times into instants.
import { londonDate } from '../domain/dates.ts';

const PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** London's offset from UTC in minutes at an instant: 0 (GMT) or 60 (BST). */
function londonOffsetMinutes(at: number): number {
  const p = Object.fromEntries(PARTS.formatToParts(at).map((x) => [x.type, x.value]));
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute));
  return Math.round((wall - Math.floor(at / 60_000) * 60_000) / 60_000);
}

/**
 * The instant of a London wall-clock time on a date ('YYYY-MM-DD', 'HH:MM'). A time that the clocks skip
 * (01:00–01:59 on the last Sunday of March) is taken as the same length of time after the change, as
 * calendars do; a time that happens twice (the last Sunday of October) is its first, BST, occurrence.
 */
export function londonInstant(date: string, time: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const asIfUtc = Date.UTC(y, m - 1, d, hh, mm);
  // Try the offset in force an hour either side: the earlier one wins when both fit (the repeated hour).
  for (const probe of [asIfUtc - 3_600_000, asIfUtc + 3_600_000]) {
    const candidate = asIfUtc - londonOffsetMinutes(probe) * 60_000;
    if (candidate - asIfUtc + londonOffsetMinutes(candidate) * 60_000 === 0) return new Date(candidate);
  }
  // Skipped by the clocks: the offset before the change, which lands after it.
  return new Date(asIfUtc - londonOffsetMinutes(asIfUtc - 3_600_000) * 60_000);
}

/** The London calendar date `days` after a London date, 'YYYY-MM-DD' (pure calendar arithmetic). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Day of the week of a calendar date: 0 Monday … 6 Sunday. */
export function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
}

/** Slots grouped by the London day they start on, in order; each day is named by its first slot's start. */
export function byLondonDay<T extends { starts_at: Date }>(slots: readonly T[]): { day: Date; slots: T[] }[] {
  const days: { day: Date; slots: T[] }[] = [];
  for (const slot of slots) {
    const last = days.at(-1);
    if (last && londonDate(last.day) === londonDate(slot.starts_at)) last.slots.push(slot);
    else days.push({ day: slot.starts_at, slots: [slot] });
  }
  return days;
}
