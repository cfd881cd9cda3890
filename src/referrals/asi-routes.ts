// The API of the provider's appointment slot issue (ASI) work: logging and reading its attempts to contact the patient.
// Booking the patient goes through the one booking route, POST /referrals/{ubrn}/appointment.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { CONTACT_METHODS, CONTACT_OUTCOMES } from '../domain/contact-attempts.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { problems, UbrnText } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import { contactAttemptsFor, recordContactAttempt } from './contact-attempts.ts';

const Ubrn = z.object({ ubrn: UbrnText });

export const ContactAttemptSchema = z.object({
  id: z.string(),
  attemptedAt: z.string(),
  method: z.enum(CONTACT_METHODS),
  outcome: z.enum(CONTACT_OUTCOMES),
  note: z.string().nullable(),
  recordedBy: z.string(),
  recordedAt: z.string(),
});

const NewContactAttemptBody = z.object({
  attemptedAt: z.iso
    .datetime({ offset: true, error: 'must be an instant with a zone, e.g. 2026-12-01T09:00:00Z' })
    .nullable()
    .optional()
    .transform((v) => (v ? new Date(v) : null))
    .describe('when the attempt was made, earlier today; absent: now'),
  method: z.enum(CONTACT_METHODS),
  outcome: z.enum(CONTACT_OUTCOMES).describe('REACHED_* for any method; NO_ANSWER and VOICEMAIL after PHONE; WRONG_NUMBER after PHONE or TEXT; MESSAGE_SENT and UNDELIVERED after EMAIL, TEXT or LETTER'),
  note: z.string().trim().max(1000).nullable().optional().transform((v) => v || null),
});

export function asiRoutes(deps: Deps) {
  return async function (app: FastifyInstance) {
    const api = app as ZodApp;

    api.post(
      '/referrals/:ubrn/contact-attempts',
      {
        config: { access: ROLES('provider') },
        schema: {
          tags: ['booking'],
          summary: 'The provider the referral is deferred to logs an attempt to contact the patient (also noted in the history)',
          params: Ubrn,
          body: NewContactAttemptBody,
          response: { 201: ContactAttemptSchema, ...problems(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request, reply) => reply.code(201).send(await recordContactAttempt(deps, staffOf(request), request.params.ubrn, request.body)),
    );

    api.get(
      '/referrals/:ubrn/contact-attempts',
      {
        config: { access: ROLES('provider') },
        schema: {
          tags: ['booking'],
          summary: 'The attempts to contact the patient that the provider the referral is deferred to has logged, oldest first',
          params: Ubrn,
          response: { 200: z.object({ contactAttempts: z.array(ContactAttemptSchema) }), ...problems(400, 401, 403, 404) },
        },
      },
      async (request) => ({ contactAttempts: await contactAttemptsFor(deps, staffOf(request), request.params.ubrn) }),
    );
  };
}
