// The mutual-aid (DMAS) pages through app.inject: who may open them, the error summaries of the empty forms, and that
// a provider cannot act on another provider's offers, requests or transfers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';
import { startDemoApp } from '../testing/test-app.ts';
import { anonymousSession, csrfOf, staffSession } from '../testing/page-session.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;

before(async () => ({ app, database, close } = await startDemoApp()));
after(() => close());

const as = (username: string | null) => (username ? staffSession(app, database, username) : anonymousSession(app));

const PROVIDER_PAGES = ['/provider/mutual-aid', '/provider/mutual-aid/requests/new', '/provider/mutual-aid/offers/new', '/provider/mutual-aid/transfers'];

describe('who may open the pages', () => {
  test('provider pages: the provider sees them; a commissioner, admin or referrer is refused; no one signed in is sent to sign in', async () => {
    const provider = await as('demo-provider');
    for (const url of PROVIDER_PAGES) assert.equal((await provider.get(url)).statusCode, 200, url);
    for (const who of ['demo-commissioner', 'demo-admin', 'demo-referrer']) {
      const s = await as(who);
      for (const url of PROVIDER_PAGES) assert.equal((await s.get(url)).statusCode, 403, `${who} ${url}`);
    }
    const anonymous = await (await as(null)).get('/provider/mutual-aid');
    assert.equal(anonymous.statusCode, 303);
    assert.equal(anonymous.headers.location, '/sign-in');
  });

  test('the national board: commissioners and admins see it; a provider is refused', async () => {
    for (const who of ['demo-commissioner', 'demo-admin']) {
      const res = await (await as(who)).get('/mutual-aid/board');
      assert.equal(res.statusCode, 200, who);
      assert.match(res.body, /Run matching now/);
    }
    assert.equal((await (await as('demo-provider')).get('/mutual-aid/board')).statusCode, 403);
  });

  test('a run of the matching needs the CSRF token', async () => {
    const s = await as('demo-admin');
    await s.get('/mutual-aid/board');
    assert.equal((await s.post('/mutual-aid/board/matching-runs', {}, { csrf: false })).statusCode, 403);
  });
});

describe('forms', () => {
  test('an empty request for mutual aid: the error summary links to each field', async () => {
    const s = await as('demo-provider');
    const form = await s.get('/provider/mutual-aid/requests/new');
    const res = await s.post('/provider/mutual-aid/requests/new', { _csrf: csrfOf(form.body) });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /There is a problem/);
    assert.match(res.body, /href="#specialty">\s*Select the specialty you need help with/);
    assert.match(res.body, /href="#patients">\s*Enter the number of patients/);
    assert.match(res.body, /href="#neededBy-day">\s*Enter the date you need help by/);
  });

  test('an empty offer of capacity, and one for a service of another provider', async () => {
    const s = await as('demo-provider');
    const form = await s.get('/provider/mutual-aid/offers/new');
    assert.doesNotMatch(form.body, /value="RXF05-110"/, 'only the organisation\'s own services are offered');
    const empty = await s.post('/provider/mutual-aid/offers/new', { _csrf: csrfOf(form.body) });
    assert.equal(empty.statusCode, 400);
    for (const m of ['Select the service that has capacity', 'Enter the number of places each week', 'Enter the start date', 'Enter the end date', 'Select which patients you can take']) assert.match(empty.body, new RegExp(m));
    const other = await s.post('/provider/mutual-aid/offers/new', {
      _csrf: csrfOf(form.body), serviceId: 'RXF05-110', capacityPerWeek: '5', 'startsOn[day]': '1', 'startsOn[month]': '1', 'startsOn[year]': '2099', 'endsOn[day]': '1', 'endsOn[month]': '2', 'endsOn[year]': '2099', complexity: 'ROUTINE',
    });
    assert.equal(other.statusCode, 400);
    assert.match(other.body, /Select the service that has capacity/);
  });

  test('another provider\'s request, offer or transfer is not found', async () => {
    const s = await as('demo-provider');
    const page = await s.get('/provider/mutual-aid');
    for (const url of ['/provider/mutual-aid/requests/999999999/close', '/provider/mutual-aid/offers/999999999/withdraw', '/provider/mutual-aid/transfers/999999999/accept']) {
      assert.equal((await s.post(url, { _csrf: csrfOf(page.body) })).statusCode, 404, url);
    }
    assert.equal((await s.get('/provider/mutual-aid/transfers/999999999/decline')).statusCode, 404);
  });
});
