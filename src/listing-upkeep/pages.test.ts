import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueToken } from '../auth/sessions.ts';
import { listIcbs } from '../choice/icb-scope.ts';
import { staffSession } from '../testing/page-session.ts';
import { startDemoApp, type TestApp } from '../testing/test-app.ts';
import { DEMO_NO_SLOTS, DEMO_STALE_OWN_WAIT, DEMO_STALE_RTT_WAIT } from './demo-upkeep.ts';

let t: TestApp;
before(async () => { t = await startDemoApp('listing-upkeep-pages'); });
after(() => t.close());

const as = (username: string) => staffSession(t.app, t.database, username);
const flaggedIn = (html: string) => [...html.matchAll(/data-service-id="([^"]+)" data-flag="([A-Z_]+)"/g)].map((m) => `${m[1]} ${m[2]}`).sort();

async function api(username: string, url: string) {
  const account = await t.database.db.selectFrom('account').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  const token = (await issueToken(t.database.db, account.id, 'api')).token;
  return t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
}

describe('the ICB\'s listings that need attention', () => {
  test('the commissioner sees the flagged listings of the ICB\'s providers, by provider, with evidence and since when', async () => {
    const res = await (await as('demo-commissioner')).get('/commissioner/listings');
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(flaggedIn(res.body), [`${DEMO_STALE_OWN_WAIT} STALE_WAIT`, `${DEMO_NO_SLOTS} NO_SLOTS`, `${DEMO_STALE_RTT_WAIT} STALE_WAIT`].sort());
    assert.match(res.body, /<table class="nhsuk-table" id="provider-RR8"/);
    assert.match(res.body, /<table class="nhsuk-table" id="provider-RWY"/);
    assert.match(res.body, /<caption[^>]*>Leeds Teaching Hospitals[^<]*\(RR8\): 2 listings<\/caption>/i);
    assert.match(res.body, /Wait given by the provider as of .*: 63 days old, at most 42/);
    assert.match(res.body, /latest publication 30 April 2026/);
    assert.match(res.body, /Last slot published /);
    assert.match(res.body, /href="\/commissioner"/, 'a way back to the commissioner\'s home');
    assert.doesNotMatch(res.body, /id="icb"/, 'no ICB picker for a commissioner');
  });

  test('filtered by flag and by provider', async () => {
    const s = await as('demo-commissioner');
    assert.deepEqual(flaggedIn((await s.get('/commissioner/listings?flag=NO_SLOTS')).body), [`${DEMO_NO_SLOTS} NO_SLOTS`]);
    assert.deepEqual(flaggedIn((await s.get('/commissioner/listings?flag=stale_wait&provider=rwy')).body), [`${DEMO_STALE_RTT_WAIT} STALE_WAIT`]);
    const none = await s.get('/commissioner/listings?flag=HIGH_ASI');
    assert.equal(none.statusCode, 200);
    assert.deepEqual(flaggedIn(none.body), []);
    assert.match(none.body, /id="none"/);
    assert.match((await s.get('/commissioner/listings?flag=NO_SLOTS')).body, /<option value="NO_SLOTS" selected>/);
  });

  test('a bad filter is answered 400 with the error summary; another ICB 403', async () => {
    const s = await as('demo-commissioner');
    const flag = await s.get('/commissioner/listings?flag=OLD');
    assert.equal(flag.statusCode, 400);
    assert.match(flag.body, /There is a problem/);
    assert.match(flag.body, /href="#flag"/);
    const provider = await s.get('/commissioner/listings?provider=not%20a%20code');
    assert.equal(provider.statusCode, 400);
    assert.match(provider.body, /href="#provider"/);
    assert.equal((await s.get('/commissioner/listings?icb=QHG')).statusCode, 403);
    assert.equal((await s.get('/commissioner/listings?flag=A&flag=B')).statusCode, 400, 'given twice: the first counts');
  });

  test('an admin chooses the ICB: none chosen asks, an unknown one is 404', async () => {
    const s = await as('demo-admin');
    const ask = await s.get('/commissioner/listings');
    assert.equal(ask.statusCode, 200);
    assert.match(ask.body, /id="choose-icb"/);
    assert.match(ask.body, /<select class="nhsuk-select[^"]*" id="icb" name="icb"/);
    const qwo = await s.get('/commissioner/listings?icb=QWO');
    assert.equal(qwo.statusCode, 200);
    assert.equal(flaggedIn(qwo.body).length, 3);
    assert.equal((await s.get('/commissioner/listings?icb=ZZ9Z')).statusCode, 404);
    assert.equal((await s.get('/commissioner/listings?icb=%21')).statusCode, 400);
  });

  test('another ICB sees a flagged listing only once its patients were offered it', async () => {
    const other = (await listIcbs(t.database.db)).find((i) => i.odsCode !== 'QWO')!;
    const s = await as('demo-admin');
    const url = `/commissioner/listings?icb=${other.odsCode}`;
    assert.ok(!flaggedIn((await s.get(url)).body).includes(`${DEMO_NO_SLOTS} NO_SLOTS`));
    // One of the demo's referrals, as if made by one of that ICB's practices, with the flagged service on its shortlist.
    const fact = await t.database.db.selectFrom('choice_fact').select('ubrn').orderBy('made_on', 'desc').orderBy('ubrn').executeTakeFirstOrThrow();
    await t.database.db.updateTable('choice_fact').set({ icb_code: other.odsCode }).where('ubrn', '=', fact.ubrn).execute();
    await t.database.db.insertInto('referral_option').values({ ubrn: fact.ubrn, rank: 20, service_id: DEMO_NO_SLOTS, offered: JSON.stringify({}) }).onConflict((oc) => oc.doNothing()).execute();
    assert.deepEqual(flaggedIn((await s.get(url)).body), [`${DEMO_NO_SLOTS} NO_SLOTS`]);
  });

  test('only commissioners and admins: the referrer and the provider are refused', async () => {
    for (const who of ['demo-referrer', 'demo-provider', 'demo-referral-centre']) {
      assert.equal((await (await as(who)).get('/commissioner/listings')).statusCode, 403, who);
    }
  });
});

describe('the provider\'s listings page', () => {
  test('the provider sees a warning and a tag on each of its own flagged listings, and no other provider\'s', async () => {
    const res = await (await as('demo-provider')).get('/provider/services');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /id="listings-attention"/);
    assert.match(res.body, /2 of your \d+ listings need attention/);
    const row = (id: string) => new RegExp(`<tr class="nhsuk-table__row" data-service-id="${id}">[\\s\\S]*?</tr>`).exec(res.body)?.[0] ?? '';
    assert.match(row(DEMO_STALE_OWN_WAIT), /data-flag="STALE_WAIT"[\s\S]*Wait out of date[\s\S]*63 days ago \(at most 42\)/);
    assert.match(row(DEMO_NO_SLOTS), /data-flag="NO_SLOTS"[\s\S]*No slots start in the next 4 weeks/);
    assert.doesNotMatch(row('RR801-100'), /data-flag=/);
    assert.doesNotMatch(res.body, new RegExp(DEMO_STALE_RTT_WAIT));
    const other = await (await as('demo-provider-2')).get('/provider/services');
    assert.match(other.body, /1 of your \d+ listings needs attention/);
    assert.match(other.body, /The wait is from the RTT figures of 31 March 2026; figures up to 30 April 2026 are published/);
    assert.doesNotMatch(other.body, new RegExp(DEMO_NO_SLOTS));
  });
});

describe('the API', () => {
  test('GET /api/v1/listing-flags: the ICB\'s, by provider; a bad flag 400; a provider 403', async () => {
    const res = await api('demo-commissioner', '/api/v1/listing-flags?flag=NO_SLOTS');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.icb.odsCode, 'QWO');
    assert.deepEqual(body.providers.map((p: { odsCode: string }) => p.odsCode), ['RR8']);
    const flag = body.providers[0].listings[0].flags[0];
    assert.equal(flag.flag, 'NO_SLOTS');
    assert.equal(flag.evidence.aheadWeeks, 4);
    assert.ok(Date.parse(flag.since) > 0);
    const bad = await api('demo-commissioner', '/api/v1/listing-flags?flag=SOON');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(bad.json().errors[0].field, 'flag');
    assert.equal((await api('demo-admin', '/api/v1/listing-flags')).statusCode, 400, 'an admin names the ICB');
    assert.equal((await api('demo-provider', '/api/v1/listing-flags')).statusCode, 403);
  });

  test('GET /api/v1/provider/listing-flags: the provider\'s own only', async () => {
    const res = await api('demo-provider-2', '/api/v1/provider/listing-flags');
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().listings.map((l: { id: string }) => l.id), [DEMO_STALE_RTT_WAIT]);
    assert.equal(res.json().listings[0].flags[0].evidence.source, 'RTT');
    assert.equal((await api('demo-commissioner', '/api/v1/provider/listing-flags')).statusCode, 403);
  });
});
