import type { Deps } from '../deps.ts';
import type { FastifyInstance } from 'fastify';
import { PUBLIC } from '../http/access.ts';
import { ProblemSchema } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import { ShortlistAnswerSchema, ShortlistBody } from './schemas.ts';
import { buildShortlist } from './service.ts';

export function shortlistRoutes(deps: Deps) {
  return async function (app: FastifyInstance) {
    (app as ZodApp).post(
      '/shortlists',
      {
        config: { access: PUBLIC('it reveals no patient data: a postcode and a specialty in, public services out') },
        schema: {
          tags: ['shortlist'],
          summary: 'Ranked, explained options for a patient',
          body: ShortlistBody,
          response: { 200: ShortlistAnswerSchema, 400: ProblemSchema, 413: ProblemSchema, 422: ProblemSchema },
        },
      },
      async (request) => buildShortlist(deps, request.body),
    );
  };
}
