// The referrer's pages through app.inject: who may open them, and booking for a patient who did not attend.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/database.ts';
import { referThroughApi, startDemoApp } from '../../testing/test-app.ts';
import { assertShowsEveryNeed, assertShowsNoNeeds, EVERY_NEED, recordNeeds } from '../../testing/communication-needs.ts';
import { anonymousSession, csrfOf, patientSession, staffSession } from '../../testing/page-session.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;

before(async () => ({ app, database, close } = await startDemoApp()));
after(() => close());

describe('page sessions', () => {
  test('anonymous visits to signed-in pages are sent to sign in', async () => {
    const b = anonymousSession(app);
    for (const url of ['/referrals', '/referrals/new/patient', '/referrals/123456789012']) {
      const res = await b.get(url);
      assert.equal(res.statusCode, 303, url);
      assert.equal(res.headers.location, '/sign-in');
    }
    const post = await b.post('/referrals/new', {});
    assert.equal(post.statusCode, 303);
    assert.equal(post.headers.location, '/sign-in');
  });

  test('a patient session on a staff page gets the 403 page', async () => {
    // The demo's waiting lists always hold referrals.
    const ref = await database.db.selectFrom('referral').select('ubrn').limit(1).executeTakeFirstOrThrow();
    const res = await (await patientSession(app, database, ref.ubrn)).get('/referrals');
    assert.equal(res.statusCode, 403);
    assert.match(res.headers['content-type'] as string, /text\/html/);
  });

  test('a patient who did not attend can be booked again: the referral is awaiting booking, its page offers "Book", and booking works', async () => {
    const { ubrn } = await referThroughApi(app, { givenName: 'Dee', familyName: 'Missed' }, ['RR813-110']);
    await database.db.updateTable('referral').set({ status: 'DID_NOT_ATTEND' }).where('ubrn', '=', ubrn).execute();

    const b = await staffSession(app, database, 'demo-referrer');
    assert.match((await b.get('/referrals?state=to-book')).body, new RegExp(`data-ubrn="${ubrn}" data-status="DID_NOT_ATTEND"`), 'to book');
    const page = await b.get(`/referrals/${ubrn}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Did not attend/);
    assert.match(page.body, new RegExp(`href="/referrals/${ubrn}/book"[^>]*id="book-now"`), 'the page offers to book');

    const form = await b.get(`/referrals/${ubrn}/book`);
    assert.equal(form.statusCode, 200);
    const slotId = /name="slotId" type="radio" value="([^"]+)"/.exec(form.body)?.[1];
    assert.ok(slotId, 'free slots are offered');
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(form.body)![1]!;
    const booked = await b.post(`/referrals/${ubrn}/book`, { _csrf: csrfOf(form.body), slotId, idempotencyKey: key });
    assert.equal(booked.statusCode, 303, booked.body);
    assert.equal(booked.headers.location, `/referrals/${ubrn}/booked`);
    const row = await database.db.selectFrom('referral').select('status').where('ubrn', '=', ubrn).executeTakeFirstOrThrow();
    assert.equal(row.status, 'BOOKED');
  });
});

describe('the patient\'s communication needs', () => {
  test('the referral\'s page says what the patient needs and how to reach their carer; nothing when none are recorded', async () => {
    const { ubrn } = await referThroughApi(app, { familyName: 'Needs' }, ['RR813-110']);
    const b = await staffSession(app, database, 'demo-referrer');
    assertShowsNoNeeds((await b.get(`/referrals/${ubrn}`)).body);
    await recordNeeds(database, ubrn, EVERY_NEED);
    const page = await b.get(`/referrals/${ubrn}`);
    assert.equal(page.statusCode, 200);
    assertShowsEveryNeed(page.body);
  });
});
