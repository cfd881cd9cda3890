// What a signed-in caller is answered is never kept by a cache (issue 12, defect 8): src/http/access.ts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO_PASSWORD } from '../auth/demo-accounts.ts';
import { referThroughApi, startDemoApp, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
before(async () => {
  t = await startDemoApp('no-store');
});
after(() => t.close());

test('an API answer to a signed-in caller is never stored by a cache; the public directory may be (issue 12, defect 8)', async () => {
  const services = (await t.database.db.selectFrom('service').select('id').where('specialty_code', '=', '110').where('active', '=', true)
    .where('accreditation_status', '=', 'ACCREDITED').limit(5).execute()).map((s) => s.id);
  const { ubrn } = await referThroughApi(t.app, { familyName: 'Cached' }, services);
  const token = (await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-referrer', password: DEMO_PASSWORD } })).json().token;
  const referral = await t.app.inject({ method: 'GET', url: `/api/v1/referrals/${ubrn}`, headers: { authorization: `Bearer ${token}` } });
  assert.equal(referral.statusCode, 200, referral.body.slice(0, 200));
  assert.equal(referral.headers['cache-control'], 'no-store');
  const refused = await t.app.inject({ method: 'GET', url: `/api/v1/referrals/${ubrn}` });
  assert.equal(refused.statusCode, 401);
  const listed = await t.app.inject({ method: 'GET', url: '/api/v1/services?specialty=110&postcode=LS1%204AP' });
  assert.equal(listed.statusCode, 200);
  assert.notEqual(listed.headers['cache-control'], 'no-store', 'the public directory answer is not held back from caches');
});
