// The referral notices' API through app.inject on the demo data set: the referrer's view of its ICB's rules and
// notices, the evidence for the self-assessment, and refusals for other roles and bad periods.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO_PASSWORD } from '../auth/demo-accounts.ts';
import { londonDate } from '../domain/dates.ts';
import { addDays } from '../domain/rtt-clock.ts';
import { startDemoApp, type TestApp } from '../testing/test-app.ts';
import { DEMO_CAPACITY_NOTICE, DEMO_PRIOR_APPROVAL } from './demo-notices.ts';

let t: TestApp;
before(async () => { t = await startDemoApp('referral-notices-api'); });
after(() => t.close());

const tokenOf = async (username: string) =>
  (await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username, password: DEMO_PASSWORD } })).json().token as string;
const get = async (username: string, url: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${await tokenOf(username)}` } });
const today = londonDate();

test('a referrer gets the rules in force and the current notices of the practice\'s ICB for a specialty', async () => {
  const res = await get('demo-referrer', '/api/v1/referral-notices?specialty=110');
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.equal(body.icbCode, 'QWO');
  assert.deepEqual(body.priorApproval.map((r: { procedure: string }) => r.procedure), [DEMO_PRIOR_APPROVAL.procedure]);
  assert.equal(body.capacityNotices[0].title, DEMO_CAPACITY_NOTICE.title);
  assert.deepEqual(body.capacityNotices[0].provider, { code: 'RWY', name: 'Calderdale and Huddersfield NHS Foundation Trust' });
  const other = (await get('demo-referrer', '/api/v1/referral-notices?specialty=130')).json();
  assert.deepEqual([other.priorApproval, other.capacityNotices], [[], []]);
});

test('the evidence counts the notices of the period; other roles and bad periods are refused', async () => {
  const res = await get('demo-commissioner', `/api/v1/capacity-notices/evidence?from=${addDays(today, -30)}&to=${today}`);
  assert.equal(res.statusCode, 200, res.body);
  const { specialties, ...counts } = res.json();
  assert.deepEqual(counts, { icbCode: 'QWO', from: addDays(today, -30), to: today, notices: 1, byIcb: 1, byProviders: 0, spareCapacity: 1, pauses: 0 });
  assert.deepEqual(specialties.map((s: { code: string }) => s.code), ['110']);
  assert.equal((await get('demo-admin', `/api/v1/capacity-notices/evidence?from=${today}&to=${today}`)).statusCode, 400, 'an admin names the ICB');
  assert.equal((await get('demo-admin', `/api/v1/capacity-notices/evidence?from=${today}&to=${today}&icb=QWO`)).statusCode, 200);
  assert.equal((await get('demo-commissioner', `/api/v1/capacity-notices/evidence?from=${today}&to=${today}&icb=QF7`)).statusCode, 403);
  assert.equal((await get('demo-commissioner', `/api/v1/capacity-notices/evidence?from=${today}&to=${addDays(today, -1)}`)).statusCode, 400);
  assert.equal((await get('demo-commissioner', '/api/v1/capacity-notices/evidence?from=2026-02-30&to=2026-03-01')).statusCode, 400);
  for (const username of ['demo-referrer', 'demo-provider']) {
    assert.equal((await get(username, `/api/v1/capacity-notices/evidence?from=${today}&to=${today}`)).statusCode, 403, username);
  }
  for (const username of ['demo-commissioner', 'demo-provider']) {
    assert.equal((await get(username, '/api/v1/referral-notices')).statusCode, 403, username);
  }
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/referral-notices' })).statusCode, 401);
});
