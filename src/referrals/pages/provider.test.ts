// Access to the provider's referral pages through app.inject: a referrer gets 403 on them; anonymous visitors are
// sent to the staff sign-in page; a referral the provider may see but does not review shows without actions. And the
// reject form.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/database.ts';
import { referThroughApi, startDemoApp } from '../../testing/test-app.ts';
import { assertShowsEveryNeed, assertShowsNoNeeds, EVERY_NEED, recordNeeds } from '../../testing/communication-needs.ts';
import { csrfOf, staffSession } from '../../testing/page-session.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const referrals: { ubrn: string; accessCode: string }[] = [];

before(async () => {
  ({ app, database, close } = await startDemoApp());
  referrals.push(await referThroughApi(app, { familyName: 'Own' }, ['RR813-110']));
  referrals.push(await referThroughApi(app, { familyName: 'Other' }, ['RR801-110']));
});
after(() => close());

const staff = (username: string) => staffSession(app, database, username);

describe('provider pages', () => {
  test('anonymous visitors are sent to the staff sign-in page', async () => {
    for (const url of ['/provider', '/provider/referrals', '/provider/asi']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 303, url);
      assert.equal(res.headers.location, '/sign-in', url);
    }
  });

  test('a referrer gets 403 on provider pages; the provider gets them', async () => {
    const referrer = await staff('demo-referrer');
    const provider = await staff('demo-provider');
    for (const url of ['/provider', '/provider/referrals', '/provider/asi']) {
      assert.equal((await referrer.get(url)).statusCode, 403, url);
      assert.equal((await provider.get(url)).statusCode, 200, url);
    }
    // A referral that offers the provider's service but is not booked or deferred there: its page, with no
    // accept or reject (the page answered 404 before, so a provider could not find what it had reviewed).
    const page = await provider.get(`/provider/referrals/${referrals[0]!.ubrn}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<span id="referral-status">Not booked<\/span>/);
    assert.doesNotMatch(page.body, /id="accept"|id="reject"/);
    assert.equal((await provider.get(`/provider/referrals/${referrals[0]!.ubrn}/reject`)).headers.location, `/provider/referrals/${referrals[0]!.ubrn}`);
  });

  test('the reject form: a reason is required and the note limited, each error linked to its field', async () => {
    // Booked at the provider's service by the patient, so the provider reviews it.
    const { ubrn, accessCode } = referrals[0]!;
    const patient = (await app.inject({ method: 'POST', url: '/api/v1/patient/token', payload: { ubrn, accessCode, dateOfBirth: '1970-01-31' } })).json().token;
    const slot = (await app.inject({ method: 'GET', url: '/api/v1/services/RR813-110/slots' })).json().slots[0];
    const booked = await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/appointment`, headers: { authorization: `Bearer ${patient}`, 'idempotency-key': randomUUID() }, payload: { slotId: slot.id } });
    assert.equal(booked.statusCode, 201, booked.body);

    const session = await staff('demo-provider');
    const form = await session.get(`/provider/referrals/${ubrn}/reject`);
    assert.equal(form.statusCode, 200);
    const token = csrfOf(form.body);
    const post = (fields: Record<string, string>) => session.post(`/provider/referrals/${ubrn}/reject`, { _csrf: token, ...fields });
    const empty = await post({ note: 'x'.repeat(1001) });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /<a href="#reason">\s*Select why you are rejecting the referral\s*<\/a>/);
    assert.match(empty.body, /<a href="#note">\s*Note must be 1,000 characters or fewer\s*<\/a>/);
    assert.equal((await post({ reason: 'toString' })).statusCode, 400, 'only the listed reasons');
    const rejected = await post({ reason: 'WRONG_SPECIALTY', note: 'See the notes' });
    assert.equal(rejected.statusCode, 303);
    assert.equal(rejected.headers.location, `/provider/referrals?rejected=${ubrn}`);
    const row = await database.db.selectFrom('referral').select('status').where('ubrn', '=', ubrn).executeTakeFirstOrThrow();
    assert.equal(row.status, 'REJECTED');
  });
});

describe('the patient\'s communication needs', () => {
  test('the provider\'s referral page says what the patient needs and how to reach their carer; nothing when none are recorded', async () => {
    const { ubrn } = await referThroughApi(app, { familyName: 'Needs' }, ['RR813-110']);
    const provider = await staff('demo-provider');
    assertShowsNoNeeds((await provider.get(`/provider/referrals/${ubrn}`)).body);
    await recordNeeds(database, ubrn, EVERY_NEED);
    const page = await provider.get(`/provider/referrals/${ubrn}`);
    assert.equal(page.statusCode, 200);
    assertShowsEveryNeed(page.body);
  });
});
