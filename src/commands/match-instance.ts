// The mutual-aid matching input (api.md, "Matching engine, offline") as a zod schema, shared by the offline CLI
// and the web service, so that both refuse the same instances with the same words.
import { z } from 'zod';
import type { MatchInstance } from '../domain/optimal-assignment.ts';
import { specialtyCodeOf } from '../reference/resolve.ts';

/** A missing field and a field of the wrong type are told apart: "is required" is the more useful of the two. */
const expected = (what: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`) });

const id = z.string(expected('a string')).min(1, 'must not be empty');
const specialty = z
  .string(expected('a string, a treatment function code such as "110"'))
  .trim()
  .min(1, 'must not be empty')
  .transform(specialtyCodeOf);
const latitude = z.number(expected('a number')).min(-90, 'must be between -90 and 90').max(90, 'must be between -90 and 90');
const longitude = z.number(expected('a number')).min(-180, 'must be between -180 and 180').max(180, 'must be between -180 and 180');
/** Ages and age limits may be left out, which means the same as null. */
const ageLimit = z.number(expected('a number or null')).min(0, 'must be 0 or more').nullable().default(null);

export const MatchPatientSchema = z.object({
  id,
  specialty,
  latitude,
  longitude,
  waitWeeks: z.number(expected('a number')).min(0, 'must be 0 or more'),
  // Required even though null is allowed: a limit left out by mistake must not quietly send a patient anywhere.
  maxTravelKm: z.number(expected('a number, or null for anywhere')).min(0, 'must be 0 or more').nullable(),
  age: z.number(expected('a whole number or null')).int('must be a whole number').min(0, 'must be 0 or more').nullable().default(null),
});

export const MatchOfferSchema = z.object({
  id,
  specialty,
  latitude,
  longitude,
  capacity: z.number(expected('a whole number')).int('must be a whole number').min(0, 'must be 0 or more'),
  minAge: ageLimit,
  maxAge: ageLimit,
});

/** Ids name patients and offers in the answer, so a repeated one would make the answer ambiguous. */
function uniqueIds<T extends { id: string }>(items: readonly T[], ctx: z.RefinementCtx): void {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const earlier = first.get(item.id);
    if (earlier === undefined) first.set(item.id, i);
    else ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `"${item.id.slice(0, 40)}" is already the id of [${earlier}]` });
  });
}

export const MatchInstanceSchema = z.object(
  {
    patients: z.array(MatchPatientSchema, expected('an array')).superRefine(uniqueIds),
    offers: z.array(MatchOfferSchema, expected('an array')).superRefine(uniqueIds),
  },
  expected('an object with "patients" and "offers"'),
);

/** An instance refused, with one line per problem, each naming the field: `patients[3].waitWeeks: must be 0 or more`. */
export class MatchInstanceError extends Error {
  override name = 'MatchInstanceError';
  readonly problems: { field: string; message: string }[];

  constructor(problems: { field: string; message: string }[], shown = 20) {
    const lines = problems.slice(0, shown).map((p) => `${p.field}: ${p.message}`);
    if (problems.length > shown) lines.push(`… and ${problems.length - shown} more problems`);
    super(lines.join('\n'));
    this.problems = problems;
  }
}

/** `['patients', 3, 'waitWeeks']` → `patients[3].waitWeeks`; the whole input is `(instance)`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out === '' ? '' : '.'}${String(key)}`;
  return out === '' ? '(instance)' : out;
}

/** Turns parsed JSON into a MatchInstance, or throws a MatchInstanceError naming every bad field. */
export function parseMatchInstance(json: unknown): MatchInstance {
  const result = MatchInstanceSchema.safeParse(json);
  if (!result.success) throw new MatchInstanceError(result.error.issues.map((i) => ({ field: fieldPath(i.path), message: i.message })));
  return result.data;
}
