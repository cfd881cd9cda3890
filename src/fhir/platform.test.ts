// The FHIR interface's platform: the CapabilityStatement is valid R4 and names what the routes serve; every refusal
// is an OperationOutcome with the NHS http-error-code; correlation ids are echoed; only JSON is spoken.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { CapabilityStatement, OperationOutcome } from '@medplum/fhirtypes';
import { startFixtureApp } from '../testing/directory-fixture.ts';
import { declaredRoutes } from '../http/access.ts';
import { nhsErrorCodeOf as errorCode } from './testing/answers.ts';
import { assertValidFhir, fhirProblems } from './testing/validators.ts';

let app: FastifyInstance;
let close: () => Promise<void>;
before(async () => ({ app, close } = await startFixtureApp('fhir-platform')));
after(() => close());


test('GET /fhir/R4/metadata is a valid CapabilityStatement naming every FHIR route that serves a resource', async () => {
  const res = await app.inject({ method: 'GET', url: '/fhir/R4/metadata' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^application\/fhir\+json/);
  const statement = res.json() as CapabilityStatement;
  assert.equal(statement.fhirVersion, '4.0.1');
  assertValidFhir(statement);
  const named = new Set<string>();
  for (const r of statement.rest?.[0]?.resource ?? []) for (const i of r.interaction ?? []) named.add(`${r.type} ${i.code}`);
  const fhirRoutes = declaredRoutes(app).filter((r) => r.url.startsWith('/fhir/R4/') && r.method !== 'HEAD' && r.url !== '/fhir/R4/metadata');
  for (const route of fhirRoutes) {
    const type = /^\/fhir\/R4\/([A-Z]\w+)/.exec(route.url)?.[1];
    if (!type) continue;
    assert.ok([...named].some((n) => n.startsWith(`${type} `)), `${route.method} ${route.url} is in the CapabilityStatement`);
  }
});

test('an unknown FHIR path is a 404 OperationOutcome coded REC_NOT_FOUND, valid R4', async () => {
  const res = await app.inject({ method: 'GET', url: '/fhir/R4/Nothing/1' });
  assert.equal(res.statusCode, 404);
  assert.match(String(res.headers['content-type']), /^application\/fhir\+json/);
  const outcome = res.json() as OperationOutcome;
  assert.equal(errorCode(outcome), 'REC_NOT_FOUND');
  assert.equal(outcome.issue?.[0]?.code, 'not-found');
  assertValidFhir(outcome);
});

test('XML is refused with 406 REC_NOT_ACCEPTABLE, by Accept or by _format; JSON and FHIR JSON are answered', async () => {
  for (const request of [{ url: '/fhir/R4/metadata', headers: { accept: 'application/fhir+xml' } }, { url: '/fhir/R4/metadata?_format=xml', headers: {} }]) {
    const res = await app.inject({ method: 'GET', ...request });
    assert.equal(res.statusCode, 406, request.url);
    assert.equal(errorCode(res.json()), 'REC_NOT_ACCEPTABLE');
  }
  for (const accept of ['application/fhir+json', 'application/json', '*/*', 'application/fhir+json;q=0.9, application/fhir+xml']) {
    const res = await app.inject({ method: 'GET', url: '/fhir/R4/metadata', headers: { accept } });
    assert.equal(res.statusCode, 200, accept);
  }
});

test('X-Correlation-ID and X-Request-ID are echoed; one that is not an id is not', async () => {
  const res = await app.inject({ method: 'GET', url: '/fhir/R4/metadata', headers: { 'x-correlation-id': '11C46F5F-CDEF-4865-94B2-0EE0EDCC26DA', 'x-request-id': 'req-1' } });
  assert.equal(res.headers['x-correlation-id'], '11C46F5F-CDEF-4865-94B2-0EE0EDCC26DA');
  assert.equal(res.headers['x-request-id'], 'req-1');
  const odd = await app.inject({ method: 'GET', url: '/fhir/R4/metadata', headers: { 'x-correlation-id': 'two words' } });
  assert.equal(odd.headers['x-correlation-id'], undefined);
});

test('the validators find what is wrong: a bad code, a missing required element, an NHS number failing its check digit', () => {
  const problems = fhirProblems({
    resourceType: 'ServiceRequest',
    status: 'bogus' as 'active',
    intent: 'order',
    subject: { identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000019' } },
  });
  assert.ok(problems.some((p) => p.startsWith('FHIR.js') && p.includes('bogus')), problems.join('\n'));
  assert.ok(problems.some((p) => p.includes('check digit')), problems.join('\n'));
  const missing = fhirProblems({ resourceType: 'ServiceRequest', intent: 'order' } as never);
  assert.ok(missing.some((p) => p.startsWith('medplum')), missing.join('\n'));
  assert.deepEqual(fhirProblems({ resourceType: 'ServiceRequest', status: 'active', intent: 'order', subject: { reference: 'Patient/1' } }), []);
});
