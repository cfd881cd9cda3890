import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { issueToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { londonDate } from '../domain/dates.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { startFixtureApp } from '../testing/directory-fixture.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const tokens: Record<string, string> = {};

// Hyde Park (GP1) refers; RXX runs the fixture's services; GP2 and RYY are bystanders.
before(async () => {
  ({ app, database, close } = await startFixtureApp('referrals'));
  await createOrganisation(database, 'GP1', 'GP One', 'GP_PRACTICE');
  await createOrganisation(database, 'GP2', 'GP Two', 'GP_PRACTICE');
  await createOrganisation(database, 'RYY', 'Other NHS Trust', 'NHS_TRUST');
  const accounts = [
    ['gp1-referrer', 'referrer', 'GP1'],
    ['gp1-centre', 'referral-centre', 'GP1'],
    ['gp2-referrer', 'referrer', 'GP2'],
    ['rxx-provider', 'provider', 'RXX'],
    ['ryy-provider', 'provider', 'RYY'],
    ['commissioner', 'commissioner', 'RXX'],
    ['admin', 'admin', 'RXX'],
  ] as const;
  for (const [username, role, org] of accounts) {
    tokens[username] = (await issueToken(database.db, await createAccount(database, username, role, org), 'api')).token;
  }
});
after(() => close());

const as = (who: string | null) => (who ? { authorization: `Bearer ${tokens[who] ?? who}` } : {});
const post = (url: string, payload: object, who: string | null) => app.inject({ method: 'POST', url, payload, headers: as(who) });
const get = (url: string, who: string | null) => app.inject({ method: 'GET', url, headers: as(who) });

const ANN = {
  patient: { nhsNumber: '999 000 0018', givenName: 'Ann', familyName: 'Smith', dateOfBirth: '1970-01-31', postcode: 'ls14ap', email: null, mobile: null },
  specialty: '110',
  priority: 'ROUTINE',
  clinicalSummary: 'Right knee pain for 8 months, worse on stairs. X-ray: moderate OA.',
  preferences: { sortBy: 'WAIT', maxDistanceKm: 80, originPostcode: null },
  shortlist: null,
};
const refer = (changes: Record<string, unknown> = {}, who = 'gp1-referrer') => post('/api/v1/referrals', { ...ANN, ...changes }, who);

describe('creating a referral', () => {
  test('with the engine\'s shortlist: a UBRN, a one-time access code, the options and why fewer than 5', async () => {
    const res = await refer();
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.match(body.ubrn, /^[1-9]\d{11}$/);
    assert.match(body.accessCode, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    assert.equal(body.status, 'NOT_BOOKED');
    assert.equal(body.rttClockStart, londonDate());
    assert.equal(body.optionsOffered, 4);
    assert.deepEqual(body.shortlist.map((o: { service: { id: string } }) => o.service.id), ['S4-110', 'S3-110', 'S2-110', 'S1-110']);
    assert.match(body.fewerOptionsReason, /Only 4 services for Trauma and Orthopaedics within 80 km/);

    const stored = await database.db.selectFrom('referral').selectAll().where('ubrn', '=', body.ubrn).executeTakeFirstOrThrow();
    assert.equal(stored.patient_nhs_number, '9990000018');
    assert.equal(stored.patient_postcode, 'LS1 4AP');
    assert.equal(stored.patient_address_lines, null);
    assert.match(stored.access_code_hash, /^[0-9a-f]{64}$/);
    assert.ok(!stored.access_code_hash.includes(body.accessCode.replace('-', '')));
  });

  test('with the services the referrer chose, in their order, from a relative\'s postcode', async () => {
    const res = await refer({ shortlist: ['S5-110', 'S1-110'], preferences: { sortBy: 'DISTANCE', originPostcode: 'LS1' } });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.deepEqual(body.shortlist.map((o: { rank: number; service: { id: string } }) => [o.rank, o.service.id]), [[1, 'S5-110'], [2, 'S1-110']]);
    assert.equal(body.shortlist[0].reasons[0], 'Chosen by the referrer with the patient');
    assert.match(body.shortlist[0].reasons[2], /from LS1$/);
    assert.equal(body.fewerOptionsReason, 'The referrer chose 2 options with the patient.');
  });

  const refused: [string, Record<string, unknown>, number, string][] = [
    ['an NHS number whose check digit is wrong', { patient: { ...ANN.patient, nhsNumber: '9990000019' } }, 422, 'patient.nhsNumber'],
    ['an NHS number that is not 10 digits', { patient: { ...ANN.patient, nhsNumber: '99900A0018' } }, 400, 'patient.nhsNumber'],
    ['a date of birth in the future', { patient: { ...ANN.patient, dateOfBirth: '2999-01-01' } }, 422, 'patient.dateOfBirth'],
    ['a date that does not exist', { patient: { ...ANN.patient, dateOfBirth: '1970-02-30' } }, 400, 'patient.dateOfBirth'],
    ['a postcode not in the directory', { patient: { ...ANN.patient, postcode: 'ZZ9 9ZZ' } }, 422, 'patient.postcode'],
    ['only part of the patient\'s postcode', { patient: { ...ANN.patient, postcode: 'LS1' } }, 422, 'patient.postcode'],
    ['an unknown service on the shortlist', { shortlist: ['S1-110', 'nope'] }, 422, 'shortlist[1]'],
    ['a service of another specialty', { shortlist: ['S2-130'] }, 422, 'shortlist[0]'],
    ['a service listed twice', { shortlist: ['S1-110', 'S1-110'] }, 400, 'shortlist'],
    ['21 services', { shortlist: Array.from({ length: 21 }, (_, i) => `S${i}`) }, 400, 'shortlist'],
    ['an address of 6 lines', { patient: { ...ANN.patient, addressLines: ['1', '2', '3', '4', '5', '6'] } }, 400, 'patient.addressLines'],
    ['no clinical summary', { clinicalSummary: '  ' }, 400, 'clinicalSummary'],
    ['an unknown priority', { priority: 'SOON' }, 400, 'priority'],
    ['nothing within reach', { preferences: { sortBy: 'WAIT', maxDistanceKm: 1 } }, 422, 'preferences.maxDistanceKm'],
  ];
  for (const [name, changes, status, field] of refused) {
    test(`refused: ${name} (${status})`, async () => {
      const res = await refer(changes);
      assert.equal(res.statusCode, status, res.body);
      assert.ok(res.json().errors.some((e: { field: string }) => e.field === field), JSON.stringify(res.json().errors));
    });
  }

  test('only referrers and referral centres refer', async () => {
    assert.equal((await refer({}, 'gp1-centre')).statusCode, 201);
    for (const who of ['rxx-provider', 'commissioner', 'admin']) assert.equal((await refer({}, who)).statusCode, 403, who);
    assert.equal((await post('/api/v1/referrals', ANN, null)).statusCode, 401);
  });
});

describe('who sees a referral', () => {
  let ubrn: string;
  let accessCode: string;
  before(async () => {
    ({ ubrn, accessCode } = (await refer()).json());
  });

  test('the referring organisation sees it all, with its history', async () => {
    const res = await get(`/api/v1/referrals/${ubrn}`, 'gp1-referrer');
    assert.equal(res.statusCode, 200);
    const r = res.json();
    assert.equal(r.patient.familyName, 'Smith');
    assert.equal(r.specialty.name, 'Trauma and Orthopaedics');
    assert.equal(r.referringOrganisation.odsCode, 'GP1');
    assert.equal(r.shortlist.length, 4);
    assert.equal(r.shortlist[0].service.provider.odsCode, 'RXX');
    assert.equal(r.appointment, null);
    assert.equal(r.history.length, 1);
    assert.deepEqual({ ...r.history[0], at: undefined }, {
      at: undefined,
      from: null,
      to: 'NOT_BOOKED',
      by: 'Test gp1-referrer (GP One)',
      reason: 'Referral created with 4 options to choose from',
    });
    assert.equal((await get(`/api/v1/referrals/${ubrn}`, 'gp1-centre')).statusCode, 200, 'the same organisation');
  });

  test('a provider on the shortlist sees it; other organisations get 404, as for a referral that does not exist', async () => {
    assert.equal((await get(`/api/v1/referrals/${ubrn}`, 'rxx-provider')).statusCode, 200);
    const other = await get(`/api/v1/referrals/${ubrn}`, 'gp2-referrer');
    const missing = await get('/api/v1/referrals/100000000000', 'gp2-referrer');
    assert.equal(other.statusCode, 404);
    assert.equal(missing.statusCode, 404);
    assert.equal(other.json().detail.replace(ubrn, 'X'), missing.json().detail.replace('100000000000', 'X'));
    assert.equal((await get(`/api/v1/referrals/${ubrn}`, 'ryy-provider')).statusCode, 404);
    assert.equal((await get(`/api/v1/referrals/${ubrn}`, 'commissioner')).statusCode, 403);
    assert.equal((await get(`/api/v1/referrals/${ubrn}`, 'admin')).statusCode, 403);
    assert.equal((await get(`/api/v1/referrals/${ubrn}`, null)).statusCode, 401);
  });

  test('worklists: the referrer\'s organisation and the shortlisted provider', async () => {
    const mine = (await get('/api/v1/referrals?status=NOT_BOOKED', 'gp1-referrer')).json().referrals;
    assert.ok(mine.some((r: { ubrn: string }) => r.ubrn === ubrn));
    assert.equal(mine[0].patientName, 'Ann Smith');
    assert.ok((await get('/api/v1/referrals', 'rxx-provider')).json().referrals.some((r: { ubrn: string }) => r.ubrn === ubrn));
    assert.equal((await get('/api/v1/referrals', 'gp2-referrer')).json().referrals.length, 0);
    assert.equal((await get('/api/v1/referrals', 'ryy-provider')).json().referrals.length, 0);
  });

  test('the patient signs in with UBRN, access code and date of birth, and sees only their referral', async () => {
    const signIn = (body: object, ip = '10.9.0.1') => app.inject({ method: 'POST', url: '/api/v1/patient/token', payload: body, remoteAddress: ip });
    const ok = await signIn({ ubrn: `${ubrn.slice(0, 4)} ${ubrn.slice(4, 8)} ${ubrn.slice(8)}`, accessCode: accessCode.toLowerCase(), dateOfBirth: '1970-01-31' });
    assert.equal(ok.statusCode, 200, ok.body);
    const token = ok.json().token;
    const mine = await get(`/api/v1/referrals/${ubrn}`, token);
    assert.equal(mine.statusCode, 200);
    assert.equal(mine.json().patient.givenName, 'Ann');
    const list = (await get('/api/v1/patient/referrals', token)).json().referrals;
    assert.deepEqual(list.map((r: { ubrn: string }) => r.ubrn), [ubrn]);
    const { ubrn: someoneElse } = (await refer({ patient: { ...ANN.patient, givenName: 'Bob' } })).json();
    assert.equal((await get(`/api/v1/referrals/${someoneElse}`, token)).statusCode, 404);
    assert.equal((await get('/api/v1/referrals', token)).statusCode, 403, 'no worklists for patients');
    assert.equal((await refer({}, token)).statusCode, 403);

    const wrong = [
      { ubrn, accessCode: 'AAAA-AAAA', dateOfBirth: '1970-01-31' },
      { ubrn, accessCode, dateOfBirth: '1970-01-30' },
      { ubrn: '100000000000', accessCode, dateOfBirth: '1970-01-31' },
    ];
    const answers = await Promise.all(wrong.map((w, i) => signIn(w, `10.9.1.${i}`)));
    assert.deepEqual(answers.map((a) => a.statusCode), [401, 401, 401]);
    assert.equal(new Set(answers.map((a) => a.json().detail)).size, 1, 'one message whatever was wrong');
  });

  test('repeated failures on a UBRN: 429 with Retry-After, even with the right details', async () => {
    const { ubrn: target, accessCode: code } = (await refer()).json();
    for (let i = 0; i < 5; i++) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/patient/token', payload: { ubrn: target, accessCode: 'WRNG-CODE', dateOfBirth: '1970-01-31' }, remoteAddress: `10.8.0.${i}` });
      assert.equal(res.statusCode, 401);
    }
    const locked = await app.inject({ method: 'POST', url: '/api/v1/patient/token', payload: { ubrn: target, accessCode: code, dateOfBirth: '1970-01-31' }, remoteAddress: '10.8.1.1' });
    assert.equal(locked.statusCode, 429);
    assert.ok(Number(locked.headers['retry-after']) > 0);
  });

  test('a UBRN locked by failures from one address does not lock out another patient at that address', async () => {
    // Defect 7: a household, a care home or a library shares one address.
    const { ubrn: target } = (await refer()).json();
    const { ubrn: neighbour, accessCode: neighbourCode } = (await refer({ patient: { ...ANN.patient, givenName: 'Nia' } })).json();
    const signIn = (ubrn: string, accessCode: string) =>
      app.inject({ method: 'POST', url: '/api/v1/patient/token', payload: { ubrn, accessCode, dateOfBirth: '1970-01-31' }, remoteAddress: '10.8.2.1' });
    for (let i = 0; i < 6; i++) await signIn(target, 'WRNG-CODE');
    const locked = await signIn(target, 'WRNG-CODE');
    assert.equal(locked.statusCode, 429);
    assert.match(locked.json().detail, /^Too many attempts to sign in\. Try again in 1[45] minutes\.$/);
    assert.ok(Number(locked.headers['retry-after']) > 800);
    assert.equal((await signIn(neighbour, neighbourCode)).statusCode, 200, 'the other patient signs in');
  });
});
