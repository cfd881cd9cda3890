import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';
import { ADDRESS_LIMIT } from './rate-limit.ts';
import { buildApp } from '../app.ts';
import { createRoleAccounts, TEST_PASSWORD } from '../testing/accounts.ts';
import { testConfig } from '../testing/database.ts';
import { startFixtureApp } from '../testing/directory-fixture.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;

before(async () => {
  ({ app, database, close } = await startFixtureApp('auth'));
  await createRoleAccounts(database, 'RXX');
});
after(() => close());

const signIn = (username: string, password: string, ip = '10.0.0.1') =>
  app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username, password }, remoteAddress: ip });
const me = (token?: string) =>
  app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('signing in with a username and password', () => {
  test('the right password gives a bearer token that signs the account in', async () => {
    const res = await signIn('referrer', TEST_PASSWORD);
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.match(body.token, /^[\w-]{43}$/);
    assert.equal(body.role, 'referrer');
    assert.deepEqual(body.organisation, { odsCode: 'RXX', name: 'Fixture NHS Trust' });
    assert.ok(Date.parse(body.expiresAt) > Date.now() + 7 * 3_600_000);
    const who = await me(body.token);
    assert.equal(who.statusCode, 200);
    assert.equal(who.json().username, 'referrer');
  });

  test('a wrong password and an unknown username get the same answer', async () => {
    const wrong = await signIn('provider', 'nope', '10.0.0.2');
    const unknown = await signIn('nobody', 'nope', '10.0.0.2');
    assert.equal(wrong.statusCode, 401);
    assert.equal(unknown.statusCode, 401);
    assert.equal(wrong.json().detail, unknown.json().detail);
  });

  test('only the token is stored, as a hash', async () => {
    const { token } = (await signIn('admin', TEST_PASSWORD)).json();
    const rows = await database.db.selectFrom('auth_session').select('token_hash').execute();
    assert.ok(rows.every((r) => r.token_hash !== token && /^[0-9a-f]{64}$/.test(r.token_hash)));
  });

  test('after 5 failures for a username: 429 with Retry-After, even with the right password', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await signIn('commissioner', 'wrong', `10.1.0.${i}`)).statusCode, 401);
    const refused = await signIn('commissioner', TEST_PASSWORD, '10.1.0.9');
    assert.equal(refused.statusCode, 429);
    const retryAfter = Number(refused.headers['retry-after']);
    assert.ok(retryAfter > 800 && retryAfter <= 900, String(retryAfter));
    // Others are not locked out by it.
    assert.equal((await signIn('referral-centre', TEST_PASSWORD, '10.1.0.10')).statusCode, 200);
  });

  test('one user locked out does not lock out another signing in from the same address', async () => {
    // Defect 7: on a shared NHS network a whole practice signs in from one address.
    const address = '10.2.0.1';
    for (let i = 0; i < 6; i++) await signIn('referral-centre', 'wrong', address);
    const locked = await signIn('referral-centre', TEST_PASSWORD, address);
    assert.equal(locked.statusCode, 429);
    assert.match(locked.json().detail, /^Too many failed sign-ins\. Try again in 1[45] minutes\.$/);
    assert.ok(Number(locked.headers['retry-after']) > 800);
    const other = await signIn('referrer', TEST_PASSWORD, address);
    assert.equal(other.statusCode, 200, 'another user with the right password still signs in');
    await database.db.deleteFrom('sign_in_failure').where('key', 'in', ['user:referral-centre', `address:${address}`]).execute();
  });

  test('the looser address limit still stops a spray of guesses across many accounts from one address', async () => {
    const address = '10.2.0.5';
    // 99 guesses at as many accounts (recorded directly: a hundred password checks would take the test half a minute).
    await database.db.insertInto('sign_in_failure').values(Array.from({ length: ADDRESS_LIMIT.maxFailures - 1 }, () => ({ key: `address:${address}` }))).execute();
    assert.equal((await signIn('guess-100', 'wrong', address)).statusCode, 401, 'the hundredth guess is still checked');
    const refused = await signIn('referrer', TEST_PASSWORD, address);
    assert.equal(refused.statusCode, 429, 'then the address is refused, whatever account it names');
    assert.ok(Number(refused.headers['retry-after']) > 800);
    assert.equal((await signIn('referrer', TEST_PASSWORD, '10.2.0.6')).statusCode, 200, 'other addresses are not');
  });

  test('X-Forwarded-For names the client only when it comes from a trusted proxy', async () => {
    const behindProxy = await buildApp({ config: testConfig({ TRUSTED_PROXIES: '10.8.0.0/16, 10.9.0.1' }), database, logger: false });
    try {
      const failFrom = async (target: FastifyInstance, remoteAddress: string, forwardedFor: string) =>
        target.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'nobody-xff', password: 'wrong' }, remoteAddress, headers: { 'x-forwarded-for': forwardedFor } });
      const addressesRecorded = async () =>
        (await database.db.selectFrom('sign_in_failure').select('key').where('key', 'like', 'address:%').where('key', 'not like', 'address:10.2.%').execute()).map((r) => r.key).sort();
      await database.db.deleteFrom('sign_in_failure').where('key', 'like', 'address:%').execute();
      await failFrom(behindProxy, '10.9.0.1', '203.0.113.7');
      await failFrom(behindProxy, '10.8.4.4', '203.0.113.8');
      assert.deepEqual(await addressesRecorded(), ['address:203.0.113.7', 'address:203.0.113.8'], 'from a trusted proxy: the client it names');
      await database.db.deleteFrom('sign_in_failure').where('key', 'like', 'address:%').execute();
      await failFrom(behindProxy, '10.7.0.1', '203.0.113.9');
      await failFrom(app, '10.9.0.1', '203.0.113.10');
      assert.deepEqual(await addressesRecorded(), ['address:10.7.0.1', 'address:10.9.0.1'], 'from anyone else, or with no proxies trusted: the socket');
    } finally {
      await behindProxy.close();
      await database.db.deleteFrom('sign_in_failure').where('key', 'in', ['user:nobody-xff']).execute();
    }
  });

  test('signing out ends the token; expired tokens and inactive accounts are refused', async () => {
    const { token } = (await signIn('provider', TEST_PASSWORD, '10.3.0.1')).json();
    const out = await app.inject({ method: 'DELETE', url: '/api/v1/auth/token', headers: { authorization: `Bearer ${token}` } });
    assert.equal(out.statusCode, 204);
    assert.equal((await me(token)).statusCode, 401);

    // Only this token's session expires: other tests' sessions are theirs.
    const { token: old } = (await signIn('provider', TEST_PASSWORD, '10.3.0.1')).json();
    await database.db.updateTable('auth_session').set({ expires_at: new Date(Date.now() - 1000) }).where('token_hash', '=', createHash('sha256').update(old).digest('hex')).execute();
    assert.equal((await me(old)).statusCode, 401);

    const { token: fresh } = (await signIn('provider', TEST_PASSWORD, '10.3.0.1')).json();
    await database.db.updateTable('account').set({ active: false }).where('username', '=', 'provider').execute();
    try {
      assert.equal((await me(fresh)).statusCode, 401);
      assert.equal((await signIn('provider', TEST_PASSWORD, '10.3.0.1')).statusCode, 401);
    } finally {
      await database.db.updateTable('account').set({ active: true }).where('username', '=', 'provider').execute();
    }
  });

  test('a missing or malformed token: 401 with WWW-Authenticate', async () => {
    const none = await me();
    assert.equal(none.statusCode, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer');
    assert.match(none.json().detail, /Sign in first/);
    assert.equal((await me('not-a-token')).statusCode, 401);
  });
});
