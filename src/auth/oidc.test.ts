import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Database } from '../db/database.ts';
import { createScratchDatabase } from '../testing/database.ts';
import { signInAtProvider, startTestProvider, type TestProvider } from '../testing/oidc-provider.ts';
import { OidcSignIn, OidcSignInError } from './oidc.ts';

const CALLBACK = 'http://127.0.0.1:3000/sign-in/oidc/callback';

let provider: TestProvider;
let database: Database & { drop(): Promise<void> };
let staff: OidcSignIn;
let patients: OidcSignIn;

before(async () => {
  provider = await startTestProvider(CALLBACK, (login) => (login.startsWith('patient') ? { nhs_number: '9990000018' } : { preferred_username: login }));
  database = await createScratchDatabase('oidc');
  const settings = { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, redirectUri: CALLBACK, scope: 'openid profile', allowHttp: true };
  staff = new OidcSignIn(settings, 'staff');
  patients = new OidcSignIn(settings, 'patient');
});
after(async () => {
  await provider.close();
  await database.drop();
});

test('a member of staff signs in at a real OpenID Connect provider: code flow with PKCE, state and nonce', async () => {
  const { url, browserValue } = await staff.begin(database.db);
  assert.equal(url.origin, provider.issuer);
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
  const callback = await signInAtProvider(url, 'dr-jones', CALLBACK);
  const { subject, claims } = await staff.complete(database.db, callback, browserValue);
  assert.equal(subject, `${provider.issuer}|dr-jones`);
  assert.equal(claims.preferred_username, 'dr-jones');
});

test('a patient signs in with NHS login and the NHS number comes with the claims', async () => {
  const { url, browserValue } = await patients.begin(database.db);
  const callback = await signInAtProvider(url, 'patient-ann', CALLBACK);
  const { claims } = await patients.complete(database.db, callback, browserValue);
  assert.equal(claims.nhs_number, '9990000018');
});

test('a sign-in is finished once, by the browser that began it, for the purpose it began with', async () => {
  const { url, browserValue } = await staff.begin(database.db);
  const callback = await signInAtProvider(url, 'dr-smith', CALLBACK);
  await assert.rejects(staff.complete(database.db, callback, 'another browser'), OidcSignInError);
  // That attempt used it up: the genuine browser must start again too.
  await assert.rejects(staff.complete(database.db, callback, browserValue), /expired or was already used/);

  const second = await staff.begin(database.db);
  const back = await signInAtProvider(second.url, 'dr-smith', CALLBACK);
  await assert.rejects(patients.complete(database.db, back, second.browserValue), /expired or was already used/);
  await assert.rejects(staff.complete(database.db, new URL(`${CALLBACK}?code=x`), second.browserValue), /did not say which sign-in/);
});

test('a forged code is refused', async () => {
  const { url, browserValue } = await staff.begin(database.db);
  const state = url.searchParams.get('state')!;
  await assert.rejects(staff.complete(database.db, new URL(`${CALLBACK}?code=forged&state=${state}`), browserValue), OidcSignInError);
});
