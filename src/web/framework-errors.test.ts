// Requests the framework refuses before routing (issue 12, defect 6) are answered as every other refusal: problem+json
// for the API, a page for a browser, with the security headers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startDemoApp, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
before(async () => {
  t = await startDemoApp('framework-errors');
});
after(() => t.close());

const long = 'a'.repeat(600);
const secured = (headers: Record<string, unknown>) => {
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['x-frame-options'], 'DENY');
  assert.ok(headers['content-security-policy'], 'a content security policy');
  assert.equal(headers['cache-control'], 'no-store');
};

test('a bad percent-encoding or an over-long parameter on the API is problem+json with the security headers', async () => {
  for (const [url, status] of [['/api/v1/services/%FF', 400], [`/api/v1/services/${long}`, 414]] as const) {
    const res = await t.app.inject({ method: 'GET', url, headers: { accept: 'application/json' } });
    assert.equal(res.statusCode, status, url);
    assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
    const body = res.json();
    assert.equal(body.status, status);
    assert.match(body.detail, /address/);
    secured(res.headers);
  }
});

test('the same asked for by a browser is a page', async () => {
  for (const [url, status] of [['/services/%FF', 400], [`/referrals/${long}/book`, 414]] as const) {
    const res = await t.app.inject({ method: 'GET', url, headers: { accept: 'text/html,application/xhtml+xml' } });
    assert.equal(res.statusCode, status, url);
    assert.match(res.headers['content-type'] as string, /^text\/html/);
    assert.match(res.body, /<h1>Sorry, there is a problem<\/h1>/);
    assert.match(res.body, /address/);
    secured(res.headers);
  }
});
