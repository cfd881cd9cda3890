import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { PUBLIC } from '../http/access.ts';
import type { ZodApp } from '../http/zod.ts';

const Health = z.object({ status: z.enum(['ok', 'unavailable']), database: z.enum(['pglite', 'postgres']) });

export function healthRoutes({ database }: { database: Database }) {
  return async function (app: FastifyInstance) {
    (app as ZodApp).get(
      '/health',
      {
        config: { access: PUBLIC('load balancers and monitors probe it; it reveals only the database kind') },
        schema: { tags: ['health'], summary: 'Is the service up and its database reachable?', response: { 200: Health, 503: Health } },
      },
      async (_request, reply) => {
        const ok = await database.ping();
        return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', database: database.kind });
      },
    );
  };
}
