// The API for DMAS: requests and offers of mutual aid, proposed transfers, the national board and match runs.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { problems } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import { recentRuns, runMatching } from './match-run.ts';
import {
  Board, ConfirmBody, DecisionBody, OfferWithdrawalPreview, RequestClosingPreview, IdParams, OfferBody, OfferPosted, OfferWithdrawn, OwnMutualAid, RecentRuns, RequestBody, RequestClosed, RequestPosted,
  RunSummary, TransferDecided, Transfers,
} from './schemas.ts';
import { closeRequest, createOffer, createRequest, nationalBoard, ownMutualAid, withdrawOffer } from './service.ts';
import { decideTransfer, transfersFor } from './transfers.ts';
import { previewOfferWithdrawal, previewRequestClosing } from './previews.ts';
import { READS } from '../http/read-audit.ts';

const provider = { access: ROLES('provider') };
const oversight = { access: ROLES('commissioner', 'admin') };

export function mutualAidRoutes(deps: Deps) {
  return async function (app: FastifyInstance) {
    const api = app as ZodApp;

    api.get(
      '/mutual-aid',
      { config: provider, schema: { tags: ['DMAS'], summary: 'Your organisation\'s requests for and offers of mutual aid', response: { 200: OwnMutualAid, ...problems(401, 403) } } },
      async (request) => ownMutualAid(deps, staffOf(request)),
    );
    api.post(
      '/mutual-aid/requests',
      {
        config: provider,
        schema: { tags: ['DMAS'], summary: 'Ask for mutual aid: specialty, how many patients, by when, constraints', body: RequestBody, response: { 201: RequestPosted, ...problems(400, 401, 403, 422) } },
      },
      async (request, reply) => reply.code(201).send(await createRequest(deps, staffOf(request), request.body)),
    );
    api.post(
      '/mutual-aid/requests/:id/close/preview',
      {
        config: provider,
        schema: { tags: ['DMAS'], summary: 'Preview of closing one of your requests, changing nothing; confirm with its previewVersion', params: IdParams, response: { 200: RequestClosingPreview, ...problems(400, 401, 403, 404) } },
      },
      async (request) => {
        const { version, ...preview } = await previewRequestClosing(deps.database.db, staffOf(request), request.params.id);
        return { ...preview, previewVersion: version };
      },
    );
    api.post(
      '/mutual-aid/requests/:id/close',
      {
        config: provider,
        schema: { tags: ['DMAS'], summary: 'Close one of your requests (with previewVersion: refused, 409, if it changed since the preview)', params: IdParams, body: ConfirmBody, response: { 200: RequestClosed, ...problems(400, 401, 403, 404, 409) } },
      },
      async (request) => closeRequest(deps, staffOf(request), request.params.id, request.body?.previewVersion),
    );
    api.post(
      '/mutual-aid/offers',
      {
        config: provider,
        schema: {
          tags: ['DMAS'],
          summary: 'Offer capacity: a service (its site and specialty), places per week for a period, the patients accepted',
          body: OfferBody,
          response: { 201: OfferPosted, ...problems(400, 401, 403, 422) },
        },
      },
      async (request, reply) => reply.code(201).send(await createOffer(deps, staffOf(request), request.body)),
    );
    api.post(
      '/mutual-aid/offers/:id/withdraw',
      {
        config: provider,
        schema: {
          tags: ['DMAS'],
          summary: 'Withdraw one of your offers; proposals not yet accepted return to the pool (with previewVersion: refused, 409, if they changed since the preview)',
          params: IdParams,
          body: ConfirmBody,
          response: { 200: OfferWithdrawn, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (request) => withdrawOffer(deps, staffOf(request), request.params.id, request.body?.previewVersion),
    );
    api.post(
      '/mutual-aid/offers/:id/withdraw/preview',
      {
        config: provider,
        schema: {
          tags: ['DMAS'],
          summary: 'Preview of withdrawing one of your offers: the patients proposed into it who go back to the pool, changing nothing; confirm with its previewVersion',
          params: IdParams,
          response: { 200: OfferWithdrawalPreview, ...problems(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const { version, ...preview } = await previewOfferWithdrawal(deps.database.db, staffOf(request), request.params.id);
        return { ...preview, previewVersion: version };
      },
    );
    api.get(
      '/mutual-aid/transfers',
      {
        config: { ...provider, audit: READS('transfers') },
        schema: { tags: ['DMAS'], summary: 'Proposed transfers into your offers and out of your waiting list, each with why it was proposed', response: { 200: Transfers, ...problems(401, 403) } },
      },
      async (request) => transfersFor(deps, staffOf(request)),
    );
    api.post(
      '/mutual-aid/transfers/:id/decision',
      {
        config: provider,
        schema: {
          tags: ['DMAS'],
          summary: 'As the receiving provider, accept a proposed transfer (the patient is then offered it) or decline it with a reason',
          params: IdParams,
          body: DecisionBody,
          response: { 200: TransferDecided, ...problems(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request) => decideTransfer(deps, staffOf(request), request.params.id, request.body.decision, request.body.reason),
    );
    api.get(
      '/mutual-aid/board',
      {
        config: oversight,
        schema: { tags: ['DMAS'], summary: 'The national board: requests, offers, patients waiting to move and moves by specialty and region', response: { 200: Board, ...problems(401, 403) } },
      },
      async () => ({ rows: await nationalBoard(deps) }),
    );
    api.post(
      '/mutual-aid/matching-runs',
      { config: oversight, schema: { tags: ['DMAS'], summary: 'Run the matching now (it also runs as a background job); idempotent', response: { 200: RunSummary, ...problems(401, 403) } } },
      async (request) => runMatching(deps, staffOf(request).username),
    );
    api.get(
      '/mutual-aid/matching-runs',
      {
        config: oversight,
        schema: { tags: ['DMAS'], summary: 'Recent matching runs, with their summaries (inputs and results are kept for audit)', response: { 200: RecentRuns, ...problems(401, 403) } },
      },
      async () => ({ runs: await recentRuns(deps) }),
    );
  };
}
