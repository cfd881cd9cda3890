// This process's metrics for operators (served at /metrics by src/operations/routes.ts): requests by route template
// and status class, Node's own process metrics, and the sign-in counters that src/auth increments. One registry per
// process, not prom-client's global one: several instances behind a load balancer are each scraped for their own,
// and the database-derived gauges (queues, outbox) are read at scrape time instead, so they are never kept here.
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export const processMetrics = new Registry();
collectDefaultMetrics({ register: processMetrics, prefix: 'openchoice_' });

const requestSeconds = new Histogram({
  name: 'openchoice_http_request_duration_seconds',
  help: 'Time to answer a request, by method, route template (never the raw URL) and status class',
  labelNames: ['method', 'route', 'status_class'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [processMetrics],
});

export const signInFailures = new Counter({
  name: 'openchoice_sign_in_failures_total',
  help: 'Failed sign-ins, staff (password) or patient (UBRN and access code)',
  labelNames: ['who'] as const,
  registers: [processMetrics],
});

export const signInLockouts = new Counter({
  name: 'openchoice_sign_in_lockouts_total',
  help: 'Sign-in limits reached: an account (or a patient\'s UBRN) locked, or an address limited',
  labelNames: ['limit'] as const,
  registers: [processMetrics],
});

export const readAuditWriteFailures = new Counter({
  name: 'openchoice_read_audit_write_failures_total',
  help: 'Reads of patient data answered but not recorded in the read audit (its write failed; each is also a security event in the log)',
  registers: [processMetrics],
});

/** The label for a request's route: its template as registered, or one value for every URL that matched none. */
function routeLabel(template: string | undefined): string {
  return template ?? 'unmatched';
}

/** Times every answer of the app into the request histogram. */
export function observeRequests(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    requestSeconds.observe(
      { method: request.method, route: routeLabel(request.routeOptions.url), status_class: `${Math.floor(reply.statusCode / 100)}xx` },
      reply.elapsedTime / 1000,
    );
  });
}
