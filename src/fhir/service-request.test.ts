// Referrals as FHIR ServiceRequests: read, search and create with exactly the access and validation of the JSON API
// (least data before choice included), every answer valid R4, every read of a patient audited.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Bundle, CapabilityStatement, OperationOutcome, Patient, ServiceRequest } from '@medplum/fhirtypes';
import { issuePatientToken, issueToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { readAuditSettled } from '../http/read-audit.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { startFixtureApp } from '../testing/directory-fixture.ts';
import { publishTestSlot } from '../testing/slots.ts';
import { NHS_NUMBER_SYSTEM, TREATMENT_FUNCTION_SYSTEM, UBRN_SYSTEM } from './extensions.ts';
import { ACCESS_CODE_EXTENSION, DATA_ABSENT_REASON, REFERRAL_STATE_EXTENSION } from './service-request.ts';
import { nhsErrorCodeOf as errorCode } from './testing/answers.ts';
import { assertValidFhir } from './testing/validators.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const tokens: Record<string, string> = {};

// GP1 refers; the fixture's services are RXX's but S5-110, moved to RYY, so a shortlist of S1-110 and S5-110 names
// two providers and chooses neither. RZZ and GP2 are bystanders.
before(async () => {
  ({ app, database, close } = await startFixtureApp('fhir-service-request'));
  await createOrganisation(database, 'GP1', 'GP One', 'GP_PRACTICE');
  await createOrganisation(database, 'GP2', 'GP Two', 'GP_PRACTICE');
  await createOrganisation(database, 'RYY', 'Other NHS Trust', 'NHS_TRUST');
  await createOrganisation(database, 'RZZ', 'Unrelated NHS Trust', 'NHS_TRUST');
  await database.db.updateTable('service').set({ provider_ods_code: 'RYY' }).where('id', '=', 'S5-110').execute();
  for (const [username, role, org] of [
    ['referrer', 'referrer', 'GP1'], ['centre', 'referral-centre', 'GP1'], ['gp2', 'referrer', 'GP2'],
    ['rxx', 'provider', 'RXX'], ['ryy', 'provider', 'RYY'], ['rzz', 'provider', 'RZZ'], ['commissioner', 'commissioner', 'RXX'],
  ] as const) {
    tokens[username] = (await issueToken(database.db, await createAccount(database, username, role, org), 'api')).token;
  }
});
after(() => close());

const FHIR = 'application/fhir+json';
const auth = (who: string | null) => (who ? { authorization: `Bearer ${tokens[who] ?? who}` } : {});
const get = (url: string, who: string | null) => app.inject({ method: 'GET', url, headers: { ...auth(who), accept: FHIR } });
const postFhir = (body: unknown, who: string | null, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/fhir/R4/ServiceRequest', headers: { ...auth(who), 'content-type': FHIR, ...headers }, payload: JSON.stringify(body) });

const SUMMARY = 'Right knee pain for 8 months, worse on stairs.';
// Everything that says who the patient is or why they were referred.
const IDENTIFYING = ['Zelda', 'Quartermaine', '9990000026', '1970-01-31', 'LS1 4AP', 'Wharf Street', 'zelda@example.com', '07700', 'knee pain'];

function patient(changes: Partial<Patient> = {}): Patient {
  return {
    resourceType: 'Patient', id: 'patient',
    identifier: [{ system: NHS_NUMBER_SYSTEM, value: '9990000026' }],
    name: [{ use: 'official', family: 'Quartermaine', given: ['Zelda'] }],
    birthDate: '1970-01-31',
    address: [{ use: 'home', line: ['14 Wharf Street'], postalCode: 'LS1 4AP' }],
    telecom: [{ system: 'email', value: 'zelda@example.com' }, { system: 'phone', use: 'mobile', value: '07700 900123' }],
    ...changes,
  };
}

function serviceRequest(changes: Partial<ServiceRequest> = {}, shortlist = ['S1-110', 'S5-110']): ServiceRequest {
  return {
    resourceType: 'ServiceRequest', status: 'active', intent: 'order', priority: 'routine',
    contained: [patient()],
    subject: { reference: '#patient' },
    code: { coding: [{ system: TREATMENT_FUNCTION_SYSTEM, code: '110' }] },
    note: [{ text: SUMMARY }],
    performer: shortlist.map((id) => ({ reference: `HealthcareService/${id}` })),
    ...changes,
  };
}

/** The same referral as the JSON API's body. */
const JSON_BODY = {
  patient: { nhsNumber: '9990000026', givenName: 'Zelda', familyName: 'Quartermaine', dateOfBirth: '1970-01-31', postcode: 'LS1 4AP', addressLines: ['14 Wharf Street'], email: 'zelda@example.com', mobile: '07700 900123' },
  specialty: '110', priority: 'ROUTINE', clinicalSummary: SUMMARY, shortlist: ['S1-110', 'S5-110'],
};

async function create(changes: Partial<ServiceRequest> = {}, shortlist?: string[]): Promise<{ ubrn: string; created: ServiceRequest; patientToken: string }> {
  const res = await postFhir(serviceRequest(changes, shortlist), 'referrer');
  assert.equal(res.statusCode, 201, res.body);
  const created = res.json() as ServiceRequest;
  return { ubrn: created.id!, created, patientToken: (await issuePatientToken(database.db, created.id!, 'api')).token };
}

const stateOf = (sr: ServiceRequest) => sr.extension?.find((e) => e.url === REFERRAL_STATE_EXTENSION)?.valueCoding?.code;
const entriesOf = (bundle: Bundle) => (bundle.entry ?? []).map((e) => e.resource as ServiceRequest);

function assertNothingIdentifying(text: string, where: string) {
  for (const word of IDENTIFYING) assert.ok(!text.includes(word), `${where} shows "${word}"`);
}

describe('create then read', () => {
  test('POST answers 201 with Location, ETag and the ServiceRequest with its UBRN and the access code, once; the read gives the same without it', async () => {
    const res = await postFhir(serviceRequest(), 'referrer');
    assert.equal(res.statusCode, 201, res.body);
    assert.match(String(res.headers['content-type']), /^application\/fhir\+json/);
    const created = res.json() as ServiceRequest;
    assertValidFhir(created);
    assert.match(created.id!, /^\d{12}$/);
    assert.deepEqual(created.identifier, [{ system: UBRN_SYSTEM, value: created.id }]);
    assert.equal(res.headers.location, `${new URL(String(res.headers.location)).origin}/fhir/R4/ServiceRequest/${created.id}`);
    assert.equal(res.headers.etag, `W/"${created.meta?.versionId}"`);
    const accessCode = created.extension?.find((e) => e.url === ACCESS_CODE_EXTENSION)?.valueString;
    assert.match(String(accessCode), /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    // The access code is the one the patient signs in with.
    const signIn = await app.inject({ method: 'POST', url: '/api/v1/patient/token', payload: { ubrn: created.id, accessCode, dateOfBirth: '1970-01-31' } });
    assert.equal(signIn.statusCode, 200, signIn.body);

    const read = await get(`/fhir/R4/ServiceRequest/${created.id}`, 'referrer');
    assert.equal(read.statusCode, 200, read.body);
    const sr = read.json() as ServiceRequest;
    assertValidFhir(sr);
    assert.equal(read.headers.etag, `W/"${sr.meta?.versionId}"`);
    assert.ok(read.headers['last-modified']);
    assert.equal(sr.extension?.some((e) => e.url === ACCESS_CODE_EXTENSION), false, 'the access code is never shown again');
    assert.deepEqual({ ...sr, extension: undefined }, { ...created, extension: undefined });
    assert.equal(sr.status, 'active');
    assert.equal(stateOf(sr), 'NOT_BOOKED');
    assert.equal(sr.intent, 'order');
    assert.equal(sr.priority, 'routine');
    assert.equal(sr.code?.coding?.[0]?.code, '110');
    assert.equal(sr.code?.coding?.[0]?.system, TREATMENT_FUNCTION_SYSTEM);
    assert.deepEqual(sr.requester?.identifier, { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'GP1' });
    assert.equal(sr.subject.reference, '#patient');
    const p = sr.contained?.[0] as Patient;
    assert.deepEqual(p.identifier, [{ system: NHS_NUMBER_SYSTEM, value: '9990000026' }]);
    assert.deepEqual(p.name, [{ use: 'official', family: 'Quartermaine', given: ['Zelda'] }]);
    assert.equal(p.birthDate, '1970-01-31');
    assert.deepEqual(p.address, [{ use: 'home', line: ['14 Wharf Street'], postalCode: 'LS1 4AP' }]);
    assert.deepEqual(sr.note, [{ text: SUMMARY }]);
    assert.equal(sr.performer, undefined, 'no service chosen yet');
    assert.ok(sr.authoredOn && sr.meta?.lastUpdated);

    // What the JSON API holds is what was sent.
    const json = (await get(`/api/v1/referrals/${created.id}`, 'referrer')).json();
    assert.deepEqual(json.patient, JSON_BODY.patient);
    assert.equal(json.clinicalSummary, SUMMARY);
    assert.deepEqual(json.shortlist.map((o: { service: { id: string } }) => o.service.id).sort(), ['S1-110', 'S5-110']);
  });

  test('a two-week wait is asap, both ways; without performers the engine shortlists', async () => {
    const { ubrn, created } = await create({ priority: 'asap', performer: undefined });
    assert.equal(created.priority, 'asap');
    const json = (await get(`/api/v1/referrals/${ubrn}`, 'referrer')).json();
    assert.equal(json.priority, 'TWO_WEEK_WAIT');
    assert.ok(json.shortlist.length >= 2);
  });

  test('with an Idempotency-Key, the same request again answers the same referral (and code) and refers once', async () => {
    const key = randomUUID();
    const first = await postFhir(serviceRequest(), 'referrer', { 'idempotency-key': key });
    const again = await postFhir(serviceRequest(), 'referrer', { 'idempotency-key': key });
    assert.equal(first.statusCode, 201, first.body);
    assert.equal(again.statusCode, 201, again.body);
    assert.equal(again.json().id, first.json().id);
    const code = (r: typeof first) => (r.json() as ServiceRequest).extension?.find((e) => e.url === ACCESS_CODE_EXTENSION)?.valueString;
    assert.equal(code(again), code(first));
    const reused = await postFhir(serviceRequest({ priority: 'urgent' }), 'referrer', { 'idempotency-key': key });
    assert.equal(reused.statusCode, 422);
    assert.equal(errorCode(reused.json()), 'REC_UNPROCESSABLE_ENTITY');
  });
});

describe('create with bad input: the JSON API\'s errors, pointed at FHIR elements', () => {
  const fieldsOf = (outcome: OperationOutcome) => outcome.issue!.slice(1).map((i) => ({ expression: i.expression?.[0], message: i.diagnostics }));

  test('a schema break is a 400 with the same messages as the JSON API', async () => {
    const bad = serviceRequest({ note: undefined, contained: [patient({ birthDate: '31/01/1970', name: [{ use: 'official', family: '', given: ['Zelda'] }] })] });
    const res = await postFhir(bad, 'referrer');
    assert.equal(res.statusCode, 400, res.body);
    const outcome = res.json() as OperationOutcome;
    assertValidFhir(outcome);
    assert.equal(errorCode(outcome), 'REC_BAD_REQUEST');
    const jsonRes = await app.inject({
      method: 'POST', url: '/api/v1/referrals', headers: auth('referrer'),
      payload: { ...JSON_BODY, clinicalSummary: undefined, patient: { ...JSON_BODY.patient, dateOfBirth: '31/01/1970', familyName: '' } },
    });
    assert.equal(jsonRes.statusCode, 400);
    const jsonErrors = (jsonRes.json().errors as { field: string; message: string }[]);
    const where: Record<string, string> = {
      clinicalSummary: 'ServiceRequest.note',
      'patient.dateOfBirth': 'ServiceRequest.contained[0].birthDate',
      'patient.familyName': 'ServiceRequest.contained[0].name[0].family',
    };
    assert.equal(jsonErrors.length, 3, jsonRes.body);
    assert.deepEqual(
      fieldsOf(outcome).sort((a, b) => a.expression!.localeCompare(b.expression!)),
      jsonErrors.map((e) => ({ expression: where[e.field], message: e.message })).sort((a, b) => a.expression!.localeCompare(b.expression!)),
    );
  });

  test('a rule break (an NHS number failing its check digit) is a 422 with the same message as the JSON API', async () => {
    const res = await postFhir(serviceRequest({ contained: [patient({ identifier: [{ system: NHS_NUMBER_SYSTEM, value: '9990000019' }] })] }), 'referrer');
    assert.equal(res.statusCode, 422, res.body);
    const outcome = res.json() as OperationOutcome;
    assertValidFhir(outcome);
    assert.equal(errorCode(outcome), 'REC_UNPROCESSABLE_ENTITY');
    const jsonRes = await app.inject({ method: 'POST', url: '/api/v1/referrals', headers: auth('referrer'), payload: { ...JSON_BODY, patient: { ...JSON_BODY.patient, nhsNumber: '9990000019' } } });
    assert.equal(jsonRes.statusCode, 422);
    assert.deepEqual(fieldsOf(outcome), [{ expression: 'ServiceRequest.contained[0].identifier[0].value', message: jsonRes.json().errors[0].message }]);
    assert.equal(outcome.issue?.[0]?.diagnostics, jsonRes.json().detail);
  });

  test('a service not in the directory, as a performer: 422 pointing at it', async () => {
    const res = await postFhir(serviceRequest({}, ['S1-110', 'NO-SUCH']), 'referrer');
    assert.equal(res.statusCode, 422, res.body);
    const outcome = res.json() as OperationOutcome;
    assert.deepEqual(outcome.issue!.slice(1).map((i) => i.expression?.[0]), ['ServiceRequest.performer[1]'], res.body);
  });

  test('what FHIR itself gets wrong: not a ServiceRequest, no contained patient, a priority that is no e-RS priority, another requester', async () => {
    for (const [body, expression] of [
      [{ resourceType: 'Patient' }, 'ServiceRequest.resourceType'],
      [serviceRequest({ subject: { reference: 'Patient/123' } }), 'ServiceRequest.subject'],
      [serviceRequest({ subject: { reference: '#someone-else' } }), 'ServiceRequest.subject'],
      [serviceRequest({ priority: 'stat' }), 'ServiceRequest.priority'],
      [serviceRequest({ intent: 'plan' }), 'ServiceRequest.intent'],
      [serviceRequest({ code: { coding: [{ system: 'http://snomed.info/sct', code: '394801008' }] } }), 'ServiceRequest.code'],
      [serviceRequest({ requester: { identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'GP2' } } }), 'ServiceRequest.requester'],
      [serviceRequest({ performer: [{ reference: 'Practitioner/1' }] }), 'ServiceRequest.performer[0]'],
      [{}, 'ServiceRequest.resourceType'],
    ] as const) {
      const res = await postFhir(body, 'referrer');
      assert.equal(res.statusCode, 400, `${expression}: ${res.body}`);
      const outcome = res.json() as OperationOutcome;
      assertValidFhir(outcome);
      assert.equal(errorCode(outcome), 'REC_BAD_REQUEST');
      assert.ok(outcome.issue!.some((i) => i.expression?.[0] === expression), `${expression}: ${res.body}`);
    }
  });

  test('only referrers and referral centres create: 401 anonymous, 403 a provider or a patient', async () => {
    const anonymous = await postFhir(serviceRequest(), null);
    assert.equal(anonymous.statusCode, 401);
    assert.equal(errorCode(anonymous.json()), 'REC_UNAUTHORIZED');
    assert.equal(errorCode((await postFhir(serviceRequest(), 'rxx')).json()), 'REC_FORBIDDEN');
    assert.equal((await postFhir(serviceRequest(), 'centre')).statusCode, 201);
  });
});

describe('read: the access of GET /api/v1/referrals/{ubrn}', () => {
  test('the referring practice and the patient read it whole; other practices and unrelated providers get 404, as in the JSON API', async () => {
    const { ubrn, patientToken } = await create();
    for (const who of ['referrer', patientToken]) {
      const res = await get(`/fhir/R4/ServiceRequest/${ubrn}`, who);
      assert.equal(res.statusCode, 200, res.body);
      const sr = res.json() as ServiceRequest;
      assertValidFhir(sr);
      assert.equal((sr.contained?.[0] as Patient).identifier?.[0]?.value, '9990000026');
      assert.deepEqual(sr.note, [{ text: SUMMARY }]);
    }
    for (const who of ['gp2', 'rzz']) {
      const res = await get(`/fhir/R4/ServiceRequest/${ubrn}`, who);
      assert.equal(res.statusCode, 404, who);
      assert.equal(errorCode(res.json()), 'REC_NOT_FOUND');
      assertValidFhir(res.json());
      assert.equal((await get(`/api/v1/referrals/${ubrn}`, who)).statusCode, 404, `the JSON API agrees for ${who}`);
    }
    // Another patient's token reads only their own.
    const other = await create();
    assert.equal((await get(`/fhir/R4/ServiceRequest/${ubrn}`, other.patientToken)).statusCode, 404);
    // Not a referral at all, and not even a UBRN: the same 404.
    for (const id of ['100000000000', 'x', 'abc-def']) assert.equal((await get(`/fhir/R4/ServiceRequest/${id}`, 'referrer')).statusCode, 404, id);
  });

  test('anonymous is 401 REC_UNAUTHORIZED; a commissioner, whom the JSON API refuses, 403', async () => {
    const { ubrn } = await create();
    for (const url of [`/fhir/R4/ServiceRequest/${ubrn}`, `/fhir/R4/ServiceRequest?identifier=${UBRN_SYSTEM}|${ubrn}`]) {
      const res = await get(url, null);
      assert.equal(res.statusCode, 401);
      assert.equal(errorCode(res.json()), 'REC_UNAUTHORIZED');
      assertValidFhir(res.json());
      const commissioner = await get(url, 'commissioner');
      assert.equal(commissioner.statusCode, 403);
      assert.equal(errorCode(commissioner.json()), 'REC_FORBIDDEN');
    }
    assert.equal((await get(`/api/v1/referrals/${ubrn}`, 'commissioner')).statusCode, 403);
  });

  test('a provider on the shortlist the patient has not chosen reads it without the patient or the clinical summary; once chosen, whole', async () => {
    const { ubrn, patientToken } = await create();
    for (const who of ['rxx', 'ryy']) {
      const res = await get(`/fhir/R4/ServiceRequest/${ubrn}`, who);
      assert.equal(res.statusCode, 200, res.body);
      const sr = res.json() as ServiceRequest;
      assertValidFhir(sr);
      assertNothingIdentifying(res.body, `ServiceRequest as ${who}`);
      assert.equal(sr.contained, undefined);
      assert.equal(sr.note, undefined);
      assert.equal(sr.subject.reference, undefined);
      assert.equal(sr.subject.extension?.[0]?.url, DATA_ABSENT_REASON);
      assert.equal(sr.subject.extension?.[0]?.valueCode, 'masked');
      // What it needs to publish capacity is there.
      assert.equal(sr.code?.coding?.[0]?.code, '110');
      assert.equal(sr.priority, 'routine');
      const search = await get(`/fhir/R4/ServiceRequest?identifier=${UBRN_SYSTEM}|${ubrn}`, who);
      assert.equal(entriesOf(search.json()).length, 1, 'the UBRN finds it');
      assertNothingIdentifying(search.body, `search as ${who}`);
      const byPatient = await get(`/fhir/R4/ServiceRequest?patient.identifier=${NHS_NUMBER_SYSTEM}|9990000026`, who);
      assert.ok(!entriesOf(byPatient.json()).some((e) => e.id === ubrn), 'the NHS number does not find it');
    }
    // The patient books at S1-110 (RXX): RXX is chosen, RYY is not.
    const book = await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/appointment`, headers: { ...auth(patientToken), 'idempotency-key': randomUUID() }, payload: { slotId: await publishTestSlot(database, 'S1-110') } });
    assert.equal(book.statusCode, 201, book.body);
    const rxx = (await get(`/fhir/R4/ServiceRequest/${ubrn}`, 'rxx')).json() as ServiceRequest;
    assertValidFhir(rxx);
    assert.equal(stateOf(rxx), 'BOOKED');
    assert.equal(rxx.status, 'active');
    assert.deepEqual(rxx.performer, [{ reference: 'HealthcareService/S1-110' }]);
    assert.deepEqual(rxx.note, [{ text: SUMMARY }]);
    assert.equal((rxx.contained?.[0] as Patient).name?.[0]?.family, 'Quartermaine');
    const ryy = await get(`/fhir/R4/ServiceRequest/${ubrn}`, 'ryy');
    assertNothingIdentifying(ryy.body, 'ServiceRequest as ryy after booking elsewhere');
  });

  test('the version moves on with each change, and ETag follows it', async () => {
    const { ubrn, created, patientToken } = await create();
    const defer = await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/deferral`, headers: auth(patientToken), payload: { serviceId: 'S5-110' } });
    assert.equal(defer.statusCode, 200, defer.body);
    const read = await get(`/fhir/R4/ServiceRequest/${ubrn}`, 'referrer');
    const sr = read.json() as ServiceRequest;
    assert.ok(Number(sr.meta!.versionId) > Number(created.meta!.versionId), `${sr.meta!.versionId} after ${created.meta!.versionId}`);
    assert.equal(read.headers.etag, `W/"${sr.meta!.versionId}"`);
    assert.equal(stateOf(sr), 'DEFERRED_TO_PROVIDER');
    assert.deepEqual(sr.performer, [{ reference: 'HealthcareService/S5-110' }]);
  });
});

describe('search', () => {
  test('by identifier: a Bundle holding the referral for those who may read it, an empty one for anyone else', async () => {
    const { ubrn, patientToken } = await create();
    for (const who of ['referrer', patientToken, 'rxx']) {
      const res = await get(`/fhir/R4/ServiceRequest?identifier=${encodeURIComponent(`${UBRN_SYSTEM}|${ubrn}`)}`, who);
      assert.equal(res.statusCode, 200, res.body);
      const bundle = res.json() as Bundle;
      assertValidFhir(bundle);
      assert.equal(bundle.type, 'searchset');
      assert.equal(bundle.total, 1);
      assert.equal(bundle.entry?.[0]?.fullUrl, `${new URL(bundle.link![0]!.url!).origin}/fhir/R4/ServiceRequest/${ubrn}`);
      assert.equal(entriesOf(bundle)[0]!.id, ubrn);
    }
    for (const who of ['gp2', 'rzz']) {
      const res = await get(`/fhir/R4/ServiceRequest?identifier=${UBRN_SYSTEM}|${ubrn}`, who);
      assert.equal(res.statusCode, 200);
      const bundle = res.json() as Bundle;
      assertValidFhir(bundle);
      assert.equal(bundle.total, 0);
      assert.equal(bundle.entry, undefined);
    }
    // A patient's search, with nothing asked, is their own referral alone.
    const own = (await get('/fhir/R4/ServiceRequest', patientToken)).json() as Bundle;
    assertValidFhir(own);
    assert.deepEqual(entriesOf(own).map((e) => e.id), [ubrn]);
    // Without the system, by _id; another system or not a UBRN finds nothing.
    assert.equal(entriesOf((await get(`/fhir/R4/ServiceRequest?identifier=${ubrn}`, 'referrer')).json()).length, 1);
    assert.equal(entriesOf((await get(`/fhir/R4/ServiceRequest?_id=${ubrn}`, 'referrer')).json()).length, 1);
    assert.equal(entriesOf((await get(`/fhir/R4/ServiceRequest?identifier=https://example.org/other|${ubrn}`, 'referrer')).json()).length, 0);
    assert.equal(entriesOf((await get(`/fhir/R4/ServiceRequest?identifier=${UBRN_SYSTEM}|12`, 'referrer')).json()).length, 0);
  });

  test('by the patient\'s NHS number, chained or with :identifier, and by status', async () => {
    const { ubrn } = await create();
    for (const param of ['patient.identifier', 'patient:identifier', 'subject:identifier']) {
      const res = await get(`/fhir/R4/ServiceRequest?${param}=${encodeURIComponent(`${NHS_NUMBER_SYSTEM}|9990000026`)}&_count=200`, 'referrer');
      assert.equal(res.statusCode, 200, res.body);
      assertValidFhir(res.json());
      const found = entriesOf(res.json());
      assert.ok(found.some((e) => e.id === ubrn), param);
      assert.ok(found.every((e) => (e.contained?.[0] as Patient).identifier?.[0]?.value === '9990000026'), param);
    }
    assert.equal((await get(`/fhir/R4/ServiceRequest?patient.identifier=9990000026`, 'referrer')).statusCode, 400, 'an NHS number names its system');
    const active = (await get(`/fhir/R4/ServiceRequest?status=active&identifier=${ubrn}`, 'referrer')).json() as Bundle;
    assert.equal(entriesOf(active).length, 1);
    assert.equal(entriesOf((await get(`/fhir/R4/ServiceRequest?status=revoked,on-hold&identifier=${ubrn}`, 'referrer')).json()).length, 0);
    const cancel = await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/cancellation`, headers: auth('referrer'), payload: { reason: 'Patient moved away' } });
    assert.equal(cancel.statusCode, 200, cancel.body);
    const revoked = (await get(`/fhir/R4/ServiceRequest?status=revoked`, 'referrer')).json() as Bundle;
    assertValidFhir(revoked);
    const sr = entriesOf(revoked).find((e) => e.id === ubrn);
    assert.equal(sr?.status, 'revoked');
    assert.equal(stateOf(sr!), 'CANCELLED');
    assert.ok(entriesOf(revoked).every((e) => e.status === 'revoked'));
    assert.equal((await get('/fhir/R4/ServiceRequest?status=bogus', 'referrer')).statusCode, 400);
    assert.equal(((await get('/fhir/R4/ServiceRequest?status=draft', 'referrer')).json() as Bundle).total, 0, 'no referral is a draft');
  });

  test('pages with _count and a next link; an unknown parameter is refused, not ignored', async () => {
    await create();
    await create();
    const first = (await get('/fhir/R4/ServiceRequest?_count=1', 'referrer')).json() as Bundle;
    assertValidFhir(first);
    assert.equal(first.entry?.length, 1);
    assert.ok(first.total! >= 2);
    const next = first.link?.find((l) => l.relation === 'next')?.url;
    assert.ok(next, 'a next link');
    const second = (await get(new URL(next).pathname + new URL(next).search, 'referrer')).json() as Bundle;
    assert.equal(second.entry?.length, 1);
    assert.notEqual(second.entry![0]!.resource!.id, first.entry![0]!.resource!.id);
    const counted = (await get('/fhir/R4/ServiceRequest?_count=0', 'referrer')).json() as Bundle;
    assertValidFhir(counted);
    assert.equal(counted.total, first.total);
    assert.equal(counted.entry, undefined);
    assert.equal((await get('/fhir/R4/ServiceRequest?_count=201', 'referrer')).statusCode, 400);
    const unknown = await get('/fhir/R4/ServiceRequest?performer=HealthcareService/S1-110', 'referrer');
    assert.equal(unknown.statusCode, 400);
    assert.equal(errorCode(unknown.json()), 'REC_BAD_REQUEST');
    assert.deepEqual(unknown.json().issue[1].expression, ['performer']);
  });
});

describe('unknown search parameters on a search of patient data', () => {
  const search = (query: string, prefer?: string) =>
    app.inject({ method: 'GET', url: `/fhir/R4/ServiceRequest?${query}`, headers: { ...auth('referrer'), accept: FHIR, ...(prefer ? { prefer } : {}) } });

  test('a misspelt filter is refused by default and with Prefer: handling=strict, since ignored it would show other patients\' referrals', async () => {
    const { ubrn } = await create();
    for (const prefer of [undefined, 'handling=strict']) {
      const res = await search(`identifer=${ubrn}`, prefer);
      assert.equal(res.statusCode, 400, `${prefer}: ${res.body}`);
      assertValidFhir(res.json());
      assert.equal(errorCode(res.json()), 'REC_BAD_REQUEST');
      assert.deepEqual(res.json().issue[1].expression, ['identifer']);
    }
  });

  test('Prefer: handling=lenient ignores it, as the client asked; result parameters are never unknown', async () => {
    const { ubrn } = await create();
    await create();
    const lenient = await search(`identifer=${ubrn}&_count=200`, 'return=representation, handling=lenient');
    assert.equal(lenient.statusCode, 200, lenient.body);
    assertValidFhir(lenient.json());
    assert.ok(entriesOf(lenient.json()).length >= 2, 'the misspelt filter narrowed nothing: the answer is every referral the referrer may read');
    const known = await search(`identifier=${ubrn}&colour=blue`, 'handling=lenient');
    assert.deepEqual(entriesOf(known.json()).map((e) => e.id), [ubrn], 'a filter served still applies beside one ignored');
    const shaped = await search(`identifier=${ubrn}&_format=json&_pretty=true&_summary=false&_elements=id&_total=accurate&_sort=-authored`);
    assert.equal(shaped.statusCode, 200, shaped.body);
    assert.deepEqual(entriesOf(shaped.json()).map((e) => e.id), [ubrn]);
  });
});

describe('worklists as e-RS names them', () => {
  test('referrals-for-review and appointment-slot-issues (providers), awaiting-booking (referrers)', async () => {
    const booked = await create({}, ['S1-110']);
    const book = await app.inject({ method: 'POST', url: `/api/v1/referrals/${booked.ubrn}/appointment`, headers: { ...auth(booked.patientToken), 'idempotency-key': randomUUID() }, payload: { slotId: await publishTestSlot(database, 'S1-110') } });
    assert.equal(book.statusCode, 201, book.body);
    const deferred = await create({}, ['S2-110']);
    const defer = await app.inject({ method: 'POST', url: `/api/v1/referrals/${deferred.ubrn}/deferral`, headers: auth(deferred.patientToken), payload: { serviceId: 'S2-110' } });
    assert.equal(defer.statusCode, 200, defer.body);
    const waiting = await create({}, ['S3-110']);

    const worklist = async (name: string, who: string) => {
      const res = await get(`/fhir/R4/ServiceRequest?_query=${name}&_count=200`, who);
      assert.equal(res.statusCode, 200, `${name}: ${res.body}`);
      assertValidFhir(res.json());
      return entriesOf(res.json()).map((e) => e.id);
    };
    const review = await worklist('referrals-for-review', 'rxx');
    assert.ok(review.includes(booked.ubrn) && review.includes(deferred.ubrn) && !review.includes(waiting.ubrn), review.join());
    const asi = await worklist('appointment-slot-issues', 'rxx');
    assert.ok(asi.includes(deferred.ubrn) && !asi.includes(booked.ubrn), asi.join());
    assert.deepEqual(await worklist('APPOINTMENT_SLOT_ISSUES', 'rxx'), asi, 'the e-RS code names it too');
    const awaiting = await worklist('awaiting-booking', 'referrer');
    assert.ok(awaiting.includes(waiting.ubrn) && !awaiting.includes(booked.ubrn) && !awaiting.includes(deferred.ubrn), awaiting.join());
    const ryy = await worklist('referrals-for-review', 'ryy');
    assert.ok(!ryy.includes(booked.ubrn) && !ryy.includes(deferred.ubrn), 'not another provider\'s');
    assert.equal((await get('/fhir/R4/ServiceRequest?_query=referrals-for-review', 'referrer')).statusCode, 403);
    assert.equal((await get('/fhir/R4/ServiceRequest?_query=awaiting-booking', 'rxx')).statusCode, 403);
    assert.equal((await get('/fhir/R4/ServiceRequest?_query=letters-outstanding', 'rxx')).statusCode, 400);
    assert.equal((await get('/fhir/R4/ServiceRequest?_query=awaiting-booking&status=active', 'referrer')).statusCode, 400);
  });
});

describe('read audit', () => {
  test('every read and search that shows a referral records who saw it, with the NHS number only when shown', async () => {
    const { ubrn } = await create();
    const rows = async (route: string) => {
      await readAuditSettled(app);
      return database.db.selectFrom('patient_read_audit').select(['ubrn', 'nhs_number', 'role', 'organisation_ods_code']).where('route', '=', route).where('ubrn', '=', ubrn).orderBy('id').execute();
    };
    assert.equal((await get(`/fhir/R4/ServiceRequest/${ubrn}`, 'referrer')).statusCode, 200);
    assert.equal((await get(`/fhir/R4/ServiceRequest/${ubrn}`, 'rxx')).statusCode, 200);
    assert.equal((await get(`/fhir/R4/ServiceRequest/${ubrn}`, 'rzz')).statusCode, 404);
    assert.deepEqual(await rows('GET /fhir/R4/ServiceRequest/:ubrn'), [
      { ubrn, nhs_number: '9990000026', role: 'referrer', organisation_ods_code: 'GP1' },
      { ubrn, nhs_number: null, role: 'provider', organisation_ods_code: 'RXX' },
    ]);
    assert.equal((await get(`/fhir/R4/ServiceRequest?identifier=${ubrn}`, 'referrer')).statusCode, 200);
    assert.equal((await get(`/fhir/R4/ServiceRequest?identifier=${ubrn}`, 'rzz')).statusCode, 200);
    assert.deepEqual(await rows('GET /fhir/R4/ServiceRequest'), [{ ubrn, nhs_number: '9990000026', role: 'referrer', organisation_ods_code: 'GP1' }]);
  });
});

test('the CapabilityStatement names ServiceRequest read, search (with its parameters) and create', async () => {
  const statement = (await get('/fhir/R4/metadata', null)).json() as CapabilityStatement;
  assertValidFhir(statement);
  const sr = statement.rest?.[0]?.resource?.find((r) => r.type === 'ServiceRequest');
  assert.deepEqual(sr?.interaction?.map((i) => i.code).sort(), ['create', 'read', 'search-type']);
  for (const name of ['identifier', 'patient', 'status', '_query']) assert.ok(sr?.searchParam?.some((p) => p.name === name), name);
});
