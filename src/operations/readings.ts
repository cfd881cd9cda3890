// What operators read of the database at scrape time: the job queues, the outbox, the migration and data versions.
// The same in every instance (it is the database's), so it is read when asked rather than kept in a process; every
// reading is bounded by a short timeout, so that a scrape or a health check answers even when the database does not.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/** How long a scrape waits for the database before answering without its readings. */
export const READING_TIMEOUT_MS = 2000;

export class ReadingTimedOut extends Error {}

/** The reading, or a ReadingTimedOut after `ms`: the query may go on, but nobody waits for it. */
export async function withinTimeout<T>(ms: number, read: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ReadingTimedOut(`no answer from the database within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([read(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One transaction whose statements the database itself gives up on after the timeout too. */
function bounded<T>(db: Kysely<DB>, ms: number, read: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return withinTimeout(ms, () =>
    db.transaction().execute(async (trx) => {
      await sql`select set_config('statement_timeout', ${String(ms)}, true)`.execute(trx);
      return read(trx);
    }),
  );
}

export interface QueueReading {
  queue: string;
  /** Jobs due to start (created or to retry, and their start time passed) but not started. */
  waiting: number;
  active: number;
  /** How long the longest-waiting due job has waited to start; null when none waits. */
  oldestWaitingSeconds: number | null;
}

export interface OutboxReading {
  /** Messages not sent yet and not given up on (pending, or being sent). */
  unsent: number;
  /** How long ago the oldest of them was queued; null when none is. */
  oldestUnsentSeconds: number | null;
  /** Given up on after every attempt: someone must look at them. */
  failed: number;
}

export interface DatabaseReadings {
  latencyMs: number;
  queues: QueueReading[];
  outbox: OutboxReading;
  migrationVersion: number | null;
  dataVersions: { name: string; version: number; changedAt: string }[];
  /** The newest RTT waiting-times period loaded (`2026-09`), the source of indicative waits. */
  rttPeriod: string | null;
  /** The last import of each kind of reference data. */
  imports: { kind: string; finishedAt: string }[];
}

async function readQueues(trx: Kysely<DB>): Promise<QueueReading[]> {
  // Without background jobs (JOBS_ENABLED off) pg-boss may never have made its tables.
  const exists = await sql<{ found: boolean }>`select to_regclass('pgboss.job') is not null as found`.execute(trx);
  if (!exists.rows[0]?.found) return [];
  const rows = await sql<{ queue: string; waiting: string; active: string; oldest: number | null }>`
    select name as queue,
           count(*) filter (where state in ('created', 'retry') and start_after <= now()) as waiting,
           count(*) filter (where state = 'active') as active,
           extract(epoch from now() - min(start_after) filter (where state in ('created', 'retry') and start_after <= now()))::float8 as oldest
      from pgboss.job
     where state in ('created', 'retry', 'active')
     group by name
     order by name`.execute(trx);
  return rows.rows.map((r) => ({ queue: r.queue, waiting: Number(r.waiting), active: Number(r.active), oldestWaitingSeconds: r.oldest === null ? null : Number(r.oldest) }));
}

async function readOutbox(trx: Kysely<DB>): Promise<OutboxReading> {
  const row = await trx
    .selectFrom('outbox')
    .select([
      sql<string>`count(*) filter (where status in ('pending', 'sending'))`.as('unsent'),
      sql<number | null>`extract(epoch from now() - min(created_at) filter (where status in ('pending', 'sending')))::float8`.as('oldest'),
      sql<string>`count(*) filter (where status = 'failed')`.as('failed'),
    ])
    .executeTakeFirstOrThrow();
  return { unsent: Number(row.unsent), oldestUnsentSeconds: row.oldest === null ? null : Number(row.oldest), failed: Number(row.failed) };
}

/** The job queues and the outbox only: what a scrape needs. */
export function readBacklogs(db: Kysely<DB>, ms = READING_TIMEOUT_MS): Promise<{ queues: QueueReading[]; outbox: OutboxReading }> {
  return bounded(db, ms, async (trx) => ({ queues: await readQueues(trx), outbox: await readOutbox(trx) }));
}

/** Everything the health detail shows of the database. */
export function readDatabase(db: Kysely<DB>, ms = READING_TIMEOUT_MS): Promise<DatabaseReadings> {
  return bounded(db, ms, async (trx) => {
    const started = performance.now();
    await sql`select 1`.execute(trx);
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const migration = await sql<{ version: number | null }>`select max(version) as version from schema_migration`.execute(trx);
    const dataVersions = await trx.selectFrom('data_version').select(['name', 'version', 'changed_at']).orderBy('name').execute();
    const rtt = await trx.selectFrom('rtt_wait').select((eb) => eb.fn.max('period').as('period')).executeTakeFirst();
    const imports = await trx
      .selectFrom('import_run')
      .select(['kind', (eb) => eb.fn.max('finished_at').as('finished_at')])
      .groupBy('kind')
      .orderBy('kind')
      .execute();
    return {
      latencyMs,
      queues: await readQueues(trx),
      outbox: await readOutbox(trx),
      migrationVersion: migration.rows[0]?.version ?? null,
      dataVersions: dataVersions.map((d) => ({ name: d.name, version: Number(d.version), changedAt: new Date(d.changed_at).toISOString() })),
      rttPeriod: rtt?.period ?? null,
      imports: imports.map((i) => ({ kind: i.kind, finishedAt: new Date(i.finished_at).toISOString() })),
    };
  });
}
