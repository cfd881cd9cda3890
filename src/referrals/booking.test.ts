import type { Deps } from '../deps.ts';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { issuePatientToken, issueToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { contactByDate } from '../domain/contact-by.ts';
import { formatDate, formatDateTime, londonDate } from '../domain/dates.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { startFixtureApp } from '../testing/directory-fixture.ts';
import { publishTestSlot } from '../testing/slots.ts';
import { bookAppointment, cancelAppointment } from './booking.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const tokens: Record<string, string> = {};

before(async () => {
  ({ app, database, close } = await startFixtureApp('booking'));
  await createOrganisation(database, 'GP1', 'GP One', 'GP_PRACTICE');
  await createOrganisation(database, 'RYY', 'Other NHS Trust', 'NHS_TRUST');
  for (const [username, role, org] of [['referrer', 'referrer', 'GP1'], ['provider', 'provider', 'RXX'], ['other-provider', 'provider', 'RYY']] as const) {
    tokens[username] = (await issueToken(database.db, await createAccount(database, username, role, org), 'api')).token;
  }
});
after(() => close());

const headers = (who: string, key?: string) => ({ authorization: `Bearer ${tokens[who] ?? who}`, ...(key ? { 'idempotency-key': key } : {}) });

async function newReferral(priority = 'ROUTINE'): Promise<{ ubrn: string; patient: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/referrals',
    headers: headers('referrer'),
    payload: {
      patient: { nhsNumber: '9990000026', givenName: 'Bea', familyName: 'Jones', dateOfBirth: '1980-05-05', postcode: 'LS1 4AP' },
      specialty: '110',
      priority,
      clinicalSummary: 'Hip pain',
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  const ubrn = res.json().ubrn;
  return { ubrn, patient: (await issuePatientToken(database.db, ubrn, 'api')).token };
}

const publishSlot = (serviceId: string, inDays?: number) => publishTestSlot(database, serviceId, inDays);

const book = (ubrn: string, slotId: string, who: string, key: string | undefined = randomUUID()) =>
  app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/appointment`, headers: headers(who, key), payload: { slotId } });
const cancel = (ubrn: string, who: string, reason = 'Cannot make it') =>
  app.inject({ method: 'DELETE', url: `/api/v1/referrals/${ubrn}/appointment`, headers: headers(who), payload: { reason } });
const view = async (ubrn: string) => (await app.inject({ method: 'GET', url: `/api/v1/referrals/${ubrn}`, headers: headers('referrer') })).json();

describe('booking', () => {
  test('the patient books a free slot of a shortlisted service; the referral shows the appointment', async () => {
    const { ubrn, patient } = await newReferral();
    const slot = await publishSlot('S2-110');
    const res = await book(ubrn, slot, patient);
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.equal(body.status, 'BOOKED');
    assert.equal(body.appointment.slotId, slot);
    assert.equal(body.appointment.serviceId, 'S2-110');
    const r = await view(ubrn);
    assert.equal(r.status, 'BOOKED');
    assert.equal(r.patientChose, true);
    assert.deepEqual(r.appointment, body.appointment);
    assert.equal(r.history.at(-1).by, 'the patient');
    // As people read it, in UK time, not the instant the API carries.
    assert.equal(r.history.at(-1).reason, `Appointment booked for ${formatDateTime(body.appointment.start)}`);
    assert.match(r.history.at(-1).reason, /^Appointment booked for [A-Z][a-z]+day \d{1,2} [A-Z][a-z]+ \d{4} at \d{1,2}:\d{2}(am|pm)$/);
  });

  test('the same Idempotency-Key gives the same answer and books once; another request under it is refused', async () => {
    const { ubrn } = await newReferral();
    const slot = await publishSlot('S3-110');
    const key = randomUUID();
    const first = await book(ubrn, slot, 'referrer', key);
    const again = await book(ubrn, slot, 'referrer', key);
    assert.equal(first.statusCode, 201);
    assert.equal(again.statusCode, 201);
    assert.deepEqual(again.json(), first.json());
    const count = await database.db.selectFrom('appointment').select((eb) => eb.fn.countAll<number>().as('n')).where('ubrn', '=', ubrn).executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 1);
    const other = await book(ubrn, await publishSlot('S3-110'), 'referrer', key);
    assert.equal(other.statusCode, 422);
    assert.match(other.json().detail, /Idempotency-Key was used for a different request/);
    assert.equal((await book(ubrn, slot, 'referrer', undefined)).statusCode, 409, 'a new key: already booked');
    const missing = await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/appointment`, headers: headers('referrer'), payload: { slotId: slot } });
    assert.equal(missing.statusCode, 400);
  });

  test('a slot holds one appointment: 40 referrals racing for it give exactly one booking and 39 clean 409s', async () => {
    const referrals = await Promise.all(Array.from({ length: 40 }, () => newReferral()));
    const slot = await publishSlot('S1-110');
    const answers = await Promise.all(referrals.map((r) => book(r.ubrn, slot, r.patient)));
    const codes = answers.map((a) => a.statusCode).sort();
    assert.deepEqual(codes, [201, ...Array(39).fill(409)]);
    assert.ok(answers.filter((a) => a.statusCode === 409).every((a) => /just been booked|cannot be changed/.test(a.json().detail)));
  });

  test('the database refuses a second live appointment in a slot even if code forgot to check', async () => {
    const [a, b] = [await newReferral(), await newReferral()];
    const slot = await publishSlot('S1-110');
    assert.equal((await book(a.ubrn, slot, a.patient)).statusCode, 201);
    const s = await database.db.selectFrom('slot').selectAll().where('id', '=', slot).executeTakeFirstOrThrow();
    await assert.rejects(
      database.db.insertInto('appointment').values({ ubrn: b.ubrn, slot_id: slot, service_id: s.service_id, starts_at: s.starts_at, ends_at: s.ends_at, booked_by: 'test' }).execute(),
      /appointment_one_per_slot/,
    );
  });

  test('cancelling frees the slot for someone else, and the patient can book again', async () => {
    const [a, b] = [await newReferral(), await newReferral()];
    const slot = await publishSlot('S2-110');
    assert.equal((await book(a.ubrn, slot, a.patient)).statusCode, 201);
    assert.equal((await book(b.ubrn, slot, b.patient)).statusCode, 409);
    const cancelled = await cancel(a.ubrn, a.patient);
    assert.equal(cancelled.statusCode, 200);
    assert.equal(cancelled.json().status, 'APPT_CANCELLED_BY_PATIENT');
    assert.equal((await view(a.ubrn)).appointment, null);
    assert.equal((await book(b.ubrn, slot, b.patient)).statusCode, 201, 'the slot is free again');
    assert.equal((await book(a.ubrn, await publishSlot('S2-110'), a.patient)).statusCode, 201, 'rebooking works');
    assert.equal((await cancel(b.ubrn, 'provider', 'Clinic cancelled')).json().status, 'APPT_CANCELLED_BY_PROVIDER');
    assert.equal((await cancel(b.ubrn, b.patient)).statusCode, 409, 'nothing left to cancel');
  });

  test('refused: a slot of a service not on the shortlist (422), an unknown or withdrawn slot (404), a past slot (409)', async () => {
    const { ubrn, patient } = await newReferral();
    const offList = await publishSlot('S6-110'); // 200 km away: not in the top 5 within 80 km
    assert.equal((await book(ubrn, offList, patient)).statusCode, 422);
    assert.equal((await book(ubrn, randomUUID(), patient)).statusCode, 404);
    const withdrawn = await publishSlot('S1-110');
    await database.db.updateTable('slot').set({ withdrawn_at: new Date() }).where('id', '=', withdrawn).execute();
    assert.equal((await book(ubrn, withdrawn, patient)).statusCode, 404);
    assert.equal((await book(ubrn, await publishSlot('S1-110', -1), patient)).statusCode, 409);
  });

  test('other patients and organisations cannot book or cancel someone\'s referral', async () => {
    const [a, b] = [await newReferral(), await newReferral()];
    const slot = await publishSlot('S1-110');
    assert.equal((await book(a.ubrn, slot, b.patient)).statusCode, 404);
    assert.equal((await book(a.ubrn, slot, 'provider')).statusCode, 403);
    assert.equal((await book(a.ubrn, slot, a.patient)).statusCode, 201);
    assert.equal((await cancel(a.ubrn, b.patient)).statusCode, 404);
    assert.equal((await cancel(a.ubrn, 'other-provider')).statusCode, 404);
  });
});

describe('deferral and review', () => {
  test('with no free slot the referral is deferred to the provider, with a contact-by date by priority', async () => {
    const { ubrn, patient } = await newReferral('URGENT');
    const res = await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/deferral`, headers: headers(patient), payload: { serviceId: 'S4-110' } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { status: 'DEFERRED_TO_PROVIDER', contactBy: contactByDate(londonDate(), 'URGENT') });
    const r = await view(ubrn);
    assert.deepEqual(r.deferral, { serviceId: 'S4-110', contactBy: res.json().contactBy });
    assert.equal(r.history.at(-1).reason, `No free slot: deferred to the provider, who must contact the patient by ${formatDate(res.json().contactBy)}`);
    assert.doesNotMatch(r.history.at(-1).reason, /\d{4}-\d{2}-\d{2}/);
  });

  test('deferral is refused while the service has free slots, and for a service not on the shortlist', async () => {
    const { ubrn, patient } = await newReferral();
    await publishSlot('S3-110');
    const defer = (serviceId: string) => app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/deferral`, headers: headers(patient), payload: { serviceId } });
    const busy = await defer('S3-110');
    assert.equal(busy.statusCode, 409);
    assert.match(busy.json().detail, /free slot/);
    assert.equal((await defer('S6-110')).statusCode, 422);
  });

  test('the provider of the booked service accepts; of a deferred one rejects with a reason, and it returns to the referrer', async () => {
    const review = (ubrn: string, who: string, body: object) => app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/review`, headers: headers(who), payload: body });
    const booked = await newReferral();
    assert.equal((await book(booked.ubrn, await publishSlot('S2-110'), booked.patient)).statusCode, 201);
    assert.equal((await review(booked.ubrn, 'other-provider', { outcome: 'ACCEPT' })).statusCode, 404);
    assert.equal((await review(booked.ubrn, 'provider', { outcome: 'ACCEPT', note: 'Seen in knee clinic' })).json().status, 'ACCEPTED');
    assert.equal((await review(booked.ubrn, 'provider', { outcome: 'ACCEPT' })).statusCode, 409, 'already accepted');

    const deferred = await newReferral();
    await app.inject({ method: 'POST', url: `/api/v1/referrals/${deferred.ubrn}/deferral`, headers: headers(deferred.patient), payload: { serviceId: 'S4-110' } });
    assert.equal((await review(deferred.ubrn, 'provider', { outcome: 'REJECT' })).statusCode, 422, 'a reason is required');
    assert.equal((await review(deferred.ubrn, 'provider', { outcome: 'REJECT', reason: 'BECAUSE' })).statusCode, 400, 'from the fixed list');
    const rejected = await review(deferred.ubrn, 'provider', { outcome: 'REJECT', reason: 'INSUFFICIENT_INFORMATION', note: 'Please send X-ray report' });
    assert.equal(rejected.json().status, 'REJECTED');
    const worklist = (await app.inject({ method: 'GET', url: '/api/v1/referrals?status=REJECTED', headers: headers('referrer') })).json().referrals;
    assert.ok(worklist.some((r: { ubrn: string }) => r.ubrn === deferred.ubrn));
    assert.match((await view(deferred.ubrn)).history.at(-1).reason, /not have enough clinical information: Please send X-ray report/);
  });

  test('rejecting a booked referral releases its slot', async () => {
    const a = await newReferral();
    const b = await newReferral();
    const slot = await publishSlot('S2-110');
    await book(a.ubrn, slot, a.patient);
    await app.inject({ method: 'POST', url: `/api/v1/referrals/${a.ubrn}/review`, headers: headers('provider'), payload: { outcome: 'REJECT', reason: 'WRONG_SPECIALTY' } });
    assert.equal((await book(b.ubrn, slot, b.patient)).statusCode, 201);
  });
});

describe('changing an appointment', () => {
  // As the patient's change page does it (the API has no change call): one transaction for both.
  const change = (ubrn: string, slotId: string) =>
    bookAppointment({ database } as Deps, { kind: 'patient', role: 'patient', ubrn }, ubrn, slotId, { scope: `patient:${ubrn}`, key: randomUUID(), requestHash: randomUUID() }, {
      changing: { reason: 'Changed by the patient' },
    });

  test('the old appointment is cancelled and the new one booked together', async () => {
    const { ubrn, patient } = await newReferral();
    const first = await publishSlot('S2-110');
    assert.equal((await book(ubrn, first, patient)).statusCode, 201);
    const second = await publishSlot('S3-110');
    const answer = await change(ubrn, second);
    assert.equal(answer.body.status, 'BOOKED');
    assert.equal(answer.body.appointment.slotId, second);
    const r = await view(ubrn);
    assert.equal(r.appointment.slotId, second);
    assert.deepEqual(r.history.slice(-2).map((h: { to: string }) => h.to), ['APPT_CANCELLED_BY_PATIENT', 'BOOKED']);
  });

  test('a cancel naming the appointment it means refuses (409) once the referral was rebooked, leaving the new one booked', async () => {
    const { ubrn, patient } = await newReferral();
    assert.equal((await book(ubrn, await publishSlot('S2-110'), patient)).statusCode, 201);
    const first = (await view(ubrn)).appointment.id;
    const second = (await change(ubrn, await publishSlot('S3-110'))).body.appointment.id;
    const principal = { kind: 'patient', role: 'patient', ubrn } as const;
    await assert.rejects(cancelAppointment({ database } as Deps, principal, ubrn, 'Cannot make it', { appointmentId: first }), (err: { status?: number }) => err.status === 409);
    assert.equal((await view(ubrn)).appointment.id, second, 'the new appointment is still booked');
    assert.equal((await cancelAppointment({ database } as Deps, principal, ubrn, 'Cannot make it', { appointmentId: second })).status, 'APPT_CANCELLED_BY_PATIENT');
  });

  test('if the new slot has gone, the patient keeps the appointment they had', async () => {
    const { ubrn, patient } = await newReferral();
    const other = await newReferral();
    const mine = await publishSlot('S2-110');
    const taken = await publishSlot('S3-110');
    assert.equal((await book(ubrn, mine, patient)).statusCode, 201);
    assert.equal((await book(other.ubrn, taken, other.patient)).statusCode, 201);
    await assert.rejects(change(ubrn, taken), /just been booked by someone else/);
    const r = await view(ubrn);
    assert.equal(r.status, 'BOOKED');
    assert.equal(r.appointment.slotId, mine);
  });
});
