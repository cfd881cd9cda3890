// Reading posted forms, the one way every page does it: each field is read into the text the form shows again,
// then a zod schema (as the API's are) checks those values and makes the typed answer. Its messages are the ones
// the error summary shows, written to the NHS service manual's error message patterns. A service's problem (a
// Problem it threw) becomes the same kind of errors through `attempt`.
import { z } from 'zod';
import { isCalendarDate } from '../domain/dates.ts';
import { Problem } from '../http/problem.ts';

export type Body = Record<string, unknown>;

/** One problem with a form: the field it belongs to, the id the error summary links to, and what to do. */
export interface FieldError {
  field: string;
  href: string;
  message: string;
}

/** How one posted field is read into the value the form shows again. */
export interface FieldReader<V> {
  (body: Body, name: string): V;
  /** 'date' for the NHS date input: its errors link to its day, month or year box. */
  kind?: 'date';
}

const firstString = (v: unknown): string => {
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : '';
};

/** A text field, trimmed and cut to `max` characters (the first, if it was sent more than once). */
export const text = (max = 100): FieldReader<string> => (body, name) => firstString(body[name]).trim().slice(0, max);

/** A password: not trimmed (spaces may be part of it). */
export const secret = (max = 200): FieldReader<string> => (body, name) => firstString(body[name]).slice(0, max);

/** Checkboxes: every value sent under the name, at most `max` of them. */
export const checkboxes = (max = 40): FieldReader<string[]> => (body, name) => {
  const v = body[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string').slice(0, max);
};

export interface DateParts {
  day: string;
  month: string;
  year: string;
}

/** The NHS date input: three boxes posted as name[day], name[month] and name[year]. */
export const dateInput = (): FieldReader<DateParts> => {
  const read: FieldReader<DateParts> = (body, name) => ({
    day: text(4)(body, `${name}[day]`),
    month: text(4)(body, `${name}[month]`),
    year: text(6)(body, `${name}[year]`),
  });
  read.kind = 'date';
  return read;
};

export const emptyDate = (): DateParts => ({ day: '', month: '', year: '' });

export type FormFields = Record<string, FieldReader<unknown>>;
export type FormValues<F extends FormFields> = { [K in keyof F]: ReturnType<F[K]> };
export type FormResult<V, A> = { ok: true; values: V; answer: A } | { ok: false; values: V; errors: FieldError[] };

/**
 * Reads a posted form: `fields` say how each is read (in the order the page shows them), `schema` checks the values
 * and makes the answer. On failure, one error per field, in the form's order; `hrefs` overrides where an error links.
 */
export function readForm<F extends FormFields, S extends z.ZodType<unknown, FormValues<F>>>(
  fields: F,
  schema: S,
  body: unknown,
  hrefs: Partial<Record<keyof F & string, string>> = {},
): FormResult<FormValues<F>, z.output<S>> {
  const posted = (body && typeof body === 'object' ? body : {}) as Body;
  const values = Object.fromEntries(Object.entries(fields).map(([name, read]) => [name, read(posted, name)])) as FormValues<F>;
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, values, answer: parsed.data };
  return { ok: false, values, errors: issuesToErrors(parsed.error.issues, fields, hrefs) };
}

function issuesToErrors(issues: readonly z.core.$ZodIssue[], fields: FormFields, hrefs: Record<string, string | undefined>): FieldError[] {
  const byField = new Map<string, FieldError>();
  for (const issue of issues) {
    const [field, part] = issue.path.map(String);
    if (field === undefined || byField.has(field)) continue;
    const date = fields[field]?.kind === 'date';
    const href = hrefs[field] ?? (date ? `#${field}-${part && ['day', 'month', 'year'].includes(part) ? part : 'day'}` : `#${field}`);
    byField.set(field, { field, href, message: issue.message });
  }
  const order = Object.keys(fields);
  return [...byField.values()].sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field));
}

/** What a page's view needs to show errors: the list, the error summary's items, and each field's message. */
export function errorContext(errors: readonly FieldError[]) {
  const err: Record<string, { text: string }> = {};
  for (const e of errors) err[e.field] ??= { text: e.message };
  return { errors, errorList: errors.map((e) => ({ text: e.message, href: e.href })), err };
}

/** A message as an error-summary sentence: capital first letter, no full stop. */
export function sentence(message: string): string {
  const m = message.trim().replace(/\.$/, '');
  return m.charAt(0).toUpperCase() + m.slice(1);
}

// ---------------------------------------------------------------- schemas for the common kinds of field

/** A field that must be given, with the message to show when it is not. */
export const required = (message: string) => z.string().min(1, message);

/** One of a fixed set of options (radios, a select). */
export const oneOf = <const T extends readonly [string, ...string[]]>(options: T, message: string) => z.enum(options, { error: message });

/** One of the keys of a record of options and their wording. */
export const oneOfKeys = <K extends string>(options: Record<K, unknown>, message: string) =>
  z.string().refine((v): v is K => Object.hasOwn(options, v), message) as unknown as z.ZodType<K, string>;

export interface DateMessages {
  /** none of the three boxes filled in */
  empty: string;
  /** some boxes filled in, one missing; by default, as `invalid` */
  partial?: (missing: 'day' | 'month' | 'year') => string;
  /** not a real date */
  invalid: string;
}

/** The NHS date input's three boxes as a calendar date 'YYYY-MM-DD'. */
export function calendarDate(messages: DateMessages) {
  return z
    .object({ day: z.string(), month: z.string(), year: z.string() })
    .superRefine(({ day, month, year }, ctx) => {
      if (!day && !month && !year) return void ctx.addIssue({ code: 'custom', message: messages.empty, path: ['day'] });
      const missing = !day ? 'day' : !month ? 'month' : !year ? 'year' : null;
      if (missing) return void ctx.addIssue({ code: 'custom', message: messages.partial?.(missing) ?? messages.invalid, path: [missing] });
      const iso = `${year.padStart(4, '0')}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
      if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year) || !isCalendarDate(iso)) {
        ctx.addIssue({ code: 'custom', message: messages.invalid, path: ['day'] });
      }
    })
    .transform(({ day, month, year }) => `${year.padStart(4, '0')}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`);
}

/** A whole number from `min` to `max`, typed in a text box; with `empty: null` it may be left empty (null). */
export function wholeNumber<E extends string | null>(options: { min: number; max: number; empty: E; invalid: string }) {
  return z.string().transform((raw, ctx): E extends null ? number | null : number => {
    if (!raw) {
      if (options.empty === null) return null as never;
      ctx.addIssue({ code: 'custom', message: options.empty });
      return z.NEVER;
    }
    const n = Number(raw);
    if (!/^\d{1,9}$/.test(raw) || n < options.min || n > options.max) {
      ctx.addIssue({ code: 'custom', message: options.invalid });
      return z.NEVER;
    }
    return n as never;
  });
}

/**
 * When a rule across fields (an end date on or after a start date) runs: once those fields are read without a
 * problem, whatever the state of the others, so the error summary lists it beside the rest. For superRefine.
 */
export function whenValid(...fields: string[]): z.core.$ZodSuperRefineParams {
  return { when: (payload) => !payload.issues.some((issue) => fields.includes(String(issue.path?.[0]))) };
}

// ---------------------------------------------------------------- a service's problem, shown on the form

export type Attempted<T> = { ok: true; value: T } | { ok: false; problem: Problem; status: number; errors: FieldError[] };

export interface ProblemPlacement {
  /** the field a problem belongs to when it names none this form has */
  field: string;
  href?: string;
  /** the service's field names this form has, where their errors link, and the words that start their message */
  fields?: Record<string, { field?: string; href?: string; label?: string }>;
}

/**
 * Runs what a form asks of a service. A Problem it throws (4xx: the request broke a rule) comes back as errors for
 * the error summary, placed against the form's fields; anything else (a bug, the database down) is thrown on.
 */
export async function attempt<T>(action: () => Promise<T>, placement: ProblemPlacement): Promise<Attempted<T>> {
  try {
    return { ok: true, value: await action() };
  } catch (err) {
    if (!(err instanceof Problem) || err.status >= 500) throw err;
    return { ok: false, problem: err, status: err.status, errors: problemErrors(err, placement) };
  }
}

export function problemErrors(problem: Problem, placement: ProblemPlacement): FieldError[] {
  const errors: FieldError[] = [];
  for (const e of problem.errors ?? []) {
    const known = placement.fields?.[e.field.replace(/^body\./, '')];
    if (!known) continue;
    const field = known.field ?? e.field;
    if (errors.some((x) => x.field === field)) continue;
    errors.push({ field, href: known.href ?? `#${field}`, message: known.label ? `${known.label} ${e.message}` : sentence(e.message) });
  }
  if (errors.length > 0) return errors;
  return [{ field: placement.field, href: placement.href ?? `#${placement.field}`, message: sentence(problem.detail) }];
}

/**
 * What a page looks up for its user: the record, or null when the service says there is none the user may see
 * (its 404), which the page answers with "Page not found". Any other problem is thrown on.
 */
export async function foundOrNull<T>(lookUp: () => Promise<T>): Promise<T | null> {
  try {
    return await lookUp();
  } catch (err) {
    if (err instanceof Problem && err.status === 404) return null;
    throw err;
  }
}

/** A row's number from a page's address (`/actions/42`), or null when the address holds none (nothing to look up). */
export const pathId = (raw: string): number | null => (/^\d{1,12}$/.test(raw) ? Number(raw) : null);
