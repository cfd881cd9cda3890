// BaRS booking messages through $process-message: a booking-request message books through the same service as
// POST Appointment and is answered with a booking-response message naming the request; a refused booking (a taken
// slot, another patient, no such slot) and what is not a booking request are answered as BaRS answers any 4XX: a
// plain OperationOutcome with the refusal's status, never a message. Every resource answered is valid R4.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Appointment, Bundle, MessageDefinition, MessageHeader, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { issueToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { startFixtureApp } from '../testing/directory-fixture.ts';
import { publishTestSlot } from '../testing/slots.ts';
import { assertRefusal as refused, nhsErrorCodeOf, validAnswer } from './testing/answers.ts';
import { referralThroughApi, TEST_NHS_NUMBER as NHS_NUMBER } from './testing/referrals.ts';
import { assertValidFhir } from './testing/validators.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
let referrer: string;
const BARS = 'https://fhir.nhs.uk/CodeSystem/message-events-bars';

before(async () => {
  ({ app, database, close } = await startFixtureApp('fhir-messaging'));
  await createOrganisation(database, 'GP1', 'GP One', 'GP_PRACTICE');
  referrer = (await issueToken(database.db, await createAccount(database, 'referrer', 'referrer', 'GP1'), 'api')).token;
});
after(() => close());

const valid = validAnswer;
const errorCode = nhsErrorCodeOf;
const newReferral = () => referralThroughApi(app, referrer);

/** A booking-request message as a BaRS sender composes it: MessageHeader first, its focus the Appointment. */
function bookingRequest(ubrn: string, slotId: string, options: { nhsNumber?: string; event?: string; headerId?: string } = {}): Bundle {
  const [header, appointment, slot, serviceRequest, patient] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()].map((id) => `urn:uuid:${id}`) as [string, string, string, string, string];
  return {
    resourceType: 'Bundle',
    id: randomUUID(),
    type: 'message',
    timestamp: new Date().toISOString(),
    entry: [
      {
        fullUrl: header,
        resource: {
          resourceType: 'MessageHeader',
          id: options.headerId ?? randomUUID(),
          eventCoding: { system: BARS, code: options.event ?? 'booking-request', display: 'Booking Request - Request' },
          source: { name: 'GP One clinical system', endpoint: 'https://gp-one.example/fhir/R4/$process-message' },
          focus: [{ reference: appointment }],
        },
      },
      {
        fullUrl: appointment,
        resource: {
          resourceType: 'Appointment',
          status: 'proposed',
          slot: [{ reference: slot }],
          basedOn: [{ reference: serviceRequest }],
          participant: [{ actor: { reference: patient }, status: 'accepted' }],
        },
      },
      { fullUrl: slot, resource: { resourceType: 'Slot', id: slotId, schedule: { reference: 'Schedule/S2-110' }, status: 'free', start: '2030-01-01T09:00:00Z', end: '2030-01-01T09:30:00Z' } },
      {
        fullUrl: serviceRequest,
        resource: { resourceType: 'ServiceRequest', id: ubrn, identifier: [{ system: 'https://fhir.nhs.uk/Id/UBRN', value: ubrn }], status: 'active', intent: 'order', subject: { reference: patient } },
      },
      { fullUrl: patient, resource: { resourceType: 'Patient', identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: options.nhsNumber ?? NHS_NUMBER }] } },
    ],
  };
}

const send = (message: unknown, token: string | null = referrer) =>
  app.inject({ method: 'POST', url: '/fhir/R4/$process-message', headers: { 'content-type': 'application/fhir+json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, payload: JSON.stringify(message) });

const headerOf = (bundle: Bundle) => bundle.entry![0]!.resource as MessageHeader;
const focusOf = <T extends Resource>(bundle: Bundle) => bundle.entry!.find((e) => e.fullUrl === headerOf(bundle).focus![0]!.reference)!.resource as T;

describe('$process-message', () => {
  test('MessageDefinition search lists the booking request it processes and the response it answers with', async () => {
    const res = await app.inject({ method: 'GET', url: '/fhir/R4/MessageDefinition' });
    assert.equal(res.statusCode, 200, res.body);
    const bundle = valid<Bundle<MessageDefinition>>(res);
    const events = bundle.entry!.map((e) => `${e.resource!.eventCoding?.system}|${e.resource!.eventCoding?.code}`);
    assert.deepEqual(events, [`${BARS}|booking-request`, `${BARS}|booking-response`]);
    const request = bundle.entry![0]!.resource!;
    assert.equal(valid<MessageDefinition>(await app.inject({ method: 'GET', url: '/fhir/R4/MessageDefinition/booking-request' })).url, request.url);
    const unknown = await app.inject({ method: 'GET', url: '/fhir/R4/MessageDefinition/servicerequest-request' });
    assert.equal(unknown.statusCode, 404);
    assert.equal(errorCode(valid<OperationOutcome>(unknown)), 'REC_NOT_FOUND');
    const statement = (await app.inject({ method: 'GET', url: '/fhir/R4/metadata' })).json();
    assert.ok(statement.rest[0].operation.some((o: { name: string }) => o.name === 'process-message'), 'the CapabilityStatement names $process-message');
  });

  test('a booking request books the slot and is answered with a booking-response naming it; sent again, it books once', async () => {
    const ubrn = await newReferral();
    const slotId = await publishTestSlot(database, 'S2-110');
    const message = bookingRequest(ubrn, slotId);
    assertValidFhir(message);
    const res = await send(message);
    assert.equal(res.statusCode, 200, res.body);
    const answer = valid<Bundle>(res);
    assert.equal(answer.type, 'message');
    const header = headerOf(answer);
    assert.equal(header.eventCoding?.code, 'booking-response');
    assert.deepEqual(header.response, { identifier: (message.entry![0]!.resource as MessageHeader).id, code: 'ok' });
    const appointment = focusOf<Appointment>(answer);
    assert.equal(appointment.resourceType, 'Appointment');
    assert.equal(appointment.status, 'booked');
    assert.deepEqual(appointment.slot, [{ reference: `Slot/${slotId}` }]);
    assert.equal(appointment.basedOn![0]!.reference, `ServiceRequest/${ubrn}`);
    const json = (await app.inject({ method: 'GET', url: `/api/v1/referrals/${ubrn}`, headers: { authorization: `Bearer ${referrer}` } })).json();
    assert.equal(json.status, 'BOOKED');
    assert.equal(json.appointment.id, appointment.id);

    const again = await send(message);
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(focusOf<Appointment>(valid<Bundle>(again)).id, appointment.id);
    const booked = await database.db.selectFrom('appointment').select('id').where('ubrn', '=', ubrn).execute();
    assert.equal(booked.length, 1);
  });

  test('a message as BaRS composes it, the MessageHeader without id and the Appointment without basedOn, is answered naming the Bundle', async () => {
    const ubrn = await newReferral();
    const message = bookingRequest(ubrn, await publishTestSlot(database, 'S2-110'));
    delete (message.entry![0]!.resource as MessageHeader).id;
    delete (message.entry![1]!.resource as Appointment).basedOn;
    (message.entry![1]!.resource as Appointment).status = 'booked';
    assertValidFhir(message);
    const res = await send(message);
    assert.equal(res.statusCode, 200, res.body);
    const answer = valid<Bundle>(res);
    assert.deepEqual(headerOf(answer).response, { identifier: message.id, code: 'ok' });
    assert.equal(focusOf<Appointment>(answer).basedOn![0]!.reference, `ServiceRequest/${ubrn}`);
    // Neither id: nothing for the response to name.
    delete message.id;
    const nameless = await send(message);
    assert.equal(nameless.statusCode, 400, nameless.body);
    assert.equal(errorCode(valid<OperationOutcome>(nameless)), 'REC_BAD_REQUEST');
  });

  test('a slot already taken is answered as BaRS answers it: HTTP 409, a plain OperationOutcome coded REC_CONFLICT', async () => {
    const slotId = await publishTestSlot(database, 'S2-110');
    assert.equal((await send(bookingRequest(await newReferral(), slotId))).statusCode, 200);
    const ubrn = await newReferral();
    refused(await send(bookingRequest(ubrn, slotId)), 409, 'REC_CONFLICT');
    assert.equal((await database.db.selectFrom('appointment').select('id').where('ubrn', '=', ubrn).execute()).length, 0);
  });

  test('a refused booking is a plain OperationOutcome with its status: another patient than the referral\'s 422, no such slot 404; nothing booked', async () => {
    const ubrn = await newReferral();
    const cases: [Bundle, number, string][] = [
      [bookingRequest(ubrn, await publishTestSlot(database, 'S2-110'), { nhsNumber: '9990000018' }), 422, 'REC_UNPROCESSABLE_ENTITY'],
      [bookingRequest(ubrn, randomUUID()), 404, 'REC_NOT_FOUND'],
    ];
    for (const [message, status, code] of cases) refused(await send(message), status, code);
    assert.equal((await database.db.selectFrom('appointment').select('id').where('ubrn', '=', ubrn).execute()).length, 0);
  });

  test('what is not a booking request is refused with an OperationOutcome: 400 without a MessageHeader, 422 for an event not served, 401 anonymous', async () => {
    const ubrn = await newReferral();
    const slotId = await publishTestSlot(database, 'S2-110');
    const message = bookingRequest(ubrn, slotId);
    const cases: [unknown, number, string][] = [
      [{ ...message, type: 'collection' }, 400, 'REC_BAD_REQUEST'],
      [{ ...message, entry: message.entry!.slice(1) }, 400, 'REC_BAD_REQUEST'],
      [{ resourceType: 'Appointment' }, 400, 'REC_BAD_REQUEST'],
      [bookingRequest(ubrn, slotId, { event: 'servicerequest-request' }), 422, 'REC_UNPROCESSABLE_ENTITY'],
      [{ ...message, entry: message.entry!.filter((e) => e.resource!.resourceType !== 'Appointment') }, 422, 'REC_UNPROCESSABLE_ENTITY'],
    ];
    for (const [body, status, code] of cases) refused(await send(body), status, code);
    refused(await send(message, null), 401, 'REC_UNAUTHORIZED');
    assert.equal((await database.db.selectFrom('appointment').select('id').where('ubrn', '=', ubrn).execute()).length, 0);
  });
});
