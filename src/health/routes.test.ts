import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildApp } from '../app.ts';
import { StartupLoading } from './loading.ts';
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

test('GET /health answers 200 while the instance is still loading, and names what', async () => {
  const database = await createScratchDatabase('health_loading');
  const loading = new StartupLoading();
  const app = await buildApp({ config: testConfig(), database, logger: false, loading });
  try {
    let finish!: () => void;
    const history = loading.run('demo referral history', () => new Promise<void>((resolve) => (finish = resolve)));
    const during = await app.inject({ method: 'GET', url: '/health' });
    assert.equal(during.statusCode, 200);
    assert.deepEqual(during.json(), { status: 'ok', database: 'postgres', loading: ['demo referral history'] });
    finish();
    await history;
    assert.deepEqual((await app.inject({ method: 'GET', url: '/health' })).json(), { status: 'ok', database: 'postgres' }, 'the contract\'s answer once loaded');
    await assert.rejects(loading.run('demo slots', () => Promise.reject(new Error('boom'))), /boom/);
    assert.deepEqual(loading.pending, [], 'a failed load is not shown as still loading (it is logged)');
  } finally {
    await app.close();
    await database.drop().catch(() => {});
  }
});
