// Booking over FHIR: Slot and Schedule as the JSON API lists them, Appointment booked, read and cancelled through
// the JSON API's own booking service (one winner for a slot, idempotent retries), refusals as NHS-coded
// OperationOutcomes. Every resource and Bundle answered is checked by the validators.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Appointment, Bundle, Schedule, Slot } from '@medplum/fhirtypes';
import { issuePatientToken, issueToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { readAuditSettled } from '../http/read-audit.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { FIXTURE_SERVICES, startFixtureApp } from '../testing/directory-fixture.ts';
import { publishTestSlot } from '../testing/slots.ts';
import { assertRefusal, validAnswer } from './testing/answers.ts';
import { referralThroughApi, TEST_NHS_NUMBER as NHS_NUMBER } from './testing/referrals.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const tokens: Record<string, string> = {};

before(async () => {
  ({ app, database, close } = await startFixtureApp('fhir-booking'));
  await createOrganisation(database, 'GP1', 'GP One', 'GP_PRACTICE');
  await createOrganisation(database, 'GP2', 'GP Two', 'GP_PRACTICE');
  await createOrganisation(database, 'RYY', 'Other NHS Trust', 'NHS_TRUST');
  for (const [username, role, org] of [
    ['referrer', 'referrer', 'GP1'], ['other-referrer', 'referrer', 'GP2'], ['provider', 'provider', 'RXX'], ['other-provider', 'provider', 'RYY'], ['commissioner', 'commissioner', 'RXX'],
  ] as const) {
    tokens[username] = (await issueToken(database.db, await createAccount(database, username, role, org), 'api')).token;
  }
});
after(() => close());

const auth = (who: string) => ({ authorization: `Bearer ${tokens[who] ?? who}` });
const valid = validAnswer;
const refused = assertRefusal;

async function newReferral(): Promise<{ ubrn: string; patient: string; shortlist: string[] }> {
  const ubrn = await referralThroughApi(app, tokens.referrer!);
  const view = await app.inject({ method: 'GET', url: `/api/v1/referrals/${ubrn}`, headers: auth('referrer') });
  return { ubrn, patient: (await issuePatientToken(database.db, ubrn, 'api')).token, shortlist: view.json().shortlist.map((o: { service: { id: string } }) => o.service.id) };
}

const appointmentBody = (ubrn: string, slotId: string, status = 'booked') => ({
  resourceType: 'Appointment',
  status,
  slot: [{ reference: `Slot/${slotId}` }],
  basedOn: [{ reference: `ServiceRequest/${ubrn}` }],
  participant: [{ status: 'accepted', actor: { reference: 'HealthcareService/S2-110' } }],
});

const book = (ubrn: string, slotId: string, who: string, headers: Record<string, string> = {}, body: object = appointmentBody(ubrn, slotId)) =>
  app.inject({ method: 'POST', url: '/fhir/R4/Appointment', headers: { ...auth(who), 'content-type': 'application/fhir+json', ...headers }, payload: JSON.stringify(body) });

const appointmentsOf = async (ubrn: string) =>
  database.db.selectFrom('appointment').select(['id', 'cancelled_at']).where('ubrn', '=', ubrn).execute();

describe('Slot and Schedule', () => {
  test('Slot search gives the service\'s free slots as the JSON API lists them, in valid Bundles', async () => {
    const ids = [await publishTestSlot(database, 'S4-110', 30), await publishTestSlot(database, 'S4-110', 31), await publishTestSlot(database, 'S4-110', 40)];
    const res = await app.inject({ method: 'GET', url: '/fhir/R4/Slot?status=free&schedule.actor:HealthcareService=S4-110' });
    assert.equal(res.statusCode, 200, res.body);
    const bundle = valid<Bundle<Slot>>(res);
    assert.equal(bundle.type, 'searchset');
    const json = (await app.inject({ method: 'GET', url: '/api/v1/services/S4-110/slots' })).json().slots;
    assert.deepEqual(bundle.entry!.map((e) => e.resource!.id), json.map((s: { id: string }) => s.id));
    assert.ok(ids.every((id) => bundle.entry!.some((e) => e.resource!.id === id)));
    const slot = bundle.entry!.find((e) => e.resource!.id === ids[0])!;
    assert.equal(slot.fullUrl, `${new URL(slot.fullUrl!).origin}/fhir/R4/Slot/${ids[0]}`);
    assert.deepEqual({ schedule: slot.resource!.schedule, status: slot.resource!.status, start: slot.resource!.start, end: slot.resource!.end }, {
      schedule: { reference: 'Schedule/S4-110' }, status: 'free', start: json.find((s: { id: string }) => s.id === ids[0]).start, end: json.find((s: { id: string }) => s.id === ids[0]).end,
    });
    assert.equal(slot.resource!.specialty?.[0]?.coding?.[0]?.code, '110');

    // start=ge…&start=lt…: only the slots in that window.
    const day30 = new Date(Date.now() + 29.5 * 86_400_000).toISOString();
    const day35 = new Date(Date.now() + 35 * 86_400_000).toISOString();
    const windowed = valid<Bundle<Slot>>(await app.inject({ method: 'GET', url: `/fhir/R4/Slot?schedule=Schedule/S4-110&start=ge${day30}&start=lt${day35}` }));
    assert.deepEqual(windowed.entry!.map((e) => e.resource!.id), [ids[0], ids[1]]);
    // _count=1: one slot, no total it did not count, and a next link to the rest.
    const paged = valid<Bundle<Slot>>(await app.inject({ method: 'GET', url: `/fhir/R4/Slot?schedule=Schedule/S4-110&start=ge${day30}&_count=1` }));
    assert.deepEqual(paged.entry!.map((e) => e.resource!.id), [ids[0]]);
    assert.equal(paged.total, undefined);
    const next = paged.link!.find((l) => l.relation === 'next')!.url;
    const second = valid<Bundle<Slot>>(await app.inject({ method: 'GET', url: next.slice(next.indexOf('/fhir/R4')) }));
    assert.deepEqual(second.entry!.map((e) => e.resource!.id), [ids[1]]);
    // A service that is not listed has no slots to find.
    const none = valid<Bundle>(await app.inject({ method: 'GET', url: '/fhir/R4/Slot?schedule.actor:HealthcareService=S1-110-pending' }));
    assert.equal(none.total, 0);
  });

  test('the CapabilityStatement names the booking routes: Slot search parameters, conditional create, versioned update', async () => {
    const statement = (await app.inject({ method: 'GET', url: '/fhir/R4/metadata' })).json();
    const of = (type: string) => statement.rest[0].resource.find((r: { type: string }) => r.type === type);
    assert.deepEqual(of('Slot').searchParam.map((p: { name: string }) => p.name), ['status', 'schedule', 'schedule.actor', 'start', '_count']);
    assert.deepEqual(of('Appointment').interaction.map((i: { code: string }) => i.code).sort(), ['create', 'patch', 'read', 'search-type', 'update']);
    assert.equal(of('Appointment').conditionalCreate, true);
    assert.equal(of('Appointment').versioning, 'versioned-update');
    assert.deepEqual(of('Schedule').interaction.map((i: { code: string }) => i.code).sort(), ['read', 'search-type']);
  });

  test('Slot search refuses what it cannot answer with 400 REC_BAD_REQUEST', async () => {
    for (const query of ['schedule=Schedule/S4-110&start=2026-13-45', 'schedule=Schedule/S4-110&start=tomorrow', 'schedule=Schedule/S4-110&start=sa2026-12-01', 'schedule=Schedule/S4-110&start=ge2026-12-01T09:00',
      'status=free', 'schedule=Schedule/S4-110&status=busy', 'schedule=Location/S4', 'schedule=Schedule/S4-110&_count=0', 'schedule=Schedule/S4-110&start=ge2026-01-01&start=lt2026-12-31']) {
      refused(await app.inject({ method: 'GET', url: `/fhir/R4/Slot?${query}` }), 400, 'REC_BAD_REQUEST');
    }
  });

  test('one Schedule per service: read by the service id or found by actor, its horizon the published slots', async () => {
    const first = await publishTestSlot(database, 'S5-110', 3);
    const last = await publishTestSlot(database, 'S5-110', 60);
    const schedule = valid<Schedule>(await app.inject({ method: 'GET', url: '/fhir/R4/Schedule/S5-110' }));
    assert.equal(schedule.id, 'S5-110');
    assert.deepEqual(schedule.actor, [{ reference: 'HealthcareService/S5-110', display: 'Trauma and Orthopaedics – Site S5' }]);
    const slots = await database.db.selectFrom('slot').select(['id', 'starts_at', 'ends_at']).where('id', 'in', [first, last]).execute();
    assert.equal(Date.parse(schedule.planningHorizon!.start!), Math.min(...slots.map((s) => s.starts_at.getTime())));
    assert.equal(Date.parse(schedule.planningHorizon!.end!), Math.max(...slots.map((s) => s.ends_at.getTime())));
    const found = valid<Bundle<Schedule>>(await app.inject({ method: 'GET', url: '/fhir/R4/Schedule?actor=HealthcareService/S5-110' }));
    assert.deepEqual(found.entry!.map((e) => e.resource), [schedule]);
    refused(await app.inject({ method: 'GET', url: '/fhir/R4/Schedule/S1-110-inactive' }), 404, 'REC_NOT_FOUND');
    // A Slot read: free, and 404 once withdrawn, of a service not listed, or for no slot at all.
    assert.deepEqual(valid<Slot>(await app.inject({ method: 'GET', url: `/fhir/R4/Slot/${first}` })).schedule, { reference: 'Schedule/S5-110' });
    await database.db.updateTable('slot').set({ withdrawn_at: new Date() }).where('id', '=', first).execute();
    const unlisted = await publishTestSlot(database, 'S1-110-pending', 3);
    for (const id of [first, unlisted, randomUUID(), 'not-a-slot']) refused(await app.inject({ method: 'GET', url: `/fhir/R4/Slot/${id}` }), 404, 'REC_NOT_FOUND');
    // The horizon no longer counts the withdrawn slot.
    const after = valid<Schedule>(await app.inject({ method: 'GET', url: '/fhir/R4/Schedule/S5-110' }));
    assert.equal(Date.parse(after.planningHorizon!.start!), slots.find((s) => s.id === last)!.starts_at.getTime());
    refused(await app.inject({ method: 'GET', url: '/fhir/R4/Schedule' }), 400, 'REC_BAD_REQUEST');
  });
});

describe('Appointment', () => {
  test('the patient books through POST Appointment: 201, Location, ETag, the JSON API sees the booking; read and search show it', async () => {
    const { ubrn, patient } = await newReferral();
    const slotId = await publishTestSlot(database, 'S2-110');
    const res = await book(ubrn, slotId, patient);
    assert.equal(res.statusCode, 201, res.body);
    const appointment = valid<Appointment>(res);
    assert.equal(res.headers.location, `${new URL(String(res.headers.location)).origin}/fhir/R4/Appointment/${appointment.id}`);
    assert.equal(res.headers.etag, 'W/"1"');
    assert.equal(appointment.status, 'booked');
    assert.deepEqual(appointment.slot, [{ reference: `Slot/${slotId}` }]);
    assert.equal(appointment.basedOn![0]!.reference, `ServiceRequest/${ubrn}`);
    assert.deepEqual(appointment.participant!.map((p) => p.actor), [
      { reference: 'HealthcareService/S2-110', display: 'Trauma and Orthopaedics – Site S2' },
      { type: 'Patient', identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: NHS_NUMBER } },
    ]);
    const json = (await app.inject({ method: 'GET', url: `/api/v1/referrals/${ubrn}`, headers: auth('referrer') })).json();
    assert.equal(json.status, 'BOOKED');
    assert.equal(json.appointment.id, appointment.id);
    assert.equal(Date.parse(appointment.start!), Date.parse(json.appointment.start));

    await readAuditSettled(app);
    const before = (await database.db.selectFrom('patient_read_audit').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst())?.id ?? '0';
    const read = await app.inject({ method: 'GET', url: `/fhir/R4/Appointment/${appointment.id}`, headers: auth('referrer') });
    assert.equal(read.statusCode, 200, read.body);
    assert.equal(read.headers.etag, 'W/"1"');
    assert.deepEqual(valid<Appointment>(read), appointment);
    await readAuditSettled(app);
    const rows = await database.db.selectFrom('patient_read_audit').select(['ubrn', 'nhs_number', 'route']).where('id', '>', before).execute();
    assert.deepEqual(rows, [{ ubrn, nhs_number: NHS_NUMBER, route: 'GET /fhir/R4/Appointment/:id' }]);

    const searched = await app.inject({ method: 'GET', url: `/fhir/R4/Appointment?based-on=ServiceRequest/${ubrn}`, headers: auth('provider') });
    const search = valid<Bundle<Appointment>>(searched);
    assert.deepEqual(search.entry!.map((e) => e.resource!.id), [appointment.id]);
    await readAuditSettled(app);
    const anyRow = await database.db.selectFrom('patient_read_audit').select(['ubrn', 'role']).where('route', '=', 'GET /fhir/R4/Appointment').where('ubrn', '=', ubrn).execute();
    assert.deepEqual(anyRow, [{ ubrn, role: 'provider' }], 'the search records the provider\'s read');
    // The Slot is busy now, and gone from the free search.
    assert.equal(valid<Slot>(await app.inject({ method: 'GET', url: `/fhir/R4/Slot/${slotId}` })).status, 'busy');
    const free = valid<Bundle<Slot>>(await app.inject({ method: 'GET', url: '/fhir/R4/Slot?schedule=Schedule/S2-110' }));
    assert.ok(!free.entry?.some((e) => e.resource!.id === slotId));
  });

  test('reading is for those who may read the referral: 401, 403, and 404 for anyone else', async () => {
    const { ubrn, patient } = await newReferral();
    const appointment = (await book(ubrn, await publishTestSlot(database, 'S2-110'), patient)).json() as Appointment;
    refused(await app.inject({ method: 'GET', url: `/fhir/R4/Appointment/${appointment.id}` }), 401, 'REC_UNAUTHORIZED');
    refused(await app.inject({ method: 'GET', url: `/fhir/R4/Appointment/${appointment.id}`, headers: auth('commissioner') }), 403, 'REC_FORBIDDEN');
    for (const who of ['other-provider', 'other-referrer']) {
      const res = await app.inject({ method: 'GET', url: `/fhir/R4/Appointment/${appointment.id}`, headers: auth(who) });
      refused(res, 404, 'REC_NOT_FOUND');
      assert.ok(!res.body.includes(ubrn), 'a refusal does not name the referral');
      const search = valid<Bundle>(await app.inject({ method: 'GET', url: `/fhir/R4/Appointment?based-on=ServiceRequest/${ubrn}`, headers: auth(who) }));
      assert.equal(search.total, 0);
    }
    for (const id of [randomUUID(), 'not-an-id']) refused(await app.inject({ method: 'GET', url: `/fhir/R4/Appointment/${id}`, headers: auth('referrer') }), 404, 'REC_NOT_FOUND');
    refused(await app.inject({ method: 'GET', url: '/fhir/R4/Appointment', headers: auth('referrer') }), 400, 'REC_BAD_REQUEST');
  });

  test('two POST Appointment racing for one slot: exactly one 201 and one 409 REC_CONFLICT', async () => {
    const [a, b] = await Promise.all([newReferral(), newReferral()]);
    const slotId = await publishTestSlot(database, 'S3-110');
    const answers = await Promise.all([book(a!.ubrn, slotId, a!.patient), book(b!.ubrn, slotId, b!.patient)]);
    assert.deepEqual(answers.map((r) => r.statusCode).sort(), [201, 409], answers.map((r) => r.body).join('\n'));
    const loser = answers.find((r) => r.statusCode === 409)!;
    refused(loser, 409, 'REC_CONFLICT');
    const booked = await database.db.selectFrom('appointment').select('ubrn').where('slot_id', '=', slotId).where('cancelled_at', 'is', null).execute();
    assert.equal(booked.length, 1);
  });

  test('If-None-Exist: based-on answers the referral\'s booked appointment with 200 and books once; an Idempotency-Key too', async () => {
    const { ubrn } = await newReferral();
    const condition = { 'if-none-exist': `based-on=ServiceRequest/${ubrn}` };
    const first = await book(ubrn, await publishTestSlot(database, 'S2-110'), 'referrer', condition);
    assert.equal(first.statusCode, 201, first.body);
    const again = await book(ubrn, await publishTestSlot(database, 'S2-110'), 'referrer', condition);
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(valid<Appointment>(again).id, (first.json() as Appointment).id);
    assert.equal((await appointmentsOf(ubrn)).length, 1);
    refused(await book(ubrn, await publishTestSlot(database, 'S2-110'), 'referrer', { 'if-none-exist': `identifier=x` }), 400, 'REC_BAD_REQUEST');
    // Two conditional creates for one referral at once: one books, the other finds that booking.
    const racing = await newReferral();
    const raced = { 'if-none-exist': `based-on=ServiceRequest/${racing.ubrn}` };
    const slots = [await publishTestSlot(database, 'S2-110'), await publishTestSlot(database, 'S2-110')];
    const both = await Promise.all(slots.map((slot) => book(racing.ubrn, slot, 'referrer', raced)));
    assert.deepEqual(both.map((r) => r.statusCode).sort(), [200, 201], both.map((r) => r.body).join('\n'));
    assert.equal((both[0]!.json() as Appointment).id, (both[1]!.json() as Appointment).id);
    assert.equal((await appointmentsOf(racing.ubrn)).length, 1);

    const other = await newReferral();
    const slotId = await publishTestSlot(database, 'S2-110');
    const key = { 'idempotency-key': randomUUID() };
    const once = await book(other.ubrn, slotId, 'referrer', key);
    const twice = await book(other.ubrn, slotId, 'referrer', key);
    assert.equal(once.statusCode, 201, once.body);
    assert.equal(twice.statusCode, 201, twice.body);
    assert.equal(valid<Appointment>(twice).id, (once.json() as Appointment).id);
    assert.equal((await appointmentsOf(other.ubrn)).length, 1);
    // The same key for another booking is refused, as in the JSON API.
    refused(await book(other.ubrn, await publishTestSlot(database, 'S2-110'), 'referrer', key), 422, 'REC_UNPROCESSABLE_ENTITY');
  });

  test('refusals: no such slot 404, a slot not on the shortlist 422, not a booking 422 or 400, anonymous 401, wrong role 403', async () => {
    const { ubrn, shortlist } = await newReferral();
    const notShortlisted = FIXTURE_SERVICES.map((s) => s.id).find((id) => !shortlist.includes(id))!;
    assert.ok(notShortlisted, 'a fixture service not on the shortlist');
    refused(await book(ubrn, randomUUID(), 'referrer'), 404, 'REC_NOT_FOUND');
    refused(await book(ubrn, 'not-a-slot', 'referrer'), 404, 'REC_NOT_FOUND');
    refused(await book('999999999999', await publishTestSlot(database, 'S2-110'), 'referrer'), 404, 'REC_NOT_FOUND');
    refused(await book(ubrn, await publishTestSlot(database, 'S2-110'), 'other-referrer'), 404, 'REC_NOT_FOUND');
    refused(await book(ubrn, await publishTestSlot(database, notShortlisted), 'referrer'), 422, 'REC_UNPROCESSABLE_ENTITY');
    const slotId = await publishTestSlot(database, 'S2-110');
    refused(await book(ubrn, slotId, 'referrer', {}, appointmentBody(ubrn, slotId, 'proposed')), 422, 'REC_UNPROCESSABLE_ENTITY');
    refused(await book(ubrn, slotId, 'referrer', {}, { ...appointmentBody(ubrn, slotId), slot: [] }), 422, 'REC_UNPROCESSABLE_ENTITY');
    refused(await book(ubrn, slotId, 'referrer', {}, { ...appointmentBody(ubrn, slotId), basedOn: [{ reference: 'Patient/1' }] }), 422, 'REC_UNPROCESSABLE_ENTITY');
    refused(await book(ubrn, slotId, 'referrer', {}, { resourceType: 'Patient' }), 400, 'REC_BAD_REQUEST');
    refused(await app.inject({ method: 'POST', url: '/fhir/R4/Appointment', headers: { 'content-type': 'application/fhir+json' }, payload: JSON.stringify(appointmentBody(ubrn, slotId)) }), 401, 'REC_UNAUTHORIZED');
    refused(await book(ubrn, slotId, 'commissioner'), 403, 'REC_FORBIDDEN');
    // A provider books only a referral deferred to it (the JSON API's rule).
    refused(await book(ubrn, slotId, 'provider'), 403, 'REC_FORBIDDEN');
    assert.equal((await appointmentsOf(ubrn)).length, 0);
  });

  test('cancel by PATCH: a stale If-Match is 412, the current one cancels (200) and the slot is free again; nothing else may change', async () => {
    const { ubrn, patient } = await newReferral();
    const slotId = await publishTestSlot(database, 'S2-110');
    const booked = (await book(ubrn, slotId, patient)).json() as Appointment;
    const patch = (ops: unknown, ifMatch?: string, who = patient) =>
      app.inject({ method: 'PATCH', url: `/fhir/R4/Appointment/${booked.id}`, headers: { ...auth(who), 'content-type': 'application/json-patch+json', ...(ifMatch ? { 'if-match': ifMatch } : {}) }, payload: JSON.stringify(ops) });
    const cancel = [{ op: 'replace', path: '/status', value: 'cancelled' }, { op: 'add', path: '/cancelationReason', value: { text: 'Cannot make it' } }];
    refused(await patch([{ op: 'replace', path: '/start', value: '2030-01-01T09:00:00Z' }], 'W/"1"'), 422, 'REC_UNPROCESSABLE_ENTITY');
    refused(await patch([{ op: 'replace', path: '/status', value: 'noshow' }], 'W/"1"'), 422, 'REC_UNPROCESSABLE_ENTITY');
    refused(await patch({ status: 'cancelled' }, 'W/"1"'), 400, 'REC_BAD_REQUEST');
    refused(await patch(cancel, 'W/"2"'), 412, 'REC_PRECONDITION_FAILED');
    refused(await patch(cancel, 'W/"1"', 'other-provider'), 404, 'REC_NOT_FOUND');
    assert.equal((await appointmentsOf(ubrn))[0]!.cancelled_at, null);

    const res = await patch(cancel, 'W/"1"');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers.etag, 'W/"2"');
    const cancelled = valid<Appointment>(res);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.cancelationReason?.text, 'Cannot make it');
    assert.equal(cancelled.meta?.versionId, '2');
    assert.notEqual((await appointmentsOf(ubrn))[0]!.cancelled_at, null);
    assert.equal((await app.inject({ method: 'GET', url: `/api/v1/referrals/${ubrn}`, headers: auth('referrer') })).json().appointment, null);
    assert.equal(valid<Slot>(await app.inject({ method: 'GET', url: `/fhir/R4/Slot/${slotId}` })).status, 'free');
    const free = valid<Bundle<Slot>>(await app.inject({ method: 'GET', url: '/fhir/R4/Slot?schedule=Schedule/S2-110&_count=500' }));
    assert.ok(free.entry!.some((e) => e.resource!.id === slotId), 'the slot is free again');
    // The version read before the cancel is stale now.
    refused(await patch(cancel, 'W/"1"'), 412, 'REC_PRECONDITION_FAILED');
  });

  test('a cancel of appointment A that finds the referral rebooked as B under the lock is 409 and leaves B booked', async () => {
    const { ubrn, patient } = await newReferral();
    const a = (await book(ubrn, await publishTestSlot(database, 'S2-110'), patient)).json() as Appointment;
    const slotB = await database.db.selectFrom('slot').selectAll().where('id', '=', await publishTestSlot(database, 'S3-110')).executeTakeFirstOrThrow();
    let cancelling: Promise<{ statusCode: number; body: string; json(): unknown; headers: Record<string, unknown> }> | undefined;
    let b = '';
    // Someone else holds the referral while the FHIR cancel of A has read A (still live) and waits for the lock;
    // meanwhile A is cancelled and B booked.
    await database.db.transaction().execute(async (trx) => {
      await trx.selectFrom('referral').select('ubrn').where('ubrn', '=', ubrn).forUpdate().execute();
      cancelling = app.inject({ method: 'PATCH', url: `/fhir/R4/Appointment/${a.id}`, headers: { ...auth(patient), 'content-type': 'application/json-patch+json', 'if-match': 'W/"1"' }, payload: JSON.stringify([{ op: 'replace', path: '/status', value: 'cancelled' }]) });
      for (let waited = 0; ; waited += 20) {
        const { rows } = await sql<{ waiting: number }>`select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(database.db);
        if (rows[0]!.waiting > 0) break;
        assert.ok(waited < 10_000, 'the FHIR cancel reached the referral\'s lock');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await trx.updateTable('appointment').set({ cancelled_at: new Date(), cancelled_by: 'someone else', cancel_reason: 'Rebooking' }).where('id', '=', a.id!).execute();
      b = (await trx.insertInto('appointment').values({ ubrn, slot_id: slotB.id, service_id: slotB.service_id, starts_at: slotB.starts_at, ends_at: slotB.ends_at, booked_by: 'someone else', booked_by_patient: false }).returning('id').executeTakeFirstOrThrow()).id;
    });
    refused(await cancelling!, 409, 'REC_CONFLICT');
    const live = (await appointmentsOf(ubrn)).filter((row) => row.cancelled_at === null);
    assert.deepEqual(live.map((row) => row.id), [b], 'B is still booked');
  });

  test('cancel by PUT: the Appointment as read with status cancelled; any other change is 422', async () => {
    const { ubrn } = await newReferral();
    const booked = (await book(ubrn, await publishTestSlot(database, 'S2-110'), 'referrer')).json() as Appointment;
    const put = (body: object, ifMatch = 'W/"1"') =>
      app.inject({ method: 'PUT', url: `/fhir/R4/Appointment/${booked.id}`, headers: { ...auth('referrer'), 'content-type': 'application/fhir+json', 'if-match': ifMatch }, payload: JSON.stringify(body) });
    refused(await put({ ...booked }), 422, 'REC_UNPROCESSABLE_ENTITY');
    refused(await put({ ...booked, status: 'cancelled', start: '2030-01-01T09:00:00Z' }), 422, 'REC_UNPROCESSABLE_ENTITY');
    refused(await put({ ...booked, id: randomUUID(), status: 'cancelled' }), 400, 'REC_BAD_REQUEST');
    refused(await put({ ...booked, status: 'cancelled' }, 'W/"7"'), 412, 'REC_PRECONDITION_FAILED');
    const res = await put({ ...booked, status: 'cancelled', cancelationReason: { text: 'Patient moved away' } });
    assert.equal(res.statusCode, 200, res.body);
    const cancelled = valid<Appointment>(res);
    assert.equal(cancelled.status, 'cancelled');
    const search = valid<Bundle<Appointment>>(await app.inject({ method: 'GET', url: `/fhir/R4/Appointment?based-on=ServiceRequest/${ubrn}&status=cancelled`, headers: auth('referrer') }));
    assert.deepEqual(search.entry!.map((e) => e.resource!.id), [booked.id]);
    // Appointments are patient data: a filter this search does not take is refused, unless the client prefers lenient.
    refused(await app.inject({ method: 'GET', url: `/fhir/R4/Appointment?based-on=ServiceRequest/${ubrn}&stauts=cancelled`, headers: auth('referrer') }), 400, 'REC_BAD_REQUEST');
    const lenient = valid<Bundle<Appointment>>(await app.inject({ method: 'GET', url: `/fhir/R4/Appointment?based-on=ServiceRequest/${ubrn}&stauts=cancelled`, headers: { ...auth('referrer'), prefer: 'handling=lenient' } }));
    assert.deepEqual(lenient.entry!.map((e) => e.resource!.id), [booked.id]);
  });
});
