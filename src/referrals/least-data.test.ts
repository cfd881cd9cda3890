// Least data before choice (issue 12): a provider on the shortlist that the patient has not chosen reads the
// referral without the patient, through every way a provider reads one; once chosen it reads them whole; once the
// patient chooses elsewhere it stops.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { issuePatientToken, issueToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { startFixtureApp } from '../testing/directory-fixture.ts';
import { type PageSession, staffSession } from '../testing/page-session.ts';
import { publishTestSlot } from '../testing/slots.ts';
import { HISTORY_REASON_WITHHELD } from './least-data.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const tokens: Record<string, string> = {};
const pages: Record<string, PageSession> = {};

// The fixture's services are all RXX's; S5-110 is moved to RYY so that the shortlist names two providers.
before(async () => {
  ({ app, database, close } = await startFixtureApp('least-data'));
  await createOrganisation(database, 'GP1', 'GP One', 'GP_PRACTICE');
  await createOrganisation(database, 'RYY', 'Other NHS Trust', 'NHS_TRUST');
  await database.db.updateTable('service').set({ provider_ods_code: 'RYY' }).where('id', '=', 'S5-110').execute();
  for (const [username, role, org] of [['referrer', 'referrer', 'GP1'], ['rxx', 'provider', 'RXX'], ['ryy', 'provider', 'RYY']] as const) {
    tokens[username] = (await issueToken(database.db, await createAccount(database, username, role, org), 'api')).token;
  }
  pages.rxx = await staffSession(app, database, 'rxx');
  pages.ryy = await staffSession(app, database, 'ryy');
});
after(() => close());

const PATIENT = {
  nhsNumber: '9990000026', givenName: 'Zelda', familyName: 'Quartermaine', dateOfBirth: '1970-01-31', postcode: 'LS1 4AP',
  addressLines: ['14 Wharf Street'], email: 'zelda@example.com', mobile: '07700 900123',
};
const SUMMARY = 'Right knee pain for 8 months, worse on stairs.';
// Everything that says who the patient is or why they were referred, as it could appear in an answer or a page.
const IDENTIFYING = ['Zelda', 'Quartermaine', '9990000026', '999 000 0026', '1970-01-31', '31 January 1970', 'LS1 4AP', 'Wharf Street', 'zelda@example.com', '07700', 'knee pain'];

const headers = (who: string) => ({ authorization: `Bearer ${tokens[who] ?? who}`, 'idempotency-key': randomUUID() });
const get = (url: string, who: string) => app.inject({ method: 'GET', url, headers: headers(who) });

async function newReferral(shortlist: string[]): Promise<{ ubrn: string; patient: string }> {
  const res = await app.inject({
    method: 'POST', url: '/api/v1/referrals', headers: headers('referrer'),
    payload: { patient: PATIENT, specialty: '110', priority: 'ROUTINE', clinicalSummary: SUMMARY, shortlist, communicationNeeds: { carer: { name: 'Yvonne Carer', phone: '0113 496 0000' } } },
  });
  assert.equal(res.statusCode, 201, res.body);
  const ubrn: string = res.json().ubrn;
  return { ubrn, patient: (await issuePatientToken(database.db, ubrn, 'api')).token };
}

const book = async (ubrn: string, patient: string, serviceId: string) => {
  const res = await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/appointment`, headers: headers(patient), payload: { slotId: await publishTestSlot(database, serviceId) } });
  assert.equal(res.statusCode, 201, res.body);
};
const cancel = async (ubrn: string, patient: string) => {
  const res = await app.inject({ method: 'DELETE', url: `/api/v1/referrals/${ubrn}/appointment`, headers: headers(patient), payload: { reason: 'Found a nearer one' } });
  assert.equal(res.statusCode, 200, res.body);
};

function assertNothingIdentifying(text: string, where: string) {
  for (const word of [...IDENTIFYING, "Yvonne"]) assert.ok(!text.includes(word), `${where} shows "${word}": ${text.slice(Math.max(0, text.indexOf(word) - 300), text.indexOf(word) + 100)}`);
}
function assertIdentifying(text: string, where: string, words = ['Zelda', 'Quartermaine']) {
  for (const word of words) assert.ok(text.includes(word), `${where} does not show "${word}"`);
}

/** Every way a provider reads a referral, API and pages, as that provider. */
async function everyRead(ubrn: string, provider: 'rxx' | 'ryy') {
  const one = await get(`/api/v1/referrals/${ubrn}`, provider);
  assert.equal(one.statusCode, 200, one.body);
  const list = await get(`/api/v1/referrals?q=${ubrn}`, provider);
  assert.equal(list.statusCode, 200, list.body);
  assert.equal(list.json().total, 1, 'the UBRN always finds it');
  const page = await pages[provider]!.get(`/provider/referrals/${ubrn}`);
  assert.equal(page.statusCode, 200);
  const find = await pages[provider]!.get(`/provider/referrals/find?q=${ubrn}`);
  assert.equal(find.statusCode, 200);
  assert.ok(find.body.includes(`data-ubrn="${ubrn}"`), 'the find page lists it');
  return { one: one.json(), list: list.body, page: page.body, find: find.body };
}

async function searchFinds(provider: 'rxx' | 'ryy', q: string, ubrn: string): Promise<{ api: boolean; page: boolean }> {
  const api = (await get(`/api/v1/referrals?q=${encodeURIComponent(q)}`, provider)).json();
  const page = (await pages[provider]!.get(`/provider/referrals/find?q=${encodeURIComponent(q)}`)).body;
  assert.match(page, /A name or NHS number finds only patients who have chosen one of your services; find any other referral by its UBRN/, 'the search box says what it can find');
  return { api: api.referrals.some((r: { ubrn: string }) => r.ubrn === ubrn), page: page.includes(`data-ubrn="${ubrn}"`) };
}

describe('a provider on the shortlist that the patient has not chosen', () => {
  test('reads the referral through the API and its pages without the patient\'s identity, contact details or clinical summary', async () => {
    const { ubrn } = await newReferral(['S1-110', 'S5-110']);
    for (const provider of ['rxx', 'ryy'] as const) {
      const read = await everyRead(ubrn, provider);
      assert.equal(read.one.patientDetails, 'WITHHELD_UNTIL_CHOSEN');
      assert.deepEqual(read.one.patient, { nhsNumber: null, givenName: null, familyName: null, dateOfBirth: null, postcode: null, addressLines: null, email: null, mobile: null });
      assert.equal(read.one.clinicalSummary, null);
      assert.equal(read.one.communicationNeeds, null);
      assert.ok(read.one.history.length > 0 && read.one.history.every((h: { reason: string }) => h.reason === HISTORY_REASON_WITHHELD || h.reason === ''), 'no free text of the history');
      // What it needs to publish capacity is still there.
      assert.equal(read.one.specialty.code, '110');
      assert.equal(read.one.priority, 'ROUTINE');
      assert.ok(read.one.shortlist.some((o: { service: { provider: { odsCode: string } } }) => o.service.provider.odsCode === provider.toUpperCase()));
      assertNothingIdentifying(JSON.stringify(read.one), `GET /referrals/{ubrn} as ${provider}`);
      assertNothingIdentifying(read.list, `GET /referrals as ${provider}`);
      assertNothingIdentifying(read.page, `/provider/referrals/{ubrn} as ${provider}`);
      assertNothingIdentifying(read.find, `/provider/referrals/find as ${provider}`);
      assert.match(read.page, /id="patient-withheld"/);
    }
  });

  test('cannot find the referral by the patient\'s name or NHS number', async () => {
    const { ubrn } = await newReferral(['S1-110', 'S5-110']);
    for (const q of ['Quartermaine', 'zelda quarter', '999 000 0026']) {
      assert.deepEqual(await searchFinds('ryy', q, ubrn), { api: false, page: false }, q);
    }
  });
});

describe('the provider the patient chose', () => {
  test('booked with it: it reads the patient whole and finds them by name; the other provider still does not', async () => {
    const { ubrn, patient } = await newReferral(['S1-110', 'S5-110']);
    await book(ubrn, patient, 'S5-110');
    const chosen = await everyRead(ubrn, 'ryy');
    assert.equal(chosen.one.patientDetails, 'SHOWN');
    assert.deepEqual(chosen.one.patient, { ...PATIENT, addressLines: ['14 Wharf Street'], mobile: '07700 900123' });
    assert.equal(chosen.one.clinicalSummary, SUMMARY);
    assert.equal(chosen.one.communicationNeeds.carer.name, 'Yvonne Carer');
    assertIdentifying(chosen.page, 'the chosen provider\'s referral page', ['Zelda', '999 000 0026', SUMMARY]);
    assertIdentifying(chosen.find, 'the chosen provider\'s find page', ['Zelda Quartermaine', '999 000 0026']);
    assert.deepEqual(await searchFinds('ryy', 'Quartermaine', ubrn), { api: true, page: true });
    assert.deepEqual(await searchFinds('ryy', '9990000026', ubrn), { api: true, page: true });

    const other = await everyRead(ubrn, 'rxx');
    assert.equal(other.one.patientDetails, 'WITHHELD_UNTIL_CHOSEN');
    assertNothingIdentifying(JSON.stringify(other.one), 'the provider not chosen, after a booking elsewhere');
    assertNothingIdentifying(other.page + other.find, 'the pages of the provider not chosen');
    assert.deepEqual(await searchFinds('rxx', 'Quartermaine', ubrn), { api: false, page: false });
  });

  test('deferred to it: it reads the patient whole', async () => {
    const { ubrn, patient } = await newReferral(['S1-110', 'S5-110']);
    const res = await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/deferral`, headers: headers(patient), payload: { serviceId: 'S5-110' } });
    assert.equal(res.statusCode, 200, res.body);
    const chosen = await everyRead(ubrn, 'ryy');
    assert.equal(chosen.one.patientDetails, 'SHOWN');
    assert.equal(chosen.one.patient.nhsNumber, '9990000026');
    assertIdentifying(chosen.page, 'the deferred-to provider\'s page', ['Zelda', SUMMARY]);
    assert.equal((await everyRead(ubrn, 'rxx')).one.patientDetails, 'WITHHELD_UNTIL_CHOSEN');
  });

  test('the only provider a referral was sent to has been chosen: it reads the patient before any booking', async () => {
    const { ubrn } = await newReferral(['S5-110']);
    const named = await everyRead(ubrn, 'ryy');
    assert.equal(named.one.patientDetails, 'SHOWN');
    assert.equal(named.one.clinicalSummary, SUMMARY);
    assert.deepEqual(await searchFinds('ryy', 'Quartermaine', ubrn), { api: true, page: true });
    assert.deepEqual(await searchFinds('rxx', 'Quartermaine', ubrn), { api: false, page: false }, 'a provider not on the shortlist does not see it at all');
  });

  test('stops seeing the patient once the patient books elsewhere instead', async () => {
    const { ubrn, patient } = await newReferral(['S1-110', 'S5-110']);
    await book(ubrn, patient, 'S5-110');
    assert.equal((await everyRead(ubrn, 'ryy')).one.patientDetails, 'SHOWN');
    await cancel(ubrn, patient);
    await book(ubrn, patient, 'S1-110');
    const left = await everyRead(ubrn, 'ryy');
    assert.equal(left.one.patientDetails, 'WITHHELD_UNTIL_CHOSEN');
    assertNothingIdentifying(JSON.stringify(left.one) + left.list + left.page + left.find, 'the provider left behind');
    assert.deepEqual(await searchFinds('ryy', 'Quartermaine', ubrn), { api: false, page: false });
    const now = await everyRead(ubrn, 'rxx');
    assert.equal(now.one.patientDetails, 'SHOWN');
    assertIdentifying(now.page, 'the provider chosen instead', ['Zelda', SUMMARY]);
  });
});

describe('those who always see the patient', () => {
  test('the referrer and the patient read the referral whole', async () => {
    const { ubrn, patient } = await newReferral(['S1-110', 'S5-110']);
    for (const who of ['referrer', patient]) {
      const res = await get(`/api/v1/referrals/${ubrn}`, who);
      assert.equal(res.json().patientDetails, 'SHOWN');
      assert.equal(res.json().clinicalSummary, SUMMARY);
    }
  });
});
