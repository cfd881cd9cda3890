import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { startFixtureApp } from '../testing/directory-fixture.ts';
import { setSecurityHeaders } from './security-headers.ts';

let app: FastifyInstance;
let close: () => Promise<void>;
before(async () => ({ app, close } = await startFixtureApp('security_headers')));
after(() => close());

test('JSON answers get a policy that allows nothing, and no nonce is made for them', async () => {
  const res = await app.inject({ method: 'GET', url: '/health' });
  assert.equal(res.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.equal(res.headers['x-frame-options'], 'DENY');
  assert.equal(res.headers['referrer-policy'], 'same-origin');
  assert.equal(res.headers['strict-transport-security'], undefined, 'not outside production');
});

test('each page gets its own nonce, in its policy and on its scripts', async () => {
  const [a, b] = [await app.inject({ method: 'GET', url: '/' }), await app.inject({ method: 'GET', url: '/' })];
  const nonce = (csp: unknown) => /script-src 'self' 'nonce-([0-9a-f]{32})'/.exec(String(csp))?.[1];
  const na = nonce(a.headers['content-security-policy']);
  assert.ok(na);
  assert.notEqual(na, nonce(b.headers['content-security-policy']));
  assert.ok(a.body.includes(`nonce="${na}"`));
  assert.match(String(a.headers['content-security-policy']), /frame-ancestors 'none'/);
  assert.equal((await app.inject({ method: 'GET', url: '/no-such-page' })).statusCode, 404);
});

test('in production every answer asks browsers for HTTPS only, and pages upgrade their own requests', () => {
  const headers = new Map<string, string>();
  const reply = {
    getHeader: (name: string) => headers.get(name),
    header(name: string, value: string) {
      headers.set(name, value);
      return reply;
    },
  };
  reply.header('content-security-policy', "default-src 'self'");
  setSecurityHeaders(reply as unknown as Parameters<typeof setSecurityHeaders>[0], true);
  assert.equal(headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains');
  assert.equal(headers.get('content-security-policy'), "default-src 'self'; upgrade-insecure-requests");
  assert.equal(headers.get('x-frame-options'), 'DENY');
});
