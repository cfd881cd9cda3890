// A provider's weekly clinic pattern, turned into the slots it stands for.
import { addDays, londonInstant, weekdayOf } from './london-time.ts';

export const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A wall-clock start time, 24-hour 'HH:MM'. */
export const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export interface WeeklyPattern {
  /** The first London date the pattern covers, 'YYYY-MM-DD'. */
  from: string;
  weeks: number;
  days: readonly Weekday[];
  /** London wall-clock times 'HH:MM': 09:00 stays 09:00 across the change to and from summer time. */
  times: readonly string[];
  minutes: number;
}

/** Every slot of the pattern, earliest first. */
export function expandPattern(p: WeeklyPattern): { start: Date; end: Date }[] {
  const days = new Set(p.days.map((d) => WEEKDAYS.indexOf(d)));
  const times = [...new Set(p.times)].sort();
  const slots: { start: Date; end: Date }[] = [];
  for (let i = 0; i < p.weeks * 7; i++) {
    const date = addDays(p.from, i);
    if (!days.has(weekdayOf(date))) continue;
    for (const time of times) {
      const start = londonInstant(date, time);
      slots.push({ start, end: new Date(start.getTime() + p.minutes * 60_000) });
    }
  }
  return slots;
}
