// Providers maintain their own listings, through the API and the pages: only their own organisation's, every
// change kept with who and when, and the in-memory directory (shortlists, searches) seeing each change at once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD } from '../auth/demo-accounts.ts';
import type { Database } from '../db/database.ts';
import { buildApp } from '../app.ts';
import { openDemoTestDatabase, testConfig } from '../testing/database.ts';
import { staffSession } from '../testing/page-session.ts';
import { referThroughApi } from '../testing/test-app.ts';
import { readListing } from './listing-form.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const tokens: Record<string, string> = {};

before(async () => {
  // The directory kept for an hour: what a change shows at once, the instance that made it showed by refreshing.
  const own = await openDemoTestDatabase('listings');
  app = await buildApp({ config: testConfig({ DIRECTORY_REFRESH_MS: '3600000' }), database: own, logger: false });
  database = own;
  close = async () => {
    await app.close();
    await own.drop();
  };
  for (const username of ['demo-provider', 'demo-provider-2', 'demo-referrer']) {
    tokens[username] = (await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username, password: DEMO_PASSWORD } })).json().token;
  }
});
after(() => close());

const api = (username: string, method: 'GET' | 'PATCH' | 'POST', url: string, payload?: object) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${tokens[username]}` }, ...(payload ? { payload } : {}) });
const listedIn = async (id: string) =>
  (await app.inject({ method: 'POST', url: '/api/v1/shortlists', payload: { specialty: id.slice(-3), postcode: 'LS1 4AP', sortBy: 'DISTANCE', maxDistanceKm: 30, limit: 20 } }))
    .json().options.some((o: { service: { id: string } }) => o.service.id === id);

test('defect 5: a "nearest" shortlist from Leeds offers at most two sites of a trust, and no specialty at the dental hospital', async () => {
  for (const specialty of ['110', '150', '120']) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/shortlists', payload: { specialty, postcode: 'LS2 9LU', sortBy: 'DISTANCE', limit: 20 } });
    assert.equal(res.statusCode, 200, res.body);
    const options = res.json().options as { service: { id: string; provider: { odsCode: string } } }[];
    assert.ok(options.length >= 5, `${specialty}: ${options.length} options`);
    const perProvider = Map.groupBy(options, (o) => o.service.provider.odsCode);
    assert.ok([...perProvider.values()].every((o) => o.length <= 2), `${specialty}: ${options.map((o) => o.service.id).join(' ')}`);
    assert.ok(options.every((o) => !o.service.id.startsWith('RR802-')), `${specialty} at Leeds Dental Hospital`);
  }
});

describe('the listings API', () => {
  test('only the provider of the organisation may change a listing; others get 403 or 404', async () => {
    assert.equal((await api('demo-referrer', 'PATCH', '/api/v1/services/RR801-120', { name: 'x' })).statusCode, 403);
    const other = await api('demo-provider-2', 'PATCH', '/api/v1/services/RR801-120', { name: 'Taken over' });
    assert.equal(other.statusCode, 404);
    assert.equal(other.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal((await app.inject({ method: 'PATCH', url: '/api/v1/services/RR801-120', payload: { name: 'x' } })).statusCode, 401);
  });

  test('an edit changes only what differs, is kept with who, and the public directory shows it at once', async () => {
    const res = await api('demo-provider', 'PATCH', '/api/v1/services/RR801-120', {
      name: 'Ear, Nose and Throat – LGI hearing clinic', clinicType: 'Hearing clinic', consultantTeam: 'Mr Patel\'s team',
      accessibility: 'Step-free access from the Clarendon Wing', indicativeWait: { weeks: 9.5, asOf: '2026-11-01' }, minAge: 16, sex: 'any',
    });
    assert.equal(res.statusCode, 200, res.body);
    const listing = res.json();
    assert.equal(listing.clinicType, 'Hearing clinic');
    assert.deepEqual(listing.indicativeWait, { weeks: 9.5, asOf: '2026-11-01' });
    assert.equal(listing.history.length, 1);
    assert.equal(listing.history[0].action, 'EDITED');
    assert.equal(listing.history[0].by, 'demo-provider');
    assert.deepEqual(Object.keys(listing.history[0].changes).sort(), ['accessibility', 'clinicType', 'consultantTeam', 'indicativeWait', 'minAge', 'name'], 'sex was already any');
    const pub = (await app.inject({ method: 'GET', url: '/api/v1/services/RR801-120' })).json();
    assert.equal(pub.name, 'Ear, Nose and Throat – LGI hearing clinic');
    assert.deepEqual(pub.indicativeWait, { weeks: 9.5, asOf: '2026-11-01' });
  });

  test('a bad edit is a problem naming the field', async () => {
    const ages = await api('demo-provider', 'PATCH', '/api/v1/services/RR801-120', { minAge: 60, maxAge: 18 });
    assert.equal(ages.statusCode, 422);
    assert.equal(ages.json().errors[0].field, 'maxAge');
    const future = await api('demo-provider', 'PATCH', '/api/v1/services/RR801-120', { indicativeWait: { weeks: 3, asOf: '2099-01-01' } });
    assert.equal(future.statusCode, 422);
    const noReason = await api('demo-provider', 'PATCH', '/api/v1/services/RR801-120', { active: false });
    assert.equal(noReason.statusCode, 422);
    assert.match(noReason.json().detail, /why/);
  });

  test('withdrawn, it leaves shortlists and searches at once; listed again, it comes back', async () => {
    assert.ok(await listedIn('RR801-120'));
    const withdrawn = await api('demo-provider', 'PATCH', '/api/v1/services/RR801-120', { active: false, withdrawnReason: 'Clinic closed for refurbishment' });
    assert.equal(withdrawn.statusCode, 200, withdrawn.body);
    assert.equal(withdrawn.json().active, false);
    assert.equal(withdrawn.json().withdrawnReason, 'Clinic closed for refurbishment');
    assert.equal(await listedIn('RR801-120'), false);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/services/RR801-120' })).statusCode, 404);
    assert.equal((await api('demo-provider', 'PATCH', '/api/v1/services/RR801-120', { active: false, withdrawnReason: 'again' })).statusCode, 409);
    const relisted = await api('demo-provider', 'PATCH', '/api/v1/services/RR801-120', { active: true });
    assert.equal(relisted.json().active, true);
    assert.deepEqual(relisted.json().history.map((h: { action: string }) => h.action).slice(0, 2), ['RELISTED', 'WITHDRAWN']);
    assert.ok(await listedIn('RR801-120'));
  });

  test('a specialty listed at one of its sites awaits accreditation; not at another trust\'s site, nor twice', async () => {
    const created = await api('demo-provider', 'POST', '/api/v1/services', { specialtyCode: '330', siteOdsCode: 'RR807', clinicType: 'Skin clinic' });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().id, 'RR807-330');
    assert.equal(created.json().accreditationStatus, 'PENDING');
    assert.equal(created.json().history[0].action, 'LISTED');
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/services/RR807-330' })).statusCode, 404, 'not offered until accredited');
    assert.equal((await api('demo-provider', 'POST', '/api/v1/services', { specialtyCode: '330', siteOdsCode: 'RR807' })).statusCode, 409);
    const notMine = await api('demo-provider', 'POST', '/api/v1/services', { specialtyCode: '330', siteOdsCode: 'RAE01' });
    assert.equal(notMine.statusCode, 422);
    assert.equal(notMine.json().errors[0].field, 'siteOdsCode');
  });
});

describe('the listings pages', () => {
  test('the provider sees its listings, changes one, and withdraws it with a reason', async () => {
    const provider = await staffSession(app, database, 'demo-provider');
    const list = await provider.get('/provider/services');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /data-service-id="RR813-110"/);
    assert.doesNotMatch(list.body, /data-service-id="RAE01-110"/);
    assert.equal((await provider.get('/provider/services/RAE01-110')).statusCode, 404, "another trust's listing");
    const referrer = await staffSession(app, database, 'demo-referrer');
    assert.equal((await referrer.get('/provider/services')).statusCode, 403);

    const edit = await provider.get('/provider/services/RR813-301/edit');
    assert.equal(edit.statusCode, 200);
    const bad = await provider.post('/provider/services/RR813-301/edit', {
      name: '', directlyBookable: 'yes', sex: 'any', minAge: '70', maxAge: '20', waitWeeks: '8', 'waitAsOf[day]': '31', 'waitAsOf[month]': '2', 'waitAsOf[year]': '2026',
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /href="#name">\s*Enter the name patients see/);
    assert.match(bad.body, /href="#maxAge">\s*Highest age must be the same as or more than the lowest age/);
    assert.match(bad.body, /href="#waitAsOf-day">\s*Date the wait was measured must be a real date/);
    assert.match(bad.body, /value="70"/, 'nothing lost');
    const good = await provider.post('/provider/services/RR813-301/edit', {
      name: 'Gastroenterology – St James\'s endoscopy', directlyBookable: 'yes', sex: 'any', minAge: '18', maxAge: '', consultantTeam: '', accessibility: 'Hearing loop at reception',
      clinicType: '', waitWeeks: '11', 'waitAsOf[day]': '1', 'waitAsOf[month]': '11', 'waitAsOf[year]': '2026',
    });
    assert.equal(good.statusCode, 303, good.body);
    assert.equal(good.headers.location, '/provider/services/RR813-301?done=edited');
    const shown = await provider.get('/provider/services/RR813-301');
    assert.match(shown.body, /Hearing loop at reception/);
    assert.match(shown.body, /id="history"/);
    assert.match(shown.body, /demo-provider/);

    await provider.get('/provider/services/RR813-301/withdraw');
    const noReason = await provider.post('/provider/services/RR813-301/withdraw', { reason: '' });
    assert.equal(noReason.statusCode, 400);
    assert.match(noReason.body, /href="#reason">\s*Enter why you are withdrawing this listing/);
    const check = await provider.post('/provider/services/RR813-301/withdraw', { reason: 'Consultant retired' });
    assert.equal(check.statusCode, 200, 'the check page first');
    const previewVersion = /name="previewVersion" value="([^"]+)"/.exec(check.body)![1]!;
    const withdrawn = await provider.post('/provider/services/RR813-301/withdraw/confirm', { reason: 'Consultant retired', previewVersion });
    assert.equal(withdrawn.statusCode, 303);
    const after = await provider.get('/provider/services/RR813-301?done=withdrawn');
    assert.match(after.body, /Withdrawn on .*: Consultant retired/);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/services/RR813-301' })).statusCode, 404);
    assert.equal((await provider.post('/provider/services/RR813-301/relist')).statusCode, 303);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/services/RR813-301' })).statusCode, 200);
  });

  test('listing a specialty: the form says what is missing, and a listed one is refused', async () => {
    const provider = await staffSession(app, database, 'demo-provider');
    await provider.get('/provider/services/new');
    const missing = await provider.post('/provider/services/new', {});
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /href="#specialtyCode">\s*Select the specialty/);
    const twice = await provider.post('/provider/services/new', { specialtyCode: '110', siteOdsCode: 'RR813' });
    assert.equal(twice.statusCode, 409);
    assert.match(twice.body, /already listed at/);
    const created = await provider.post('/provider/services/new', { specialtyCode: '410', siteOdsCode: 'RR819' });
    assert.equal(created.statusCode, 303, created.body);
    assert.match((await provider.get(created.headers.location as string)).body, /Awaiting accreditation/);
  });
});

test('the listing form reads a wait only with the date it was measured', () => {
  const base = { name: 'A', directlyBookable: 'no', sex: 'female', waitWeeks: '4' };
  const noDate = readListing(base);
  assert.ok(!noDate.ok);
  assert.deepEqual(noDate.errors.map((e) => [e.href, e.message]), [['#waitAsOf-day', 'Enter the date the wait was measured']]);
  const ok = readListing({ ...base, waitWeeks: '', minAge: '', maxAge: '' });
  assert.ok(ok.ok);
  assert.deepEqual([ok.answer.directlyBookable, ok.answer.sex, ok.answer.indicativeWait, ok.answer.minAge], [false, 'female', null, null]);
});

describe('withdrawing a listing patients rely on (issue 12, guarding against human error)', () => {
  const ID = 'RR801-110';
  const activeOf = async () => (await database.db.selectFrom('service').select('active').where('id', '=', ID).executeTakeFirstOrThrow()).active;
  const changes = async () => (await database.db.selectFrom('service_change').select('id').where('service_id', '=', ID).execute()).length;

  test('the API: the preview counts the patients choosing and changes nothing; a stale version is refused; the fresh one is done', async () => {
    await referThroughApi(app, { familyName: 'Listing-one' }, [ID]);
    const body = { active: false, withdrawnReason: 'Clinic moves' };
    const preview = await api('demo-provider', 'POST', `/api/v1/services/${ID}/preview`, body);
    assert.equal(preview.statusCode, 200, preview.body);
    assert.equal(preview.json().withdraws, true);
    assert.ok(preview.json().patientsChoosing >= 1);
    const before = { active: await activeOf(), changes: await changes() };
    assert.deepEqual(before.active, true, 'a preview changes nothing');
    assert.equal((await api('demo-provider-2', 'POST', `/api/v1/services/${ID}/preview`, body)).statusCode, 404, "another trust's listing");

    await referThroughApi(app, { familyName: 'Listing-two' }, [ID]);
    const stale = await api('demo-provider', 'PATCH', `/api/v1/services/${ID}`, { ...body, previewVersion: preview.json().previewVersion });
    assert.equal(stale.statusCode, 409, stale.body);
    assert.deepEqual({ active: await activeOf(), changes: await changes() }, before);

    const fresh = (await api('demo-provider', 'POST', `/api/v1/services/${ID}/preview`, body)).json();
    assert.equal(fresh.patientsChoosing, preview.json().patientsChoosing + 1);
    const done = await api('demo-provider', 'PATCH', `/api/v1/services/${ID}`, { ...body, previewVersion: fresh.previewVersion });
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(await activeOf(), false);
    assert.equal(await changes(), before.changes + 1, 'exactly the withdrawal');
    assert.equal((await api('demo-provider', 'PATCH', `/api/v1/services/${ID}`, { active: true })).statusCode, 200);
  });

  test('the pages: a patient shortlisting the listing meanwhile is refused with a fresh check; confirming withdraws it', async () => {
    const provider = await staffSession(app, database, 'demo-provider');
    await provider.get(`/provider/services/${ID}/withdraw`);
    const check = await provider.post(`/provider/services/${ID}/withdraw`, { reason: 'Clinic moves' });
    assert.equal(check.statusCode, 200);
    assert.match(check.body, /Patients rely on this listing/);
    const version = /name="previewVersion" value="([^"]+)"/.exec(check.body)![1]!;
    assert.equal(await activeOf(), true, 'the check page changes nothing');

    await referThroughApi(app, { familyName: 'Listing-three' }, [ID]);
    const stale = await provider.post(`/provider/services/${ID}/withdraw/confirm`, { reason: 'Clinic moves', previewVersion: version });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /There is a problem[\s\S]*changed since you checked, so it was not withdrawn/);
    assert.equal(await activeOf(), true);
    const unversioned = await provider.post(`/provider/services/${ID}/withdraw/confirm`, { reason: 'Clinic moves' });
    assert.equal(unversioned.headers.location, `/provider/services/${ID}/withdraw`);

    const fresh = /name="previewVersion" value="([^"]+)"/.exec(stale.body)![1]!;
    const done = await provider.post(`/provider/services/${ID}/withdraw/confirm`, { reason: 'Clinic moves', previewVersion: fresh });
    assert.equal(done.statusCode, 303);
    assert.equal(await activeOf(), false);
  });
});
