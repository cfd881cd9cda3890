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
import { LEEDS, loadDirectoryFixture } from '../../src/testing/directory-fixture.ts';
import { nhsNumberCheckDigit } from '../../src/domain/nhs-number.ts';
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

/** A valid NHS number in the synthetic range 999 xxx xxx x for each n. */
function nhsNumber(n: number): string {
  for (let k = n; ; k += 1_000_000) {
    const nine = String(990_000_000 + (k % 9_999_999));
    const check = nhsNumberCheckDigit(nine)!;
    if (check !== 10) return `${nine}${check}`;
  }
}

function referralBody(n: number) {
  return {
    patient: { nhsNumber: nhsNumber(n), givenName: 'Crash', familyName: `Patient ${n}`, dateOfBirth: '1970-01-31', postcode: LEEDS.postcode, email: null, mobile: null },
    specialty: '110',
    priority: 'ROUTINE',
    clinicalSummary: 'Left hip pain for a year; referred for assessment.',
    preferences: { sortBy: 'WAIT' },
    shortlist: null,
  };
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
async function checkDatabase(acknowledged: ReadonlyMap<string, number>, maxUnacknowledged: number) {
  const { pool } = database;
  const rows = (
    await pool.query<{ ubrn: string; options_offered: number; options: number; creation_events: number }>(
      `select r.ubrn, r.options_offered,
              (select count(*) from referral_option o where o.ubrn = r.ubrn)::int as options,
              (select count(*) from referral_event e where e.ubrn = r.ubrn and e.from_status is null and e.to_status = 'NOT_BOOKED')::int as creation_events
       from referral r`,
    )
  ).rows;
  const byUbrn = new Map(rows.map((r) => [r.ubrn, r]));

  // Every 201 the client received is there, whole.
  const missing = [...acknowledged.keys()].filter((u) => !byUbrn.has(u));
  assert.deepEqual(missing, [], `${missing.length} acknowledged referrals are missing after the restart`);
  for (const [ubrn, optionsOffered] of acknowledged) {
    const r = byUbrn.get(ubrn)!;
    assert.equal(r.options_offered, optionsOffered, `${ubrn}: optionsOffered as answered`);
    assert.equal(r.options, r.options_offered, `${ubrn}: all its options`);
    assert.equal(r.creation_events, 1, `${ubrn}: its creation event`);
  }

  // None half-written, acknowledged or not.
  const halfWritten = rows.filter((r) => r.options !== r.options_offered || r.options === 0 || r.creation_events !== 1);
  assert.deepEqual(halfWritten, [], 'no referral without all its options and exactly one creation event');
  const orphans = Number(
    (
      await pool.query(`select (select count(*) from referral_option o where not exists (select 1 from referral r where r.ubrn = o.ubrn))
                             + (select count(*) from referral_event e where not exists (select 1 from referral r where r.ubrn = e.ubrn)) as n`)
    ).rows[0].n,
  );
  assert.equal(orphans, 0, 'no options or events without their referral');
  // Those committed without a 201 reaching the client can only be requests that were in flight at a kill.
  const unacknowledged = rows.length - acknowledged.size;
  assert.ok(unacknowledged >= 0 && unacknowledged <= maxUnacknowledged, `${unacknowledged} committed without a 201; at most ${maxUnacknowledged} were in flight at the kills`);
  return { referrals: rows.length, unacknowledged };
}

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
