// Suspending or withdrawing a service's accreditation takes it off the shortlists of patients still choosing, so
// both the API and the pages preview it first (how many patients, how many appointments kept), the preview
// changes nothing, and a confirmation is refused when a patient shortlisted the service since (issue 12).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_PASSWORD } from '../auth/demo-accounts.ts';
import { staffSession } from '../testing/page-session.ts';
import { referThroughApi, startDemoApp, type TestApp } from '../testing/test-app.ts';

const SERVICE = 'RR801-110';
let t: TestApp;
let token: string;
before(async () => {
  t = await startDemoApp('standing_preview');
  token = (await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-commissioner', password: DEMO_PASSWORD } })).json().token;
});
after(async () => t.close());

const call = (url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload });
const statusOf = async () => (await t.database.db.selectFrom('service').select('accreditation_status').where('id', '=', SERVICE).executeTakeFirstOrThrow()).accreditation_status;
const events = async () => (await t.database.db.selectFrom('accreditation_event').select('id').where('service_id', '=', SERVICE).execute()).length;

describe('previewing a change of accreditation', () => {
  test('the API: the preview counts the patients choosing and changes nothing; a stale version is refused; the fresh one is done', async () => {
    const url = `/api/v1/accreditation/services/${SERVICE}/standing`;
    await referThroughApi(t.app, { familyName: 'Standing-one' }, [SERVICE]);
    const before = { status: await statusOf(), events: await events() };
    const preview = await call(`${url}/preview`, { change: 'SUSPEND', reason: 'CQC inspection' });
    assert.equal(preview.statusCode, 200, preview.body);
    const shown = preview.json();
    assert.equal(shown.from, 'ACCREDITED');
    assert.equal(shown.to, 'SUSPENDED');
    assert.equal(shown.leavesChoice, true);
    assert.ok(shown.patientsChoosing >= 1, 'the patient just referred is choosing');
    assert.deepEqual({ status: await statusOf(), events: await events() }, before, 'a preview changes nothing');

    // Another patient is given the service on a shortlist: the preview shown is out of date.
    await referThroughApi(t.app, { familyName: 'Standing-two' }, [SERVICE]);
    const stale = await call(url, { change: 'SUSPEND', reason: 'CQC inspection', previewVersion: shown.previewVersion });
    assert.equal(stale.statusCode, 409, stale.body);
    assert.deepEqual(stale.json().errors, [{ field: 'previewVersion', message: 'is out of date: preview again' }]);
    assert.deepEqual({ status: await statusOf(), events: await events() }, before);

    const fresh = (await call(`${url}/preview`, { change: 'SUSPEND', reason: 'CQC inspection' })).json();
    assert.equal(fresh.patientsChoosing, shown.patientsChoosing + 1);
    const done = await call(url, { change: 'SUSPEND', reason: 'CQC inspection', previewVersion: fresh.previewVersion });
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json().status, 'SUSPENDED');
    assert.equal(await events(), before.events + 1, 'exactly one change');
    // Without a version the call works as before (existing clients), and a wrong change is still a conflict.
    assert.equal((await call(`${url}/preview`, { change: 'SUSPEND', reason: 'again' })).statusCode, 409);
    assert.equal((await call(url, { change: 'REINSTATE', reason: 'Inspection passed' })).statusCode, 200);
  });

  test('the pages: suspending shows the check page; a patient shortlisting it meanwhile is refused with a fresh check; confirming suspends', async () => {
    const commissioner = await staffSession(t.app, t.database, 'demo-commissioner');
    const page = `/commissioner/accreditation/services/${SERVICE}`;
    await commissioner.get(page);
    const before = { status: await statusOf(), events: await events() };
    const check = await commissioner.post(page, { change: 'SUSPEND', reason: 'Clinical lead left' });
    assert.equal(check.statusCode, 200, check.body);
    assert.match(check.body, /Suspend .*\?/);
    assert.match(check.body, /Patients still choosing will lose this option/);
    assert.match(check.body, /id="confirm-standing"/);
    assert.deepEqual({ status: await statusOf(), events: await events() }, before, 'the check page changes nothing');
    const version = /name="previewVersion" value="([^"]+)"/.exec(check.body)![1]!;

    await referThroughApi(t.app, { familyName: 'Standing-three' }, [SERVICE]);
    const stale = await commissioner.post(`${page}/confirm`, { change: 'SUSPEND', reason: 'Clinical lead left', previewVersion: version });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /There is a problem[\s\S]*changed since you checked, so nothing was changed/);
    assert.deepEqual({ status: await statusOf(), events: await events() }, before);
    const fresh = /name="previewVersion" value="([^"]+)"/.exec(stale.body)![1]!;
    assert.notEqual(fresh, version);

    const unversioned = await commissioner.post(`${page}/confirm`, { change: 'SUSPEND', reason: 'Clinical lead left' });
    assert.equal(unversioned.headers.location, page, 'no version of what was shown: start again');
    const done = await commissioner.post(`${page}/confirm`, { change: 'SUSPEND', reason: 'Clinical lead left', previewVersion: fresh });
    assert.equal(done.statusCode, 303);
    assert.equal(await statusOf(), 'SUSPENDED');
    // Reinstating gives patients a choice back: done at once.
    const back = await commissioner.post(page, { change: 'REINSTATE', reason: 'New lead appointed' });
    assert.equal(back.statusCode, 303);
    assert.equal(await statusOf(), 'ACCREDITED');
  });
});
