// Maintenance mode: writes refused and reads answered, on the API and the pages, on two instances of the service
// sharing one database; signing in and turning it off still work.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { issueToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { declaredRoutes } from '../http/access.ts';
import { createAccount, createOrganisation, TEST_PASSWORD } from '../testing/accounts.ts';
import { testConfig } from '../testing/database.ts';
import { startFixtureApp } from '../testing/directory-fixture.ts';
import { staffSession } from '../testing/page-session.ts';
import { ALLOWED_DURING_MAINTENANCE } from './guard.ts';

let one: FastifyInstance; // two instances of the service behind one load balancer, on one database
let two: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const tokens: Record<string, string> = {};

before(async () => {
  ({ app: one, database, close } = await startFixtureApp('maintenance'));
  two = await buildApp({ config: testConfig(), database, logger: false });
  await createOrganisation(database, 'GP1', 'GP One', 'GP_PRACTICE');
  for (const [username, role, org] of [['referrer', 'referrer', 'GP1'], ['admin', 'admin', 'RXX']] as const) {
    tokens[username] = (await issueToken(database.db, await createAccount(database, username, role, org), 'api')).token;
  }
});
after(async () => {
  await two.close();
  await close();
});

const as = (who: string) => ({ authorization: `Bearer ${tokens[who]}` });
const refer = (app: FastifyInstance) =>
  app.inject({
    method: 'POST', url: '/api/v1/referrals', headers: as('referrer'),
    payload: {
      patient: { nhsNumber: '9990000026', givenName: 'Bea', familyName: 'Jones', dateOfBirth: '1980-05-05', postcode: 'LS1 4AP' },
      specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Hip pain',
    },
  });
/** Longer than an instance keeps its reading of the switch. */
const seenEverywhere = () => new Promise((r) => setTimeout(r, 1200));

test('an admin turns it on at one instance: the other refuses writes with 503 and reads work; turned off, writes work', { timeout: 60_000 }, async () => {
  const before = await refer(one);
  assert.equal(before.statusCode, 201, before.body);
  const ubrn = before.json().ubrn as string;
  assert.equal((await two.inject({ method: 'GET', url: '/api/v1/maintenance' })).json().on, false);

  const until = new Date(Date.now() + 3_600_000);
  const on = await one.inject({ method: 'PUT', url: '/api/v1/maintenance', headers: as('admin'), payload: { until: until.toISOString() } });
  assert.equal(on.statusCode, 200, on.body);
  assert.equal(on.json().on, true);
  await seenEverywhere();

  const refused = await refer(two);
  assert.equal(refused.statusCode, 503, refused.body);
  assert.match(String(refused.headers['content-type']), /^application\/problem\+json/);
  const wait = Number(refused.headers['retry-after']);
  assert.ok(wait > 3000 && wait <= 3600, `Retry-After until the expected end: ${wait}`);
  assert.match(refused.json().detail, /^OpenChoice is in maintenance until .+ \(UK time\): reads work/);
  assert.equal((await database.db.selectFrom('referral').select('ubrn').execute()).length, 1, 'nothing was written');

  const read = await two.inject({ method: 'GET', url: `/api/v1/referrals/${ubrn}`, headers: as('referrer') });
  assert.equal(read.statusCode, 200, read.body);
  const shortlist = await two.inject({ method: 'POST', url: '/api/v1/shortlists', payload: { postcode: 'LS1 4AP', specialty: '110' } });
  assert.equal(shortlist.statusCode, 200, `the shortlist is a read, even sent as a POST: ${shortlist.body}`);
  const signIn = await two.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'admin', password: TEST_PASSWORD } });
  assert.equal(signIn.statusCode, 200, `signing in still works: ${signIn.body}`);
  const again = await two.inject({ method: 'PUT', url: '/api/v1/maintenance', headers: as('admin'), payload: { until: until.toISOString() } });
  assert.equal(again.statusCode, 503, 'turning it on again is a write like any other');

  const off = await two.inject({ method: 'DELETE', url: '/api/v1/maintenance', headers: { authorization: `Bearer ${signIn.json().token}` } });
  assert.equal(off.statusCode, 200, off.body);
  assert.equal(off.json().on, false);
  await seenEverywhere();
  const accepted = await refer(one);
  assert.equal(accepted.statusCode, 201, accepted.body);

  const offAgain = await one.inject({ method: 'DELETE', url: '/api/v1/maintenance', headers: as('admin') });
  assert.equal(offAgain.statusCode, 409);
  const past = await one.inject({ method: 'PUT', url: '/api/v1/maintenance', headers: as('admin'), payload: { until: new Date(Date.now() - 60_000).toISOString() } });
  assert.equal(past.statusCode, 422, past.body);
  const periods = await database.db.selectFrom('maintenance_period').selectAll().execute();
  assert.equal(periods.length, 1);
  assert.deepEqual([periods[0]!.started_by, periods[0]!.ended_by], ['admin', 'admin'], 'who turned it on and off is kept');
});

test('on the pages: the admin confirms, every page shows a banner, a form answers a page saying so, and the admin turns it off', { timeout: 60_000 }, async () => {
  const admin = await staffSession(one, database, 'admin');
  const form = await admin.get('/admin/maintenance');
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /Maintenance mode is off/);

  const unconfirmed = await admin.post('/admin/maintenance', { minutes: '60' });
  assert.equal(unconfirmed.statusCode, 400);
  assert.match(unconfirmed.body, /There is a problem/);
  assert.match(unconfirmed.body, /href="#confirm">\s*Confirm that nobody will be able to save changes/);
  assert.equal(await database.db.selectFrom('maintenance_period').where('ended_at', 'is', null).select('id').executeTakeFirst(), undefined, 'not turned on');

  const on = await admin.post('/admin/maintenance', { minutes: '60', confirm: 'yes' });
  assert.equal(on.statusCode, 303, on.body);
  await seenEverywhere();

  const referrer = await staffSession(two, database, 'referrer');
  const worklist = await referrer.get('/referrals');
  assert.equal(worklist.statusCode, 200);
  assert.match(worklist.body, /id="site-notice"[\s\S]*OpenChoice is in maintenance until/);
  const start = await referrer.get('/referrals/new/patient');
  assert.equal(start.statusCode, 200, 'a form can still be shown');
  const posted = await referrer.post('/referrals/new', { nhsNumber: '9990000026' });
  assert.equal(posted.statusCode, 503);
  assert.ok(Number(posted.headers['retry-after']) >= 60);
  assert.match(String(posted.headers['content-type']), /^text\/html/);
  assert.match(posted.body, /<h1>Changes cannot be saved just now<\/h1>/);
  assert.match(posted.body, /Nothing you entered on the last page has been saved/);

  const shown = await admin.get('/admin/maintenance');
  assert.match(shown.body, /Turned on by<\/dt><dd[^>]*>admin on/);
  const off = await admin.post('/admin/maintenance/end');
  assert.equal(off.statusCode, 303, off.body);
  await seenEverywhere();
  assert.doesNotMatch((await referrer.get('/referrals')).body, /site-notice/);
  assert.notEqual((await referrer.post('/referrals/new', { nhsNumber: '9990000026' })).statusCode, 503);
});

test('MAINTENANCE_UNTIL turns it on for that instance, and only a change of settings turns it off', { timeout: 60_000 }, async () => {
  const until = new Date(Date.now() + 600_000);
  const set = await buildApp({ config: testConfig({ MAINTENANCE_UNTIL: until.toISOString() }), database, logger: false });
  try {
    assert.equal((await refer(set)).statusCode, 503);
    const off = await set.inject({ method: 'DELETE', url: '/api/v1/maintenance', headers: as('admin') });
    assert.equal(off.statusCode, 409);
    assert.match(off.json().detail, /MAINTENANCE_UNTIL/);
    assert.equal((await refer(one)).statusCode, 201, 'the other instances are not affected');
  } finally {
    await set.close();
  }
});

test('every write let through during maintenance is a route that exists', () => {
  const routes = new Set(declaredRoutes(one).map((r) => `${r.method} ${r.url}`));
  for (const entry of ALLOWED_DURING_MAINTENANCE) assert.ok(routes.has(entry), `${entry} is a route`);
});
