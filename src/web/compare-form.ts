// The "compare hospitals" form: reads the GET query into a ShortlistRequest, with NHS-style error messages.
import { parsePostcode } from '../domain/postcode.ts';
import type { Problem } from '../http/problem.ts';
import type { ShortlistRequest, SortBy } from '../shortlist/types.ts';
import { sentence } from './form-fields.ts';

/** What the user typed or chose, kept as text so the form can show it again. */
export interface CompareFormValues {
  specialty: string;
  postcode: string;
  sortBy: string;
  distance: string;
}

export type CompareField = keyof CompareFormValues;

/** One problem for the error summary and the field's inline message; `field` null when it belongs to no field. */
export interface FormError {
  field: CompareField | null;
  message: string;
}

export const FIELDS: readonly CompareField[] = ['specialty', 'postcode', 'sortBy', 'distance'];

export const SORT_CHOICES: readonly { value: SortBy; text: string; hint: string }[] = [
  { value: 'WAIT', text: 'Shortest wait', hint: 'Hospitals that can see you soonest come first' },
  { value: 'DISTANCE', text: 'Nearest', hint: 'Hospitals closest to the postcode come first' },
  { value: 'BALANCED', text: 'A balance of both', hint: 'Weighs a shorter wait against a shorter journey' },
];

export const KM_PER_MILE = 1.609344;

/** The distance limits offered; `km` null is no limit. */
export const DISTANCE_CHOICES: readonly { value: string; text: string; km: number | null }[] = [
  { value: '10', text: 'Up to 10 miles', km: milesToKm(10) },
  { value: '25', text: 'Up to 25 miles', km: milesToKm(25) },
  { value: '50', text: 'Up to 50 miles', km: milesToKm(50) },
  { value: '100', text: 'Up to 100 miles', km: milesToKm(100) },
  { value: 'any', text: 'Any distance', km: null },
];

export function milesToKm(miles: number): number {
  return Math.round(miles * KM_PER_MILE * 1000) / 1000;
}

const MAX_POSTCODE_LENGTH = 16;

export type CompareFormResult =
  | { kind: 'empty'; values: CompareFormValues }
  | { kind: 'invalid'; values: CompareFormValues; errors: FormError[]; status: 400 }
  | { kind: 'valid'; values: CompareFormValues; request: ShortlistRequest };

/**
 * Reads the query string of GET /. With none of the form's fields present it is a first visit ('empty');
 * otherwise every field is checked and the problems listed in the form's order.
 * `specialtyCodes`, when given, are the codes the select offers; anything else is refused.
 */
export function readCompareForm(query: unknown, specialtyCodes?: ReadonlySet<string>): CompareFormResult {
  const q = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
  const values: CompareFormValues = {
    specialty: text(q.specialty, 20),
    postcode: text(q.postcode, MAX_POSTCODE_LENGTH + 1),
    sortBy: text(q.sortBy, 20),
    distance: text(q.distance, 20),
  };
  if (!FIELDS.some((f) => q[f] !== undefined)) return { kind: 'empty', values };

  const errors: FormError[] = [];
  if (!values.specialty) errors.push({ field: 'specialty', message: 'Select a specialty' });
  else if (specialtyCodes && !specialtyCodes.has(values.specialty)) {
    errors.push({ field: 'specialty', message: 'Select a specialty from the list' });
  }

  // A full postcode (LS1 4AP), a sector (LS1 4) or a district (LS1), in any case and spacing.
  const postcode = normalisePostcode(values.postcode);
  if (!postcode) errors.push({ field: 'postcode', message: 'Enter a postcode' });
  else if (values.postcode.length > MAX_POSTCODE_LENGTH || !parsePostcode(postcode)) {
    errors.push({ field: 'postcode', message: 'Enter a real postcode, like LS1 4AP (or the first part, like LS1)' });
  }

  const sort = SORT_CHOICES.find((c) => c.value === values.sortBy);
  if (!sort) errors.push({ field: 'sortBy', message: 'Select what matters most to you' });

  const distance = DISTANCE_CHOICES.find((c) => c.value === values.distance);
  if (!distance) errors.push({ field: 'distance', message: 'Select how far you could travel' });

  if (errors.length > 0 || !sort || !distance) return { kind: 'invalid', values, errors, status: 400 };
  return {
    kind: 'valid',
    values,
    request: {
      specialty: values.specialty,
      postcode,
      sortBy: sort.value,
      maxDistanceKm: distance.km,
      maxWaitWeeks: null,
      priority: 'ROUTINE',
      limit: 5,
      age: null,
      sex: null,
    },
  };
}

/** Upper case, single spaces, trimmed: "ls1  4ap " → "LS1 4AP". */
export function normalisePostcode(raw: string): string {
  return raw.trim().replace(/\s+/g, ' ').toUpperCase();
}

// The shortlist engine's field names, mapped to this form's fields.
const FIELD_OF: Record<string, CompareField> = {
  specialty: 'specialty',
  postcode: 'postcode',
  sortBy: 'sortBy',
  maxDistanceKm: 'distance',
};

/** Turns a Problem from buildShortlist into form errors (one per field, in the form's order) and an HTTP status. */
export function problemToFormErrors(problem: Problem): { errors: FormError[]; status: 400 | 422 } {
  const status = problem.status === 400 ? 400 : 422;
  const byField = new Map<CompareField, string>();
  const general: string[] = [];
  for (const e of problem.errors ?? []) {
    const field = FIELD_OF[e.field.replace(/^body\./, '')];
    if (field && !byField.has(field)) byField.set(field, sentence(e.message));
    else if (!field) general.push(sentence(e.message));
  }
  const errors: FormError[] = [];
  for (const f of FIELDS) {
    const message = byField.get(f);
    if (message) errors.push({ field: f, message });
  }
  for (const message of general) errors.push({ field: null, message });
  if (errors.length === 0) errors.push({ field: null, message: sentence(problem.detail) });
  return { errors, status };
}

/** The first string of a query value (a repeated parameter gives an array), trimmed and cut to `max`. */
function text(value: unknown, max: number): string {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.trim().slice(0, max) : '';
}
