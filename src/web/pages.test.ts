// Page security through app.inject: sessions in a cookie, CSRF refusal, CSP with a nonce, redirects to sign in.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../app.ts';
import type { Database } from '../db/database.ts';
import { DEMO_PASSWORD } from '../auth/demo-accounts.ts';
import { openDemoTestDatabase, testConfig } from '../testing/database.ts';
import { anonymousSession, csrfOf, PageSession, patientSession } from '../testing/page-session.ts';

let app: FastifyInstance;
let database: Database;

before(async () => {
  database = await openDemoTestDatabase();
  app = await buildApp({ config: testConfig(), database, logger: false });
});
// These tests share one address (app.inject's 127.0.0.1): start each with that address's failed sign-ins
// forgotten, so that the failures of one test cannot lock another out, whatever order they run in.
beforeEach(() => database.db.deleteFrom('sign_in_failure').where('key', '=', 'address:127.0.0.1').execute());
after(async () => {
  await app.close();
  await database.close();
});

describe('page sessions', () => {
  test('anonymous visits to signed-in pages are sent to sign in', async () => {
    const b = anonymousSession(app);
    for (const url of ['/referrals', '/referrals/new/patient', '/referrals/123456789012']) {
      const res = await b.get(url);
      assert.equal(res.statusCode, 303, url);
      assert.equal(res.headers.location, '/sign-in');
    }
    const post = await b.post('/referrals/new', {});
    assert.equal(post.statusCode, 303);
    assert.equal(post.headers.location, '/sign-in');
  });

  test('sign in sets an HttpOnly SameSite=Lax session cookie whose hash is stored as a page session; sign out ends it', async () => {
    const b = anonymousSession(app);
    const form = await b.get('/sign-in');
    assert.equal(form.statusCode, 200);
    const res = await b.post('/sign-in', { _csrf: csrfOf(form.body), username: 'demo-referrer', password: DEMO_PASSWORD });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/referrals');
    const cookie = (res.cookies as { name: string; value: string; httpOnly?: boolean; sameSite?: string; secure?: boolean }[]).find((c) => c.name === 'oc_session');
    assert.ok(cookie);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.notEqual(cookie.secure, true, 'not Secure over plain http outside production');
    const stored = await database.db.selectFrom('auth_session').select(['token_hash', 'kind']).where('token_hash', '=', cookie.value).executeTakeFirst();
    assert.equal(stored, undefined, 'the token itself is not stored');
    const { createHash } = await import('node:crypto');
    const row = await database.db.selectFrom('auth_session').select('kind').where('token_hash', '=', createHash('sha256').update(cookie.value).digest('hex')).executeTakeFirst();
    assert.equal(row?.kind, 'page');

    const worklist = await b.get('/referrals');
    assert.equal(worklist.statusCode, 200);
    assert.equal(worklist.headers['cache-control'], 'no-store');
    assert.match(worklist.body, /id="signed-in-as"[^>]*>[^<]*Demo/);

    const out = await b.post('/sign-out', { _csrf: csrfOf(worklist.body) });
    assert.equal(out.statusCode, 303);
    assert.equal(out.headers.location, '/signed-out');
    // The old cookie no longer signs in, even if kept.
    const again = await new PageSession(app, cookie.value).get('/referrals');
    assert.equal(again.statusCode, 303);
  });

  test('in production the session cookie is Secure', async () => {
    const { setSessionCookie } = await import('./session.ts');
    const headers: Record<string, string> = {};
    const reply = { setCookie: (_n: string, _v: string, o: { secure: boolean }) => { headers.secure = String(o.secure); } };
    setSessionCookie({ env: 'production' } as never, { protocol: 'http' } as never, reply as never, 't', new Date());
    assert.equal(headers.secure, 'true');
  });

  test('a wrong password shows one message for every failure, with status 401', async () => {
    const b = anonymousSession(app);
    const form = await b.get('/sign-in');
    const res = await b.post('/sign-in', { _csrf: csrfOf(form.body), username: `nobody-${process.pid}-${Date.now()}`, password: 'wrong' });
    assert.equal(res.statusCode, 401);
    assert.match(res.body, /Enter a correct username and password/);
    assert.match(res.body, /<title>Error: Sign in/);
  });

  test('too many failures: 429 shown as an error with Retry-After', async () => {
    const b = anonymousSession(app);
    const username = `locked-${process.pid}-${Date.now()}`;
    let last: LightMyRequestResponse | undefined;
    for (let i = 0; i < 6; i++) {
      const form = await b.get('/sign-in');
      last = await b.post('/sign-in', { _csrf: csrfOf(form.body), username, password: 'wrong' });
    }
    assert.equal(last!.statusCode, 429);
    assert.ok(Number(last!.headers['retry-after']) > 0);
    assert.match(last!.body, /Too many failed attempts to sign in/);
    await database.db.deleteFrom('sign_in_failure').where('key', 'in', [`user:${username}`, 'address:127.0.0.1']).execute();
  });

  test('a POST without the CSRF token is refused with 403, and nothing happens', async () => {
    const b = anonymousSession(app);
    await b.get('/sign-in');
    const res = await b.post('/sign-in', { username: 'demo-referrer', password: DEMO_PASSWORD }, { csrf: false });
    assert.equal(res.statusCode, 403);
    assert.equal(b.cookies.has('oc_session'), false);
    // A token without its cookie (another browser's) is refused too.
    const other = anonymousSession(app);
    const token = csrfOf((await other.get('/sign-in')).body);
    const cross = await b.keep(await app.inject({ method: 'POST', url: '/sign-in', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${token}&username=demo-referrer&password=${DEMO_PASSWORD}` }));
    assert.equal(cross.statusCode, 403);
  });

  test('pages carry a CSP with a fresh nonce, and every script uses it', async () => {
    const one = await app.inject({ method: 'GET', url: '/sign-in' });
    const two = await app.inject({ method: 'GET', url: '/sign-in' });
    const csp = String(one.headers['content-security-policy']);
    const nonce = /script-src[^;]*'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce, csp);
    assert.notEqual(nonce, /'nonce-([^']+)'/.exec(String(two.headers['content-security-policy']))?.[1]);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    const scripts = [...one.body.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.ok(scripts.length >= 2);
    for (const s of scripts) assert.match(s, new RegExp(`nonce="${nonce}"`), s);
    assert.equal(one.headers['x-content-type-options'], 'nosniff');
  });

  test('a patient session on a staff page gets the 403 page', async () => {
    // The demo's waiting lists always hold referrals.
    const ref = await database.db.selectFrom('referral').select('ubrn').limit(1).executeTakeFirstOrThrow();
    const res = await (await patientSession(app, database, ref.ubrn)).get('/referrals');
    assert.equal(res.statusCode, 403);
    assert.match(res.headers['content-type'] as string, /text\/html/);
  });
});
