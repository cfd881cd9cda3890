// The real server (`node src/server.ts`) is killed with SIGKILL in the middle of a stream of referral
// creations, then started again on the same PostgreSQL database. Every referral whose 201 reached the client
// must be there, whole (its options and its creation event); and no referral may be there half-written, whether
// its 201 was sent or not.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, test } from 'node:test';
import { issueToken } from '../../src/auth/sessions.ts';
import { createAccount, createOrganisation } from '../../src/testing/accounts.ts';
import { createScratchDatabase, type TestDatabase } from '../../src/testing/database.ts';
import { loadDirectoryFixture } from '../../src/testing/directory-fixture.ts';
import { checkReferralsWhole, referralBody } from '../support/referral-stream.ts';
import { type ServerProcess, startServerProcess } from '../support/server-process.ts';

const CONCURRENCY = 8;

let database: TestDatabase;
let databaseUrl: string;
let token: string;
const children = new Set<ChildProcess>();

before(async () => {
  database = await createScratchDatabase('crash_sigkill');
  // The child process reaches the same scratch database by URL.
  databaseUrl = database.url;
  await loadDirectoryFixture(database);
  await createOrganisation(database, 'B86001', 'Crash Test Surgery', 'GP_PRACTICE');
  const accountId = await createAccount(database, 'crash-referrer', 'referrer', 'B86001');
  token = (await issueToken(database.db, accountId, 'api')).token;
});

after(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await database?.drop();
});

async function startServer(): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    LOAD_DEMO_DATA: 'false',
    JOBS_ENABLED: 'false', // no background jobs competing for the database
    POSTCODES_IN_MEMORY: 'false',
  };
  const server = await startServerProcess(env, { timeoutMs: 30_000, pollMs: 100 });
  children.add(server.child);
  return server;
}

interface Round {
  killAfter: number;
  sent: number;
  acknowledgedThisRound: number;
  inFlightAtKill: number;
}

/** Streams referral creations at the server with a few concurrent requests and SIGKILLs it after `killAfter` 201s (and a random few ms). */
async function streamAndKill(server: { child: ChildProcess; base: string; output: () => string }, acknowledged: Map<string, number>, firstPatient: number, killAfter: number): Promise<Round> {
  const extraDelayMs = Math.random() * 25;
  let sent = 0;
  let acknowledgedThisRound = 0;
  let inFlight = 0;
  let inFlightAtKill = -1;
  let killed = false;
  const otherAnswers: string[] = [];
  const kill = () => {
    if (killed) return;
    killed = true;
    inFlightAtKill = inFlight;
    server.child.kill('SIGKILL');
  };
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (!killed) {
        const n = firstPatient + ++sent;
        inFlight += 1;
        try {
          const res = await fetch(`${server.base}/api/v1/referrals`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify(referralBody(n)),
          });
          const text = await res.text(); // the 201 counts as received only once its body (with the UBRN) is read
          if (res.status === 201) {
            const body = JSON.parse(text) as { ubrn: string; optionsOffered: number };
            acknowledged.set(body.ubrn, body.optionsOffered);
            if (++acknowledgedThisRound === killAfter) setTimeout(kill, extraDelayMs);
          } else otherAnswers.push(`${res.status} ${text.slice(0, 200)}`);
        } catch {
          // The connection died with the server: no answer, so no promise was made for this one.
          if (!killed) throw new Error(`request failed before the kill:\n${server.output()}`);
        } finally {
          inFlight -= 1;
        }
      }
    }),
  );
  const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
    server.child.exitCode !== null || server.child.signalCode !== null ? resolve(server.child.signalCode) : server.child.once('exit', (_c, sig) => resolve(sig)),
  );
  assert.equal(signal, 'SIGKILL', 'the server died by SIGKILL');
  assert.deepEqual(otherAnswers, [], 'every answer before the kill was a 201');
  return { killAfter, sent, acknowledgedThisRound, inFlightAtKill };
}

/** After a restart: every acknowledged referral is there, whole, and nothing is half-written. */
const checkDatabase = (acknowledged: ReadonlyMap<string, number>, maxUnacknowledged: number) => checkReferralsWhole(database.pool, acknowledged, maxUnacknowledged);

test('SIGKILL during a stream of referral creations loses no acknowledged referral and leaves none half-written', { timeout: 120_000 }, async () => {
  const ROUNDS = 3; // three kills at random moments: more chances to land inside a transaction
  const acknowledged = new Map<string, number>(); // ubrn → optionsOffered from the 201
  let server = await startServer();
  let patients = 0;
  let inFlightAtKills = 0;
  const lines: string[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const r = await streamAndKill(server, acknowledged, patients, 100 + Math.floor(Math.random() * 200));
    patients += r.sent;
    inFlightAtKills += r.inFlightAtKill;
    server = await startServer();
    const after = await checkDatabase(acknowledged, inFlightAtKills);
    lines.push(
      `round ${round}: SIGKILL after ${r.acknowledgedThisRound} × 201 (aimed at ${r.killAfter}), ${r.sent} sent, ${r.inFlightAtKill} in flight; ` +
        `after restart ${after.referrals} referrals, all ${acknowledged.size} acknowledged whole, ${after.unacknowledged} committed without their 201, none half-written`,
    );
  }
  try {
    // The restarted server serves the referrals, and takes new ones.
    for (const ubrn of [...acknowledged.keys()].slice(-5)) {
      const res = await fetch(`${server.base}/api/v1/referrals/${ubrn}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { shortlist: unknown[]; optionsOffered: number; history: { to: string }[] };
      assert.equal(body.shortlist.length, body.optionsOffered);
      assert.equal(body.history[0]?.to, 'NOT_BOOKED');
    }
    const again = await fetch(`${server.base}/api/v1/referrals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(referralBody(patients + 1)),
    });
    assert.equal(again.status, 201, await again.text());
    for (const line of lines) console.log(line);
  } finally {
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGTERM');
    await exited;
  }
});
