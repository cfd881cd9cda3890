// The faster-alternative pages through app.inject: who may open them, the error summary with no choice made, what
// a patient not yet due an alternative is told, and that the referrer's pages speak of "the patient".
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';
import { londonDate } from '../domain/dates.ts';
import { addDays } from '../domain/rtt-clock.ts';
import { referThroughApi, startDemoApp } from '../testing/test-app.ts';
import { patientSession, staffSession } from '../testing/page-session.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
let breached = '';
let recent = '';

before(async () => {
  ({ app, database, close } = await startDemoApp());
  breached = (await referThroughApi(app, { familyName: 'Breached' }, ['RR813-110', 'RR801-110'])).ubrn;
  recent = (await referThroughApi(app, { familyName: 'Recent' }, ['RR813-110', 'RR801-110'])).ubrn;
  await database.db.updateTable('referral').set({ rtt_clock_start: addDays(londonDate(), -200) }).where('ubrn', '=', breached).execute();
});
after(() => close());

const patient = (ubrn: string) => patientSession(app, database, ubrn);
const staff = (username: string) => staffSession(app, database, username);

describe('who may open the faster-alternative pages', () => {
  test('anonymous visitors are sent to the right sign-in page', async () => {
    for (const url of ['/manage/faster', '/manage/faster/confirm', '/manage/faster/moved']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 303, url);
      assert.equal(res.headers.location, '/manage/sign-in', url);
    }
    const res = await app.inject({ method: 'GET', url: `/referrals/${breached}/faster` });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/sign-in');
  });

  test('a staff session cannot open the patient pages, nor a patient the referrer pages', async () => {
    const referrer = await staff('demo-referrer');
    for (const url of ['/manage/faster', '/manage/faster/confirm']) assert.equal((await referrer.get(url)).statusCode, 403, url);
    const provider = await staff('demo-provider');
    assert.equal((await provider.get(`/referrals/${breached}/faster`)).statusCode, 403);
    const own = await patient(breached);
    assert.equal((await own.get(`/referrals/${breached}/faster`)).statusCode, 403);
  });
});

describe('the faster alternative', () => {
  test('the patient: waiting time and link on /manage; no choice made shows the error summary', async () => {
    const s = await patient(breached);
    const home = await s.get('/manage');
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /Your waiting time/);
    assert.match(home.body, /href="\/manage\/faster"/);
    const page = await s.get('/manage/faster');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /name="serviceId"/);
    const res = await s.post('/manage/faster');
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /<title>Error: /);
    assert.match(res.body, /nhsuk-error-summary/);
    assert.match(res.body, /href="#serviceId">\s*Select where you would like to be seen/);
    // A service not offered is refused the same way.
    const wrong = await s.post('/manage/faster', { serviceId: 'RR813-110' });
    assert.equal(wrong.statusCode, 400);
  });

  test('a form without the CSRF token is refused', async () => {
    const s = await patient(breached);
    await s.get('/manage/faster');
    assert.equal((await s.post('/manage/faster/confirm', { serviceId: 'NT332-110' }, { csrf: false })).statusCode, 403);
  });

  test('a patient within 18 weeks is told why they cannot ask yet, with no link', async () => {
    const s = await patient(recent);
    const home = await s.get('/manage');
    assert.doesNotMatch(home.body, /href="\/manage\/faster"/);
    const page = await s.get('/manage/faster');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /You cannot ask for a faster alternative yet/);
    assert.doesNotMatch(page.body, /name="serviceId"/);
  });

  test('the referrer: waiting time and "Find a faster alternative"; another practice gets not found', async () => {
    const s = await staff('demo-referrer');
    const page = await s.get(`/referrals/${breached}`);
    assert.match(page.body, /Find a faster alternative/);
    const list = await s.get(`/referrals/${breached}/faster`);
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Choose a faster alternative for the patient/);
    const res = await s.post(`/referrals/${breached}/faster`);
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Select where the patient will be seen/);
    assert.equal((await s.get('/referrals/000000000000/faster')).statusCode, 404);
  });
});

describe('the referrer\'s pages speak of "the patient", with dates as people read them', () => {
  test('the waiting-time panel and the faster alternatives', async () => {
    const s = await staff('demo-referrer');
    const page = await s.get(`/referrals/${breached}`);
    assert.match(page.body, /id="waiting-explanation">The patient has waited [\d.]+ weeks, more than the 18 weeks the NHS Constitution sets, so they can ask for a faster alternative\./);
    assert.match(page.body, /where the patient is waiting\./);
    const list = await s.get(`/referrals/${breached}/faster`);
    assert.match(list.body, /The patient has waited [\d.]+ weeks/);
    assert.match(list.body, /Expected to see the patient by <strong>\d{1,2} \w+ \d{4}<\/strong>/);
    assert.match(list.body, /<li>Expected to see the patient by \d{1,2} \w+ \d{4}(, about [\d.]+ weeks sooner than where they wait now)?<\/li>/);
    const main = /<main[\s\S]*<\/main>/.exec(list.body)![0];
    assert.doesNotMatch(main, /\b(You have|you can ask|see you by|you wait)\b/);
    assert.doesNotMatch(main, /\b\d{4}-\d{2}-\d{2}\b/, 'no date written as the data holds it');
  });

  test('a referral not yet due an alternative: the referrer is told of the patient, not "you"', async () => {
    const s = await staff('demo-referrer');
    for (const url of [`/referrals/${recent}`, `/referrals/${recent}/faster`]) {
      const main = /<main[\s\S]*<\/main>/.exec((await s.get(url)).body)![0];
      assert.doesNotMatch(main, /\b(You|you|your|Your)\b/, url);
    }
    assert.match((await s.get(`/referrals/${recent}/faster`)).body, /<h1>The patient cannot ask for a faster alternative yet<\/h1>/);
  });

  test('the long waiters of the demo waiting list: on staff pages, never "you"', async () => {
    const longWaiters = await database.db.selectFrom('referral').select('ubrn').where('source', '=', 'WAITING_LIST').execute();
    assert.ok(longWaiters.length >= 7);
    // The demo practice reads them as reported by their providers (it did not refer them, issue 12): their
    // providers' staff see them in full.
    const referrer = await staff('demo-referrer');
    for (const { ubrn } of longWaiters) {
      const res = await referrer.get(`/referrals/${ubrn}`);
      assert.equal(res.statusCode, 200, ubrn);
      assert.match(res.body, /id="reported-by"/, ubrn);
      assert.doesNotMatch(/<main[\s\S]*<\/main>/.exec(res.body)![0], /\b(You|you|your|Your)\b/, ubrn);
      assert.equal((await referrer.get(`/referrals/${ubrn}/faster`)).statusCode, 404, 'moving the patient is not the practice\'s to do');
    }
  });

  test('the patient\'s own pages still speak to "you", with the same dates', async () => {
    const s = await patient(breached);
    const home = await s.get('/manage');
    assert.match(home.body, /id="waiting-explanation">You have waited [\d.]+ weeks, more than the 18 weeks the NHS Constitution sets, so you can ask for a faster alternative\./);
    const list = await s.get('/manage/faster');
    assert.match(list.body, /<li>Expected to see you by \d{1,2} \w+ \d{4}(, about [\d.]+ weeks sooner than where you wait now)?<\/li>/);
    assert.doesNotMatch(/<main[\s\S]*<\/main>/.exec(list.body)![0], /\b\d{4}-\d{2}-\d{2}\b/);
  });
});

describe('a long waiter from the demo waiting list, on their own page', () => {
  test('the service they wait at, priced and placed as a shortlist does; no free date they cannot book', async () => {
    for (const postcode of ['LS6 1SG', 'BD2 4AA']) {
      const { ubrn } = await database.db.selectFrom('referral').select('ubrn').where('source', '=', 'WAITING_LIST').where('patient_postcode', '=', postcode).executeTakeFirstOrThrow();
      const home = await (await patient(ubrn)).get('/manage');
      assert.equal(home.statusCode, 200);
      const options = /<table[^>]*id="options"[\s\S]*?<\/table>/.exec(home.body)![0];
      assert.doesNotMatch(options, /Not published|0\.0 miles|£0\.00/, postcode);
      assert.match(options, /[\d.]+ weeks/);
      assert.match(options, /[1-9][\d.]* miles/);
      assert.match(options, /£\d+\.\d\d/);
      // The hospital arranges the appointment ("likely to be seen: not known yet"): no earliest free slot beside it.
      assert.match(home.body, /id="forecast">Not known yet/);
      assert.doesNotMatch(options, /Earliest appointment|No free appointments/);
      assert.match(home.body, /id="hospital-arranges">Your hospital will contact you to arrange your appointment/);
      assert.doesNotMatch(home.body, /first free one you can book now/);
    }
  });

  test('a patient who books for themselves is told what the earliest appointment means beside the forecast', async () => {
    const home = await (await patient(recent)).get('/manage');
    assert.match(/<table[^>]*id="options"[\s\S]*?<\/table>/.exec(home.body)![0], /Earliest appointment/);
    assert.match(home.body, /The earliest appointment is the first free one you can book now: if you book it, that is when you will be seen, whatever the typical wait\./);
  });
});

describe('after a move', () => {
  test('the new referral is offered neither a faster alternative nor a move again at once, and says when it may be', async () => {
    const { ubrn } = await database.db.selectFrom('referral').select('ubrn').where('source', '=', 'WAITING_LIST').where('patient_postcode', '=', 'LS17 6AA').executeTakeFirstOrThrow();
    const s = await patient(ubrn);
    const before = await s.get('/manage');
    assert.match(before.body, /id="faster-link"/, 'a long waiter may ask for a faster alternative');
    assert.match(before.body, /id="move-link"/, 'and to move (PIDMAS)');
    const choices = await s.get('/manage/faster');
    const serviceId = /name="serviceId" type="radio" value="([^"]+)"/.exec(choices.body)?.[1];
    assert.ok(serviceId, 'there is an alternative to choose');
    assert.equal((await s.post('/manage/faster', { serviceId })).statusCode, 303);
    await s.get(`/manage/faster/confirm?serviceId=${encodeURIComponent(serviceId)}`);
    const moved = await s.post('/manage/faster/confirm', { serviceId });
    assert.equal(moved.statusCode, 303);
    assert.equal(moved.headers.location, '/manage/faster/moved');

    const after = await s.get('/manage');
    assert.equal(after.statusCode, 200);
    assert.doesNotMatch(after.body, /id="faster-link"/);
    assert.doesNotMatch(after.body, /id="move-link"/);
    assert.match(after.body, /id="waiting-explanation">You have waited [\d.]+ weeks\. Your referral moved to a provider expected to see you sooner; if they have not seen you by \d{1,2} \w+ \d{4}, you can ask for a faster alternative again\./);
    const again = await s.get('/manage/faster');
    assert.match(again.body, /You cannot ask for a faster alternative yet/);
    assert.doesNotMatch(again.body, /name="serviceId"/);
  });
});
