import type { Deps } from '../deps.ts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PUBLIC } from '../http/access.ts';
import { compiledSerializerCompiler } from '../http/compiled-serializer.ts';
import { ProblemSchema } from '../http/schemas.ts';
import { FieldSerializers, fieldsParameter } from '../http/sparse-fields.ts';
import type { ZodApp } from '../http/zod.ts';
import { ShortlistAnswerFragments, ShortlistAnswerSchema, ShortlistBody } from './schemas.ts';
import { buildShortlist } from './service.ts';

export function shortlistRoutes(deps: Deps) {
  // The shortlist is the busiest public answer: written by a serializer compiled from its schema (README,
  // Performance), each service's part once per directory snapshot (its view is one frozen object per row), and cut
  // down to the fields a client names.
  const serializerCompiler = compiledSerializerCompiler([{ schema: ShortlistAnswerSchema, fragments: ShortlistAnswerFragments }]);
  const selections = new FieldSerializers(ShortlistAnswerSchema);
  return async function (app: FastifyInstance) {
    (app as ZodApp).post(
      '/shortlists',
      {
        config: { access: PUBLIC('it reveals no patient data: a postcode and a specialty in, public services out') },
        serializerCompiler,
        schema: {
          tags: ['shortlist'],
          summary: 'Ranked, explained options for a patient',
          querystring: z.object({ fields: fieldsParameter(ShortlistAnswerSchema) }),
          body: ShortlistBody,
          response: { 200: ShortlistAnswerSchema, 400: ProblemSchema, 413: ProblemSchema, 422: ProblemSchema },
        },
      },
      async (request, reply) => {
        const { fields } = request.query;
        if (fields) reply.serializer(selections.for(fields));
        return buildShortlist(deps, request.body);
      },
    );
  };
}
