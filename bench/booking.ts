// Booking and referral benchmark: two app instances (bench/bench-server.ts, each its own process) on one
// PostgreSQL database.
//   1. creates referrals through the API (one per patient), publishes free slots of one shortlisted service, and
//      fires every booking attempt at once, split across the two instances, as the patients: each slot must be
//      booked exactly once and every other attempt must be a clean 409;
//   2. creates referrals as fast as it can for a while at a fixed concurrency, split across the instances.
//
//   npm run bench:booking -- [--attempts 1000] [--slots 100] [--duration 30] [--connections 20] [--pool-size 10] [--cpu-prof]
//
// Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/openchoice_bench_booking, dropped
// and created), BENCH_DURATION, BENCH_CONNECTIONS. Exits 1 if the booking race breaks its rules (a slot booked
// twice, an answer other than 201 or 409) or a referral is half-written; a missed throughput target is printed, not fatal.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { issuePatientToken, issueToken } from '../src/auth/sessions.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { createAccount, createOrganisation } from '../src/testing/accounts.ts';
import { LEEDS, loadDirectoryFixture } from '../src/testing/directory-fixture.ts';
import {
  type AppInstance,
  type Answer,
  pct,
  recreateDatabase,
  send,
  startInstance,
  stopInstance,
  syntheticNhsNumbers,
} from './support.ts';
import { cpuSnapshot, cpuUsed } from './cpu.ts';

const started = performance.now();

// ---------------------------------------------------------------- settings

const { values: flags } = parseArgs({
  options: {
    attempts: { type: 'string' },
    slots: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
    'pool-size': { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  process.stdout.write(`npm run bench:booking -- [options]
  --attempts N      booking attempts, one referral each, all at once (default 1000)
  --slots N         free slots they compete for (default 100)
  --duration S      seconds of referral creation in part 2 (BENCH_DURATION, default 30)
  --connections N   concurrent requests in part 2, split across the two instances (BENCH_CONNECTIONS, default 20)
  --pool-size N     database connections per app instance (default: the app's, 10)
  --cpu-prof        write V8 CPU profiles of both instances to bench/.profiles/
`);
  process.exit(0);
}

function positive(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not "${raw}"`);
  return Math.round(n);
}

const settings = {
  databaseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/openchoice_bench_booking',
  attempts: positive(flags.attempts, 1000, 'attempts'),
  slots: positive(flags.slots, 100, 'slots'),
  duration: positive(flags.duration ?? process.env.BENCH_DURATION, 30, 'duration'),
  connections: positive(flags.connections ?? process.env.BENCH_CONNECTIONS, 20, 'connections'),
  poolSize: flags['pool-size'] ? positive(flags['pool-size'], 10, 'pool-size') : undefined,
};
const TARGET_REFERRALS_PER_SECOND = 200;
const BOOKED_SERVICE = 'S1-110'; // 2 km from LS1 4AP: on every referral's default shortlist

// ---------------------------------------------------------------- output

const log = (line: string) => process.stdout.write(`${line}\n`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number) => `${n.toFixed(1)} ms`;
const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  log(`  ${ok ? 'ok  ' : 'FAIL'}  ${what}`);
  if (!ok) failures.push(what);
};

async function phase<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const result = await fn();
  log(`  ${label} (${secs(performance.now() - t0)})`);
  return result;
}

function countStatuses(answers: readonly Answer[]): Map<number, number> {
  const by = new Map<number, number>();
  for (const a of answers) by.set(a.status, (by.get(a.status) ?? 0) + 1);
  return by;
}
const statusList = (by: Map<number, number>) => [...by].sort(([a], [b]) => a - b).map(([s, n]) => `${s === 0 ? 'no answer' : s}: ${fmt(n)}`).join(', ');

// ---------------------------------------------------------------- referrals

const nhsNumbers = syntheticNhsNumbers();
let patientCounter = 0;

function referralBody() {
  patientCounter += 1;
  return {
    patient: {
      nhsNumber: nhsNumbers.next().value!,
      givenName: 'Bench',
      familyName: `Patient ${patientCounter}`,
      dateOfBirth: '1970-01-31',
      postcode: LEEDS.postcode,
      email: null,
      mobile: null,
    },
    specialty: '110',
    priority: 'ROUTINE',
    clinicalSummary: 'Right knee pain for 9 months, worse on stairs; X-ray shows moderate osteoarthritis.',
    preferences: { sortBy: 'WAIT' },
    shortlist: null,
  };
}

interface Run {
  answers: Answer[];
  ubrns: string[];
  wallMs: number;
  cpu: ReturnType<typeof cpuUsed>;
}

/**
 * Creates referrals at a fixed concurrency, worker i on instance i mod 2, until `count` are sent or the
 * deadline passes (whichever is given).
 */
async function createReferrals(instances: readonly AppInstance[], token: string, connections: number, until: { count: number } | { ms: number }): Promise<Run> {
  const answers: Answer[] = [];
  const ubrns: string[] = [];
  const before = cpuSnapshot(instances.map((i) => i.pid));
  const t0 = performance.now();
  const deadline = 'ms' in until ? t0 + until.ms : Infinity;
  let sent = 0;
  const more = () => ('count' in until ? sent < until.count : performance.now() < deadline);
  await Promise.all(
    Array.from({ length: connections }, async (_, worker) => {
      const instance = instances[worker % instances.length]!;
      while (more()) {
        sent += 1;
        const answer = await send(instance, 'POST', '/api/v1/referrals', { authorization: `Bearer ${token}` }, referralBody());
        answers.push(answer);
        if (answer.status === 201) ubrns.push((JSON.parse(answer.body) as { ubrn: string }).ubrn);
      }
    }),
  );
  const wallMs = performance.now() - t0;
  return { answers, ubrns, wallMs, cpu: cpuUsed(before, cpuSnapshot(instances.map((i) => i.pid)), answers.length) };
}

function describeRun(label: string, run: Run) {
  const latencies = run.answers.map((a) => a.ms).sort((a, b) => a - b);
  const created = run.ubrns.length;
  const rate = created / (run.wallMs / 1000);
  log(
    `  ${label}: ${fmt(created)} created in ${secs(run.wallMs)} = ${fmt(rate, 1)} referrals/s; ` +
      `latency p50 ${ms(pct(latencies, 50))}, p90 ${ms(pct(latencies, 90))}, p99 ${ms(pct(latencies, 99))}, max ${ms(latencies.at(-1) ?? NaN)}; ` +
      `answers ${statusList(countStatuses(run.answers))}`,
  );
  const other = run.answers.filter((a) => a.status !== 201);
  if (other.length > 0) log(`    first non-201: ${other[0]!.status} ${other[0]!.body.slice(0, 300)}`);
  return { rate, p50: pct(latencies, 50), p99: pct(latencies, 99), errors: other.length };
}

function describeCpu(label: string, cpu: Run['cpu']) {
  log(
    `  CPU ms per ${label} (cores busy): app instances ${cpu.apps.toFixed(2)} (${cpu.appsCores.toFixed(2)}), ` +
      `PostgreSQL ${cpu.postgres.toFixed(2)} (${cpu.postgresCores.toFixed(2)}), load generator ${cpu.loadGenerator.toFixed(2)} (${cpu.loadCores.toFixed(2)}); ` +
      `whole machine ${cpu.machineCores.toFixed(2)} of ${availableParallelism()} cores busy ` +
      `(other processes ${Math.max(0, cpu.machineCores - cpu.appsCores - cpu.postgresCores - cpu.loadCores).toFixed(2)}), iowait ${cpu.iowaitCores.toFixed(2)}`,
  );
}

/** Referrals/s the machine could give if it did nothing else: its cores over the CPU one referral costs. */
const cpuCeiling = (cpu: Run['cpu']) => (availableParallelism() * 1000) / (cpu.apps + cpu.postgres + cpu.loadGenerator);

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  log(
    `OpenChoice booking benchmark  (node ${process.version}, ${availableParallelism()} cores, two app instances; ` +
      `${settings.attempts} attempts for ${settings.slots} slots; then ${settings.duration} s of referrals at ${settings.connections} concurrent)`,
  );
  log(`database ${settings.databaseUrl}`);

  await phase('drop and create the database', () => recreateDatabase(settings.databaseUrl));
  const database = await openDatabase({ kind: 'postgres', url: settings.databaseUrl, poolSize: 8 });
  const { db, pool } = database;
  await phase('migrate', () => migrate(pool));
  const staffToken = await phase('load the fixture directory (Leeds), a GP practice and a referrer', async () => {
    await loadDirectoryFixture(database);
    await createOrganisation(database, 'B86001', 'Bench Surgery', 'GP_PRACTICE');
    const accountId = await createAccount(database, 'bench-referrer', 'referrer', 'B86001');
    return (await issueToken(db, accountId, 'api', 24)).token;
  });
  const settingsRows = (await pool.query<{ name: string; setting: string }>(
    `select name, setting from pg_settings where name in ('synchronous_commit', 'fsync', 'wal_sync_method', 'commit_delay', 'full_page_writes', 'max_connections', 'shared_buffers')`,
  )).rows;
  const pgSetting = (name: string) => settingsRows.find((r) => r.name === name)?.setting ?? '?';
  const synchronousCommit = (await pool.query<{ synchronous_commit: string }>('show synchronous_commit')).rows[0]!.synchronous_commit;

  const execArgv: string[] = [];
  if (flags['cpu-prof']) {
    const dir = fileURLToPath(new URL('./.profiles/', import.meta.url));
    await mkdir(dir, { recursive: true });
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  }
  const instances = await phase('start two app instances', () =>
    Promise.all([0, 1].map(() => startInstance(settings.databaseUrl, { ...(settings.poolSize ? { poolSize: settings.poolSize } : {}), execArgv }))),
  );
  log(`    pids ${instances.map((i) => i.pid).join(', ')}, ports ${instances.map((i) => i.port).join(', ')}`);

  let race: { booked: number; conflicts: number; other: number; rate: number; p50: number; p99: number; wallMs: number };
  let part2: ReturnType<typeof describeRun>;
  let part2Run: Run;
  try {
    // -------------------------------------------------------- part 1: the booking race
    log(`\npart 1: ${settings.attempts} booking attempts for ${settings.slots} slots`);
    const setup = await phase(`create ${settings.attempts} referrals through the API (${settings.connections} concurrent, both instances)`, () =>
      createReferrals(instances, staffToken, settings.connections, { count: settings.attempts }),
    );
    describeRun('referral creation', setup);
    if (setup.ubrns.length !== settings.attempts) throw new Error(`only ${setup.ubrns.length} of ${settings.attempts} referrals were created`);
    const onShortlist = Number(
      (await pool.query(`select count(*) as n from referral_option where service_id = $1 and ubrn = any($2)`, [BOOKED_SERVICE, setup.ubrns])).rows[0].n,
    );
    if (onShortlist !== settings.attempts) throw new Error(`${BOOKED_SERVICE} is on ${onShortlist} of ${settings.attempts} shortlists, not all`);

    const slotIds = await phase(`publish ${settings.slots} free slots of ${BOOKED_SERVICE}`, async () => {
      const first = new Date();
      first.setUTCDate(first.getUTCDate() + 7);
      first.setUTCHours(8, 0, 0, 0);
      const starts = Array.from({ length: settings.slots }, (_, i) => new Date(first.getTime() + i * 15 * 60_000));
      const rows = await pool.query<{ id: string }>(
        `insert into slot (service_id, starts_at, ends_at)
         select $1, s, s + interval '15 minutes' from unnest($2::timestamptz[]) as s returning id`,
        [BOOKED_SERVICE, starts],
      );
      return rows.rows.map((r) => r.id);
    });
    const patientTokens = await phase(`sign in ${settings.attempts} patients (tokens issued in the database)`, async () => {
      const tokens: string[] = [];
      for (let i = 0; i < setup.ubrns.length; i += 8) {
        const batch = await Promise.all(setup.ubrns.slice(i, i + 8).map((ubrn) => issuePatientToken(db, ubrn, 'api')));
        tokens.push(...batch.map((t) => t.token));
      }
      return tokens;
    });

    // Every attempt at once: referral i tries slot i mod slots, on instance i mod 2, with a key of its own.
    const attempts = setup.ubrns.map((ubrn, i) => ({ ubrn, token: patientTokens[i]!, slotId: slotIds[i % slotIds.length]!, instance: instances[i % 2]! }));
    const t0 = performance.now();
    const answers = await Promise.all(
      attempts.map((a) =>
        send(a.instance, 'POST', `/api/v1/referrals/${a.ubrn}/appointment`, { authorization: `Bearer ${a.token}`, 'idempotency-key': randomUUID() }, { slotId: a.slotId }),
      ),
    );
    const wallMs = performance.now() - t0;
    const by = countStatuses(answers);
    const booked = by.get(201) ?? 0;
    const conflicts = by.get(409) ?? 0;
    const latencies = answers.map((a) => a.ms).sort((a, b) => a - b);
    race = { booked, conflicts, other: answers.length - booked - conflicts, rate: answers.length / (wallMs / 1000), p50: pct(latencies, 50), p99: pct(latencies, 99), wallMs };
    log(
      `  ${fmt(answers.length)} attempts in ${secs(wallMs)} = ${fmt(race.rate, 1)} attempts/s; latency p50 ${ms(race.p50)}, p99 ${ms(race.p99)}, ` +
        `max ${ms(latencies.at(-1)!)}; answers ${statusList(by)}`,
    );
    const perInstance = instances.map((inst) => answers.filter((_, i) => attempts[i]!.instance === inst && answers[i]!.status === 201).length);
    log(`  201s by instance: ${perInstance.join(' + ')}`);
    const oddOnes = answers.map((a, i) => ({ a, i })).filter(({ a }) => a.status !== 201 && a.status !== 409);
    for (const { a, i } of oddOnes.slice(0, 5)) log(`    unexpected ${a.status} for ${attempts[i]!.ubrn}: ${a.body.slice(0, 300)}`);
    const conflictDetails = new Map<string, number>();
    for (const a of answers.filter((x) => x.status === 409)) {
      const detail = (JSON.parse(a.body) as { detail?: string }).detail ?? '(no detail)';
      conflictDetails.set(detail, (conflictDetails.get(detail) ?? 0) + 1);
    }
    for (const [detail, n] of conflictDetails) log(`  409 × ${fmt(n)}: "${detail}"`);

    const live = await pool.query<{ ubrn: string; slot_id: string }>('select ubrn, slot_id from appointment where cancelled_at is null');
    const perSlot = new Map<string, number>();
    for (const r of live.rows) perSlot.set(r.slot_id, (perSlot.get(r.slot_id) ?? 0) + 1);
    const winners = new Set(answers.flatMap((a, i) => (a.status === 201 ? [attempts[i]!.ubrn] : [])));
    const bookedReferrals = Number((await pool.query(`select count(*) as n from referral where status = 'BOOKED'`)).rows[0].n);
    const bookingEvents = Number((await pool.query(`select count(*) as n from referral_event where to_status = 'BOOKED'`)).rows[0].n);
    check(booked === settings.slots, `exactly ${settings.slots} answers 201 (${booked})`);
    check(conflicts === settings.attempts - settings.slots, `exactly ${settings.attempts - settings.slots} answers 409 (${conflicts})`);
    check(race.other === 0, `no other answers (${race.other})`);
    check([...conflictDetails.keys()].every((d) => /just been booked by someone else/.test(d)), 'every 409 says the slot was just booked by someone else');
    check(live.rows.length === settings.slots, `exactly ${settings.slots} live appointments in the database (${live.rows.length})`);
    check(perSlot.size === settings.slots && [...perSlot.values()].every((n) => n === 1), `every slot has exactly one live appointment (${perSlot.size} slots booked, most on one slot ${Math.max(0, ...perSlot.values())})`);
    check(live.rows.every((r) => winners.has(r.ubrn)) && winners.size === live.rows.length, 'the appointments are exactly those of the referrals that got a 201');
    check(bookedReferrals === settings.slots && bookingEvents === settings.slots, `${settings.slots} referrals BOOKED with a history event each (${bookedReferrals}, ${bookingEvents} events)`);

    // -------------------------------------------------------- part 2: referrals, flat out
    log(`\npart 2: create referrals for ${settings.duration} s, ${settings.connections} concurrent requests across both instances`);
    const walBefore = (await pool.query('select wal_records, wal_bytes, wal_write, wal_sync from pg_stat_wal')).rows[0] as Record<string, number | string>;
    const xactBefore = (await pool.query('select xact_commit from pg_stat_database where datname = current_database()')).rows[0] as { xact_commit: number };
    part2Run = await createReferrals(instances, staffToken, settings.connections, { ms: settings.duration * 1000 });
    part2 = describeRun('referral creation', part2Run);
    describeCpu('referral', part2Run.cpu);
    log(`  CPU ceiling on this machine alone: ${fmt(cpuCeiling(part2Run.cpu))} referrals/s (${availableParallelism()} cores ÷ CPU ms per referral of app + PostgreSQL + load generator)`);
    const walAfter = (await pool.query('select wal_records, wal_bytes, wal_write, wal_sync from pg_stat_wal')).rows[0] as Record<string, number | string>;
    const xactAfter = (await pool.query('select xact_commit from pg_stat_database where datname = current_database()')).rows[0] as { xact_commit: number };
    const n = Math.max(1, part2Run.ubrns.length);
    const delta = (k: string) => Number(walAfter[k]) - Number(walBefore[k]);
    log(
      `  PostgreSQL per referral: ${(delta('wal_records') / n).toFixed(1)} WAL records, ${fmt(delta('wal_bytes') / n)} WAL bytes, ` +
        `${(delta('wal_sync') / n).toFixed(2)} WAL fsyncs (${fmt(delta('wal_sync') / (part2Run.wallMs / 1000))}/s in all), ` +
        `${((Number(xactAfter.xact_commit) - Number(xactBefore.xact_commit)) / n).toFixed(1)} transactions (each statement outside BEGIN counts as one)`,
    );
    const inDb = Number((await pool.query('select count(*) as n from referral where ubrn = any($1)', [part2Run.ubrns])).rows[0].n);
    const halfWritten = Number(
      (
        await pool.query(`
          select count(*) as n from referral r
          where r.options_offered <> (select count(*) from referral_option o where o.ubrn = r.ubrn)
             or not exists (select 1 from referral_event e where e.ubrn = r.ubrn and e.from_status is null and e.to_status = 'NOT_BOOKED')`)
      ).rows[0].n,
    );
    const total = Number((await pool.query('select count(*) as n from referral')).rows[0].n);
    check(inDb === part2Run.ubrns.length, `every referral answered 201 is in the database (${fmt(inDb)} of ${fmt(part2Run.ubrns.length)})`);
    check(total === settings.attempts + part2Run.ubrns.length, `and no others (${fmt(total)} referrals in all = ${fmt(settings.attempts)} + ${fmt(part2Run.ubrns.length)})`);
    check(halfWritten === 0, `no referral without all its options or its creation event (${halfWritten})`);
    check(part2.errors === 0, `no answers other than 201 (${part2.errors})`);
  } finally {
    await Promise.all(instances.map(stopInstance));
  }
  await database.close();

  // ------------------------------------------------------------ summary
  const durable = synchronousCommit === 'on' && pgSetting('fsync') === 'on';
  log('\n================ summary ================');
  log(
    `PostgreSQL: synchronous_commit = ${synchronousCommit}, fsync = ${pgSetting('fsync')}, wal_sync_method = ${pgSetting('wal_sync_method')}, ` +
      `commit_delay = ${pgSetting('commit_delay')}; each 201 is sent after its transaction's COMMIT returned` +
      (durable ? ', so after its WAL was flushed to disk: durably committed' : ': NOT durable (a crash of PostgreSQL can lose acknowledged referrals)'),
  );
  log(
    `booking race: ${fmt(settings.attempts)} attempts for ${settings.slots} slots → ${race.booked} × 201, ${race.conflicts} × 409, ${race.other} other; ` +
      `${fmt(race.rate, 1)} attempts/s (all at once, ${secs(race.wallMs)}), p50 ${ms(race.p50)}, p99 ${ms(race.p99)}`,
  );
  log(
    `referrals: ${fmt(part2Run.ubrns.length)} in ${secs(part2Run.wallMs)} = ${fmt(part2.rate, 1)} referrals/s at ${settings.connections} concurrent; ` +
      `p50 ${ms(part2.p50)}, p99 ${ms(part2.p99)}; errors ${part2.errors}`,
  );
  const raceMet = race.booked === settings.slots && race.conflicts === settings.attempts - settings.slots && race.other === 0;
  const rateMet = part2.rate >= TARGET_REFERRALS_PER_SECOND && durable;
  log(`target: exactly ${settings.slots} bookings and ${settings.attempts - settings.slots} clean 409s: ${raceMet ? 'MET' : 'NOT MET'}`);
  log(`target: ≥ ${TARGET_REFERRALS_PER_SECOND} referrals/s durably committed: ${rateMet ? 'MET' : 'NOT MET'} (${fmt(part2.rate, 1)}/s${durable ? '' : ', not durable'})`);
  if (!rateMet) {
    const c = part2Run.cpu;
    const others = Math.max(0, c.machineCores - c.appsCores - c.postgresCores - c.loadCores);
    log('where the time goes:');
    log(
      `  CPU per referral: app ${c.apps.toFixed(2)} ms (both instances), PostgreSQL ${c.postgres.toFixed(2)} ms, load generator ${c.loadGenerator.toFixed(2)} ms; ` +
        `${c.machineCores.toFixed(2)} of ${availableParallelism()} cores busy, ${others.toFixed(2)} of them by other processes; iowait ${c.iowaitCores.toFixed(2)} cores`,
    );
    log(`  without other load this machine's ceiling is about ${fmt(cpuCeiling(c))} referrals/s`);
    if (c.machineCores > availableParallelism() * 0.9) log('  the machine is CPU-bound: rerun on a quiet machine, and see the profile (--cpu-prof) for the app\'s share');
    else log('  the machine is not CPU-bound: time goes in waiting (WAL flushes, locks, pool queueing); try more --connections or --pool-size');
  }
  const profiles = flags['cpu-prof'] ? (await readdir(fileURLToPath(new URL('./.profiles/', import.meta.url)))).filter((f) => f.endsWith('.cpuprofile')) : [];
  if (profiles.length > 0) log(`CPU profiles in bench/.profiles/: ${profiles.join(', ')}`);
  log(`whole run: ${secs(performance.now() - started)}`);
  if (failures.length > 0) {
    for (const f of failures) process.stderr.write(`FAILED: ${f}\n`);
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:booking failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
