// The PIDMAS provider pages through app.inject: who may open them, and validation's error summary. (The DMAS pages'
// tests are in src/mutual-aid/pages.test.ts.)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
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

/** A signed-in page session: its cookie, plus the CSRF cookie the first page sets. */
class Session {
  cookies = new Map<string, string>();
  constructor(token: string | null) {
    if (token) this.cookies.set('oc_session', token);
  }
  private header = () => [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  private keep(res: LightMyRequestResponse) {
    for (const c of res.cookies as { name: string; value: string }[]) this.cookies.set(c.name, c.value);
    return res;
  }
  async get(url: string) {
    return this.keep(await app.inject({ method: 'GET', url, headers: { cookie: this.header() } }));
  }
  async post(url: string, form: Record<string, string>) {
    return this.keep(await app.inject({ method: 'POST', url, headers: { cookie: this.header(), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() }));
  }
}
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? assert.fail('the page has a CSRF field');
const as = async (username: string | null) => {
  if (!username) return new Session(null);
  const account = await database.db.selectFrom('account').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  return new Session((await issueToken(database.db, account.id, 'page')).token);
};

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
    const page = await s.get('/provider/pidmas/validation');
    const empty = await s.post('/provider/pidmas/validation/999999999', { _csrf: csrfOf(page.body) });
    assert.equal(empty.statusCode, 400, 'the answer is checked first');
    assert.match(empty.body, /Select whether the patient is suitable to move/);
    const unknown = await s.post('/provider/pidmas/validation/999999999', { _csrf: csrfOf(page.body), suitable: 'yes' });
    assert.equal(unknown.statusCode, 404);
    const noReason = await s.post('/provider/pidmas/validation/999999999', { _csrf: csrfOf(page.body), suitable: 'no' });
    assert.match(noReason.body, /Select why the patient is not suitable to move/);
  });
});
