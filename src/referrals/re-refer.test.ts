// A rejection through the API: the referrer reads the coded reason and note, the RTT clock keeps running or stops
// as the reason's rule says, and the referring organisation (only) re-refers with a new shortlist or closes it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD } from '../auth/demo-accounts.ts';
import type { Database } from '../db/database.ts';
import { londonDate } from '../domain/dates.ts';
import { referThroughApi, startDemoApp } from '../testing/test-app.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const tokens = new Map<string, string>();

before(async () => {
  ({ app, database, close } = await startDemoApp('re-refer'));
  for (const username of ['demo-referrer', 'demo-referral-centre', 'demo-provider']) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username, password: DEMO_PASSWORD } });
    tokens.set(username, res.json().token);
  }
});
after(() => close());

const as = (username: string) => ({ authorization: `Bearer ${tokens.get(username)!}` });
const call = (username: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  app.inject({ method, url: `/api/v1${url}`, headers: as(username), ...(payload ? { payload } : {}) });

/** A referral booked at Leeds (RR813-110) by the patient, then rejected by the provider for this reason. */
async function rejected(familyName: string, reason: string, note: string | null) {
  const { ubrn, accessCode } = await referThroughApi(app, { familyName }, ['RR813-110', 'RR801-110']);
  const patient = (await app.inject({ method: 'POST', url: '/api/v1/patient/token', payload: { ubrn, accessCode, dateOfBirth: '1970-01-31' } })).json().token;
  const slot = (await app.inject({ method: 'GET', url: '/api/v1/services/RR813-110/slots' })).json().slots[0];
  const booked = await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/appointment`, headers: { authorization: `Bearer ${patient}`, 'idempotency-key': randomUUID() }, payload: { slotId: slot.id } });
  assert.equal(booked.statusCode, 201, booked.body);
  // An older clock start, so a clock that keeps running is told apart from one started again today.
  await database.db.updateTable('referral').set({ rtt_clock_start: '2026-09-01' }).where('ubrn', '=', ubrn).execute();
  const review = await call('demo-provider', 'POST', `/referrals/${ubrn}/review`, { outcome: 'REJECT', reason, note });
  assert.equal(review.statusCode, 200, review.body);
  return { ubrn, slotId: slot.id as string };
}

const clockOf = (ubrn: string) =>
  database.db.selectFrom('referral').select(['status', 'rtt_clock_start', 'rtt_clock_state', 'rtt_clock_stopped_on']).where('ubrn', '=', ubrn).executeTakeFirstOrThrow();

describe('a rejection says why', () => {
  test('the referrer reads the coded reason in words, the note, the rule for the clock and the next step', async () => {
    const { ubrn } = await rejected('Wrongly-Directed', 'SERVICE_CANNOT_MEET_NEEDS', 'We do not run a paediatric clinic.');
    const res = await call('demo-referrer', 'GET', `/referrals/${ubrn}`);
    assert.equal(res.statusCode, 200);
    const { status, rejection, appointment } = res.json();
    assert.equal(status, 'REJECTED');
    assert.equal(appointment, null, 'the appointment was released');
    assert.equal(rejection.reason, 'SERVICE_CANNOT_MEET_NEEDS');
    assert.equal(rejection.reasonText, 'The service cannot meet the patient\'s needs');
    assert.equal(rejection.note, 'We do not run a paediatric clinic.');
    assert.equal(rejection.clock, 'KEEPS_RUNNING');
    assert.match(rejection.nextStep, /Re-refer/);
    assert.match(rejection.by, /Leeds Teaching Hospitals/i);
    const clock = await clockOf(ubrn);
    assert.equal(clock.rtt_clock_state, 'RUNNING');
  });

  test('returned as clinically inappropriate: the clock stops on the day of the rejection', async () => {
    const { ubrn } = await rejected('Inappropriate', 'CLINICALLY_INAPPROPRIATE', null);
    const clock = await clockOf(ubrn);
    assert.equal(clock.rtt_clock_state, 'STOPPED');
    assert.equal(clock.rtt_clock_stopped_on, londonDate());
    assert.equal((await call('demo-referrer', 'GET', `/referrals/${ubrn}`)).json().rejection.clock, 'STOPS');
  });
});

describe('re-referring', () => {
  test('only the referring organisation may re-refer or close; anyone else is refused', async () => {
    const { ubrn } = await rejected('Not-Yours', 'WRONG_SPECIALTY', null);
    for (const url of [`/referrals/${ubrn}/shortlist`, `/referrals/${ubrn}/cancellation`]) {
      const payload = url.endsWith('cancellation') ? { reason: 'Mine now' } : {};
      assert.equal((await call('demo-referral-centre', 'POST', url, payload)).statusCode, 404, `${url}: another organisation does not learn it exists`);
      assert.equal((await call('demo-provider', 'POST', url, payload)).statusCode, 403, `${url}: a provider may not`);
    }
    assert.equal((await clockOf(ubrn)).status, 'REJECTED');
  });

  test('wrongly directed: a new shortlist leaving out the service that rejected it, the patient chooses again, the clock keeps its start', async () => {
    const { ubrn } = await rejected('Keeps-Clock', 'SERVICE_CANNOT_MEET_NEEDS', null);
    const res = await call('demo-referrer', 'POST', `/referrals/${ubrn}/shortlist`, {});
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.status, 'NOT_BOOKED');
    assert.equal(body.clockRule, 'KEEPS_RUNNING');
    assert.equal(body.rttClockStart, '2026-09-01');
    assert.equal(body.optionsOffered, body.shortlist.length);
    assert.ok(body.shortlist.length >= 1 && body.shortlist.length <= 5);
    assert.ok(!body.shortlist.some((o: { service: { id: string } }) => o.service.id === 'RR813-110'), 'not the service that rejected it');
    assert.deepEqual(body.shortlist.map((o: { rank: number }) => o.rank), body.shortlist.map((_: unknown, i: number) => i + 1));

    const referral = (await call('demo-referrer', 'GET', `/referrals/${ubrn}`)).json();
    assert.equal(referral.status, 'NOT_BOOKED');
    assert.equal(referral.rejection, null, 'the rejection no longer stands (the history keeps it)');
    assert.equal(referral.patientChose, false);
    assert.deepEqual(referral.shortlist.map((o: { service: { id: string } }) => o.service.id), body.shortlist.map((o: { service: { id: string } }) => o.service.id));
    const last = referral.history.at(-1);
    assert.equal(last.from, 'REJECTED');
    assert.equal(last.to, 'NOT_BOOKED');
    assert.match(last.reason, /Re-referred with a new shortlist .*clock keeps running from 1 September 2026\./);
    assert.ok(referral.history.some((h: { reason: string }) => /Rejected: The service cannot meet/.test(h.reason)));
    assert.equal((await clockOf(ubrn)).rtt_clock_start, '2026-09-01');

    // Sent again: it is no longer rejected.
    const again = await call('demo-referrer', 'POST', `/referrals/${ubrn}/shortlist`, {});
    assert.equal(again.statusCode, 409);
    assert.match(again.json().detail, /Only a rejected referral can be re-referred/);
  });

  test('clinically inappropriate: re-referring with the services chosen starts a new clock today', async () => {
    const { ubrn } = await rejected('New-Clock', 'CLINICALLY_INAPPROPRIATE', 'Manage in primary care first.');
    const res = await call('demo-referrer', 'POST', `/referrals/${ubrn}/shortlist`, { shortlist: ['RR801-110'], clinicalSummaryAddition: 'Physiotherapy for 6 weeks did not help.' });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.clockRule, 'STOPS');
    assert.equal(body.rttClockStart, londonDate());
    assert.deepEqual(body.shortlist.map((o: { service: { id: string } }) => o.service.id), ['RR801-110']);
    assert.match(body.fewerOptionsReason, /chose 1 option/);
    const clock = await clockOf(ubrn);
    assert.deepEqual([clock.rtt_clock_state, clock.rtt_clock_stopped_on, clock.rtt_clock_start], ['RUNNING', null, londonDate()]);
    const referral = (await call('demo-referrer', 'GET', `/referrals/${ubrn}`)).json();
    assert.equal(referral.clinicalSummary, `Knee\n\nAdded on re-referral (${londonDate()}): Physiotherapy for 6 weeks did not help.`, 'added to, not rewritten');
    assert.match(referral.history.at(-1).reason, /and more clinical information\. .*clock stopped/);
  });

  test('a shortlist of services that are not of the specialty, or listed twice, is refused with the field named', async () => {
    const { ubrn } = await rejected('Bad-List', 'INSUFFICIENT_INFORMATION', null);
    const twice = await call('demo-referrer', 'POST', `/referrals/${ubrn}/shortlist`, { shortlist: ['RR801-110', 'RR801-110'] });
    assert.equal(twice.statusCode, 400);
    const unknown = await call('demo-referrer', 'POST', `/referrals/${ubrn}/shortlist`, { shortlist: ['NOT-A-SERVICE'] });
    assert.equal(unknown.statusCode, 422);
    assert.equal(unknown.json().errors[0].field, 'shortlist[0]');
    assert.equal((await clockOf(ubrn)).status, 'REJECTED', 'nothing changed');
  });
});

describe('closing', () => {
  test('a rejected referral is closed with a reason; then nothing more can be done to it', async () => {
    const { ubrn } = await rejected('Closed-After', 'DUPLICATE_REFERRAL', 'Already on our list under another UBRN.');
    const empty = await call('demo-referrer', 'POST', `/referrals/${ubrn}/cancellation`, { reason: ' ' });
    assert.equal(empty.statusCode, 400);
    const closed = await call('demo-referrer', 'POST', `/referrals/${ubrn}/cancellation`, { reason: 'Duplicate of the other referral' });
    assert.equal(closed.statusCode, 200, closed.body);
    assert.equal(closed.json().status, 'CANCELLED');
    const referral = (await call('demo-referrer', 'GET', `/referrals/${ubrn}`)).json();
    assert.equal(referral.history.at(-1).reason, 'Closed by the referrer: Duplicate of the other referral');
    assert.equal(referral.rejection.reason, 'DUPLICATE_REFERRAL', 'why it was rejected is still told');
    assert.equal((await call('demo-referrer', 'POST', `/referrals/${ubrn}/cancellation`, { reason: 'Again' })).statusCode, 409);
    assert.equal((await call('demo-referrer', 'POST', `/referrals/${ubrn}/shortlist`, {})).statusCode, 409);
  });

  test('closing a booked referral cancels its appointment: the slot is free again', async () => {
    const { ubrn, accessCode } = await referThroughApi(app, { familyName: 'Closed-Booked' }, ['RR813-110']);
    const patient = (await app.inject({ method: 'POST', url: '/api/v1/patient/token', payload: { ubrn, accessCode, dateOfBirth: '1970-01-31' } })).json().token;
    const slot = (await app.inject({ method: 'GET', url: '/api/v1/services/RR813-110/slots' })).json().slots[0];
    await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/appointment`, headers: { authorization: `Bearer ${patient}`, 'idempotency-key': randomUUID() }, payload: { slotId: slot.id } });
    const free = async () => ((await app.inject({ method: 'GET', url: '/api/v1/services/RR813-110/slots' })).json().slots as { id: string }[]).some((s) => s.id === slot.id);
    assert.equal(await free(), false);
    assert.equal((await call('demo-referrer', 'POST', `/referrals/${ubrn}/cancellation`, { reason: 'Patient moved away' })).statusCode, 200);
    assert.equal(await free(), true);
    assert.equal((await call('demo-referrer', 'GET', `/referrals/${ubrn}`)).json().appointment, null);
  });
});
