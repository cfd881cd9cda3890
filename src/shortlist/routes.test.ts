import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { LEEDS, startFixtureApp } from '../testing/directory-fixture.ts';

let app: FastifyInstance;
let close: () => Promise<void>;

before(async () => ({ app, close } = await startFixtureApp('shortlist')));
after(() => close());

const shortlist = (body: unknown) => app.inject({ method: 'POST', url: '/api/v1/shortlists', payload: body as object });
const ids = (res: { json(): { options: { service: { id: string } }[] } }) => res.json().options.map((o) => o.service.id);

describe('POST /api/v1/shortlists', () => {
  test('WAIT: shortest indicative wait first, within the default 80 km', async () => {
    const res = await shortlist({ specialty: '110', postcode: 'ls14ap', sortBy: 'WAIT' });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.deepEqual(body.origin, { ...LEEDS, precision: 'postcode' });
    assert.equal(body.maxDistanceKm, 80);
    assert.equal(body.eligibleCount, 4);
    assert.deepEqual(ids(res), ['S4-110', 'S3-110', 'S2-110', 'S1-110']);
    const first = body.options[0];
    assert.equal(first.rank, 1);
    assert.equal(first.distanceKm, 60);
    assert.equal(first.distanceMiles, 37.3);
    assert.equal(first.indicativeWaitWeeks, 4);
    assert.deepEqual(first.service.indicativeWait, { weeks: 4, asOf: '2026-04-30' });
    assert.equal(first.service.provider.odsCode, 'RXX');
    assert.equal(first.earliestSlot, null);
    // Return trip 74.6 miles at 45p.
    assert.equal(first.travel.estimatedCostGbp, 33.55);
    assert.match(first.travel.basis, /45p a mile/);
    assert.match(first.reasons[0], /the shortest wait of 4 matching services/);
    assert.match(body.options[2].reasons[0], /the 3rd shortest wait/);
  });

  test('fewer than 5: says why and how far to search to see 5', async () => {
    const body = (await shortlist({ specialty: '110', postcode: 'LS1 4AP' })).json();
    assert.match(body.shortfall.reason, /Only 4 services for Trauma and Orthopaedics within 80 km of LS1 4AP/);
    assert.match(body.shortfall.suggestion, /search up to 121 km \(75 miles\) to see 5/i);
    const wider = (await shortlist({ specialty: '110', postcode: 'LS1 4AP', maxDistanceKm: 121 })).json();
    assert.equal(wider.eligibleCount, 5);
    assert.equal(wider.shortfall, null);
  });

  test('fewer than 5: the searches that widen it, as numbers a client can run again', async () => {
    const { shortfall } = (await shortlist({ specialty: '110', postcode: 'LS1 4AP' })).json();
    assert.equal(shortfall.widen.anyDistanceCount, 6);
    assert.equal(shortfall.widen.withoutWaitLimitCount, null, 'no wait limit was set');
    const again = (await shortlist({ specialty: '110', postcode: 'LS1 4AP', maxDistanceKm: shortfall.widen.distanceKm })).json();
    assert.equal(again.eligibleCount, 5, 'the distance it gives finds 5 (rounded up, never down)');
    const waited = (await shortlist({ specialty: '110', postcode: 'LS1 4AP', maxDistanceKm: null, maxWaitWeeks: 5 })).json();
    assert.equal(waited.shortfall.widen.withoutWaitLimitCount, 6);
    assert.equal(waited.shortfall.widen.distanceKm, null, 'no distance limit to widen');
  });

  test('DISTANCE and BALANCED orders; null distance means anywhere; limit', async () => {
    assert.deepEqual(ids(await shortlist({ specialty: 'C_110', postcode: 'LS1 4AP', sortBy: 'DISTANCE', maxDistanceKm: null })), [
      'S1-110', 'S2-110', 'S3-110', 'S4-110', 'S5-110',
    ]);
    const all = await shortlist({ specialty: '110', postcode: 'LS1 4AP', sortBy: 'WAIT', maxDistanceKm: null, limit: 20 });
    assert.equal(all.json().eligibleCount, 6);
    assert.deepEqual(ids(all), ['S6-110', 'S5-110', 'S4-110', 'S3-110', 'S2-110', 'S1-110']);
    // BALANCED score = weeks + miles / 10: S1 30.1, S2 13.1, S3 9.9, S4 7.7, S5 9.5, S6 13.4.
    const balanced = await shortlist({ specialty: '110', postcode: 'LS1 4AP', sortBy: 'BALANCED', maxDistanceKm: null, limit: 20 });
    assert.deepEqual(ids(balanced), ['S4-110', 'S5-110', 'S3-110', 'S2-110', 'S6-110', 'S1-110']);
    assert.match(balanced.json().options[0].reasons[0], /score 7\.7/);
  });

  test('never lists services that are pending accreditation or inactive', async () => {
    const all = await shortlist({ specialty: '110', postcode: 'LS1 4AP', maxDistanceKm: null, limit: 20 });
    assert.ok(!ids(all).some((id) => id.includes('pending') || id.includes('inactive')));
  });

  test('wait limit, age and sex limits of services', async () => {
    const quick = (await shortlist({ specialty: '110', postcode: 'LS1 4AP', maxWaitWeeks: 10, maxDistanceKm: null })).json();
    assert.equal(quick.eligibleCount, 4);
    const men = (await shortlist({ specialty: '502', postcode: 'LS1 4AP', sex: 'male' })).json();
    assert.equal(men.eligibleCount, 0);
    assert.match(men.shortfall.reason, /No services for Gynaecology/);
    assert.equal((await shortlist({ specialty: '502', postcode: 'LS1 4AP', sex: 'female' })).json().eligibleCount, 1);
    assert.equal((await shortlist({ specialty: '130', postcode: 'LS1 4AP', age: 54 })).json().eligibleCount, 0);
    assert.equal((await shortlist({ specialty: '130', postcode: 'LS1 4AP', age: 7 })).json().eligibleCount, 1);
  });

  test('a sector or outward code alone uses its centroid and says so', async () => {
    const sector = (await shortlist({ specialty: '110', postcode: 'ls1 4' })).json();
    assert.deepEqual(sector.origin, { postcode: 'LS1 4', latitude: 53.797, longitude: -1.549, precision: 'sector' });
    const outcode = (await shortlist({ specialty: '110', postcode: 'LS1' })).json();
    assert.equal(outcode.origin.precision, 'outcode');
  });
});

describe('bad input gets a clear problem+json answer, never a 5xx', () => {
  const cases: [string, unknown, number, RegExp, string?][] = [
    ['malformed postcode', { specialty: '110', postcode: 'NOT A POSTCODE' }, 400, /not a UK postcode/, 'postcode'],
    ['unknown postcode', { specialty: '110', postcode: 'ZZ9 9ZZ' }, 422, /ZZ9 9ZZ is not in the postcode directory/, 'postcode'],
    ['unknown specialty', { specialty: '999', postcode: 'LS1 4AP' }, 422, /not a treatment function code we know/, 'specialty'],
    ['specialty that is not a code', { specialty: 'knees', postcode: 'LS1 4AP' }, 400, /specialty/, 'specialty'],
    ['limit 0', { specialty: '110', postcode: 'LS1 4AP', limit: 0 }, 400, /limit: must be between 1 and 20/, 'limit'],
    ['limit 500', { specialty: '110', postcode: 'LS1 4AP', limit: 500 }, 400, /limit: must be between 1 and 20/, 'limit'],
    ['negative distance', { specialty: '110', postcode: 'LS1 4AP', maxDistanceKm: -5 }, 400, /maxDistanceKm/, 'maxDistanceKm'],
    ['unknown sortBy', { specialty: '110', postcode: 'LS1 4AP', sortBy: 'PRICE' }, 400, /sortBy/, 'sortBy'],
    ['missing fields', {}, 400, /specialty/, 'specialty'],
  ];
  for (const [name, body, status, detail, field] of cases) {
    test(name, async () => {
      const res = await shortlist(body);
      assert.equal(res.statusCode, status, res.body);
      assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
      const problem = res.json();
      assert.equal(problem.status, status);
      assert.ok(problem.title && problem.type);
      assert.match(problem.detail, detail);
      if (field) assert.ok(problem.errors.some((e: { field: string }) => e.field === field), JSON.stringify(problem.errors));
    });
  }

  test('a body that is not JSON', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/shortlists',
      headers: { 'content-type': 'application/json' },
      payload: '{"specialty": "110", postcode',
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().detail, /not valid JSON/);
  });

  test('a 10 MB body', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/shortlists',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ specialty: '110', postcode: 'LS1 4AP', padding: 'x'.repeat(10 * 1024 * 1024) }),
    });
    assert.equal(res.statusCode, 413);
    assert.equal(res.json().status, 413);
  });

  test('a body of another media type, or JSON that is not an object', async () => {
    const post = (type: string, payload: string) =>
      app.inject({ method: 'POST', url: '/api/v1/shortlists', headers: { 'content-type': type }, payload });
    const form = await post('application/x-www-form-urlencoded', 'specialty=110');
    assert.equal(form.statusCode, 415);
    assert.match(form.json().detail, /application\/json/);
    const text = await post('text/plain', 'specialty=110');
    assert.equal(text.statusCode, 400);
    assert.match(text.json().detail, /expected object/);
    assert.equal((await post('application/json', '[1,2]')).statusCode, 400);
  });

  test('an empty JSON body', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/shortlists', headers: { 'content-type': 'application/json' }, payload: '' });
    assert.equal(res.statusCode, 400);
  });

  test('an unknown API path', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/nope' });
    assert.equal(res.statusCode, 404);
    assert.match(res.headers['content-type'] as string, /problem\+json/);
  });
});

describe('fields=: a client asks for fewer fields', () => {
  const withFields = (fields: string) =>
    app.inject({ method: 'POST', url: `/api/v1/shortlists?fields=${encodeURIComponent(fields)}`, payload: { specialty: '110', postcode: 'LS1 4AP' } });

  test('the answer holds the named fields only, the same values as the whole answer', async () => {
    const whole = (await shortlist({ specialty: '110', postcode: 'LS1 4AP' })).json();
    const res = await withFields('eligibleCount,options.rank,options.service.name,options.service.indicativeWait,options.distanceKm');
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      eligibleCount: whole.eligibleCount,
      options: whole.options.map((o: { rank: number; service: { name: string; indicativeWait: unknown }; distanceKm: number }) => ({
        rank: o.rank, service: { name: o.service.name, indicativeWait: o.service.indicativeWait }, distanceKm: o.distanceKm,
      })),
    });
    assert.ok(res.body.length < JSON.stringify(whole).length / 3, `${res.body.length} bytes against ${JSON.stringify(whole).length}`);
  });

  test('an unknown field is refused with 400 naming it', async () => {
    const res = await withFields('eligibleCount,options.patient');
    assert.equal(res.statusCode, 400);
    assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
    assert.match(res.json().detail, /"options\.patient" is not a field of this answer/);
    assert.ok(res.json().errors.some((e: { field: string }) => e.field === 'fields'), JSON.stringify(res.json().errors));
  });

  test('bad input is still a problem, with or without fields', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/shortlists?fields=eligibleCount', payload: { specialty: '110', postcode: 'ZZ9 9ZZ' } });
    assert.equal(res.statusCode, 422);
    assert.match(res.json().detail, /ZZ9 9ZZ is not in the postcode directory/);
  });
});
