// Sign-in protection for operators and administrators: lockouts are security events (a row and one warn line),
// repeated ones too; an administrator sees who is locked and unlocks them (API, and a page with a confirmation);
// an address over its loose limit is an event; addresses are kept only as a keyed hash.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { issueToken } from './sessions.ts';
import { ACCOUNT_LIMIT, ADDRESS_LIMIT } from './rate-limit.ts';
import { addressHash, purgeSecurityEvents, SECURITY_EVENT_RETENTION_DAYS } from './security-events.ts';
import { createRoleAccounts, TEST_PASSWORD } from '../testing/accounts.ts';
import { createScratchDatabase, type TestDatabase, testConfig } from '../testing/database.ts';
import { loadDirectoryFixture } from '../testing/directory-fixture.ts';
import { createLogger } from '../http/logging.ts';
import { staffSession } from '../testing/page-session.ts';

let app: FastifyInstance;
let database: TestDatabase;
let adminToken: string;
let logLines: string[] = [];
const config = testConfig();

before(async () => {
  database = await createScratchDatabase('lockouts');
  await loadDirectoryFixture(database);
  await createRoleAccounts(database, 'RXX');
  const sink = new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) });
  app = await buildApp({ config, database, logger: createLogger('info', sink) });
  const admin = await database.db.selectFrom('account').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
  adminToken = (await issueToken(database.db, admin.id, 'api')).token;
});
after(async () => {
  await app.close();
  await database.drop();
});
beforeEach(async () => {
  await database.db.deleteFrom('sign_in_failure').execute();
  await database.db.deleteFrom('security_event').execute();
  logLines = [];
});

const signIn = (username: string, password: string, ip = '10.0.0.1') =>
  app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username, password }, remoteAddress: ip });
const asAdmin = (method: 'GET' | 'POST', url: string) => app.inject({ method, url, headers: { authorization: `Bearer ${adminToken}` } });
const events = async (query = '') => (await asAdmin('GET', `/api/v1/admin/security-events${query}`)).json().events as { kind: string; account: string | null; addressHash: string | null; actor: string | null; detail: string }[];
const securityLines = () => logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.securityEvent);

/** The account one failure short of its limit (recorded directly: each real failure costs a password check), then the failure that locks it. */
async function lock(username: string, ip: string) {
  await database.db.insertInto('sign_in_failure').values(Array.from({ length: ACCOUNT_LIMIT.maxFailures - 1 }, () => ({ key: `user:${username}` }))).execute();
  assert.equal((await signIn(username, 'wrong', ip)).statusCode, 401);
}

describe('lockouts are security events', () => {
  test('the failure that locks an account records ACCOUNT_LOCKED once, with a warn line and no address', async () => {
    for (let i = 0; i < ACCOUNT_LIMIT.maxFailures - 1; i++) await signIn('provider', 'wrong', '10.4.0.1');
    assert.deepEqual(await events(), [], 'not locked yet: no event');
    assert.equal((await signIn('provider', 'wrong', '10.4.0.1')).statusCode, 401);
    assert.equal((await signIn('provider', TEST_PASSWORD, '10.4.0.1')).statusCode, 429, 'locked');
    const recorded = await events();
    assert.equal(recorded.length, 1, 'refused attempts add no more events');
    assert.equal(recorded[0]!.kind, 'ACCOUNT_LOCKED');
    assert.equal(recorded[0]!.account, 'provider');
    assert.equal(recorded[0]!.addressHash, addressHash(config.accessCodeSecret, '10.4.0.1'));
    const lines = securityLines();
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.securityEvent, 'ACCOUNT_LOCKED');
    assert.equal(lines[0]!.level, 40, 'at warn');
    assert.equal(lines[0]!.account, 'provider');
    assert.ok(!logLines.join('').includes('10.4.0.1'), 'the address is never logged');
    const stored = await database.db.selectFrom('security_event').selectAll().execute();
    assert.ok(!JSON.stringify(stored).includes('10.4.0.1'), 'nor stored');
  });

  test('a third lockout within 24 hours is also ACCOUNT_LOCKED_REPEATEDLY', async () => {
    for (let round = 1; round <= 3; round++) {
      await lock('referrer', '10.5.0.1');
      if (round < 3) assert.equal((await asAdmin('POST', '/api/v1/admin/accounts/referrer/unlock')).json().wasLocked, true);
    }
    const kinds = (await events('?account=referrer')).map((e) => e.kind).reverse();
    assert.deepEqual(kinds, ['ACCOUNT_LOCKED', 'ACCOUNT_UNLOCKED', 'ACCOUNT_LOCKED', 'ACCOUNT_UNLOCKED', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED_REPEATEDLY']);
    assert.match((await events('?kind=ACCOUNT_LOCKED_REPEATEDLY'))[0]!.detail, /3 lockouts within 24 hours/);
    assert.ok(securityLines().some((l) => l.securityEvent === 'ACCOUNT_LOCKED_REPEATEDLY'));
  });

  test('an address reaching its loose limit records ADDRESS_LIMITED, findable by the address itself', async () => {
    const address = '10.6.0.9';
    await database.db.insertInto('sign_in_failure').values(Array.from({ length: ADDRESS_LIMIT.maxFailures - 1 }, () => ({ key: `address:${address}` }))).execute();
    assert.equal((await signIn('someone-else', 'wrong', address)).statusCode, 401);
    const [event] = await events(`?address=${address}`);
    assert.equal(event?.kind, 'ADDRESS_LIMITED');
    assert.equal(event.account, null);
    assert.deepEqual(await events('?address=10.6.0.10'), [], 'another address has none');
    assert.equal(securityLines()[0]?.securityEvent, 'ADDRESS_LIMITED');
  });

  test('a patient\'s UBRN locked is an event too, but its UBRN stays out of the log', async () => {
    const ubrn = '000000000019';
    const tryPatient = () => app.inject({ method: 'POST', url: '/api/v1/patient/token', payload: { ubrn, accessCode: 'WRONG-CODE', dateOfBirth: '1970-01-31' }, remoteAddress: '10.7.0.1' });
    await database.db.insertInto('sign_in_failure').values(Array.from({ length: ACCOUNT_LIMIT.maxFailures - 1 }, () => ({ key: `ubrn:${ubrn}` }))).execute();
    assert.equal((await tryPatient()).statusCode, 401);
    const [event] = await events();
    assert.equal(event?.kind, 'ACCOUNT_LOCKED');
    assert.equal(event.account, `ubrn:${ubrn}`);
    assert.equal(securityLines()[0]?.securityEvent, 'ACCOUNT_LOCKED');
    assert.ok(!logLines.join('').includes(ubrn), 'no UBRN in the log');
  });
});

test('security events are kept for two years, then purged', async () => {
  const old = new Date(Date.now() - (SECURITY_EVENT_RETENTION_DAYS + 1) * 86_400_000);
  await database.db.insertInto('security_event').values([
    { kind: 'ACCOUNT_LOCKED', account: 'old', source_address_hash: null, actor_account_id: null, occurred_at: old },
    { kind: 'ACCOUNT_LOCKED', account: 'recent', source_address_hash: null, actor_account_id: null, occurred_at: new Date(Date.now() - 700 * 86_400_000) },
  ]).execute();
  assert.equal(await purgeSecurityEvents(database.db), 1);
  assert.deepEqual((await database.db.selectFrom('security_event').select('account').execute()).map((r) => r.account), ['recent']);
});

describe('administrators unlock accounts', () => {
  test('the locked accounts list, and unlocking one: the user signs in again and the unlock names who did it', async () => {
    await lock('commissioner', '10.8.0.1');
    const listed = (await asAdmin('GET', '/api/v1/admin/locked-accounts')).json().accounts;
    assert.deepEqual(listed.map((a: { username: string }) => a.username), ['commissioner']);
    assert.equal(listed[0].failures, ACCOUNT_LIMIT.maxFailures);
    assert.ok(Date.parse(listed[0].lockedUntil) > Date.now() + 10 * 60_000);
    const unlocked = await asAdmin('POST', '/api/v1/admin/accounts/Commissioner/unlock');
    assert.equal(unlocked.statusCode, 200);
    assert.deepEqual(unlocked.json(), { username: 'commissioner', wasLocked: true });
    assert.equal((await signIn('commissioner', TEST_PASSWORD, '10.8.0.1')).statusCode, 200);
    const [event] = await events('?kind=ACCOUNT_UNLOCKED');
    assert.equal(event?.account, 'commissioner');
    assert.equal(event.actor, 'admin');
    assert.match(event.detail, /unlocked by admin/);
    assert.deepEqual((await asAdmin('GET', '/api/v1/admin/locked-accounts')).json().accounts, []);
  });

  test('unlocking an account that is not locked changes nothing; an unknown one is 404; others may not', async () => {
    assert.deepEqual((await asAdmin('POST', '/api/v1/admin/accounts/referrer/unlock')).json(), { username: 'referrer', wasLocked: false });
    assert.deepEqual(await events(), []);
    assert.equal((await asAdmin('POST', '/api/v1/admin/accounts/nobody/unlock')).statusCode, 404);
    const referrer = await database.db.selectFrom('account').select('id').where('username', '=', 'referrer').executeTakeFirstOrThrow();
    const token = (await issueToken(database.db, referrer.id, 'api')).token;
    const refused = await app.inject({ method: 'POST', url: '/api/v1/admin/accounts/referrer/unlock', headers: { authorization: `Bearer ${token}` } });
    assert.equal(refused.statusCode, 403);
  });

  test('the unlock does not forgive the address: a spray from one place stays limited', async () => {
    const address = '10.9.0.1';
    await database.db.insertInto('sign_in_failure').values(Array.from({ length: ADDRESS_LIMIT.maxFailures }, () => ({ key: `address:${address}` }))).execute();
    await lock('provider', '10.9.0.2');
    await asAdmin('POST', '/api/v1/admin/accounts/provider/unlock');
    assert.equal((await signIn('provider', TEST_PASSWORD, address)).statusCode, 429);
  });

  test('the pages: the list, a confirmation with a CSRF-protected form, the unlock, and the events', async () => {
    await lock('referral-centre', '10.10.0.1');
    const admin = await staffSession(app, database, 'admin');
    const list = await admin.get('/admin/locked-accounts');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /<h1>Locked accounts<\/h1>/);
    assert.match(list.body, /data-username="referral-centre"/);
    assert.match(list.body, /href="\/admin\/locked-accounts\/referral-centre\/unlock">Unlock<span class="nhsuk-u-visually-hidden"> referral-centre<\/span>/);

    const confirm = await admin.get('/admin/locked-accounts/referral-centre/unlock');
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /Unlock referral-centre(&#39;|')s account\?/);
    assert.match(confirm.body, /name="_csrf"/);
    assert.equal((await signIn('referral-centre', TEST_PASSWORD, '10.10.0.1')).statusCode, 429, 'showing the confirmation unlocks nothing');

    const withoutToken = await admin.post('/admin/locked-accounts/referral-centre/unlock', {}, { csrf: false });
    assert.equal(withoutToken.statusCode, 403, 'no CSRF token, no unlock');
    assert.equal((await signIn('referral-centre', TEST_PASSWORD, '10.10.0.1')).statusCode, 429);

    const done = await admin.post('/admin/locked-accounts/referral-centre/unlock');
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, '/admin/locked-accounts?unlocked=referral-centre');
    const after = await admin.get(String(done.headers.location));
    assert.match(after.body, /referral-centre(&#39;|')s account is unlocked/);
    assert.match(after.body, /No account is locked/);
    assert.equal((await signIn('referral-centre', TEST_PASSWORD, '10.10.0.1')).statusCode, 200);

    const again = await admin.get('/admin/locked-accounts/referral-centre/unlock');
    assert.equal(again.statusCode, 303, 'no confirmation for an account that is not locked');
    assert.match(String(again.headers.location), /notLocked=referral-centre/);

    const shown = await admin.get('/admin/security-events');
    assert.equal(shown.statusCode, 200);
    assert.match(shown.body, /data-kind="ACCOUNT_UNLOCKED"/);
    assert.match(shown.body, /data-kind="ACCOUNT_LOCKED"/);
    assert.match(shown.body, /unlocked by admin/);
    const filtered = await admin.get('/admin/security-events?kind=ACCOUNT_UNLOCKED');
    assert.doesNotMatch(filtered.body, /data-kind="ACCOUNT_LOCKED"/);

    const referrer = await staffSession(app, database, 'referrer');
    assert.equal((await referrer.get('/admin/locked-accounts')).statusCode, 403);
    assert.equal((await referrer.get('/admin/security-events')).statusCode, 403);
  });
});
