// GET /metrics and GET /health/detail: off (404) without METRICS_TOKEN, refused without it or with any other token
// (a sign-in of any role included), Prometheus text format, requests timed by route template, the outbox backlog
// read at scrape time, and an answer within the timeout when the database does not answer.
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { buildApp } from '../app.ts';
import { StartupLoading } from '../health/loading.ts';
import { issueToken } from '../auth/sessions.ts';
import type { DB } from '../db/schema.ts';
import { createRoleAccounts } from '../testing/accounts.ts';
import { createScratchDatabase, type TestDatabase, testConfig } from '../testing/database.ts';
import { loadDirectoryFixture } from '../testing/directory-fixture.ts';
import { exposition, scrape } from './metrics.ts';
import { ReadingTimedOut, withinTimeout } from './readings.ts';

const TOKEN = 'operators-token-0123456789abcdef';
let database: TestDatabase;
let off: FastifyInstance;
let on: FastifyInstance;
let referrerToken: string;
let adminToken: string;

before(async () => {
  database = await createScratchDatabase('operations');
  await loadDirectoryFixture(database);
  await createRoleAccounts(database, 'RXX');
  off = await buildApp({ config: testConfig(), database, logger: false });
  on = await buildApp({ config: testConfig({ METRICS_TOKEN: TOKEN }), database, logger: false });
  const ids = new Map((await database.db.selectFrom('account').select(['id', 'role']).execute()).map((a) => [a.role, a.id]));
  referrerToken = (await issueToken(database.db, ids.get('referrer')!, 'api')).token;
  adminToken = (await issueToken(database.db, ids.get('admin')!, 'api')).token;
});
after(async () => {
  await off.close();
  await on.close();
  await database.drop();
});

const get = (app: FastifyInstance, url: string, token?: string) =>
  app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });
const metrics = async () => {
  const res = await get(on, '/metrics', TOKEN);
  assert.equal(res.statusCode, 200, res.body);
  return res.body;
};
/** The value of one sample, by its name and labels as written (`name{a="b"}`), or undefined when absent. */
const sample = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('who may read them', () => {
  test('off without METRICS_TOKEN: 404 for everyone, the operators\' token included', async () => {
    for (const url of ['/metrics', '/health/detail']) {
      for (const token of [undefined, TOKEN, adminToken]) assert.equal((await get(off, url, token)).statusCode, 404, `${url} ${token ?? 'none'}`);
    }
  });

  test('on: 401 without a token, with a wrong one, and with a signed-in administrator\'s; 200 with the token', async () => {
    for (const url of ['/metrics', '/health/detail']) {
      const none = await get(on, url);
      assert.equal(none.statusCode, 401);
      assert.equal(none.headers['www-authenticate'], 'Bearer');
      assert.equal((await get(on, url, `${TOKEN}x`)).statusCode, 401);
      assert.equal((await get(on, url, 'short')).statusCode, 401);
      assert.equal((await get(on, url, adminToken)).statusCode, 401, 'a sign-in is not the operators\' token');
      const ok = await get(on, url, TOKEN);
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.headers['cache-control'], 'no-store');
    }
  });

  test('METRICS_TOKEN must be long enough to be a secret', () => {
    assert.throws(() => testConfig({ METRICS_TOKEN: 'guessable' }), /METRICS_TOKEN: must be at least 16 characters/);
  });
});

describe('GET /metrics', () => {
  test('a value that is not a number is written NaN, as the format spells it (prom-client writes "Nan")', () => {
    assert.equal(exposition('a_seconds Nan\nb_seconds 1\nc{x="Nan"} Nan\n'), 'a_seconds NaN\nb_seconds 1\nc{x="Nan"} NaN\n');
  });

  test('is the Prometheus text format, every line', async () => {
    const res = await get(on, '/metrics', TOKEN);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const name = '[a-zA-Z_:][a-zA-Z0-9_:]*';
    const labels = `\\{(${name}="(?:[^"\\\\\\n]|\\\\.)*"(,${name}="(?:[^"\\\\\\n]|\\\\.)*")*,?)?\\}`;
    const sampleLine = new RegExp(`^${name}(${labels})? (-?[0-9.]+(e[+-]?[0-9]+)?|NaN|[+-]Inf)( -?[0-9]+)?$`);
    const help = new RegExp(`^# HELP ${name} .*$`);
    const type = new RegExp(`^# TYPE ${name} (counter|gauge|histogram|summary|untyped)$`);
    const bad = res.body.split('\n').filter((l) => l !== '' && !sampleLine.test(l) && !help.test(l) && !type.test(l));
    assert.deepEqual(bad, []);
    for (const metric of ['openchoice_http_request_duration_seconds', 'openchoice_db_pool_connections', 'openchoice_database_up', 'openchoice_outbox_unsent', 'openchoice_process_cpu_user_seconds_total', 'openchoice_sign_in_failures_total']) {
      assert.match(res.body, new RegExp(`^# TYPE ${metric} `, 'm'), metric);
    }
    // Before any test has started pg-boss: its tables do not exist yet, and that is no failure to read.
    assert.equal(sample(res.body, 'openchoice_database_up'), 1);
  });

  test('a request made is counted in the latency histogram under its route template, not its URL', async () => {
    const series = 'openchoice_http_request_duration_seconds_count{method="GET",route="/api/v1/services/:id",status_class="4xx"}';
    const before = sample(await metrics(), series) ?? 0;
    assert.equal((await get(on, '/api/v1/services/no-such-service-7f3a')).statusCode, 404);
    const text = await metrics();
    assert.equal(sample(text, series), before + 1);
    assert.doesNotMatch(text, /no-such-service-7f3a/, 'no raw URL in a label');
    const ok = 'openchoice_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/api/v1/specialties",status_class="2xx"}';
    const okBefore = sample(text, ok) ?? 0;
    await get(on, '/api/v1/specialties');
    assert.equal(sample(await metrics(), ok), okBefore + 1);
  });

  test('a failed sign-in is counted', async () => {
    const series = 'openchoice_sign_in_failures_total{who="staff"}';
    const before = sample(await metrics(), series) ?? 0;
    await on.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'referrer', password: 'wrong' }, remoteAddress: '10.20.0.1' });
    assert.equal(sample(await metrics(), series), before + 1);
  });

  test('the outbox backlog reflects a message waiting to be sent, and its age', async () => {
    const referral = await on.inject({
      method: 'POST', url: '/api/v1/referrals', headers: { authorization: `Bearer ${referrerToken}` },
      payload: { patient: { nhsNumber: '9990000018', givenName: 'Ann', familyName: 'Smith', dateOfBirth: '1970-01-31', postcode: 'LS1 4AP' }, specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Knee pain' },
    });
    assert.equal(referral.statusCode, 201, referral.body);
    await database.db.updateTable('outbox').set({ status: 'sent', sent_at: new Date() }).execute();
    assert.equal(sample(await metrics(), 'openchoice_outbox_unsent'), 0);
    assert.equal(sample(await metrics(), 'openchoice_outbox_oldest_unsent_seconds'), 0);
    await sql`update outbox set status = 'pending', sent_at = null, created_at = now() - interval '1 hour'
               where id = (select min(id) from outbox)`.execute(database.db);
    const text = await metrics();
    assert.equal(sample(text, 'openchoice_outbox_unsent'), 1);
    const age = sample(text, 'openchoice_outbox_oldest_unsent_seconds')!;
    assert.ok(age >= 3600 && age < 3700, String(age));
    const detail = (await get(on, '/health/detail', TOKEN)).json();
    assert.equal(detail.outbox.unsent, 1);
    assert.ok(detail.outbox.oldestUnsentSeconds >= 3600);
  });

  test('job queue depth and the oldest due job\'s wait, per queue, from pg-boss\'s own tables', async () => {
    const boss = new PgBoss({ connectionString: database.url, max: 1, supervise: false, schedule: false });
    boss.on('error', () => {});
    await boss.start();
    try {
      await boss.createQueue('ops-test-queue');
      await boss.send('ops-test-queue', {});
      await boss.send('ops-test-queue', {});
      await sql`update pgboss.job set start_after = now() - interval '10 minutes' where name = 'ops-test-queue'`.execute(database.db);
      const text = await metrics();
      assert.equal(sample(text, 'openchoice_job_queue_waiting{queue="ops-test-queue"}'), 2);
      const age = sample(text, 'openchoice_job_queue_oldest_waiting_seconds{queue="ops-test-queue"}')!;
      assert.ok(age >= 600 && age < 700, String(age));
      const detail = (await get(on, '/health/detail', TOKEN)).json();
      assert.equal(detail.jobs.queues.find((q: { queue: string }) => q.queue === 'ops-test-queue')?.waiting, 2);
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });

  test('a database that never answers: the scrape still answers within its timeout, database_up 0 and no backlog', async () => {
    // A server that accepts connections and says nothing, as a database behind a broken network does.
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const pool = new pg.Pool({ host: '127.0.0.1', port, user: 'x', database: 'x', max: 1 });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    try {
      const started = Date.now();
      const text = await scrape(db, pool, 300);
      assert.ok(Date.now() - started < 2000, `answered in ${Date.now() - started} ms`);
      assert.equal(sample(text, 'openchoice_database_up'), 0);
      assert.equal(sample(text, 'openchoice_outbox_unsent'), undefined, 'absent, not 0');
      assert.equal(sample(text, 'openchoice_db_pool_waiting_requests') !== undefined, true, 'the process\'s own gauges are still there');
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
      await pool.end().catch(() => {});
    }
  });

  test('withinTimeout gives up on a reading that never ends', async () => {
    await assert.rejects(withinTimeout(20, () => new Promise(() => {})), ReadingTimedOut);
    assert.equal(await withinTimeout(1000, async () => 7), 7);
  });
});

describe('GET /health/detail', () => {
  test('says what the database, jobs, data and memory are', async () => {
    const res = await get(on, '/health/detail', TOKEN);
    assert.equal(res.statusCode, 200, res.body);
    const d = res.json();
    assert.equal(d.status, 'ok');
    assert.equal(d.database.kind, 'postgres');
    assert.equal(d.database.reachable, true);
    assert.ok(typeof d.database.latencyMs === 'number' && d.database.latencyMs >= 0);
    assert.ok(d.database.migrationVersion >= 36, String(d.database.migrationVersion));
    assert.equal(d.jobs.enabled, false);
    assert.ok(Array.isArray(d.jobs.queues), 'the queues as pg-boss has them (an earlier test made one)');
    assert.deepEqual(d.data.versions.map((v: { name: string }) => v.name).sort(), ['directory', 'postcodes']);
    assert.equal(d.data.loadedHere.postcodes, 'off', 'the test settings keep postcodes in the database');
    assert.equal(typeof d.instance.uptimeSeconds, 'number');
    assert.deepEqual(d.maintenance, { on: false });
    assert.deepEqual(d.loading, []);
  });

  test('says whether maintenance mode is on, and what this instance is still loading', async () => {
    const loading = new StartupLoading();
    const app = await buildApp({ config: testConfig({ METRICS_TOKEN: TOKEN }), database, logger: false, loading });
    let finish = () => {};
    const history = loading.run('demo referral history and slots', () => new Promise<void>((resolve) => (finish = resolve)));
    const until = new Date(Date.now() + 3_600_000);
    await database.db.insertInto('maintenance_period').values({ started_by: 'demo-admin', expected_until: until }).execute();
    try {
      const d = (await get(app, '/health/detail', TOKEN)).json();
      assert.deepEqual(d.loading, ['demo referral history and slots']);
      assert.deepEqual(d.maintenance, { on: true, until: until.toISOString(), by: 'demo-admin', fromSetting: false });
      finish();
      await history;
      assert.deepEqual((await get(app, '/health/detail', TOKEN)).json().loading, []);
    } finally {
      await database.db.updateTable('maintenance_period').set({ ended_at: new Date(), ended_by: 'demo-admin' }).where('ended_at', 'is', null).execute();
      await app.close();
    }
  });

  test('503 with reachable false when the database is gone, /health unchanged beside it', async () => {
    const gone = await createScratchDatabase('operations_gone');
    const app = await buildApp({ config: testConfig({ METRICS_TOKEN: TOKEN }), database: gone, logger: false });
    try {
      await gone.pool.end();
      const res = await get(app, '/health/detail', TOKEN);
      assert.equal(res.statusCode, 503);
      const d = res.json();
      assert.equal(d.status, 'unavailable');
      assert.equal(d.database.reachable, false);
      assert.equal(d.outbox, null);
      assert.deepEqual((await get(app, '/health')).json(), { status: 'unavailable', database: 'postgres' });
      const text = (await get(app, '/metrics', TOKEN)).body;
      assert.equal(sample(text, 'openchoice_database_up'), 0);
    } finally {
      await app.close();
      await gone.drop().catch(() => {});
    }
  });
});
