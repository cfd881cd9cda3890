// The "compare hospitals" form: reads the GET query into a ShortlistRequest, with NHS-style error messages.
import { z } from 'zod';
import { parsePostcode } from '../domain/postcode.ts';
import { readForm, text, type FieldError, type FormValues } from '../web/forms.ts';
import { DISTANCE_CHOICES, SORT_CHOICES } from './choices.ts';
import type { ShortlistRequest } from './types.ts';

const MAX_POSTCODE_LENGTH = 16;

export const COMPARE_FIELDS = {
  specialty: text(20),
  postcode: text(MAX_POSTCODE_LENGTH + 1),
  sortBy: text(20),
  distance: text(20),
};
export type CompareFormValues = FormValues<typeof COMPARE_FIELDS>;

export type CompareFormResult =
  | { kind: 'empty'; values: CompareFormValues }
  | { kind: 'invalid'; values: CompareFormValues; errors: FieldError[]; status: 400 }
  | { kind: 'valid'; values: CompareFormValues; request: ShortlistRequest };

/** Upper case, single spaces, trimmed: "ls1  4ap " → "LS1 4AP". Partial postcodes stay partial. */
export function tidyPostcode(raw: string): string {
  return raw.trim().replace(/\s+/g, ' ').toUpperCase();
}

/** `specialtyCodes`, when given, are the codes the select offers; anything else is refused. */
function compareSchema(specialtyCodes?: ReadonlySet<string>) {
  return z.object({
    specialty: z
      .string()
      .min(1, 'Select a specialty')
      .refine((code) => !specialtyCodes || specialtyCodes.has(code), 'Select a specialty from the list'),
    // A full postcode (LS1 4AP), a sector (LS1 4) or a district (LS1), in any case and spacing.
    postcode: z
      .string()
      .transform(tidyPostcode)
      .pipe(z.string().min(1, 'Enter a postcode').max(MAX_POSTCODE_LENGTH, 'Enter a real postcode, like LS1 4AP (or the first part, like LS1)'))
      .refine((p) => parsePostcode(p) !== null, 'Enter a real postcode, like LS1 4AP (or the first part, like LS1)'),
    sortBy: z.string().transform((v, ctx) => SORT_CHOICES.find((c) => c.value === v)?.value ?? (ctx.addIssue({ code: 'custom', message: 'Select what matters most to you' }), z.NEVER)),
    distance: z.string().transform((v, ctx) => DISTANCE_CHOICES.find((c) => c.value === v) ?? (ctx.addIssue({ code: 'custom', message: 'Select how far you could travel' }), z.NEVER)),
  });
}

/**
 * Reads the query string of GET /. With none of the form's fields present it is a first visit ('empty');
 * otherwise every field is checked and the problems listed in the form's order.
 */
export function readCompareForm(query: unknown, specialtyCodes?: ReadonlySet<string>): CompareFormResult {
  const q = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
  const form = readForm(COMPARE_FIELDS, compareSchema(specialtyCodes), q);
  if (!Object.keys(COMPARE_FIELDS).some((f) => q[f] !== undefined)) return { kind: 'empty', values: form.values };
  if (!form.ok) return { kind: 'invalid', values: form.values, errors: form.errors, status: 400 };
  const { specialty, postcode, sortBy, distance } = form.answer;
  return {
    kind: 'valid',
    values: form.values,
    request: { specialty, postcode, sortBy, maxDistanceKm: distance.km, maxWaitWeeks: null, priority: 'ROUTINE', limit: 5, age: null, sex: null },
  };
}

/** Where the shortlist engine's problems go on this form (its field names, this form's fields). */
export const ENGINE_FIELDS = {
  specialty: { field: 'specialty' },
  postcode: { field: 'postcode' },
  sortBy: { field: 'sortBy' },
  maxDistanceKm: { field: 'distance' },
};
