// Page security through app.inject: the session cookie, CSRF refusal, CSP with a nonce.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../app.ts';
import type { Database } from '../db/database.ts';
import { DEMO_PASSWORD } from '../auth/demo-accounts.ts';
import { openDemoTestDatabase, testConfig } from '../testing/database.ts';

let app: FastifyInstance;
let database: Database;

/** A tiny cookie jar over app.inject. */
class Browser {
  cookies = new Map<string, string>();
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  keep(res: LightMyRequestResponse) {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }
  async get(url: string) {
    return this.keep(await app.inject({ method: 'GET', url, headers: { cookie: this.header() } }));
  }
  async post(url: string, form: Record<string, string>) {
    return this.keep(
      await app.inject({ method: 'POST', url, headers: { cookie: this.header(), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() }),
    );
  }
}

export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  assert.ok(m, 'the page has a CSRF field');
  return m[1]!;
}

before(async () => {
  database = await openDemoTestDatabase();
  app = await buildApp({ config: testConfig(), database, logger: false });
});
// These tests share one address (app.inject's 127.0.0.1) and a database other test files also use: start each
// with that address's failed sign-ins forgotten, so earlier failures elsewhere cannot lock it out.
beforeEach(() => database.db.deleteFrom('sign_in_failure').where('key', '=', 'address:127.0.0.1').execute());
after(async () => {
  await app.close();
  await database.close();
});

describe('page sessions', () => {
  test('in production the session cookie is Secure', async () => {
    const { setSessionCookie } = await import('./session.ts');
    const headers: Record<string, string> = {};
    const reply = { setCookie: (_n: string, _v: string, o: { secure: boolean }) => { headers.secure = String(o.secure); } };
    setSessionCookie({ env: 'production' } as never, { protocol: 'http' } as never, reply as never, 't', new Date());
    assert.equal(headers.secure, 'true');
  });

  test('a POST without the CSRF token is refused with 403, and nothing happens', async () => {
    const b = new Browser();
    await b.get('/sign-in');
    const res = await b.post('/sign-in', { username: 'demo-referrer', password: DEMO_PASSWORD });
    assert.equal(res.statusCode, 403);
    assert.equal(b.cookies.has('oc_session'), false);
    // A token without its cookie (another browser's) is refused too.
    const other = new Browser();
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
});
