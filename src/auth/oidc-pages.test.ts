import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { createScratchDatabase, testConfig } from '../testing/database.ts';
import { loadDirectoryFixture } from '../testing/directory-fixture.ts';
import { signInAtProvider, startTestProvider, type TestProvider } from '../testing/oidc-provider.ts';

const CALLBACK = 'http://127.0.0.1:3000/sign-in/oidc/callback';
let provider: TestProvider;
let app: FastifyInstance;
let close: () => Promise<void>;

before(async () => {
  provider = await startTestProvider(CALLBACK);
  const database = await createScratchDatabase('oidc_pages');
  await loadDirectoryFixture(database);
  await createOrganisation(database, 'GP1', 'GP One', 'GP_PRACTICE');
  const id = await createAccount(database, 'dr-linked', 'referrer', 'GP1');
  await database.db.updateTable('account').set({ oidc_subject: `${provider.issuer}|cis2-uid-555` }).where('id', '=', id).execute();
  const config = testConfig({
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
    OIDC_REDIRECT_URI: CALLBACK,
    OIDC_ALLOW_HTTP: 'true',
  });
  app = await buildApp({ config, database, logger: false });
  close = async () => {
    await app.close();
    await database.drop();
    await provider.close();
  };
});
after(() => close());

const cookieOf = (setCookie: string | string[] | undefined, name: string) =>
  [setCookie ?? []].flat().map((c) => c.split(';')[0]!).find((c) => c.startsWith(`${name}=`));

async function signInAs(login: string) {
  const start = await app.inject({ method: 'GET', url: '/sign-in/oidc' });
  assert.equal(start.statusCode, 303);
  const browser = cookieOf(start.headers['set-cookie'], 'oc_oidc');
  assert.ok(browser, 'the browser keeps a value to finish with');
  const callback = await signInAtProvider(new URL(start.headers.location as string), login, CALLBACK);
  return { callback, browser };
}

test('a member of staff linked to the provider\'s subject signs in and gets a page session', async () => {
  const { callback, browser } = await signInAs('cis2-uid-555');
  const back = await app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}`, headers: { cookie: browser } });
  assert.equal(back.statusCode, 303, back.body);
  assert.equal(back.headers.location, '/referrals');
  const session = cookieOf(back.headers['set-cookie'], 'oc_session');
  assert.ok(session);
  const worklist = await app.inject({ method: 'GET', url: '/referrals', headers: { cookie: session } });
  assert.equal(worklist.statusCode, 200);
  assert.match(worklist.body, /Test dr-linked/);
});

test('an identity with no linked account is refused, and creates none', async () => {
  const { callback, browser } = await signInAs('someone-else');
  const back = await app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}`, headers: { cookie: browser } });
  assert.equal(back.statusCode, 403);
  assert.match(back.body, /No OpenChoice account is linked/);
  assert.equal(cookieOf(back.headers['set-cookie'], 'oc_session'), undefined);
});

test('a callback in a browser that did not start the sign-in is refused', async () => {
  const { callback } = await signInAs('cis2-uid-555');
  const back = await app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}`, headers: { cookie: 'oc_oidc=someone-elses' } });
  assert.equal(back.statusCode, 400);
  assert.match(back.body, /started in another browser/);
});
