import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { issueToken } from './sessions.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { createScratchDatabase, testConfig } from '../testing/database.ts';
import { loadDirectoryFixture } from '../testing/directory-fixture.ts';
import { anonymousSession } from '../testing/page-session.ts';
import { signInAtProvider, startTestProvider, type TestProvider } from '../testing/oidc-provider.ts';

const CALLBACK = 'http://127.0.0.1:3000/sign-in/oidc/callback';
const NHS_LOGIN_CALLBACK = 'http://127.0.0.1:3000/manage/nhs-login/callback';
let provider: TestProvider;
let nhsLogin: TestProvider;
let ubrn: string;
let app: FastifyInstance;
let close: () => Promise<void>;

before(async () => {
  provider = await startTestProvider(CALLBACK);
  // NHS login: the patient's login name stands for their NHS number here.
  nhsLogin = await startTestProvider(NHS_LOGIN_CALLBACK, (login) => ({ nhs_number: login }));
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
    NHS_LOGIN_ISSUER: nhsLogin.issuer,
    NHS_LOGIN_CLIENT_ID: nhsLogin.clientId,
    NHS_LOGIN_CLIENT_SECRET: nhsLogin.clientSecret,
    NHS_LOGIN_REDIRECT_URI: NHS_LOGIN_CALLBACK,
    NHS_LOGIN_ALLOW_HTTP: 'true',
  });
  app = await buildApp({ config, database, logger: false });
  const referral = await app.inject({
    method: 'POST',
    url: '/api/v1/referrals',
    headers: { authorization: `Bearer ${(await issueToken(database.db, id, 'api')).token}` },
    payload: {
      patient: { nhsNumber: '9990000018', givenName: 'Ann', familyName: 'Smith', dateOfBirth: '1970-01-31', postcode: 'LS1 4AP' },
      specialty: '110',
      priority: 'ROUTINE',
      clinicalSummary: 'Knee pain',
    },
  });
  ubrn = referral.json().ubrn;
  close = async () => {
    await app.close();
    await database.drop();
    await provider.close();
    await nhsLogin.close();
  };
});
after(() => close());

async function signInAs(login: string) {
  const browser = anonymousSession(app);
  const start = await browser.get('/sign-in/oidc');
  assert.equal(start.statusCode, 303);
  assert.ok(browser.cookies.has('oc_oidc'), 'the browser keeps a value to finish with');
  const callback = await signInAtProvider(new URL(start.headers.location as string), login, CALLBACK);
  return { callback, browser };
}

test('a member of staff linked to the provider\'s subject signs in and gets a page session', async () => {
  const { callback, browser } = await signInAs('cis2-uid-555');
  const back = await browser.get(`${callback.pathname}${callback.search}`);
  assert.equal(back.statusCode, 303, back.body);
  assert.equal(back.headers.location, '/referrals');
  assert.ok(browser.cookies.has('oc_session'));
  const worklist = await browser.get('/referrals');
  assert.equal(worklist.statusCode, 200);
  assert.match(worklist.body, /Test dr-linked/);
});

test('an identity with no linked account is refused, and creates none', async () => {
  const { callback, browser } = await signInAs('someone-else');
  const back = await browser.get(`${callback.pathname}${callback.search}`);
  assert.equal(back.statusCode, 403);
  assert.match(back.body, /No OpenChoice account is linked/);
  assert.equal(browser.cookies.has('oc_session'), false);
});

test('a callback in a browser that did not start the sign-in is refused', async () => {
  const { callback } = await signInAs('cis2-uid-555');
  const stranger = anonymousSession(app);
  stranger.cookies.set('oc_oidc', 'someone-elses');
  const back = await stranger.get(`${callback.pathname}${callback.search}`);
  assert.equal(back.statusCode, 400);
  assert.match(back.body, /started in another browser/);
});

async function nhsLoginAs(nhsNumber: string) {
  const browser = anonymousSession(app);
  const start = await browser.get('/manage/nhs-login');
  assert.equal(start.statusCode, 303);
  const callback = await signInAtProvider(new URL(start.headers.location as string), nhsNumber, NHS_LOGIN_CALLBACK);
  return { back: await browser.get(`${callback.pathname}${callback.search}`), browser };
}

test('a patient signs in with NHS login: their NHS number opens their referral', async () => {
  const { back, browser } = await nhsLoginAs('9990000018');
  assert.equal(back.statusCode, 303, back.body);
  assert.equal(back.headers.location, '/manage');
  const page = await browser.get('/manage');
  assert.equal(page.statusCode, 200);
  assert.ok(page.body.includes(ubrn.slice(8)), 'the referral is shown');
});

test('NHS login for someone with no open referral, or without an NHS number, signs nobody in', async () => {
  const { back: none, browser } = await nhsLoginAs('9990000026');
  assert.equal(none.statusCode, 404);
  assert.match(none.body, /could not find an open referral/);
  assert.equal(browser.cookies.has('oc_session'), false);
  const { back: invalid } = await nhsLoginAs('1234567890');
  assert.equal(invalid.statusCode, 403);
});

test('the sign-in pages offer the identity providers only when they are set up', async () => {
  assert.match((await app.inject({ method: 'GET', url: '/sign-in' })).body, /href="\/sign-in\/oidc"/);
  assert.match((await app.inject({ method: 'GET', url: '/manage/sign-in' })).body, /href="\/manage\/nhs-login"/);
});

test('without the settings, the pages offer no identity provider and its routes say so', async () => {
  const { startFixtureApp } = await import('../testing/directory-fixture.ts');
  const plain = await startFixtureApp('oidc_off');
  try {
    assert.doesNotMatch((await plain.app.inject({ method: 'GET', url: '/sign-in' })).body, /sign-in\/oidc/);
    assert.doesNotMatch((await plain.app.inject({ method: 'GET', url: '/manage/sign-in' })).body, /nhs-login/);
    const off = await plain.app.inject({ method: 'GET', url: '/sign-in/oidc' });
    assert.equal(off.statusCode, 400);
    assert.match(off.body, /not set up here/);
    assert.equal((await plain.app.inject({ method: 'GET', url: '/manage/nhs-login' })).statusCode, 400);
  } finally {
    await plain.close();
  }
});
