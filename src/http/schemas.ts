import { z } from 'zod';
import { normaliseUbrn } from '../domain/ubrn.ts';

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
export const UbrnText = z.string().transform(normaliseUbrn).pipe(z.string().regex(/^\d{12}$/, 'must be a 12-digit UBRN'));

/**
 * Responses of routes whose answers are described by the TypeScript types of their service modules rather than a
 * schema: any 200 or 201 answer, and problem details for the errors.
 */
export const AnswerOrProblem = { 200: z.unknown(), 201: z.unknown(), 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema };
