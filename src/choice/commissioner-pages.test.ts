// Every commissioner page of choice, measured, held to the same rules: the commissioner's own ICB only (another ICB's
// code is refused with a page, never a 500), an admin chooses one (an unknown code is not found), every other role is
// refused; each page answers within the page platform's rules (HTML, the NHS layout).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { londonDate } from '../domain/dates.ts';
import { addDays } from '../domain/rtt-clock.ts';
import { staffSession } from '../testing/page-session.ts';
import { startDemoApp, type TestApp } from '../testing/test-app.ts';

const PAGES = [
  '/commissioner', '/commissioner/choice', `/commissioner/choice/referrals?from=${addDays(londonDate(), -90)}&to=${londonDate()}&measure=referrals`, '/commissioner/patterns', '/commissioner/availability',
  '/commissioner/availability/tests', '/commissioner/listings', '/commissioner/mental-health', '/commissioner/survey',
];

let t: TestApp;
before(async () => { t = await startDemoApp('commissioner-pages'); });
after(() => t.close());

const withIcb = (url: string, icb: string) => `${url}${url.includes('?') ? '&' : '?'}icb=${encodeURIComponent(icb)}`;
const html = (res: { headers: Record<string, unknown> }) => String(res.headers['content-type']).startsWith('text/html');

test('the commissioner sees each page of their own ICB, and another ICB\'s code is refused as a page', async () => {
  const s = await staffSession(t.app, t.database, 'demo-commissioner');
  for (const url of PAGES) {
    const own = await s.get(url);
    assert.equal(own.statusCode, 200, `${url}: ${own.body.slice(0, 300)}`);
    assert.match(own.body, /href="\/commissioner"|<h1/, url);
    const other = await s.get(withIcb(url, 'QOP'));
    assert.equal(other.statusCode, 403, `${url}?icb=QOP`);
    assert.ok(html(other), `${url}: a page, not JSON`);
    assert.doesNotMatch(other.body, /problem with the service/i, url);
  }
});

test('an admin chooses the ICB: an unknown one is not found, a malformed one a bad request, as pages', async () => {
  const s = await staffSession(t.app, t.database, 'demo-admin');
  for (const url of PAGES) {
    assert.equal((await s.get(withIcb(url, 'QWO'))).statusCode, 200, `${url}?icb=QWO`);
    const unknown = await s.get(withIcb(url, 'ZZZ99'));
    assert.equal(unknown.statusCode, 404, `${url}?icb=ZZZ99`);
    assert.ok(html(unknown), url);
    const malformed = await s.get(withIcb(url, '<x>'));
    assert.equal(malformed.statusCode, 400, `${url}?icb=<x>`);
    assert.doesNotMatch(malformed.body, /<x>/, 'the code is not echoed unescaped');
  }
});

test('every other role is refused every commissioner page', async () => {
  for (const user of ['demo-referrer', 'demo-referral-centre', 'demo-provider']) {
    const s = await staffSession(t.app, t.database, user);
    for (const url of PAGES) assert.equal((await s.get(url)).statusCode, 403, `${user} ${url}`);
  }
});
