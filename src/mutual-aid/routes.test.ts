// The DMAS API's answers are declared: the OpenAPI document describes each one field by field, and an answer carries
// only the fields its schema names.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { issueToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { openDemoTestDatabase, testConfig } from '../testing/database.ts';

let app: FastifyInstance;
let database: Database;
before(async () => {
  database = await openDemoTestDatabase();
  app = await buildApp({ config: testConfig(), database, logger: false });
});
after(async () => {
  await app.close();
  await database.close();
});

type Operation = { responses: Record<string, { content?: Record<string, { schema?: { type?: string; properties?: Record<string, unknown> } }> }> };

test('the OpenAPI document describes every DMAS answer, field by field, and its problems', async () => {
  const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as { paths: Record<string, Record<string, Operation>> };
  const operations = Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/api/v1/mutual-aid'))
    .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })));
  assert.equal(operations.length, 12, 'ten calls and the previews of withdrawing an offer and closing a request');
  for (const { route, op } of operations) {
    const answer = op.responses['200'] ?? op.responses['201'];
    const schema = answer?.content?.['application/json']?.schema;
    assert.equal(schema?.type, 'object', route);
    assert.ok(Object.keys(schema?.properties ?? {}).length > 0, `${route} names its fields`);
    for (const status of ['401', '403']) assert.ok(op.responses[status], `${route} declares ${status}`);
  }
});

test('an answer carries only what its schema names', async () => {
  const account = await database.db.selectFrom('account').select('id').where('username', '=', 'demo-admin').executeTakeFirstOrThrow();
  const headers = { authorization: `Bearer ${(await issueToken(database.db, account.id, 'api')).token}` };
  const run = await app.inject({ method: 'POST', url: '/api/v1/mutual-aid/matching-runs', headers });
  assert.equal(run.statusCode, 200, run.body);
  assert.deepEqual(Object.keys(run.json()).sort(), ['noMatch', 'offers', 'patients', 'proposed', 'proposedWithinIcb', 'runId', 'unchanged']);
  const runs = await app.inject({ method: 'GET', url: '/api/v1/mutual-aid/matching-runs', headers });
  assert.equal(runs.statusCode, 200, runs.body);
  for (const r of runs.json().runs as { summary: object | null }[]) {
    assert.deepEqual(Object.keys(r).sort(), ['id', 'startedAt', 'summary', 'trigger']);
    if (r.summary) assert.deepEqual(Object.keys(r.summary).sort(), ['distanceKm', 'noMatch', 'offers', 'patients', 'proposed', 'proposedWithinIcb', 'waitWeeksMatched']);
  }
  const board = await app.inject({ method: 'GET', url: '/api/v1/mutual-aid/board', headers });
  assert.equal(board.statusCode, 200, board.body);
});
