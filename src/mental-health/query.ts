// Reading the standards pages' GET form: the period (from, to), months or quarters (by), and whether to show the
// figures as they would be published (publication). Defaults: the 12 months to today.
import type { FieldError } from '../web/forms.ts';
import { checkPeriod, type Interval, type Period } from './standards.ts';

export interface StandardsQueryValues {
  from: string;
  to: string;
  by: string;
  icb: string;
  publication: boolean;
}

export type StandardsQuery = { ok: true; values: StandardsQueryValues; period: Period; interval: Interval } | { ok: false; values: StandardsQueryValues; errors: FieldError[] };

/** The first day of the month 11 months before `today`'s: with today, 12 calendar months. */
export function defaultFrom(today: string): string {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const m = month - 11;
  return m >= 1 ? `${year}-${String(m).padStart(2, '0')}-01` : `${year - 1}-${String(m + 12).padStart(2, '0')}-01`;
}

const one = (v: unknown): string => (typeof v === 'string' ? v.trim().slice(0, 40) : Array.isArray(v) && typeof v[0] === 'string' ? v[0].trim().slice(0, 40) : '');

export function readStandardsQuery(query: unknown, today: string): StandardsQuery {
  const q = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
  const values: StandardsQueryValues = {
    from: one(q.from) || defaultFrom(today),
    to: one(q.to) || today,
    by: one(q.by) || 'month',
    icb: one(q.icb).toUpperCase(),
    publication: ['1', 'true', 'on', 'yes'].includes(one(q.publication)),
  };
  const errors: FieldError[] = [];
  const period = checkPeriod(values.from, values.to);
  if (!period.ok) errors.push({ field: period.field, href: `#${period.field}`, message: period.message });
  else if (period.period.from > today) errors.push({ field: 'from', href: '#from', message: 'The start of the period must be today or earlier' });
  if (values.by !== 'month' && values.by !== 'quarter') errors.push({ field: 'by', href: '#by', message: 'Choose by month or by quarter' });
  if (errors.length > 0 || !period.ok) return { ok: false, values, errors };
  return { ok: true, values, period: period.period, interval: values.by as Interval };
}
