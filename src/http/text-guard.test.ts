// A NUL character anywhere in a request is refused at the edge with a 400 naming where it was (issue 12, defect 3):
// PostgreSQL cannot store it in text, and before this every such request answered 500.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { anonymousSession, staffSession } from '../testing/page-session.ts';
import { startDemoApp, type TestApp } from '../testing/test-app.ts';
import { nulAt } from './text-guard.ts';

test('nulAt finds a NUL character in any string of a value, and names where', () => {
  const clean = fc.jsonValue().filter((v) => !JSON.stringify(v).includes('\\u0000'));
  fc.assert(fc.property(clean, (v) => nulAt(v) === null));
  fc.assert(fc.property(fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), clean), fc.stringMatching(/^[a-z]{1,8}$/), fc.string(), fc.string(), (obj, key, a, b) => {
    const withNul = { ...obj, [key]: { inner: [1, `${a}\u0000${b}`] } };
    assert.equal(nulAt(withNul), `${key}.inner[1]`);
  }));
  assert.equal(nulAt('a\u0000b'), 'body');
  assert.equal(nulAt({ 'bad\u0000key': 1 }), 'bad\u0000key');
  assert.equal(nulAt(Buffer.from([0, 0])), null, 'a file\'s bytes are not text');
  assert.equal(nulAt(Readable.from(['a\u0000b'])), null, 'a streamed body is checked by its route as it is read, not walked');
});

let t: TestApp;
before(async () => {
  t = await startDemoApp('text-guard');
});
after(() => t.close());

test('signing in with a NUL in the username is a 400 naming the field, not a 500', async () => {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'a\u0000b', password: 'x' } });
  assert.equal(res.statusCode, 400, res.body);
  assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
  const problem = res.json();
  assert.match(problem.detail, /username holds a NUL character/);
  assert.deepEqual(problem.errors.map((e: { field: string }) => e.field), ['username']);
});

test('a NUL in a path id or a query is a 400 too', async () => {
  for (const url of ['/api/v1/services/%00', '/api/v1/services/abc%00def/slots', '/api/v1/services?specialty=1%0010']) {
    const res = await t.app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 400, `${url}: ${res.body.slice(0, 200)}`);
    assert.match(res.json().detail, /NUL character/);
  }
});

test('a page form with a NUL is answered with a page, status 400, and nothing saved', async () => {
  const s = anonymousSession(t.app);
  await s.get('/sign-in');
  const res = await s.post('/sign-in', { username: 'demo-referrer\u0000', password: 'x' });
  assert.equal(res.statusCode, 400, res.body.slice(0, 300));
  assert.match(res.headers['content-type'] as string, /text\/html/);
  assert.match(res.body, /NUL character/);
  const staff = await staffSession(t.app, t.database, 'demo-referrer');
  const search = await staff.get('/referrals?q=%00');
  assert.equal(search.statusCode, 400);
});
