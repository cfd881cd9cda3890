// The whole journey on the demo data, as a newcomer's GP system would make it with a real third-party FHIR client
// (fhir-kit-client) over HTTP: the CapabilityStatement, the shortlist as a search, a read, the referral, its service's
// free slots, a booking, and the conflict when another referral asks for the same slot (booking-journey.test.ts
// drives cancelling and BaRS on a small fixture). Every resource it is given passes both validators.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AddressInfo } from 'node:net';
import { Client } from 'fhir-kit-client';
import type { Appointment, Bundle, CapabilityStatement, HealthcareService, OperationOutcome, Resource, ServiceRequest, Slot } from '@medplum/fhirtypes';
import { DEMO_PASSWORD } from '../auth/demo-accounts.ts';
import { referThroughApi, startDemoApp, type TestApp } from '../testing/test-app.ts';
import { HTTP_ERROR_CODES } from './operation-outcome.ts';
import { UBRN_SYSTEM } from './extensions.ts';
import { assertValidFhir } from './testing/validators.ts';

let testApp: TestApp;
let client: Client;
before(async () => {
  testApp = await startDemoApp('fhir-journey');
  await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = testApp.app.server.address() as AddressInfo;
  client = new Client({ baseUrl: `http://127.0.0.1:${port}/fhir/R4` });
});
after(() => testApp.close());

const valid = <T extends Resource>(resource: unknown): T => {
  const r = resource as T;
  assertValidFhir(r);
  if (r.resourceType === 'Bundle') for (const e of (r as Bundle).entry ?? []) if (e.resource) assertValidFhir(e.resource);
  return r;
};

async function signIn(username: string): Promise<string> {
  const res = await testApp.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username, password: DEMO_PASSWORD } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().token;
}

const refusal = async (call: Promise<unknown>): Promise<{ status: number; outcome: OperationOutcome }> => {
  try {
    await call;
  } catch (e) {
    const response = (e as { response?: { status: number; data: unknown } }).response;
    assert.ok(response, String(e));
    const data = typeof response.data === 'string' ? JSON.parse(response.data) : response.data;
    return { status: response.status, outcome: valid<OperationOutcome>(data) };
  }
  assert.fail('the call was expected to be refused');
};
const nhsCode = (outcome: OperationOutcome) => outcome.issue?.[0]?.details?.coding?.find((c) => c.system === HTTP_ERROR_CODES)?.code;

test('capability statement → shortlist search → read → referral → free slots → book → the same slot again is a conflict', async () => {
  const capabilities = valid<CapabilityStatement>(await client.capabilityStatement());
  const served = new Map((capabilities.rest?.[0]?.resource ?? []).map((r) => [r.type, (r.interaction ?? []).map((i) => i.code)]));
  for (const [type, interaction] of [['HealthcareService', 'search-type'], ['HealthcareService', 'read'], ['ServiceRequest', 'read'], ['Slot', 'search-type'], ['Appointment', 'create']] as const) {
    assert.ok(served.get(type)?.includes(interaction), `the CapabilityStatement names ${type} ${interaction}`);
  }

  const shortlist = valid<Bundle>(await client.search({ resourceType: 'HealthcareService', searchParams: { _query: 'shortlist', specialty: '110', postcode: 'LS1 4AP', _count: 10 } }));
  const offered = (shortlist.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource as HealthcareService);
  assert.ok(offered.length >= 5, `at least 5 options (${offered.length})`);

  // The patient chooses a service that publishes slots: the first whose free slots the Slot search finds.
  const referrer = await signIn('demo-referrer');
  client.bearerToken = referrer;
  let chosen: HealthcareService | undefined;
  let slots: Slot[] = [];
  for (const service of offered) {
    const found = valid<Bundle>(await client.search({ resourceType: 'Slot', searchParams: { status: 'free', 'schedule.actor:HealthcareService': service.id! } }));
    slots = (found.entry ?? []).map((e) => e.resource as Slot);
    if (slots.length > 0) {
      chosen = service;
      break;
    }
  }
  assert.ok(chosen, 'one of the shortlisted services publishes free slots');
  const read = valid<HealthcareService>(await client.read({ resourceType: 'HealthcareService', id: chosen.id! }));
  assert.equal(read.id, chosen.id);
  assert.ok(slots.every((s) => s.status === 'free' && s.schedule.reference === `Schedule/${chosen!.id}`));

  const { ubrn } = await referThroughApi(testApp.app, { familyName: 'Journey' }, offered.slice(0, 5).map((s) => s.id!));
  const referral = valid<ServiceRequest>(await client.read({ resourceType: 'ServiceRequest', id: ubrn }));
  assert.equal(referral.identifier?.find((i) => i.system === UBRN_SYSTEM)?.value, ubrn);
  const byIdentifier = valid<Bundle>(await client.search({ resourceType: 'ServiceRequest', searchParams: { identifier: `${UBRN_SYSTEM}|${ubrn}` } }));
  assert.equal(byIdentifier.entry?.length, 1);

  const slot = slots[0]!;
  const appointment = (slotId: string, referralUbrn: string): Appointment => ({
    resourceType: 'Appointment',
    status: 'booked',
    slot: [{ reference: `Slot/${slotId}` }],
    basedOn: [{ reference: `ServiceRequest/${referralUbrn}` }],
    participant: [{ actor: { reference: `HealthcareService/${chosen!.id}` }, status: 'accepted' }],
  });
  const booked = valid<Appointment>(await client.create({ resourceType: 'Appointment', body: appointment(slot.id!, ubrn) as never }));
  assert.equal(booked.status, 'booked');
  assert.equal(booked.slot?.[0]?.reference, `Slot/${slot.id}`);
  const again = valid<Appointment>(await client.read({ resourceType: 'Appointment', id: booked.id! }));
  assert.equal(again.id, booked.id);
  const stillFree = valid<Bundle>(await client.search({ resourceType: 'Slot', searchParams: { status: 'free', 'schedule.actor:HealthcareService': chosen.id! } }));
  assert.ok(!(stillFree.entry ?? []).some((e) => e.resource?.id === slot.id), 'the booked slot is no longer free');

  // Another patient's referral asks for the slot just taken: 409, and an OperationOutcome saying so.
  const other = await referThroughApi(testApp.app, { givenName: 'Bea', familyName: 'Journey' }, offered.slice(0, 5).map((s) => s.id!));
  const conflict = await refusal(client.create({ resourceType: 'Appointment', body: appointment(slot.id!, other.ubrn) as never }));
  assert.equal(conflict.status, 409);
  assert.equal(nhsCode(conflict.outcome), 'REC_CONFLICT');

  // Without a sign-in the referral is not there for the asking.
  client.bearerToken = '';
  const anonymous = await refusal(client.read({ resourceType: 'ServiceRequest', id: ubrn }));
  assert.equal(anonymous.status, 401);
  assert.equal(nhsCode(anonymous.outcome), 'REC_UNAUTHORIZED');
});
