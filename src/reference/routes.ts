import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { PUBLIC } from '../http/access.ts';
import { badRequest, notFound } from '../http/problem.ts';
import { ProblemSchema } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import type { PostcodeDirectory } from './postcodes.ts';
import { listSpecialties } from './queries.ts';

const SpecialtiesAnswer = z.object({
  specialties: z.array(
    z.object({
      code: z.string().describe('NHS Data Dictionary treatment function code'),
      name: z.string(),
      serviceCount: z.number().int().describe('active, accredited services listed in the directory'),
    }),
  ),
});

const PostcodeAnswer = z.object({
  postcode: z.string(),
  latitude: z.number(),
  longitude: z.number(),
  precision: z.enum(['postcode', 'sector', 'outcode']).describe('sector or outcode: the centroid of that area was used'),
});

export function referenceRoutes({ database, postcodes }: { database: Database; postcodes: PostcodeDirectory }) {
  return async function (app: FastifyInstance) {
    const api = app as ZodApp;
    api.get(
      '/specialties',
      {
        config: { access: PUBLIC('reference data') },
        schema: {
          tags: ['reference'],
          summary: 'Treatment function codes (specialties)',
          querystring: z.object({ listed: z.enum(['true', 'false']).optional().describe('true: only those with services') }),
          response: { 200: SpecialtiesAnswer },
        },
      },
      async (request) => ({
        specialties: await listSpecialties(database.db, { listedOnly: request.query.listed === 'true' }),
      }),
    );

    api.get(
      '/postcodes/:postcode',
      {
        config: { access: PUBLIC('public reference data (OS Code-Point Open)') },
        schema: {
          tags: ['reference'],
          summary: 'Where a postcode, sector or outward code is',
          params: z.object({ postcode: z.string() }),
          response: { 200: PostcodeAnswer, 400: ProblemSchema, 404: ProblemSchema },
        },
      },
      async (request) => {
        const result = await postcodes.lookup(request.params.postcode);
        if ('malformed' in result) {
          throw badRequest(`"${request.params.postcode.slice(0, 20)}" is not a UK postcode, sector or outward code.`, [
            { field: 'postcode', message: 'Enter a full postcode such as LS1 4AP' },
          ]);
        }
        if ('unknown' in result) throw notFound(`Postcode ${result.unknown} is not in the postcode directory.`);
        return result.found;
      },
    );
  };
}
