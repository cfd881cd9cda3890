// The provider's "publish slots with a weekly pattern" form: the first date, how many weeks, which days, the start
// times and the length, read into the slots the pattern stands for, checked as the API checks a pattern.
import { z } from 'zod';
import { londonDate } from '../domain/dates.ts';
import { calendarDate, checkboxes, dateInput, emptyDate, type FormValues, readForm, text, wholeNumber } from '../web/forms.ts';
import { CLOCK_TIME, expandPattern, WEEKDAYS, type Weekday } from './pattern.ts';
import { MAX_SLOT_MINUTES, MAX_SLOTS_PER_PUBLICATION, MIN_SLOT_MINUTES, patternField, slotProblems } from './service.ts';

export const PATTERN_FIELDS = { from: dateInput(), weeks: text(4), days: checkboxes(10), times: text(400), minutes: text(4) };
export type PatternValues = FormValues<typeof PATTERN_FIELDS>;
export const emptyPattern = (): PatternValues => ({ from: emptyDate(), weeks: '', days: [], times: '', minutes: '' });

const TIMES_FORMAT = 'Enter start times in 24-hour time, like 09:00, 09:30';
// What the page says of the first slot that breaks a rule, by the field it belongs to.
const SLOT_PROBLEM: Record<'from' | 'times', string> = {
  from: 'Every appointment must be in the future: start the pattern later',
  times: 'Start times must not overlap: make them at least the length apart',
};

const isWeekday = (d: string): d is Weekday => (WEEKDAYS as readonly string[]).includes(d);

function patternSchema(now: Date) {
  return z
    .object({
      from: calendarDate({ empty: 'Enter the first date', invalid: 'First date must be a real date' })
        .refine((from) => from >= londonDate(now), 'First date must be today or in the future'),
      weeks: wholeNumber({ min: 1, max: 26, empty: 'Enter how many weeks', invalid: 'Weeks must be a whole number from 1 to 26' }),
      days: z.array(z.string()).transform((days) => days.filter(isWeekday)).refine((days) => days.length > 0, 'Select at least one day'),
      times: z
        .string()
        .transform((raw) => raw.split(/[\s,]+/).filter(Boolean))
        .pipe(z.array(z.string()).min(1, 'Enter at least one start time').max(48, TIMES_FORMAT).refine((times) => times.every((t) => CLOCK_TIME.test(t)), TIMES_FORMAT)),
      minutes: wholeNumber({
        min: MIN_SLOT_MINUTES,
        max: MAX_SLOT_MINUTES,
        empty: 'Enter how long each appointment is',
        invalid: `Length must be from ${MIN_SLOT_MINUTES} to ${MAX_SLOT_MINUTES} minutes`,
      }),
    })
    .transform((pattern, ctx) => {
      const slots = expandPattern(pattern);
      const problem = (field: string, message: string) => (ctx.addIssue({ code: 'custom', path: [field], message }), z.NEVER);
      if (slots.length === 0) return problem('days', 'None of these days fall within the weeks given');
      if (slots.length > MAX_SLOTS_PER_PUBLICATION) return problem('weeks', `This makes ${slots.length} slots: publish at most ${MAX_SLOTS_PER_PUBLICATION} at a time`);
      const [first] = slotProblems(slots, now, patternField(slots, now));
      if (first) return problem(first.field, first.field === 'minutes' ? `Length ${first.message}` : SLOT_PROBLEM[first.field as 'from' | 'times']);
      return slots;
    });
}

/** Reads the weekly pattern form: the slots it stands for, or the problems to show against its fields. */
export function readPattern(body: unknown, now = new Date()) {
  // Every problem with the first date links to its day box, as the error summary always has.
  return readForm(PATTERN_FIELDS, patternSchema(now), body, { from: '#from-day' });
}
