// FHIR's date search on Slot.start (`start=ge2026-12-01&start=lt2026-12-08`), turned into the window the JSON API
// reads (src/slots/instants.ts windowOf), so a London day means the same here as there and the same limits apply.
import { badRequest, Problem } from '../http/problem.ts';
import { addDays, londonInstant } from '../slots/london-time.ts';
import { windowOf } from '../slots/instants.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const PREFIXED = /^(eq|gt|ge|lt|le)?(.*)$/;

const startProblem = (message: string) => badRequest(`The search parameter start ${message}.`, [{ field: 'start', message }]);

const ordinal = (s: string) => Date.parse(DATE.test(s) ? `${s}T00:00:00Z` : s);
/** The instant a bound stands for as windowOf reads it: a date `from` is its London midnight, a date `to` the next. */
const startOf = (s: string) => (DATE.test(s) ? londonInstant(s, '00:00').getTime() : Date.parse(s));
const endOf = (s: string) => (DATE.test(s) ? londonInstant(addDays(s, 1), '00:00').getTime() : Date.parse(s));
const oneMsLater = (instant: string) => new Date(Date.parse(instant) + 1).toISOString();

/**
 * The window [from, to) that these `start` values ask for: each a FHIR date or instant with a prefix eq (the
 * default), ge, gt, le or lt. A date is a London day. Another prefix, a partial date or a time without a zone is a
 * 400, as is a window the JSON API would refuse.
 */
export function slotWindow(values: readonly string[], options: { now: Date; defaultWeeks: number; maxWeeks: number }): { from: Date; to: Date } {
  let from: string | undefined;
  let to: string | undefined;
  // Several bounds of one side: the narrowest wins, each as windowOf will read it.
  const later = (a: string | undefined, b: string) => (a === undefined || startOf(b) > startOf(a) ? b : a);
  const earlier = (a: string | undefined, b: string) => (a === undefined || endOf(b) < endOf(a) ? b : a);
  for (const value of values) {
    const [, prefix = 'eq', when = ''] = PREFIXED.exec(value)!;
    const isDate = DATE.test(when);
    if (!isDate && !INSTANT.test(when)) {
      throw startProblem(`must be a date (2026-12-01) or an instant with a zone (2026-12-01T09:00:00Z), with an optional prefix eq, ge, gt, le or lt: "${value.slice(0, 40)}" is not`);
    }
    if (Number.isNaN(ordinal(when))) throw startProblem(`names no real date: "${value.slice(0, 40)}"`);
    // windowOf reads a date `from` as its London midnight and a date `to` as the end of that London day.
    switch (prefix) {
      case 'eq':
        if (!isDate) throw startProblem('can name an instant only with ge, gt, le or lt');
        from = later(from, when);
        to = earlier(to, when);
        break;
      case 'ge':
        from = later(from, when);
        break;
      case 'gt':
        from = later(from, isDate ? addDays(when, 1) : oneMsLater(when));
        break;
      case 'le':
        to = earlier(to, isDate ? when : oneMsLater(when));
        break;
      case 'lt':
        to = earlier(to, isDate ? addDays(when, -1) : when);
        break;
    }
  }
  try {
    return windowOf({ from, to }, { defaultFrom: options.now, defaultWeeks: options.defaultWeeks, maxWeeks: options.maxWeeks });
  } catch (err) {
    // The JSON API names its own parameters; a FHIR client sent `start`.
    if (err instanceof Problem && err.status === 400) throw startProblem(`asks for a window the interface cannot answer: ${err.detail}`);
    throw err;
  }
}
