// The /metrics answer: this process's own metrics (src/http/metrics.ts), its database pool, and the backlogs read
// from the database now. When the database does not answer in time the backlog gauges are left out and
// openchoice_database_up says 0, so an alert can tell "no backlog" from "could not look".
import type pg from 'pg';
import type { Kysely } from 'kysely';
import { Gauge, Registry } from 'prom-client';
import type { DB } from '../db/schema.ts';
import { processMetrics } from '../http/metrics.ts';
import { readBacklogs } from './readings.ts';

export const METRICS_CONTENT_TYPE = processMetrics.contentType;

function gauge(registry: Registry, name: string, help: string, labelNames: string[] = []): Gauge<string> {
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

export async function scrape(db: Kysely<DB>, pool: pg.Pool, timeoutMs?: number): Promise<string> {
  const now = new Registry();
  gauge(now, 'openchoice_db_pool_connections', 'Connections this instance\'s pool holds').set(pool.totalCount);
  gauge(now, 'openchoice_db_pool_idle_connections', 'Of them, idle').set(pool.idleCount);
  gauge(now, 'openchoice_db_pool_waiting_requests', 'Queries waiting for a connection').set(pool.waitingCount);
  const up = gauge(now, 'openchoice_database_up', '1 when the database answered this scrape\'s readings in time, else 0');
  try {
    const { queues, outbox } = await readBacklogs(db, timeoutMs);
    up.set(1);
    const depth = gauge(now, 'openchoice_job_queue_waiting', 'Jobs due to start but not started, by queue', ['queue']);
    const active = gauge(now, 'openchoice_job_queue_active', 'Jobs running, by queue', ['queue']);
    const age = gauge(now, 'openchoice_job_queue_oldest_waiting_seconds', 'How long the longest-waiting due job has waited, by queue', ['queue']);
    for (const q of queues) {
      depth.set({ queue: q.queue }, q.waiting);
      active.set({ queue: q.queue }, q.active);
      age.set({ queue: q.queue }, q.oldestWaitingSeconds ?? 0);
    }
    gauge(now, 'openchoice_outbox_unsent', 'Messages to patients and providers not sent yet').set(outbox.unsent);
    gauge(now, 'openchoice_outbox_oldest_unsent_seconds', 'Age of the oldest unsent message (0 when none)').set(outbox.oldestUnsentSeconds ?? 0);
    gauge(now, 'openchoice_outbox_failed', 'Messages given up on after every attempt').set(outbox.failed);
  } catch {
    up.set(0);
  }
  return exposition((await processMetrics.metrics()) + (await now.metrics()));
}

/**
 * prom-client writes a value that is not a number as "Nan" (the event loop's lag before its first sample, say);
 * the exposition format spells it "NaN", and a strict parser refuses anything else.
 */
export function exposition(text: string): string {
  return text.replace(/ Nan$/gm, ' NaN');
}
