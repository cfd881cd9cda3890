import { z } from 'zod';
import { isUbrn, normaliseUbrn } from '../domain/ubrn.ts';

/** RFC 9457 problem details, as every API error is sent. */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

/** A UBRN as people write it (spaces allowed), checked and normalised to its 12 digits. */
export const UbrnText = z.string().transform(normaliseUbrn).pipe(z.string().refine(isUbrn, 'must be a 12-digit UBRN'));

/** The problems a route may answer, by status, for its response schema. */
export const problems = <const S extends readonly (400 | 401 | 403 | 404 | 409 | 422 | 429)[]>(...statuses: S) =>
  Object.fromEntries(statuses.map((s) => [s, ProblemSchema])) as { [K in S[number]]: typeof ProblemSchema };
