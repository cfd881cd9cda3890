// Staff sign-in pages through app.inject: the session in a cookie, signing out, and failed sign-ins.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Database } from '../db/database.ts';
import { DEMO_PASSWORD } from './demo-accounts.ts';
import { startDemoApp } from '../testing/test-app.ts';
import { anonymousSession, csrfOf, PageSession } from '../testing/page-session.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;

before(async () => ({ app, database, close } = await startDemoApp()));
// These tests share one address (app.inject's 127.0.0.1): start each with that address's failed sign-ins
// forgotten, so that the failures of one test cannot lock another out, whatever order they run in.
beforeEach(() => database.db.deleteFrom('sign_in_failure').where('key', '=', 'address:127.0.0.1').execute());
after(() => close());

describe('page sessions', () => {
  test('a CSRF token is bound to its session: one from before signing in, or from another session, is refused after (issue 12, defect 8)', async () => {
    const b = anonymousSession(app);
    const form = await b.get('/sign-in');
    const before = csrfOf(form.body);
    assert.equal((await b.post('/sign-in', { _csrf: before, username: 'demo-referrer', password: DEMO_PASSWORD })).statusCode, 303);
    // Signed in now, with the same CSRF cookie: the token made before is refused, a token of this session works.
    const stale = await b.post('/sign-out', { _csrf: before });
    assert.equal(stale.statusCode, 403, 'a token from before signing in');
    const worklist = await b.get('/referrals');
    const mine = csrfOf(worklist.body);
    // Someone else's session, sharing the browser's CSRF cookie: the first session's token does not work there.
    const other = new PageSession(app);
    for (const [name, value] of b.cookies) if (name !== 'oc_session') other.cookies.set(name, value);
    const otherForm = await other.get('/sign-in');
    assert.equal((await other.post('/sign-in', { _csrf: csrfOf(otherForm.body), username: 'demo-provider', password: DEMO_PASSWORD })).statusCode, 303);
    assert.equal((await other.post('/sign-out', { _csrf: mine })).statusCode, 403, 'a token of another session');
    assert.equal((await b.post('/sign-out', { _csrf: mine })).statusCode, 303, 'the session\'s own token works');
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

  test('a wrong password shows one message for every failure, with status 401', async () => {
    const b = anonymousSession(app);
    const form = await b.get('/sign-in');
    const res = await b.post('/sign-in', { _csrf: csrfOf(form.body), username: `nobody-${process.pid}-${Date.now()}`, password: 'wrong' });
    assert.equal(res.statusCode, 401);
    assert.match(res.body, /<title>Error: Sign in/);
    // The NHS pattern: the summary says what is wrong and links to the password, which comes back empty to type
    // again; no "Enter your password" (or "enter" anything) under a field the user filled in.
    assert.match(res.body, /<a href="#password">\s*Your username or password is wrong\s*<\/a>/);
    assert.doesNotMatch(res.body, /Enter (your|a correct)/);
    assert.match(res.body, /<input[^>]*id="password"[^>]*>/);
    assert.doesNotMatch(/<input[^>]*id="password"[^>]*>/.exec(res.body)![0], /value="[^"]/, 'the password field is emptied');
    assert.match(/<input[^>]*id="username"[^>]*>/.exec(res.body)![0], /value="nobody-/, 'the username is kept');
  });

  test('a user locked out after wrong passwords does not lock out a colleague at the same address', async () => {
    // Defect 7: the page tests all come from 127.0.0.1, like a practice behind one address.
    const b = anonymousSession(app);
    for (let i = 0; i < 6; i++) {
      const form = await b.get('/sign-in');
      await b.post('/sign-in', { _csrf: csrfOf(form.body), username: 'demo-provider', password: 'wrong' });
    }
    const form = await b.get('/sign-in');
    const locked = await b.post('/sign-in', { _csrf: csrfOf(form.body), username: 'demo-provider', password: DEMO_PASSWORD });
    assert.equal(locked.statusCode, 429);
    assert.match(locked.body, /Too many failed attempts to sign in\. Try again in 1[45] minutes/);

    const colleague = anonymousSession(app);
    const hers = await colleague.get('/sign-in');
    const res = await colleague.post('/sign-in', { _csrf: csrfOf(hers.body), username: 'demo-referrer', password: DEMO_PASSWORD });
    assert.equal(res.statusCode, 303, 'the colleague with the right password signs in');
    await database.db.deleteFrom('sign_in_failure').where('key', '=', 'user:demo-provider').execute();
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
});
