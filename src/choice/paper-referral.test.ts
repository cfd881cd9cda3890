// MS7: a referral centre records a referral that reached it on paper, and the choice measures count it as paper. The
// check page asks how it arrived, of the referral centre only.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';
import { type PageSession, staffSession } from '../testing/page-session.ts';
import { startDemoApp } from '../testing/test-app.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
before(async () => ({ app, database, close } = await startDemoApp('choice_paper')));
after(() => close());

/** Posts a form whose field repeats (ticked checkboxes), as a browser sends it, with the last page's CSRF token. */
async function postPairs(s: PageSession, url: string, pairs: [string, string][]) {
  const payload = new URLSearchParams([['_csrf', s.csrf!], ...pairs]).toString();
  return s.keep(await s.app.inject({ method: 'POST', url, headers: { cookie: s.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' }, payload }));
}

/** The referral journey up to its check page, with the services the page selects. */
async function atCheck(s: PageSession, familyName: string) {
  await s.get('/referrals');
  assert.equal((await s.post('/referrals/new')).statusCode, 303);
  await s.get('/referrals/new/patient');
  const patient = await s.post('/referrals/new/patient', {
    nhsNumber: '9990000018', givenName: 'Pat', familyName, 'dob[day]': '31', 'dob[month]': '1', 'dob[year]': '1970', address: '', postcode: 'LS1 4AP', email: '', mobile: '', specialty: '110',
  });
  assert.equal(patient.statusCode, 303, patient.body);
  await s.get('/referrals/new/preferences');
  assert.equal((await s.post('/referrals/new/preferences', { sortBy: 'DISTANCE', origin: 'home', originPostcode: '', distance: '50' })).statusCode, 303);
  const shortlist = await s.get('/referrals/new/shortlist');
  const ticked = [...shortlist.body.matchAll(/<input[^>]*name="services"[^>]*>/g)].map((m) => m[0]).filter((i) => /checked/.test(i)).map((i) => /value="([^"]+)"/.exec(i)![1]!);
  assert.ok(ticked.length > 0, 'the page selects services');
  assert.equal((await postPairs(s, '/referrals/new/shortlist', ticked.map((id): [string, string] => ['services', id]))).statusCode, 303);
  await s.get('/referrals/new/clinical');
  assert.equal((await s.post('/referrals/new/clinical', { priority: 'ROUTINE', clinicalSummary: 'Knee pain.' })).statusCode, 303);
  return s.get('/referrals/new/check');
}

const ubrnOf = async (s: PageSession) => /id="ubrn" class="oc-code">([\d ]+)</.exec((await s.get('/referrals/new/confirmation')).body)![1]!.replaceAll(' ', '');
const receivedVia = async (ubrn: string) => (await database.db.selectFrom('referral').select('received_via').where('ubrn', '=', ubrn).executeTakeFirstOrThrow()).received_via;

test('the referral centre says the referral came on paper; it is stored so, and electronic stays the default', async () => {
  const centre = await staffSession(app, database, 'demo-referral-centre');
  const check = await atCheck(centre, 'Paper');
  assert.equal(check.statusCode, 200, check.body);
  assert.match(check.body, /<legend[^>]*>\s*How did this referral reach you\?\s*<\/legend>/);
  assert.match(check.body, /<input[^>]*name="receivedVia"[^>]*value="ELECTRONIC"[^>]*checked/);
  const sent = await centre.post('/referrals/new/check', { receivedVia: 'PAPER' });
  assert.equal(sent.statusCode, 303, sent.body);
  assert.equal(await receivedVia(await ubrnOf(centre)), 'PAPER');

  await atCheck(centre, 'Electronic');
  assert.equal((await centre.post('/referrals/new/check', { receivedVia: 'ELECTRONIC' })).statusCode, 303);
  assert.equal(await receivedVia(await ubrnOf(centre)), 'ELECTRONIC');
});

test('a GP practice is not asked, and cannot say paper through the page', async () => {
  const gp = await staffSession(app, database, 'demo-referrer');
  const check = await atCheck(gp, 'Practice');
  assert.doesNotMatch(check.body, /How did this referral reach you/);
  assert.equal((await gp.post('/referrals/new/check', { receivedVia: 'PAPER' })).statusCode, 303);
  assert.equal(await receivedVia(await ubrnOf(gp)), 'ELECTRONIC');
});
