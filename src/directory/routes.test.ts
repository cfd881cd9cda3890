import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { startFixtureApp } from '../testing/directory-fixture.ts';

let app: FastifyInstance;
let close: () => Promise<void>;

before(async () => ({ app, close } = await startFixtureApp('directory')));
after(() => close());

const get = (url: string) => app.inject({ method: 'GET', url });

test('GET /api/v1/services lists every active, accredited service of a specialty', async () => {
  const res = await get('/api/v1/services?specialty=110');
  assert.equal(res.statusCode, 200);
  const { services } = res.json();
  assert.deepEqual(services.map((s: { id: string }) => s.id).sort(), ['S1-110', 'S2-110', 'S3-110', 'S4-110', 'S5-110', 'S6-110']);
  const s1 = services.find((s: { id: string }) => s.id === 'S1-110');
  assert.deepEqual(Object.keys(s1).sort(), ['directlyBookable', 'id', 'indicativeWait', 'name', 'provider', 'serviceType', 'site', 'specialty']);
  assert.deepEqual(s1.specialty, { code: '110', name: 'Trauma and Orthopaedics' });
  assert.equal(s1.serviceType, 'FIRST_OUTPATIENT');
  assert.equal(s1.site.odsCode, 'S1');
});

test('with a postcode and distance: nearest first, distanceKm, only those within it', async () => {
  const res = await get('/api/v1/services?specialty=C_110&postcode=ls1%204ap&maxDistanceKm=61');
  assert.equal(res.statusCode, 200);
  const { services } = res.json();
  assert.deepEqual(services.map((s: { id: string }) => s.id), ['S1-110', 'S2-110', 'S3-110', 'S4-110']);
  assert.deepEqual(services.map((s: { distanceKm: number }) => s.distanceKm), [2, 10, 30, 60]);
});

test('bad directory queries', async () => {
  assert.equal((await get('/api/v1/services')).statusCode, 400);
  assert.equal((await get('/api/v1/services?specialty=110&maxDistanceKm=10')).statusCode, 400);
  assert.equal((await get('/api/v1/services?specialty=110&postcode=LS1%204AP&maxDistanceKm=0')).statusCode, 400);
  assert.equal((await get('/api/v1/services?specialty=110&postcode=XX')).statusCode, 400);
  assert.equal((await get('/api/v1/services?specialty=123')).statusCode, 422);
});

test('GET /api/v1/services/{id}: listed services only', async () => {
  const ok = await get('/api/v1/services/S3-110');
  assert.equal(ok.statusCode, 200);
  assert.equal(ok.json().indicativeWait.weeks, 8);
  assert.equal((await get('/api/v1/services/S1-110-pending')).statusCode, 404);
  assert.equal((await get('/api/v1/services/S1-110-inactive')).statusCode, 404);
  const missing = await get('/api/v1/services/nope');
  assert.equal(missing.statusCode, 404);
  assert.match(missing.json().detail, /no listed service with id "nope"/);
});

test('GET /api/v1/specialties, with counts of listed services', async () => {
  const { specialties } = (await get('/api/v1/specialties')).json();
  assert.deepEqual(specialties.find((s: { code: string }) => s.code === '110'), { code: '110', name: 'Trauma and Orthopaedics', serviceCount: 6 });
  const listed = (await get('/api/v1/specialties?listed=true')).json().specialties;
  assert.deepEqual(listed.map((s: { code: string }) => s.code).sort(), ['110', '130', '502']);
});

test('GET /api/v1/postcodes/{postcode}', async () => {
  const full = await get('/api/v1/postcodes/ls14ap');
  assert.equal(full.statusCode, 200);
  assert.deepEqual(full.json(), { postcode: 'LS1 4AP', latitude: 53.7965, longitude: -1.5478, precision: 'postcode' });
  assert.equal((await get('/api/v1/postcodes/LS1%204')).json().precision, 'sector');
  assert.equal((await get('/api/v1/postcodes/LS1')).json().precision, 'outcode');
  assert.equal((await get('/api/v1/postcodes/not-a-postcode')).statusCode, 400);
  const unknown = await get('/api/v1/postcodes/ZZ9%209ZZ');
  assert.equal(unknown.statusCode, 404);
  assert.match(unknown.headers['content-type'] as string, /problem\+json/);
});

test('GET /health reports the database kind', async () => {
  const res = await get('/health');
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { status: 'ok', database: 'postgres' });
});

test('GET /api/v1/openapi.json is generated from the route schemas', async () => {
  const res = await get('/api/v1/openapi.json');
  assert.equal(res.statusCode, 200);
  const doc = res.json();
  assert.equal(doc.openapi.slice(0, 2), '3.');
  for (const path of ['/api/v1/shortlists', '/api/v1/services', '/api/v1/services/{id}', '/api/v1/specialties', '/api/v1/postcodes/{postcode}', '/health']) {
    assert.ok(doc.paths[path], `${path} is documented`);
  }
  for (const page of ['/', '/sign-in', '/manage', '/referrals/new/patient']) assert.equal(doc.paths[page], undefined, `the page ${page} is not in the API's document`);
  const body = doc.paths['/api/v1/shortlists'].post.requestBody.content['application/json'].schema;
  assert.deepEqual(body.properties.sortBy.enum, ['WAIT', 'DISTANCE', 'BALANCED']);
  assert.equal(body.properties.limit.maximum, 20);
});
