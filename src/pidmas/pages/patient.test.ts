// Asking to move (PIDMAS) through app.inject: who may open the pages, what a patient not eligible to move is told
// (each rule, with dates as people read them), and that the questions are closed to them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/database.ts';
import { londonDate } from '../../domain/dates.ts';
import { addDays } from '../../domain/rtt-clock.ts';
import { createDirectoryCache } from '../../directory/snapshot.ts';
import { runMatching } from '../../mutual-aid/match-run.ts';
import { referThroughApi, startDemoApp } from '../../testing/test-app.ts';
import { csrfOf, patientSession, staffSession } from '../../testing/page-session.ts';
import { issuePatientToken } from '../../auth/sessions.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
let recent = '';

before(async () => {
  ({ app, database, close } = await startDemoApp());
  recent = (await referThroughApi(app, { familyName: 'Recent' }, ['RR813-110', 'RR801-110'])).ubrn;
});
after(() => close());

const patient = (ubrn: string) => patientSession(app, database, ubrn);
const staff = (username: string) => staffSession(app, database, username);

describe('who may open the pages to ask to move', () => {
  test('anonymous visitors are sent to the patient\'s sign-in page', async () => {
    for (const url of ['/manage/move', '/manage/move/travel', '/manage/move/check']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 303, url);
      assert.equal(res.headers.location, '/manage/sign-in', url);
    }
  });

  test('a staff session cannot open the patient\'s pages', async () => {
    const referrer = await staff('demo-referrer');
    for (const url of ['/manage/move', '/manage/move/travel']) assert.equal((await referrer.get(url)).statusCode, 403, url);
  });
});

describe('asking to move (PIDMAS)', () => {
  test('a patient who has not waited long enough sees which rule failed, and cannot reach the questions', async () => {
    const s = await patient(recent);
    const start = await s.get('/manage/move');
    assert.equal(start.statusCode, 200);
    assert.match(start.body, /data-passed="no"/);
    assert.match(start.body, /you can ask once you have waited more than 40/);
    assert.doesNotMatch(start.body, /id="start"/);
    for (const url of ['/manage/move/travel', '/manage/move/check']) {
      const res = await s.get(url);
      assert.equal(res.statusCode, 303, url);
      assert.equal(res.headers.location, '/manage/move', url);
    }
  });
});

describe('eligibility, explained to "you" with dates as people read them', () => {
  test('an appointment date in the next 8 weeks is written "21 December 2026", not as the data holds it', async () => {
    const next = addDays(londonDate(), 20);
    await database.db.updateTable('referral').set({ next_appointment_date: next }).where('ubrn', '=', recent).execute();
    try {
      const start = await (await patient(recent)).get('/manage/move');
      const spoken = new Date(`${next}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
      assert.match(start.body, new RegExp(`You already have a date \\(${spoken}\\) in the next 8 weeks\\.`));
      assert.doesNotMatch(start.body, new RegExp(next));
    } finally {
      await database.db.updateTable('referral').set({ next_appointment_date: null }).where('ubrn', '=', recent).execute();
    }
  });
});

describe('an offer to move waiting for the patient\'s answer', () => {
  test('is flagged on the patient\'s home page with a link to answer it', async () => {
    // Bradford's demo long waiters are validated: a matching run proposes places, and a receiving provider accepts one.
    await runMatching({ database, directory: createDirectoryCache(database.db, { maxAgeMs: 0 }) }, 'test');
    const proposed = await database.db
      .selectFrom('proposed_transfer as t')
      .innerJoin('mutual_aid_offer as o', 'o.id', 't.offer_id')
      .select(['t.id', 't.ubrn', 'o.provider_ods_code'])
      .where('t.status', '=', 'PROPOSED')
      .where('o.provider_ods_code', 'in', ['RR8', 'RWY'])
      .orderBy('t.id')
      .executeTakeFirstOrThrow();
    const before = await (await patient(proposed.ubrn)).get('/manage');
    assert.doesNotMatch(before.body, /id="offer-banner"/, 'nothing to answer until the provider accepts');

    const receiver = await staff(proposed.provider_ods_code === 'RR8' ? 'demo-provider' : 'demo-provider-2');
    const transfers = await receiver.get('/provider/mutual-aid/transfers');
    // Each patient's Accept and Decline buttons are named for their referral.
    const spoken = proposed.ubrn.replace(/^(\d{4})(\d{4})(\d{4})$/, '$1 $2 $3');
    assert.match(transfers.body, new RegExp(`id="accept-${proposed.id}"[^>]*>\\s*Accept<span class="nhsuk-u-visually-hidden"> the transfer of referral ${spoken}</span>`));
    assert.match(transfers.body, new RegExp(`id="decline-${proposed.id}"[^>]*>\\s*Decline<span class="nhsuk-u-visually-hidden"> the transfer of referral ${spoken}</span>`));
    assert.equal((await receiver.post(`/provider/mutual-aid/transfers/${proposed.id}/accept`)).statusCode, 303);

    const home = await (await patient(proposed.ubrn)).get('/manage');
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /id="offer-banner"/);
    assert.match(home.body, /You have an offer to move to [^<]+<\/p>/);
    assert.match(home.body, /<a class="nhsuk-notification-banner__link" href="\/manage\/move#offer-heading" id="answer-offer-link">Answer the offer to move<\/a>/);
    assert.doesNotMatch(home.body, /id="move-link"/);
    const status = await (await patient(proposed.ubrn)).get('/manage/move');
    assert.match(status.body, /id="offer-heading"/, 'the link leads to the offer');
  });
});

describe('how to contact the patient about moving', () => {
  test('email with no email address, or text with no mobile, is refused on the question, with the error on the field', async () => {
    const { ubrn } = await database.db.selectFrom('referral').select('ubrn').where('source', '=', 'WAITING_LIST').where('patient_postcode', '=', 'LS12 3QE').executeTakeFirstOrThrow();
    await database.db.updateTable('referral').set({ patient_email: null, patient_mobile: null }).where('ubrn', '=', ubrn).execute();
    const s = await patient(ubrn);
    const question = await s.get('/manage/move/contact');
    assert.equal(question.statusCode, 200);
    for (const [contact, missing] of [['EMAIL', 'an email address'], ['TEXT', 'a mobile phone number'], ['PHONE', 'a mobile phone number']] as const) {
      const res = await s.post('/manage/move/contact', { contact });
      assert.equal(res.statusCode, 400, contact);
      assert.match(res.body, /<title>Error: /);
      assert.match(res.body, new RegExp(`<a href="#contact">\\s*We do not have ${missing} for you\\. Choose another way, or ask your GP practice to add it to your referral\\s*</a>`), contact);
      assert.match(res.body, /id="contact-error"/, 'the message is on the field too');
      assert.match(res.body, new RegExp(`value="${contact}" checked`), 'the answer given is kept');
    }
    const letter = await s.post('/manage/move/contact', { contact: 'LETTER' });
    assert.equal(letter.statusCode, 303, 'a letter reaches the patient by post');

    // The API refuses it the same way, on the field.
    const { token } = await issuePatientToken(database.db, ubrn, 'api');
    const api = await app.inject({ method: 'POST', url: '/api/v1/patient/pidmas', headers: { authorization: `Bearer ${token}` }, payload: { travel: '50_MILES', contactPreference: 'EMAIL' } });
    assert.equal(api.statusCode, 422, api.body);
    assert.deepEqual(api.json().errors, [{ field: 'contactPreference', message: 'We do not have an email address for you. Choose another way, or ask your GP practice to add it to your referral' }]);

    await database.db.updateTable('referral').set({ patient_email: 'aisha@example.com' }).where('ubrn', '=', ubrn).execute();
    await s.get('/manage/move/contact');
    const withEmail = await s.post('/manage/move/contact', { contact: 'EMAIL' });
    assert.equal(withEmail.statusCode, 303, 'with an email address on the referral, email is accepted');
  });
});
