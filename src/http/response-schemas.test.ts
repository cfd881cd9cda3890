// Every API route declares the schema of its answers: it is the allow-list of what data may leave (the serializer
// sends only what it names) and what /api/v1/openapi.json shows.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { startFixtureApp } from '../testing/directory-fixture.ts';
import { declaredRoutes } from './access.ts';

let app: FastifyInstance;
let close: () => Promise<void>;
before(async () => ({ app, close } = await startFixtureApp('response_schemas')));
after(() => close());

// The OpenAPI document itself is the one API answer that is not described by a schema of its own.
const UNDESCRIBED = new Set(['GET /api/v1/openapi.json']);
// The FHIR interface answers resources that the R4 specification describes and its CapabilityStatement lists
// (src/fhir): there each resource is built element by element by its mapper, which is the allow-list, and the
// tests check every one with two validators (src/fhir/testing/validators.ts).
const isFhir = (url: string) => url.startsWith('/fhir/R4/');

test('every API route declares a schema for its successful answers and for its problems', () => {
  const api = declaredRoutes(app).filter((r) => !r.page && r.method !== 'HEAD' && !UNDESCRIBED.has(`${r.method} ${r.url}`) && !isFhir(r.url));
  assert.ok(api.length >= 40, `found ${api.length} API routes`);
  const missing = api.filter((r) => !r.responses.some((s) => /^2\d\d$/.test(s))).map((r) => `${r.method} ${r.url}`);
  assert.deepEqual(missing, [], 'API routes with no schema for their successful answer');
  const noProblems = api.filter((r) => !('public' in r.access) && !r.responses.includes('401')).map((r) => `${r.method} ${r.url}`);
  assert.deepEqual(noProblems, [], 'protected API routes that do not describe their 401');
});
