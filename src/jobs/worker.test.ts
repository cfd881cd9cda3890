// The real pg-boss worker on a scratch PostgreSQL database: it sends the outbox within seconds and runs the
// deferral job on start. "Within seconds" is the waiting limit below, not a measured duration: a busy machine
// must not fail the test by being slow.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { after, before, test } from 'node:test';
import { londonDate } from '../domain/dates.ts';
import { type Journeys, outboxOf, startJourneys } from '../testing/journeys.ts';
import { testConfig } from '../testing/database.ts';
import { type Jobs, type JobsDeps, startJobs } from './worker.ts';

let j: Journeys;
let jobs: Jobs | null = null;
const logged: string[] = [];
const log = {
  info: (_: object, msg?: string) => void logged.push(msg ?? ''), warn: (_: object, msg?: string) => void logged.push(`warn: ${msg}`), error: (_: object, msg?: string) => void logged.push(`error: ${msg}`),
} as unknown as JobsDeps['log'];

before(async () => {
  j = await startJourneys('jobs_worker');
});
after(async () => {
  await jobs?.stop();
  await j.close();
});

async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 8000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) assert.fail(`${what} did not happen within ${ms} ms (log: ${logged.join('; ')})`);
    await sleep(100);
  }
}

test('the pg-boss worker sends a new message within seconds and escalates an overdue deferral on start', async () => {
  // Overdue before the worker starts: the deferral job runs on start.
  const overdue = await j.newReferral();
  assert.equal((await j.defer(overdue.ubrn, 'S4-110', overdue.patient)).statusCode, 200);
  await j.database.db.updateTable('referral').set({ contact_by: '2020-01-01' }).where('ubrn', '=', overdue.ubrn).execute();
  assert.ok(londonDate() > '2020-01-01');

  const config = testConfig({ JOBS_ENABLED: 'true', OUTBOX_INTERVAL_SECONDS: '1' });
  jobs = await startJobs({ config, database: j.database, log });

  const r = await j.newReferral({ email: 'bea@example.com' });
  await eventually('the referral letter being sent', async () => {
    const rows = await outboxOf(j.database, r.ubrn);
    return rows.length === 2 && rows.every((m) => m.status === 'sent') ? rows : undefined;
  });
  const copies = await j.database.db.selectFrom('message_log').select(['channel', 'body']).where('ubrn', '=', r.ubrn).execute();
  assert.equal(copies.length, 2);

  await eventually('the overdue deferral being escalated and sent', async () => {
    const rows = (await outboxOf(j.database, overdue.ubrn)).filter((m) => m.kind === 'DEFERRAL_OVERDUE' && m.status === 'sent');
    return rows.length === 1 ? rows : undefined;
  });
  assert.ok(logged.includes('background jobs started'));
  await eventually('the survey run on start', async () => (logged.includes('survey invitations sent') ? true : undefined));
  assert.ok(!logged.some((l) => l.startsWith('error')), logged.join('; '));

  await jobs.stop();
  jobs = null;
});

test('the outbox sender resumes sending once it holds its lock again, after ticks that found it lost (a PostgreSQL restart)', async () => {
  const config = testConfig({ JOBS_ENABLED: 'true', OUTBOX_INTERVAL_SECONDS: '1' });
  jobs = await startJobs({ config, database: j.database, log });
  // The sender's lock connection cut, as a restart cuts it: ticks come while no lock is held (it is retaken after 2 s).
  await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'openchoice-outbox-sender'`.execute(j.database.db);
  await eventually('a tick finding the lock lost', async () => (logged.some((l) => l.startsWith('warn: outbox sender lost its lock connection')) ? true : undefined));
  await sleep(1500); // at least one tick while the lock is away

  const r = await j.newReferral({ email: 'cal@example.com' });
  await eventually('the referral letter being sent after the lock came back', async () => {
    const rows = await outboxOf(j.database, r.ubrn);
    return rows.length === 2 && rows.every((m) => m.status === 'sent') ? rows : undefined;
  }, 15_000);

  await jobs.stop();
  jobs = null;
});
