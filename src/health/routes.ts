import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { PUBLIC } from '../http/access.ts';
import type { ZodApp } from '../http/zod.ts';
import type { StartupLoading } from './loading.ts';

const Health = z.object({
  status: z.enum(['ok', 'unavailable']),
  database: z.enum(['pglite', 'postgres']),
  loading: z.array(z.string()).optional()
    .describe('present while the instance answers but is still loading data in the background (e.g. "demo referral history"); absent once all is loaded'),
});

export function healthRoutes({ database, loading }: { database: Database; loading?: StartupLoading }) {
  return async function (app: FastifyInstance) {
    (app as ZodApp).get(
      '/health',
      {
        config: { access: PUBLIC('load balancers and monitors probe it; it reveals only the database kind') },
        schema: { tags: ['health'], summary: 'Is the service up and its database reachable?', response: { 200: Health, 503: Health } },
      },
      async (_request, reply) => {
        const ok = await database.ping();
        const pending = loading?.pending ?? [];
        return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', database: database.kind, ...(pending.length > 0 ? { loading: pending } : {}) });
      },
    );
  };
}
