// The real service (`node src/server.ts`, background jobs and outbox sender on) on a PostgreSQL server of this
// test's own, which is taken down and started again round after round while referrals stream in: by fast shutdown
// (57P01 on every checked-out connection, the crash of issue 12 defect 1: 3 of 24 restarts killed the process), by
// PostgreSQL's crash (SIGQUIT) and by SIGKILL to all its processes. The service must never exit, must answer 503
// problem+json (never 500) while the database is away, must serve again within seconds of the last restart, must
// have kept every referral it acknowledged, and its outbox must drain afterwards with each message sent once. Each
// referral carries its own Idempotency-Key and is sent again under it after a 503 until acknowledged: no patient may
// end up referred twice, although some COMMITs go through with their answer lost.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { issueToken } from '../../src/auth/sessions.ts';
import { type Database, openDatabase } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createAccount, createOrganisation } from '../../src/testing/accounts.ts';
import { loadDirectoryFixture } from '../../src/testing/directory-fixture.ts';
import { createPrivatePostgres, type PrivatePostgres, type StopMode } from '../support/private-postgres.ts';
import { checkOneReferralPerPatient, checkReferralsWhole, referralBody, referralKey } from '../support/referral-stream.ts';
import { type ServerProcess, startServerProcess } from '../support/server-process.ts';

const ROUNDS = 24; // the crash showed in 3 of 24 restarts under write load
const CONCURRENCY = 6; // requests in flight at once
const MODES: StopMode[] = ['fast', 'immediate', 'kill'];
const MESSAGES_PER_REFERRAL = 2; // the referral letter by post and by email
const RETRY_FOR_MS = 30_000; // how long a client keeps sending one referral again before giving up on it

let postgres: PrivatePostgres;
let database: Database;
let server: ServerProcess | undefined;
let token: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  postgres = await createPrivatePostgres();
  await postgres.start();
  const admin = new pg.Client({ connectionString: postgres.urlFor('postgres') });
  await admin.connect();
  await admin.query('create database openchoice');
  await admin.end();
  // This test's own pool lives through the restarts too: a lost connection is expected, not a failure.
  database = await openDatabase({ kind: 'postgres', url: postgres.urlFor('openchoice'), poolSize: 2 }, () => {});
  await migrate(database.pool);
  await loadDirectoryFixture(database);
  await createOrganisation(database, 'B86001', 'Drill Surgery', 'GP_PRACTICE');
  token = (await issueToken(database.db, await createAccount(database, 'drill-referrer', 'referrer', 'B86001'), 'api')).token;
  server = await startServerProcess(
    {
      ...process.env,
      NODE_ENV: 'development',
      DATABASE_URL: postgres.urlFor('openchoice'),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      LOAD_DEMO_DATA: 'false',
      POSTCODES_IN_MEMORY: 'false',
      JOBS_ENABLED: 'true', // the outbox sender runs through the restarts
      OUTBOX_INTERVAL_SECONDS: '1',
      OUTBOX_RETRY_BASE_SECONDS: '1', // a send that failed with the database is tried again within the test
    },
    { timeoutMs: 60_000, pollMs: 100 },
  );
});

after(async () => {
  if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await database?.close().catch(() => {});
  await postgres?.destroy();
});

interface Load {
  sent: number; // referrals begun, one patient each
  requests: number; // requests made, retries included
  acknowledged: Map<string, number>; // ubrn → optionsOffered from its 201
  acknowledgedPatients: Map<number, string>; // patient n → the UBRN its 201 named
  /** When each acknowledged referral's answering request was sent: a referral committed before it was given back. */
  answeredRequestSentAt: Map<string, number>;
  retried: number; // referrals sent more than once, after a 503 or a dropped connection
  abandoned: number[]; // patients whose referral was still not acknowledged after RETRY_FOR_MS
  refused: number; // 503 problem+json with Retry-After
  /** Anything else: a 500, a 503 of the wrong shape, a dropped connection, a request that hung. */
  wrong: string[];
  stop(): Promise<void>;
}

/**
 * Referral creations from CONCURRENCY clients until stopped; every answer classified. Each referral has its own
 * Idempotency-Key and is sent again under it, the same request, after a 503 or a dropped connection until it is
 * acknowledged (for at most RETRY_FOR_MS), as a careful client would: its COMMIT may have gone through unanswered.
 */
function startLoad(base: string): Load {
  let stopping = false;
  const load: Load = {
    sent: 0, requests: 0, acknowledged: new Map(), acknowledgedPatients: new Map(), answeredRequestSentAt: new Map(),
    retried: 0, abandoned: [], refused: 0, wrong: [], stop: async () => {},
  };
  /** One try: 'done' when answered for good (201, or an answer no retry would mend), 'again' after a 503 or no answer. */
  const send = async (n: number, body: string): Promise<'done' | 'again'> => {
    load.requests++;
    const sentAt = Date.now();
    try {
      const res = await fetch(`${base}/api/v1/referrals`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': referralKey(n) },
        body,
        signal: AbortSignal.timeout(20_000),
      });
      const text = await res.text(); // acknowledged only once the body with its UBRN has arrived
      if (res.status === 201) {
        const answer = JSON.parse(text) as { ubrn: string; optionsOffered: number };
        load.acknowledged.set(answer.ubrn, answer.optionsOffered);
        load.acknowledgedPatients.set(n, answer.ubrn);
        load.answeredRequestSentAt.set(answer.ubrn, sentAt);
        return 'done';
      }
      if (res.status === 503 && res.headers.get('content-type')?.startsWith('application/problem+json') && res.headers.get('retry-after')) {
        load.refused++;
        return 'again';
      }
      load.wrong.push(`${res.status} ${res.headers.get('content-type')} ${text.slice(0, 300)}`);
      return 'done';
    } catch (err) {
      load.wrong.push(`no answer: ${(err as Error).message}`);
      return 'again';
    }
  };
  const client = async () => {
    while (!stopping) {
      const n = ++load.sent;
      const body = JSON.stringify(referralBody(n, { email: `patient${n}@example.org` }));
      const giveUpAt = Date.now() + RETRY_FOR_MS;
      for (let tries = 1; (await send(n, body)) === 'again'; tries++) {
        if (tries === 1) load.retried++;
        if (Date.now() > giveUpAt) {
          load.abandoned.push(n);
          break;
        }
        await sleep(100); // a client told to come back does not hammer the service meanwhile
      }
    }
  };
  const clients = Array.from({ length: CONCURRENCY }, client);
  load.stop = async () => {
    stopping = true;
    await Promise.all(clients);
  };
  return load;
}

async function health(base: string): Promise<number> {
  try {
    return (await fetch(`${base}/health`, { signal: AbortSignal.timeout(5000) })).status;
  } catch {
    return 0;
  }
}

/** Waits until `acknowledged` grows by `more` (the service writing again), or the time is up. */
async function untilAcknowledged(load: Load, more: number, timeoutMs: number): Promise<boolean> {
  const target = load.acknowledged.size + more;
  const deadline = Date.now() + timeoutMs;
  while (load.acknowledged.size < target) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

test(`the service survives ${ROUNDS} PostgreSQL restarts under write load, losing no acknowledged referral and no message, referring no patient twice`, { timeout: 240_000 }, async () => {
  const { child, base } = server!;
  let exit: string | null = null;
  child.once('exit', (code, signal) => (exit = `exit code ${code}, signal ${signal}`));
  const healthDuringOutage: number[] = [];
  const stalls: number[] = [];
  const t0 = Date.now();

  const load = startLoad(base);
  let recoveredInMs = -1;
  let firstWriteInMs = -1;
  try {
    assert.ok(await untilAcknowledged(load, 10, 30_000), 'the service takes referrals before the drill');
    let round = 0;
    while (++round <= ROUNDS && exit === null) {
      // Under write load at the kill: a few referrals acknowledged since the last restart, then a random moment.
      if (!(await untilAcknowledged(load, 5, 20_000))) stalls.push(round);
      await sleep(Math.random() * 400);
      await postgres.stop(MODES[round % MODES.length]!);
      await sleep(200 + Math.random() * 500);
      healthDuringOutage.push(await health(base));
      await postgres.start();
    }
    assert.equal(exit, null, `the service never exits; it did (${exit}) in round ${round - 1} of ${ROUNDS}:\n${server!.output().slice(-3000)}`);
    const restartedAt = Date.now();
    for (;;) {
      if ((await health(base)) === 200) break;
      assert.ok(Date.now() - restartedAt < 15_000, 'GET /health answers 200 within 15 s of the last restart');
      await sleep(50);
    }
    recoveredInMs = Date.now() - restartedAt;
    assert.ok(await untilAcknowledged(load, 1, 15_000), 'a referral is acknowledged within 15 s of the last restart');
    firstWriteInMs = Date.now() - restartedAt;
    await untilAcknowledged(load, 20, 10_000);
  } finally {
    await load.stop();
  }

  assert.equal(exit, null, `the service never exits:\n${server!.output().slice(-6000)}`);
  assert.deepEqual(stalls, [], 'every round had the service writing before the database went away');
  const errorLines = server!.output().split('\n').filter((l) => l.includes('"level":50')).slice(0, 10).join('\n');
  assert.deepEqual(load.wrong, [], `every answer was a 201, or a 503 problem+json with Retry-After; the service logged:\n${errorLines}`);
  assert.ok(load.refused > 0, 'requests came while the database was away, and were refused with 503');
  assert.deepEqual([...new Set(healthDuringOutage)], [503], 'GET /health said 503 while the database was away');

  // Every referral was acknowledged in the end, sent again under its key as often as it took; each is there, whole,
  // and no patient was referred twice: no acknowledged write lost and no write made twice.
  assert.deepEqual(load.abandoned, [], `every referral acknowledged within ${RETRY_FOR_MS / 1000} s of retries`);
  // Checked first, as a retry that made a second referral would otherwise show only as a commit left unanswered.
  const { patients } = await checkOneReferralPerPatient(database.pool, load.acknowledgedPatients);
  const referrals = await checkReferralsWhole(database.pool, load.acknowledged, load.sent - load.acknowledged.size);
  assert.equal(patients, load.sent, 'one referral for each patient sent');
  // The retries that mattered: the referral had committed before the request that was answered was sent.
  const createdAt = new Map((await database.pool.query<{ ubrn: string; created_at: Date }>('select ubrn, created_at from referral')).rows.map((r) => [r.ubrn, r.created_at.getTime()]));
  const givenBack = [...load.answeredRequestSentAt].filter(([ubrn, sentAt]) => createdAt.get(ubrn)! < sentAt).length;

  // The outbox drains: every referral's letter and email sent, each exactly once, the sender resuming on its own.
  const drainStart = Date.now();
  let pending = -1;
  for (;;) {
    pending = Number((await database.pool.query(`select count(*) as n from outbox where status <> 'sent'`)).rows[0].n);
    if (pending === 0 || Date.now() - drainStart > 30_000) break;
    await sleep(250);
  }
  const drainedInMs = Date.now() - drainStart;
  if (pending !== 0) {
    const q = async (text: string) => JSON.stringify((await database.pool.query(text)).rows);
    const state = [
      await q(`select status, count(*)::int as n, max(attempts) as attempts, count(claimed_by)::int as claimed, min(next_attempt_at - now())::text as due_in from outbox group by status`),
      await q(`select objid, granted from pg_locks where locktype = 'advisory'`),
      await q(`select application_name, state, wait_event, left(query, 80) as query from pg_stat_activity where datname = 'openchoice'`),
      server!.output().split('\n').filter((l) => /outbox|job queue/.test(l)).slice(-15).join('\n'),
    ];
    assert.fail(`the outbox drains within 30 s of the load stopping: ${pending} not sent\n${state.join('\n')}`);
  }
  const messages = (
    await database.pool.query<{ outbox: number; logged: number; twice: number; short: number }>(
      `select (select count(*) from outbox)::int as outbox,
              (select count(*) from message_log)::int as logged,
              (select count(*) from (select 1 from message_log group by outbox_id having count(*) > 1) d)::int as twice,
              (select count(*) from (select r.ubrn from referral r left join outbox o on o.ubrn = r.ubrn group by r.ubrn having count(o.id) <> ${MESSAGES_PER_REFERRAL}) s)::int as short`,
    )
  ).rows[0]!;
  assert.equal(messages.short, 0, `every referral has its ${MESSAGES_PER_REFERRAL} messages in the outbox`);
  assert.equal(messages.twice, 0, 'no message was sent twice');
  assert.equal(messages.logged, messages.outbox, 'every message sent once');

  console.log(
    `${ROUNDS} restarts (${MODES.join(', ')} in turn) in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${CONCURRENCY} requests in flight: ` +
      `${load.sent} referrals sent in ${load.requests} requests (${load.retried} sent again under their Idempotency-Key), ` +
      `${load.acknowledged.size} acknowledged (all there, whole, one per patient), ${load.refused} refused with 503 problem+json, ` +
      `${givenBack} committed under a lost answer and given back on a retry, ${referrals.unacknowledged} committed without their 201 reaching the client, 0 other answers; /health 503 in each outage; ` +
      `after the last restart /health 200 in ${recoveredInMs} ms and the first referral acknowledged in ${firstWriteInMs} ms; ` +
      `outbox of ${messages.outbox} messages drained ${drainedInMs} ms after the load stopped, each sent once; the service never exited`,
  );

  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
});
