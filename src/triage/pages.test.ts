// The referral centre's pages and the GP's way to it, through app.inject on the demo data: the GP's services step
// offers the assessment service; the centre signs in to its own home, sees the referral to triage, opens it and
// records each outcome with the NHS error patterns on bad input; the GP then sees the advice.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD } from '../auth/demo-accounts.ts';
import type { Database } from '../db/database.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { assertShowsEveryNeed, assertShowsNoNeeds, EVERY_NEED, recordNeeds } from '../testing/communication-needs.ts';
import { anonymousSession, type PageSession, patientSession, staffSession } from '../testing/page-session.ts';
import { startDemoApp } from '../testing/test-app.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;

before(async () => ({ app, database, close } = await startDemoApp('triage_pages')));
after(() => close());

/** Posts a form whose field repeats (ticked checkboxes), as a browser sends it, with the last page's CSRF token. */
async function postPairs(s: PageSession, url: string, pairs: [string, string][]) {
  const payload = new URLSearchParams([['_csrf', s.csrf!], ...pairs]).toString();
  return s.keep(await s.app.inject({ method: 'POST', url, headers: { cookie: s.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' }, payload }));
}

const section = (html: string, id: string) => new RegExp(`<section aria-labelledby="${id}-heading" id="${id}">((?:(?!</section>).)*)</section>`, 's').exec(html)?.[1] ?? '';
/** The GP's worklist row of a referral, with its status. */
const rowOf = (html: string, ubrn: string) => new RegExp(`<tr[^>]*data-ubrn="${ubrn}"[^>]*>(?:(?!</tr>).)*</tr>`, 's').exec(html)?.[0] ?? '';
const statusOf = async (ubrn: string) => (await database.db.selectFrom('referral').select('status').where('ubrn', '=', ubrn).executeTakeFirstOrThrow()).status;

/** The GP's journey up to the services step, for a patient referred for `specialty`. */
async function gpAtServices(gp: PageSession, familyName: string, specialty = '110') {
  await gp.get('/referrals');
  assert.equal((await gp.post('/referrals/new')).statusCode, 303);
  await gp.get('/referrals/new/patient');
  const patient = await gp.post('/referrals/new/patient', {
    nhsNumber: '9990000018', givenName: 'Tia', familyName, 'dob[day]': '31', 'dob[month]': '1', 'dob[year]': '1970', address: '', postcode: 'LS1 4AP', email: '', mobile: '', specialty,
  });
  assert.equal(patient.statusCode, 303, patient.body);
  await gp.get('/referrals/new/preferences');
  assert.equal((await gp.post('/referrals/new/preferences', { sortBy: 'DISTANCE', origin: 'home', originPostcode: '', distance: '50' })).statusCode, 303);
  return gp.get('/referrals/new/shortlist');
}

/** Sends a referral to the musculoskeletal assessment service through the GP's pages; answers its UBRN. */
async function gpSendsForTriage(gp: PageSession, familyName: string): Promise<string> {
  await gpAtServices(gp, familyName);
  const sent = await gp.post('/referrals/new/shortlist', { route: 'triage' });
  assert.equal(sent.statusCode, 303, sent.body);
  assert.equal(sent.headers.location, '/referrals/new/clinical');
  await gp.get('/referrals/new/clinical');
  assert.equal((await gp.post('/referrals/new/clinical', { priority: 'ROUTINE', clinicalSummary: 'Knee pain for 6 months.\nNo red flags.' })).statusCode, 303);
  const check = await gp.get('/referrals/new/check');
  assert.match(check.body, /Sent for triage to/);
  assert.match(check.body, /id="check-triage">West Yorkshire Musculoskeletal Referral Assessment Service</);
  assert.doesNotMatch(check.body, /id="check-services"/);
  const made = await gp.post('/referrals/new/check');
  assert.equal(made.statusCode, 303, made.body);
  const confirmation = await gp.get('/referrals/new/confirmation');
  assert.match(confirmation.body, /id="sent-for-triage">The referral was sent to West Yorkshire Musculoskeletal Referral Assessment Service for triage, due by/);
  assert.doesNotMatch(confirmation.body, /id="book-now"/, 'nothing to book before triage');
  const ubrn = /id="ubrn" class="oc-code">([\d ]+)</.exec(confirmation.body)![1]!.replaceAll(' ', '');
  const letter = await gp.get('/referrals/new/letter');
  assert.match(letter.body, /has referred you to West Yorkshire Musculoskeletal Referral Assessment Service\. Its clinicians will look at your referral by/);
  assert.doesNotMatch(letter.body, /The services you can choose from/, 'none yet');
  assert.equal(await statusOf(ubrn), 'AWAITING_TRIAGE');
  return ubrn;
}

describe('the GP practice', () => {
  test('the services step offers the assessment service, clearly explained, where the ICB has one for the specialty', async () => {
    const gp = await staffSession(app, database, 'demo-referrer');
    const msk = await gpAtServices(gp, 'Offered');
    assert.equal(msk.statusCode, 200);
    assert.match(msk.body, /id="send-for-triage">Send to the referral assessment service</);
    assert.match(msk.body, /offers them at least 5 providers, ranked by what matters to the patient/);
    assert.match(msk.body, /Or choose the services to offer now/);
    const ent = await gpAtServices(gp, 'NotOffered', '120');
    assert.equal(ent.statusCode, 200);
    assert.doesNotMatch(ent.body, /send-for-triage/, 'no assessment service for ear, nose and throat');
    const refused = await gp.post('/referrals/new/shortlist', { route: 'triage' });
    assert.equal(refused.statusCode, 422);
    assert.match(refused.body, /There is no referral assessment service for this specialty/);
  });

  test('the patient, signed in before triage, is told the referral is being assessed and has nothing to choose yet', async () => {
    const ubrn = await gpSendsForTriage(await staffSession(app, database, 'demo-referrer'), 'Patient');
    const res = await (await patientSession(app, database, ubrn)).get('/manage');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /id="referral-status">Being assessed</);
    assert.match(res.body, /id="being-assessed">Your referral is with West Yorkshire Musculoskeletal Referral Assessment Service\./);
    assert.doesNotMatch(res.body, /id="choose-service"|id="options-heading"/);
  });

  test('choosing services instead, after choosing triage, sends no triage', async () => {
    const gp = await staffSession(app, database, 'demo-referrer');
    await gpAtServices(gp, 'Changed');
    await gp.post('/referrals/new/shortlist', { route: 'triage' });
    const back = await gp.get('/referrals/new/shortlist');
    const first = /name="services" type="checkbox" value="([^"]+)"/.exec(back.body)![1]!;
    assert.equal((await gp.post('/referrals/new/shortlist', { services: first })).statusCode, 303);
    await gp.post('/referrals/new/clinical', { priority: 'ROUTINE', clinicalSummary: 'Knee' });
    const check = await gp.get('/referrals/new/check');
    assert.doesNotMatch(check.body, /Sent for triage to/);
    assert.match(check.body, /id="check-services"/);
  });
});

describe('the referral centre', () => {
  test('signs in to its own home, which lists the referral to triage with its due date', async () => {
    const ubrn = await gpSendsForTriage(await staffSession(app, database, 'demo-referrer'), 'Home');
    const b = anonymousSession(app);
    await b.get('/sign-in');
    const signIn = await b.post('/sign-in', { username: 'demo-referral-centre', password: DEMO_PASSWORD });
    assert.equal(signIn.statusCode, 303);
    assert.equal(signIn.headers.location, '/referral-centre');
    const home = await b.get('/referral-centre');
    assert.equal(home.statusCode, 200);
    assert.match(home.headers['cache-control'] as string, /no-store/);
    assert.match(section(home.body, 'to-triage'), new RegExp(`data-ubrn="${ubrn}"(?:(?!</tr>).)*14 days left`, 's'));
    assert.doesNotMatch(section(home.body, 'overdue'), new RegExp(ubrn));
    assert.match(home.body, /href="\/referrals" id="centre-referrals"/);

    await database.db.updateTable('referral_triage').set({ sent_on: '2026-01-01', due_on: '2026-01-15' }).where('ubrn', '=', ubrn).execute();
    const later = await b.get('/referral-centre');
    assert.match(section(later.body, 'overdue'), new RegExp(`data-ubrn="${ubrn}"(?:(?!</tr>).)*days overdue`, 's'));
    assert.doesNotMatch(section(later.body, 'to-triage'), new RegExp(ubrn));
  });

  test('needs a consultant: the outcome first, then 5 providers proposed; fewer refused without a reason, answers kept', async () => {
    const ubrn = await gpSendsForTriage(await staffSession(app, database, 'demo-referrer'), 'Consultant');
    const centre = await staffSession(app, database, 'demo-referral-centre');
    const page = await centre.get(`/referral-centre/referrals/${ubrn}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /id="clinical-summary">Knee pain for 6 months\.<br>No red flags\.</);
    assert.match(page.body, /id="preference-sort">Nearest</);
    assert.match(page.body, /Hyde Park Surgery|HYDE PARK SURGERY/i);

    const none = await centre.post(`/referral-centre/referrals/${ubrn}/triage`, {});
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /<a href="#outcome">\s*Select the outcome of triage\s*<\/a>/);
    const chosen = await centre.post(`/referral-centre/referrals/${ubrn}/triage`, { outcome: 'NEEDS_CONSULTANT' });
    assert.equal(chosen.statusCode, 303);
    assert.equal(chosen.headers.location, `/referral-centre/referrals/${ubrn}/consultant`);

    const offer = await centre.get(chosen.headers.location as string);
    assert.equal(offer.statusCode, 200);
    const ticked = [...offer.body.matchAll(/name="services" type="checkbox" value="([^"]+)" checked/g)].map((m) => m[1]!);
    const providers = new Set([...offer.body.matchAll(/value="([^"]+)" checked[^>]*data-provider="([^"]+)"/g)].map((m) => m[2]));
    assert.equal(ticked.length, 5, 'the best service of each of the best 5 providers');
    assert.equal(providers.size, 5);

    const two = await postPairs(centre, `/referral-centre/referrals/${ubrn}/consultant`, [...ticked.slice(0, 2).map((id): [string, string] => ['services', id]), ['note', 'Seen before']]);
    assert.equal(two.statusCode, 422);
    assert.match(two.body, /<a href="#fewerProvidersReason">\s*Only 2 providers are selected: select at least 5 providers, or why fewer are offered\s*<\/a>/);
    const keptTicks = [...two.body.matchAll(/name="services" type="checkbox" value="([^"]+)" checked/g)].map((m) => m[1]);
    assert.deepEqual(keptTicks, ticked.slice(0, 2), 'the ticks are kept');
    assert.match(two.body, />Seen before<\/textarea>/, 'the note is kept');
    assert.equal(await statusOf(ubrn), 'AWAITING_TRIAGE');

    const done = await postPairs(centre, `/referral-centre/referrals/${ubrn}/consultant`, ticked.map((id): [string, string] => ['services', id]));
    assert.equal(done.statusCode, 303, done.body);
    const after = await centre.get(done.headers.location as string);
    assert.match(after.body, /id="triaged">Triage recorded: Needs a consultant/);
    assert.equal([...after.body.matchAll(/<li>/g)].length >= 5, true);
    assert.doesNotMatch(after.body, /name="outcome"/, 'no form once triaged');
    assert.equal(await statusOf(ubrn), 'NOT_BOOKED');
    assert.equal((await centre.get(`/referral-centre/referrals/${ubrn}/advice`)).statusCode, 303, 'no second triage');
  });

  test('advice: required, then the referral is back with the GP, who sees the advice', async () => {
    const gp = await staffSession(app, database, 'demo-referrer');
    const ubrn = await gpSendsForTriage(gp, 'Advice');
    assert.match(rowOf((await gp.get('/referrals')).body, ubrn), /data-status="AWAITING_TRIAGE"/, 'awaiting triage on the GP\'s worklist');
    const waiting = await gp.get(`/referrals/${ubrn}`);
    assert.equal(waiting.statusCode, 200);
    assert.match(waiting.body, /id="triage-outcome">Not triaged yet</);
    assert.doesNotMatch(waiting.body, /<h2>Services offered<\/h2>/, 'none yet');
    assert.doesNotMatch(waiting.body, /id="book-now"/);
    const centre = await staffSession(app, database, 'demo-referral-centre');
    await centre.get(`/referral-centre/referrals/${ubrn}`);
    assert.equal((await centre.post(`/referral-centre/referrals/${ubrn}/triage`, { outcome: 'ADVICE' })).headers.location, `/referral-centre/referrals/${ubrn}/advice`);
    await centre.get(`/referral-centre/referrals/${ubrn}/advice`);
    const empty = await centre.post(`/referral-centre/referrals/${ubrn}/advice`, { advice: '' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /<a href="#advice">\s*Enter your advice to the referrer\s*<\/a>/);
    const sent = await centre.post(`/referral-centre/referrals/${ubrn}/advice`, { advice: 'Try 6 weeks of physiotherapy first.' });
    assert.equal(sent.statusCode, 303);
    assert.match(section((await centre.get('/referral-centre')).body, 'returned'), new RegExp(`data-ubrn="${ubrn}"(?:(?!</tr>).)*Returned with advice`, 's'));

    const worklist = await gp.get('/referrals');
    assert.match(rowOf(worklist.body, ubrn), /Returned with advice/s);
    assert.doesNotMatch(rowOf(worklist.body, ubrn), /<td class="nhsuk-table__cell">Rejected</, 'not worded as a provider\'s rejection');
    const referral = await gp.get(`/referrals/${ubrn}`);
    assert.match(referral.body, /id="triage-outcome">Returned with advice</);
    assert.match(referral.body, /id="triage-detail">Try 6 weeks of physiotherapy first\.</);
    assert.doesNotMatch(referral.body, /id="book-now"/, 'nothing to book: the centre offered no services');
  });

  test('redirect and reject each need their answer', async () => {
    const gp = await staffSession(app, database, 'demo-referrer');
    const centre = await staffSession(app, database, 'demo-referral-centre');
    const redirected = await gpSendsForTriage(gp, 'Redirect');
    await centre.get(`/referral-centre/referrals/${redirected}/redirect`);
    assert.match((await centre.post(`/referral-centre/referrals/${redirected}/redirect`, { communityService: '' })).body, /<a href="#communityService">\s*Enter the community service/);
    assert.equal((await centre.post(`/referral-centre/referrals/${redirected}/redirect`, { communityService: 'Leeds Community MSK' })).statusCode, 303);
    assert.match((await gp.get(`/referrals/${redirected}`)).body, /Community service to refer the patient to(?:(?!<\/p>).)*Leeds Community MSK/s);

    const rejected = await gpSendsForTriage(gp, 'Reject');
    await centre.get(`/referral-centre/referrals/${rejected}/reject`);
    assert.match((await centre.post(`/referral-centre/referrals/${rejected}/reject`, {})).body, /<a href="#reason">\s*Select why the referral is rejected/);
    assert.equal((await centre.post(`/referral-centre/referrals/${rejected}/reject`, { reason: 'WRONG_SPECIALTY' })).statusCode, 303);
    assert.match((await gp.get(`/referrals/${rejected}`)).body, /The patient needs another specialty/);
  });

  test('another centre, and the GP, cannot open the triage pages', async () => {
    const ubrn = await gpSendsForTriage(await staffSession(app, database, 'demo-referrer'), 'Private');
    await createOrganisation(database, 'OTHER-RMC2', 'Another referral centre', 'REFERRAL_CENTRE');
    await createAccount(database, 'other-centre-pages', 'referral-centre', 'OTHER-RMC2');
    const other = await staffSession(app, database, 'other-centre-pages');
    assert.equal((await other.get(`/referral-centre/referrals/${ubrn}`)).statusCode, 404);
    await other.get('/referral-centre');
    assert.equal((await other.post(`/referral-centre/referrals/${ubrn}/advice`, { advice: 'x' })).statusCode, 404);
    assert.equal((await (await staffSession(app, database, 'demo-referrer')).get(`/referral-centre/referrals/${ubrn}`)).statusCode, 403);
    assert.equal(await statusOf(ubrn), 'AWAITING_TRIAGE');
  });
});

describe('the patient\'s communication needs', () => {
  test('the case page says what the patient needs and how to reach their carer; nothing when none are recorded', async () => {
    const ubrn = await gpSendsForTriage(await staffSession(app, database, 'demo-referrer'), 'Needs');
    const centre = await staffSession(app, database, 'demo-referral-centre');
    const before = await centre.get(`/referral-centre/referrals/${ubrn}`);
    assert.equal(before.statusCode, 200);
    assertShowsNoNeeds(before.body);
    await recordNeeds(database, ubrn, EVERY_NEED);
    const page = await centre.get(`/referral-centre/referrals/${ubrn}`);
    assert.equal(page.statusCode, 200);
    assertShowsEveryNeed(page.body);
  });
});
