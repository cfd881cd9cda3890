// The API for DMAS: requests and offers of mutual aid, proposed transfers, the national board and matching runs.
import type { Deps } from '../deps.ts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isCalendarDate } from '../domain/dates.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { AnswerOrProblem } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import { runMatching } from './matching-run.ts';
import { closeRequest, createOffer, createRequest, nationalBoard, ownMutualAid, withdrawOffer } from './service.ts';
import { DECLINE_REASONS, type DeclineReason, decideTransfer, transfersFor } from './transfers.ts';

const errors = AnswerOrProblem;
const date = z.string().refine(isCalendarDate, 'must be a date like 2026-12-31');
const Id = z.object({ id: z.coerce.number().int().positive() });

export const RequestBody = z.object({
  specialty: z.string().min(1).max(10),
  patients: z.number().int().min(1).max(100000),
  neededBy: date,
  constraints: z.string().trim().max(1000).default(''),
});

export const OfferBody = z.object({
  serviceId: z.string().min(1).max(200),
  capacityPerWeek: z.number().int().min(1).max(10000),
  startsOn: date,
  endsOn: date,
  minAge: z.number().int().min(0).max(130).nullable().default(null),
  maxAge: z.number().int().min(0).max(130).nullable().default(null),
  complexity: z.enum(['ROUTINE', 'ROUTINE_AND_COMPLEX']).default('ROUTINE'),
  notes: z.string().trim().max(1000).default(''),
});

export function mutualAidRoutes(deps: Deps) {
  return async function (app: FastifyInstance) {
    const api = app as ZodApp;
    const { database } = deps;

    api.get('/mutual-aid', { config: { access: ROLES('provider') }, schema: { tags: ['DMAS'], summary: 'Your organisation\'s requests for and offers of mutual aid', response: errors } }, async (request) =>
      ownMutualAid(database, staffOf(request)),
    );
    api.post('/mutual-aid/requests', { config: { access: ROLES('provider') }, schema: { tags: ['DMAS'], summary: 'Ask for mutual aid: specialty, how many patients, by when, constraints', body: RequestBody, response: errors } }, async (request, reply) =>
      reply.code(201).send(await createRequest(database, staffOf(request), request.body)),
    );
    api.post('/mutual-aid/requests/:id/close', { config: { access: ROLES('provider') }, schema: { tags: ['DMAS'], summary: 'Close one of your requests', params: Id, response: errors } }, async (request) =>
      closeRequest(database, staffOf(request), request.params.id),
    );
    api.post('/mutual-aid/offers', { config: { access: ROLES('provider') }, schema: { tags: ['DMAS'], summary: 'Offer capacity: a service (its site and specialty), places per week for a period, the patients accepted', body: OfferBody, response: errors } }, async (request, reply) =>
      reply.code(201).send(await createOffer(database, staffOf(request), request.body)),
    );
    api.post('/mutual-aid/offers/:id/withdraw', { config: { access: ROLES('provider') }, schema: { tags: ['DMAS'], summary: 'Withdraw one of your offers; proposals not yet accepted return to the pool', params: Id, response: errors } }, async (request) =>
      withdrawOffer(database, staffOf(request), request.params.id),
    );
    api.get('/mutual-aid/transfers', { config: { access: ROLES('provider') }, schema: { tags: ['DMAS'], summary: 'Proposed transfers into your offers and out of your waiting list, each with why it was proposed', response: errors } }, async (request) =>
      transfersFor(deps, staffOf(request)),
    );
    api.post(
      '/mutual-aid/transfers/:id/decision',
      {
        config: { access: ROLES('provider') },
        schema: {
          tags: ['DMAS'],
          summary: 'As the receiving provider, accept a proposed transfer (the patient is then offered it) or decline it with a reason',
          params: Id,
          body: z.object({ decision: z.enum(['ACCEPT', 'DECLINE']), reason: z.enum(Object.keys(DECLINE_REASONS) as [DeclineReason, ...DeclineReason[]]).nullable().default(null) }),
          response: errors,
        },
      },
      async (request) => decideTransfer(deps, staffOf(request), request.params.id, request.body.decision, request.body.reason),
    );
    api.get('/mutual-aid/board', { config: { access: ROLES('commissioner', 'admin') }, schema: { tags: ['DMAS'], summary: 'The national board: requests, offers, patients waiting to move and moves by specialty and region', response: errors } }, async () => ({
      rows: await nationalBoard(database),
    }));
    api.post('/mutual-aid/matching-runs', { config: { access: ROLES('commissioner', 'admin') }, schema: { tags: ['DMAS'], summary: 'Run the matching now (it also runs as a background job); idempotent', response: errors } }, async (request) =>
      runMatching(deps, staffOf(request).username),
    );
    api.get('/mutual-aid/matching-runs', { config: { access: ROLES('commissioner', 'admin') }, schema: { tags: ['DMAS'], summary: 'Recent matching runs, with their summaries (inputs and results are kept for audit)', response: errors } }, async () => ({
      runs: (await database.db.selectFrom('match_run').select(['id', 'trigger', 'started_at', 'finished_at', 'summary']).orderBy('id', 'desc').limit(20).execute()).map((r) => ({
        id: r.id,
        trigger: r.trigger,
        startedAt: new Date(r.started_at).toISOString(),
        summary: r.summary,
      })),
    }));
  };
}
