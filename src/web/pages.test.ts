// Page security through app.inject: the session cookie, CSRF refusal, CSP with a nonce.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD } from '../auth/demo-accounts.ts';
import { startDemoApp } from '../testing/test-app.ts';
import { anonymousSession, csrfOf } from '../testing/page-session.ts';

let app: FastifyInstance;
let close: () => Promise<void>;

before(async () => ({ app, close } = await startDemoApp()));
after(() => close());

describe('page sessions', () => {
  test('in production the session cookie is Secure', async () => {
    const { setSessionCookie } = await import('./session.ts');
    const headers: Record<string, string> = {};
    const reply = { setCookie: (_n: string, _v: string, o: { secure: boolean }) => { headers.secure = String(o.secure); } };
    setSessionCookie({ env: 'production' } as never, { protocol: 'http' } as never, reply as never, 't', new Date());
    assert.equal(headers.secure, 'true');
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
    const cookieless = anonymousSession(app);
    const cross = await cookieless.post('/sign-in', { _csrf: token, username: 'demo-referrer', password: DEMO_PASSWORD });
    assert.equal(cross.statusCode, 403);
    assert.equal(cookieless.cookies.has('oc_session'), false);
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
});
