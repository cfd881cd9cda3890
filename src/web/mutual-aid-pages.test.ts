// The PIDMAS provider pages through app.inject: who may open them, and validation's error summary. (The DMAS pages'
// tests are in src/mutual-aid/pages.test.ts.)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import type { Database } from '../db/database.ts';
import { openDemoTestDatabase, testConfig } from '../testing/database.ts';
import { anonymousSession, staffSession } from '../testing/page-session.ts';

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

const as = (username: string | null) => (username ? staffSession(app, database, username) : anonymousSession(app));

const PROVIDER_PAGES = ['/provider/pidmas', '/provider/pidmas/validation'];

describe('who may open the pages', () => {
  test('provider pages: the provider sees them; a commissioner, admin or referrer is refused; no one signed in is sent to sign in', async () => {
    const provider = await as('demo-provider');
    for (const url of PROVIDER_PAGES) assert.equal((await provider.get(url)).statusCode, 200, url);
    for (const who of ['demo-commissioner', 'demo-admin', 'demo-referrer']) {
      const s = await as(who);
      for (const url of PROVIDER_PAGES) assert.equal((await s.get(url)).statusCode, 403, `${who} ${url}`);
    }
    const anonymous = await (await as(null)).get('/provider/pidmas');
    assert.equal(anonymous.statusCode, 303);
    assert.equal(anonymous.headers.location, '/sign-in');
  });
});

describe('forms', () => {
  test('validation with no answer, and of a request that is not the provider\'s', async () => {
    const s = await as('demo-provider');
    await s.get('/provider/pidmas/validation');
    const empty = await s.post('/provider/pidmas/validation/999999999');
    assert.equal(empty.statusCode, 400, 'the answer is checked first');
    assert.match(empty.body, /Select whether the patient is suitable to move/);
    const unknown = await s.post('/provider/pidmas/validation/999999999', { suitable: 'yes' });
    assert.equal(unknown.statusCode, 404);
    const noReason = await s.post('/provider/pidmas/validation/999999999', { suitable: 'no' });
    assert.match(noReason.body, /Select why the patient is not suitable to move/);
  });
});
