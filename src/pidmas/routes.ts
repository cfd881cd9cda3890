// The API for PIDMAS: the patient's request to move, and the provider's invitations and clinical validation.
import type { Deps } from '../deps.ts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { patientOf, ROLES, staffOf } from '../http/access.ts';
import { TRAVEL_LIMITS } from '../domain/travel-limits.ts';
import { UbrnText } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import {
  CandidatesSchema, candidatesAnswer, InvitedSchema, OfferAnsweredSchema, PidmasViewSchema, pidmasAnswer, PROBLEMS, ValidatedSchema, ValidationListSchema,
} from './schemas.ts';
import {
  answerOffer, CONTACT_PREFERENCES, invitationCandidates, invitePatient, NOT_SUITABLE_REASONS, type NotSuitableReason, optIn, pidmasView,
  SUPPORT_KINDS, validateRequest, validationWorklist, withdrawRequest,
} from './service.ts';
import { READS } from '../http/read-audit.ts';

const view = { 200: PidmasViewSchema, ...PROBLEMS };

export const OptInBody = z.object({
  travel: z.enum(TRAVEL_LIMITS),
  unavailableDates: z.string().trim().max(1000).default(''),
  supportNeeded: z.array(z.enum(SUPPORT_KINDS)).max(3).default([]),
  interpreterLanguage: z.string().trim().min(1).max(100).nullable().default(null),
  contactPreference: z.enum(CONTACT_PREFERENCES),
});

export function pidmasRoutes(deps: Deps) {
  return async function (app: FastifyInstance) {
    const api = app as ZodApp;

    api.get(
      '/patient/pidmas',
      { config: { access: ROLES('patient'), audit: READS('referral') }, schema: { tags: ['PIDMAS'], summary: 'Whether the patient may ask to move (each rule explained), their request and any offer', response: view } },
      async (request) => pidmasAnswer(await pidmasView(deps, patientOf(request), patientOf(request).ubrn)),
    );
    api.post(
      '/patient/pidmas',
      { config: { access: ROLES('patient') }, schema: { tags: ['PIDMAS'], summary: 'Ask to move provider: travel limit, dates not available, support needed, how to be contacted', body: OptInBody, response: view } },
      async (request) => pidmasAnswer(await optIn(deps, patientOf(request), request.body)),
    );
    api.delete(
      '/patient/pidmas',
      { config: { access: ROLES('patient') }, schema: { tags: ['PIDMAS'], summary: 'Withdraw the request to move; the patient keeps their place', response: view } },
      async (request) => pidmasAnswer(await withdrawRequest(deps, patientOf(request))),
    );
    api.post(
      '/patient/pidmas/offer',
      { config: { access: ROLES('patient') }, schema: { tags: ['PIDMAS'], summary: 'Accept (the whole pathway moves) or decline (the patient stays) the offer to move', body: z.object({ decision: z.enum(['ACCEPT', 'DECLINE']) }), response: { 200: OfferAnsweredSchema, ...PROBLEMS } } },
      async (request) => answerOffer(deps, patientOf(request), request.body.decision),
    );

    api.get(
      '/pidmas/candidates',
      { config: { access: ROLES('provider'), audit: READS('requests') }, schema: { tags: ['PIDMAS'], summary: 'The provider\'s patients waiting past the PIDMAS threshold, each with their eligibility', response: { 200: CandidatesSchema, ...PROBLEMS } } },
      async (request) => candidatesAnswer(await invitationCandidates(deps, staffOf(request))),
    );
    api.post(
      '/pidmas/invitations',
      {
        config: { access: ROLES('provider') },
        schema: { tags: ['PIDMAS'], summary: 'Invite an eligible patient to ask to move; a new access code is sent to them (and answered once, for a printed letter)', body: z.object({ ubrn: UbrnText }), response: { 201: InvitedSchema, ...PROBLEMS } },
      },
      async (request, reply) => reply.code(201).send(await invitePatient(deps, staffOf(request), request.body.ubrn)),
    );
    api.get(
      '/pidmas/validation',
      { config: { access: ROLES('provider'), audit: READS('requests') }, schema: { tags: ['PIDMAS'], summary: 'Requests to move waiting for the current provider\'s clinical validation', response: { 200: ValidationListSchema, ...PROBLEMS } } },
      async (request) => ({ requests: await validationWorklist(deps, staffOf(request)) }),
    );
    api.post(
      '/pidmas/requests/:id/validation',
      {
        config: { access: ROLES('provider') },
        schema: {
          tags: ['PIDMAS'],
          summary: 'Clinical validation: suitable to move, or not with a reason',
          params: z.object({ id: z.coerce.number().int().positive() }),
          body: z.object({ suitable: z.boolean(), reason: z.enum(Object.keys(NOT_SUITABLE_REASONS) as [NotSuitableReason, ...NotSuitableReason[]]).nullable().default(null) }),
          response: { 200: ValidatedSchema, ...PROBLEMS },
        },
      },
      async (request) => validateRequest(deps, staffOf(request), request.params.id, request.body),
    );
  };
}
