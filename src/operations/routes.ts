// For operators' machines: GET /metrics (Prometheus text format) and GET /health/detail (JSON), both behind
// METRICS_TOKEN and off (404) without it. GET /health stays the public probe (src/health/routes.ts).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { OPERATOR_TOKEN } from '../http/access.ts';
import { problems } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import { METRICS_CONTENT_TYPE, scrape } from './metrics.ts';
import { healthDetail } from './health-detail.ts';
import type { StartupLoading } from '../health/loading.ts';

const Queue = z.object({ queue: z.string(), waiting: z.number(), active: z.number(), oldestWaitingSeconds: z.number().nullable() });
const Outbox = z.object({ unsent: z.number(), oldestUnsentSeconds: z.number().nullable(), failed: z.number() });

const HealthDetail = z.object({
  status: z.enum(['ok', 'unavailable']),
  instance: z.object({ startedAt: z.string(), uptimeSeconds: z.number(), node: z.string() }),
  database: z.object({
    kind: z.enum(['pglite', 'postgres']),
    reachable: z.boolean(),
    latencyMs: z.number().nullable(),
    migrationVersion: z.number().nullable(),
    pool: z.object({ total: z.number(), idle: z.number(), waiting: z.number() }),
  }),
  maintenance: z.object({ on: z.boolean(), until: z.string().optional(), by: z.string().nullable().optional(), fromSetting: z.boolean().optional() }).nullable(),
  loading: z.array(z.string()),
  jobs: z.object({ enabled: z.boolean(), queues: z.array(Queue).nullable() }),
  outbox: Outbox.nullable(),
  data: z.object({
    versions: z.array(z.object({ name: z.string(), version: z.number(), changedAt: z.string() })).nullable(),
    rttPeriod: z.string().nullable(),
    imports: z.array(z.object({ kind: z.string(), finishedAt: z.string() })).nullable(),
    // What this instance holds in memory, and as of which data version (null until loaded).
    loadedHere: z.object({
      directoryVersion: z.number().nullable(),
      postcodes: z.enum(['off', 'loading', 'loaded']),
      postcodesVersion: z.number().nullable(),
    }),
  }),
});

export function operationsRoutes(deps: Deps, loading?: StartupLoading) {
  const { config, database } = deps;
  const startedAt = new Date();
  const token = config.metricsToken;
  return async function (app: FastifyInstance) {
    const api = app as ZodApp;

    app.get(
      '/metrics',
      {
        config: { access: OPERATOR_TOKEN(token, 'scraped by the operators\' Prometheus with METRICS_TOKEN') },
        schema: { hide: true, response: { 200: z.string(), ...problems(401, 404) } },
      },
      async (_request, reply) => reply.type(METRICS_CONTENT_TYPE).send(await scrape(database.db, database.pool)),
    );

    api.get(
      '/health/detail',
      {
        config: { access: OPERATOR_TOKEN(token, 'operators\' dashboards, with METRICS_TOKEN') },
        schema: { hide: true, response: { 200: HealthDetail, 503: HealthDetail, ...problems(401, 404) } },
      },
      async (_request, reply) => {
        const detail = await healthDetail(deps, startedAt, loading);
        return reply.code(detail.status === 'ok' ? 200 : 503).send(detail);
      },
    );
  };
}
