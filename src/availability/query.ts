// Reading the availability page's GET form: the specialty, the radius and the table's order, with the NHS error
// messages for values the form would never send.
import { z } from 'zod';
import { type FieldError, readForm, text } from '../web/forms.ts';
import { SORT_KEYS, type SortKey } from './availability.ts';
import { RADII_MILES, type RadiusMiles } from './reach.ts';

export const DEFAULT_SPECIALTY = '110';
export const DEFAULT_RADIUS: RadiusMiles = 25;

const FIELDS = { specialty: text(20), radius: text(10), sort: text(20) };
export type AvailabilityQueryValues = { specialty: string; radius: string; sort: string };

export type AvailabilityQuery =
  | { ok: true; values: AvailabilityQueryValues; specialty: string; radius: RadiusMiles; sort: SortKey }
  | { ok: false; values: AvailabilityQueryValues; errors: FieldError[] };

/** `specialtyCodes` are those the select offers; an empty field takes the default (the first visit). */
export function readAvailabilityQuery(query: unknown, specialtyCodes: readonly string[]): AvailabilityQuery {
  const fallback = specialtyCodes.includes(DEFAULT_SPECIALTY) ? DEFAULT_SPECIALTY : (specialtyCodes[0] ?? DEFAULT_SPECIALTY);
  const schema = z.object({
    specialty: z
      .string()
      .transform((v) => v || fallback)
      .refine((v) => specialtyCodes.includes(v), 'Select a specialty from the list'),
    radius: z
      .string()
      .transform((v) => v || String(DEFAULT_RADIUS))
      .refine((v) => RADII_MILES.some((m) => String(m) === v), 'Select a distance of 10, 25 or 50 miles')
      .transform((v) => Number(v) as RadiusMiles),
    sort: z
      .string()
      .transform((v) => v || 'providers')
      .refine((v): v is SortKey => (SORT_KEYS as readonly string[]).includes(v), 'Sort the table by practice, providers or wait'),
  });
  const form = readForm(FIELDS, schema, query);
  if (!form.ok) return { ok: false, values: form.values, errors: form.errors };
  return { ok: true, values: { ...form.values, specialty: form.answer.specialty, radius: String(form.answer.radius) }, specialty: form.answer.specialty, radius: form.answer.radius, sort: form.answer.sort as SortKey };
}
