// While the database cannot be reached, requests are answered 503 with Retry-After and logged in one line each, not
// 500 with a stack trace (issue 12, defect 7).
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { buildApp } from '../app.ts';
import { openDatabase } from '../db/database.ts';
import { testConfig } from '../testing/database.ts';
import { isDatabaseUnreachable } from './problem.ts';

test('errors that say the database cannot be reached, and ones that do not', () => {
  const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });
  for (const e of [coded('ECONNREFUSED'), coded('57P01', 'terminating connection due to administrator command'), coded('57P03'), coded('08006'), new Error('Connection terminated unexpectedly'),
    new Error('timeout exceeded when trying to connect'), new AggregateError([coded('ECONNREFUSED')], 'connect'), new Error('wrapped', { cause: coded('ECONNREFUSED') })]) {
    assert.equal(isDatabaseUnreachable(e), true, e.message);
  }
  for (const e of [coded('ECONNRESET', 'read ECONNRESET'), coded('ETIMEDOUT'), coded('23505', 'duplicate key'), coded('42P01', 'relation does not exist'), new Error('Invalid time value'), 'ECONNREFUSED', null]) {
    assert.equal(isDatabaseUnreachable(e), false, String(e));
  }
});

test('with the database unreachable, the API and the pages answer 503 with Retry-After, and the log has no stack', async (t) => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l)); done(); } });
  // Nothing listens on port 1: every connection is refused, as while PostgreSQL restarts.
  const database = await openDatabase({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:1/openchoice', poolSize: 2 });
  const app = await buildApp({ config: testConfig(), database, logger: pino({ level: 'info' }, sink) });
  t.after(async () => {
    await app.close();
    await database.close();
  });
  const api = await app.inject({ method: 'GET', url: '/api/v1/services?specialty=110&postcode=LS1%204AP' });
  assert.equal(api.statusCode, 503, api.body.slice(0, 300));
  assert.equal(api.headers['retry-after'], '5');
  assert.match(api.headers['content-type'] as string, /application\/problem\+json/);
  assert.match(api.json().detail, /cannot reach its database/);
  const page = await app.inject({ method: 'GET', url: '/referrals', headers: { accept: 'text/html', cookie: 'oc_session=abc' } });
  assert.equal(page.statusCode, 503, page.body.slice(0, 300));
  assert.equal(page.headers['retry-after'], '5');
  assert.match(page.body, /Sorry, the service is unavailable/);
  const failed = lines.filter((l) => Number(l.level) >= 50);
  assert.deepEqual(failed.map((l) => l.msg), [], 'no request logged as failed');
  assert.ok(!JSON.stringify(lines).includes('"stack"'), 'no stack trace in the log');
  assert.ok(lines.filter((l) => l.msg === 'database unreachable: answered 503').length >= 2);
});
