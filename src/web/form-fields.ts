// Reading posted form fields the old way, for the pages not yet moved to their features (issue 8); the moved pages
// read forms with ./forms.ts. This file goes when the last of them has moved.
import { errorContext, type FieldError } from './forms.ts';

export type { FieldError };
export type Body = Record<string, unknown>;

/** The whole session draft, as the pages not yet moved read it (loadDraft). */
export type Draft = Record<string, unknown>;

/** A posted field's text, trimmed and cut to `max` characters; the first if it was sent more than once. */
export function field(body: Body, name: string, max = 100): string {
  const v = body[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first.trim().slice(0, max) : '';
}

/** A service message as an error-summary sentence: capital first letter, no full stop. */
export function sentence(message: string): string {
  const m = message.trim().replace(/\.$/, '');
  return m.charAt(0).toUpperCase() + m.slice(1);
}

/** @deprecated errorContext: the nhsuk macros' errorMessage for a field, or undefined. */
export const errorFor = (errors: readonly FieldError[], name: string): { text: string } | undefined => errorContext(errors).err[name];

/** @deprecated errorContext: the error summary's items. */
export const errorList = (errors: readonly FieldError[]) => errorContext(errors).errorList;
