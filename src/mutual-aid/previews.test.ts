// Withdrawing an offer of capacity returns the patients proposed into it to the pool, so the API and the pages
// preview it first; the preview changes nothing, the confirmation does what it showed, and one made after a new
// proposal is refused. Closing a request is previewed the same way (issue 12, guarding against human error).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_PASSWORD } from '../auth/demo-accounts.ts';
import { addDays } from '../domain/rtt-clock.ts';
import { londonDate } from '../domain/dates.ts';
import { staffSession } from '../testing/page-session.ts';
import { referThroughApi, startDemoApp, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let token: string;
let runId: number;
before(async () => {
  t = await startDemoApp('mutual_aid_previews');
  token = (await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-provider', password: DEMO_PASSWORD } })).json().token;
  runId = (await t.database.db.insertInto('match_run').values({ input_hash: 'test', trigger: 'test', input: JSON.stringify({}) }).returning('id').executeTakeFirstOrThrow()).id;
});
after(async () => t.close());

const call = (url: string, payload?: object) => t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });

async function offer() {
  const today = londonDate();
  const made = await call('/api/v1/mutual-aid/offers', { serviceId: 'RR813-110', capacityPerWeek: 5, startsOn: today, endsOn: addDays(today, 60), minAge: null, maxAge: null, complexity: 'ROUTINE', notes: '' });
  assert.equal(made.statusCode, 201, made.body);
  return made.json().id as number;
}

/** A long-waiting patient the matching run proposed into the offer, as a run would leave them. */
async function propose(offerId: number, familyName: string) {
  const { ubrn } = await referThroughApi(t.app, { familyName }, ['RR801-110']);
  const request = await t.database.db.insertInto('pidmas_request').values({ ubrn, status: 'PROPOSED' }).returning('id').executeTakeFirstOrThrow();
  await t.database.db.insertInto('proposed_transfer').values({
    match_run_id: runId, pidmas_request_id: request.id, ubrn, offer_id: offerId, scope: 'ICB', distance_km: 3, wait_weeks: 60, explanation: JSON.stringify([]),
  }).execute();
  return request.id;
}

const offerState = async (offerId: number) => ({
  offer: (await t.database.db.selectFrom('mutual_aid_offer').select('status').where('id', '=', offerId).executeTakeFirstOrThrow()).status,
  proposed: (await t.database.db.selectFrom('proposed_transfer').select('id').where('offer_id', '=', offerId).where('status', '=', 'PROPOSED').execute()).length,
});

describe('previewing a withdrawal of an offer of capacity', () => {
  test('the API: the preview counts the patients going back to the pool and changes nothing; a stale version is refused; the fresh one is done', async () => {
    const id = await offer();
    await propose(id, 'Pool-one');
    const preview = await call(`/api/v1/mutual-aid/offers/${id}/withdraw/preview`);
    assert.equal(preview.statusCode, 200, preview.body);
    assert.equal(preview.json().proposalsReturned, 1);
    assert.equal(preview.json().patientsOffered, 0);
    assert.deepEqual(await offerState(id), { offer: 'OPEN', proposed: 1 }, 'a preview changes nothing');

    const later = await propose(id, 'Pool-two');
    const stale = await call(`/api/v1/mutual-aid/offers/${id}/withdraw`, { previewVersion: preview.json().previewVersion });
    assert.equal(stale.statusCode, 409, stale.body);
    assert.deepEqual(stale.json().errors, [{ field: 'previewVersion', message: 'is out of date: preview again' }]);
    assert.deepEqual(await offerState(id), { offer: 'OPEN', proposed: 2 });

    const fresh = (await call(`/api/v1/mutual-aid/offers/${id}/withdraw/preview`)).json();
    assert.equal(fresh.proposalsReturned, 2);
    const done = await call(`/api/v1/mutual-aid/offers/${id}/withdraw`, { previewVersion: fresh.previewVersion });
    assert.equal(done.statusCode, 200, done.body);
    assert.deepEqual(done.json(), { id, status: 'WITHDRAWN', proposalsReturned: 2 });
    assert.deepEqual(await offerState(id), { offer: 'WITHDRAWN', proposed: 0 });
    const back = await t.database.db.selectFrom('pidmas_request').select('status').where('id', '=', later).executeTakeFirstOrThrow();
    assert.equal(back.status, 'VALIDATED', 'back in the pool');
    // Existing clients call it without a body, as before.
    const plain = await offer();
    assert.equal((await call(`/api/v1/mutual-aid/offers/${plain}/withdraw`)).statusCode, 200);
    assert.equal((await call('/api/v1/mutual-aid/offers/999999999/withdraw/preview')).statusCode, 404);
  });

  test('the pages: the check page shows the patients going back, a proposal made meanwhile is refused with a fresh check, confirming withdraws', async () => {
    const id = await offer();
    await propose(id, 'Pool-page');
    const provider = await staffSession(t.app, t.database, 'demo-provider');
    const own = await provider.get('/provider/mutual-aid');
    assert.match(own.body, new RegExp(`href="/provider/mutual-aid/offers/${id}/withdraw"`));
    const check = await provider.get(`/provider/mutual-aid/offers/${id}/withdraw`);
    assert.equal(check.statusCode, 200);
    assert.match(check.body, /Withdraw the offer and return 1 patient to the pool/);
    const version = /name="previewVersion" value="([^"]+)"/.exec(check.body)![1]!;
    assert.deepEqual(await offerState(id), { offer: 'OPEN', proposed: 1 });

    await propose(id, 'Pool-meanwhile');
    const stale = await provider.post(`/provider/mutual-aid/offers/${id}/withdraw`, { previewVersion: version });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /There is a problem[\s\S]*changed since you checked it, so nothing was done/);
    assert.match(stale.body, /return 2 patients to the pool/);
    assert.deepEqual(await offerState(id), { offer: 'OPEN', proposed: 2 });
    const unversioned = await provider.post(`/provider/mutual-aid/offers/${id}/withdraw`, {});
    assert.equal(unversioned.headers.location, `/provider/mutual-aid/offers/${id}/withdraw`, 'no version: back to the check page');

    const fresh = /name="previewVersion" value="([^"]+)"/.exec(stale.body)![1]!;
    const done = await provider.post(`/provider/mutual-aid/offers/${id}/withdraw`, { previewVersion: fresh });
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, '/provider/mutual-aid?withdrawn=1');
    assert.deepEqual(await offerState(id), { offer: 'WITHDRAWN', proposed: 0 });
  });
});

describe('previewing the closing of a request for mutual aid', () => {
  test('the check page and the API preview change nothing; a request changed since is refused; confirming closes it', async () => {
    const made = await call('/api/v1/mutual-aid/requests', { specialty: '110', patients: 40, neededBy: addDays(londonDate(), 30), constraints: '' });
    assert.equal(made.statusCode, 201, made.body);
    const id = made.json().id as number;
    const statusOf = async () => (await t.database.db.selectFrom('mutual_aid_request').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
    const preview = await call(`/api/v1/mutual-aid/requests/${id}/close/preview`);
    assert.equal(preview.statusCode, 200, preview.body);
    assert.equal(preview.json().patients, 40);
    assert.equal(await statusOf(), 'OPEN');

    const provider = await staffSession(t.app, t.database, 'demo-provider');
    await provider.get('/provider/mutual-aid');
    const check = await provider.get(`/provider/mutual-aid/requests/${id}/close`);
    assert.match(check.body, /Close the request for 40 patients/);
    const version = /name="previewVersion" value="([^"]+)"/.exec(check.body)![1]!;
    assert.equal(version, preview.json().previewVersion, 'pages and API agree on what was shown');

    await t.database.db.updateTable('mutual_aid_request').set({ patients: 45 }).where('id', '=', id).execute();
    const stale = await provider.post(`/provider/mutual-aid/requests/${id}/close`, { previewVersion: version });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /Close the request for 45 patients/);
    assert.equal(await statusOf(), 'OPEN');
    assert.equal((await call(`/api/v1/mutual-aid/requests/${id}/close`, { previewVersion: version })).statusCode, 409);

    const fresh = /name="previewVersion" value="([^"]+)"/.exec(stale.body)![1]!;
    const done = await provider.post(`/provider/mutual-aid/requests/${id}/close`, { previewVersion: fresh });
    assert.equal(done.headers.location, '/provider/mutual-aid?closed=1');
    assert.equal(await statusOf(), 'CLOSED');
  });
});
