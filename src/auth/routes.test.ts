import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';
import { createRoleAccounts, TEST_PASSWORD } from '../testing/accounts.ts';
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

  test('after 5 failures from one address: 429 for any username from there', async () => {
    for (let i = 0; i < 5; i++) await signIn(`guess${i}`, 'wrong', '10.2.0.1');
    assert.equal((await signIn('referrer', TEST_PASSWORD, '10.2.0.1')).statusCode, 429);
    assert.equal((await signIn('referrer', TEST_PASSWORD, '10.2.0.2')).statusCode, 200);
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
