import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildApp } from '../app.ts';
import { createScratchDatabase, testConfig } from '../testing/database.ts';

test('GET /health answers 503 when the database cannot be reached', async () => {
  const database = await createScratchDatabase('health');
  const app = await buildApp({ config: testConfig(), database, logger: false });
  try {
    assert.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
    await database.pool.end();
    const res = await app.inject({ method: 'GET', url: '/health' });
    assert.equal(res.statusCode, 503);
    assert.deepEqual(res.json(), { status: 'unavailable', database: 'postgres' });
  } finally {
    await app.close();
    await database.drop().catch(() => {});
  }
});
