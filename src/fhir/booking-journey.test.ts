// The booking journey driven by a third-party FHIR client (fhir-kit-client) over real HTTP: what the
// CapabilityStatement says, a Slot search, booking, the conflict for a slot taken, reading and cancelling, and a
// BaRS message through $process-message. What the client gets must be what the server's own tests assert.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Appointment, Bundle, CapabilityStatement, MessageHeader, OperationOutcome, Slot } from '@medplum/fhirtypes';
import { Client, type FhirResource } from 'fhir-kit-client';
import { issueToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { startFixtureApp } from '../testing/directory-fixture.ts';
import { publishTestSlot } from '../testing/slots.ts';
import { nhsErrorCodeOf } from './testing/answers.ts';
import { referralThroughApi } from './testing/referrals.ts';
import { assertValidFhir } from './testing/validators.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
let client: Client;
let token: string;

before(async () => {
  ({ app, database, close } = await startFixtureApp('fhir-booking-journey'));
  await createOrganisation(database, 'GP1', 'GP One', 'GP_PRACTICE');
  token = (await issueToken(database.db, await createAccount(database, 'referrer', 'referrer', 'GP1'), 'api')).token;
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  client = new Client({ baseUrl: `http://127.0.0.1:${port}/fhir/R4`, bearerToken: token });
});
after(() => close());

const newReferral = () => referralThroughApi(app, token);

const booking = (ubrn: string, slotId: string) => ({ resourceType: 'Appointment', status: 'booked', slot: [{ reference: `Slot/${slotId}` }], basedOn: [{ reference: `ServiceRequest/${ubrn}` }], participant: [{ status: 'accepted' }] });

/** What the client throws for a refusal: the status and the NHS code of the OperationOutcome, which every refusal is. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; code: string | undefined; body: OperationOutcome }> {
  try {
    await call;
  } catch (err) {
    const { status, data } = (err as { response: { status: number; data: unknown } }).response;
    const body = (typeof data === 'string' ? JSON.parse(data) : data) as OperationOutcome;
    assert.equal(body.resourceType, 'OperationOutcome');
    assertValidFhir(body);
    return { status, code: nhsErrorCodeOf(body), body };
  }
  assert.fail('the call was not refused');
}

test('a FHIR client finds a free slot, books it, is refused the same slot for another referral, reads and cancels the booking', async () => {
  const statement = (await client.capabilityStatement()) as unknown as CapabilityStatement;
  const resources = statement.rest![0]!.resource!;
  assert.ok(resources.find((r) => r.type === 'Slot')!.searchParam!.some((p) => p.name === 'schedule.actor'));
  assert.equal(resources.find((r) => r.type === 'Appointment')!.conditionalCreate, true);

  const published = await publishTestSlot(database, 'S2-110', 9);
  const search = (await client.search({ resourceType: 'Slot', searchParams: { status: 'free', 'schedule.actor:HealthcareService': 'S2-110', _count: 500 } })) as unknown as Bundle<Slot>;
  assertValidFhir(search);
  const slot = search.entry!.find((e) => e.resource!.id === published)!.resource!;
  assert.equal(slot.status, 'free');

  const ubrn = await newReferral();
  const booked = (await client.create({ resourceType: 'Appointment', body: booking(ubrn, slot.id!) })) as unknown as Appointment;
  assertValidFhir(booked);
  assert.equal(booked.status, 'booked');

  const other = await newReferral();
  const taken = await refusal(client.create({ resourceType: 'Appointment', body: booking(other, slot.id!) }));
  assert.deepEqual([taken.status, taken.code], [409, 'REC_CONFLICT']);

  const read = (await client.read({ resourceType: 'Appointment', id: booked.id! })) as unknown as Appointment;
  assert.deepEqual(read, booked);
  const stale = await refusal(client.patch({ resourceType: 'Appointment', id: booked.id!, jsonPatch: [{ op: 'replace', path: '/status', value: 'cancelled' }], options: { headers: { 'if-match': 'W/"9"' } } }));
  assert.deepEqual([stale.status, stale.code], [412, 'REC_PRECONDITION_FAILED']);
  const cancelled = (await client.patch({ resourceType: 'Appointment', id: booked.id!, jsonPatch: [{ op: 'replace', path: '/status', value: 'cancelled' }], options: { headers: { 'if-match': 'W/"1"' } } })) as unknown as Appointment;
  assertValidFhir(cancelled);
  assert.equal(cancelled.status, 'cancelled');
  assert.equal(((await client.read({ resourceType: 'Slot', id: slot.id! })) as unknown as Slot).status, 'free');
});

test('a FHIR client sends a BaRS booking request through $process-message and gets the booking-response; the same slot for another referral is a 409 OperationOutcome', async () => {
  const slotId = await publishTestSlot(database, 'S2-110', 11);
  const message = (ubrn: string, headerId = randomUUID()): Bundle => ({
    resourceType: 'Bundle',
    type: 'message',
    entry: [
      { fullUrl: `urn:uuid:${headerId}`, resource: { resourceType: 'MessageHeader', id: headerId, eventCoding: { system: 'https://fhir.nhs.uk/CodeSystem/message-events-bars', code: 'booking-request' }, source: { endpoint: 'https://gp.example/fhir' }, focus: [{ reference: 'urn:uuid:appointment' }] } },
      { fullUrl: 'urn:uuid:appointment', resource: { resourceType: 'Appointment', status: 'proposed', slot: [{ reference: `Slot/${slotId}` }], basedOn: [{ reference: `ServiceRequest/${ubrn}` }], participant: [{ status: 'accepted' }] } },
    ],
  });
  const headerId = randomUUID();
  const answer = (await client.operation({ name: '$process-message', input: message(await newReferral(), headerId) as unknown as FhirResource })) as unknown as Bundle;
  assertValidFhir(answer);
  const header = answer.entry![0]!.resource as MessageHeader;
  assert.deepEqual(header.response, { identifier: headerId, code: 'ok' });
  assert.equal((answer.entry![1]!.resource as Appointment).status, 'booked');

  const taken = await refusal(client.operation({ name: '$process-message', input: message(await newReferral()) as unknown as FhirResource }));
  assert.deepEqual([taken.status, taken.code], [409, 'REC_CONFLICT']);
});
