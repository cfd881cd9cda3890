// The patient can find the service and someone to call (issue 9, defect 1), through app.inject on the demo data:
// `/` leads to Manage your referral and to staff sign-in; /manage/deferred gives the provider's number, which it
// only pointed to before ("call the number on your letter"); the patient's needs form keeps what was typed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { extractText, getDocumentProxy } from 'unpdf';
import type { Database } from '../../db/database.ts';
import { anonymousSession, patientSession } from '../../testing/page-session.ts';
import { referThroughApi, startDemoApp } from '../../testing/test-app.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;

before(async () => {
  ({ app, database, close } = await startDemoApp('letters_pages'));
});
after(() => close());

test('the public page links to Manage your referral and to staff sign-in', async () => {
  const home = await anonymousSession(app).get('/');
  assert.equal(home.statusCode, 200);
  assert.match(home.body, /<a href="\/manage" id="manage-your-referral">Manage your referral<\/a>/);
  assert.match(home.body, /<a href="\/sign-in" id="staff-sign-in">Staff sign in<\/a>/);
});

test('deferred: the page gives the provider\'s phone number, from the NHS website\'s listing of its site', async () => {
  const { ubrn, accessCode } = await referThroughApi(app, { familyName: 'Deferred' }, ['RR813-110']);
  // No free appointment at St James's, so the patient can only ask to be contacted.
  await database.db.updateTable('slot').set({ withdrawn_at: new Date() }).where('service_id', '=', 'RR813-110').where('withdrawn_at', 'is', null).execute();
  const token = (await app.inject({ method: 'POST', url: '/api/v1/patient/token', payload: { ubrn, accessCode, dateOfBirth: '1970-01-31' } })).json().token;
  const deferred = await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/deferral`, headers: { authorization: `Bearer ${token}` }, payload: { serviceId: 'RR813-110' } });
  assert.equal(deferred.statusCode, 200, deferred.body);
  const page = await (await patientSession(app, database, ubrn)).get('/manage/deferred');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /call Leeds Teaching Hospitals NHS Trust on <strong>0113 243 3144<\/strong>/);
});

test("the patient's needs form: an error links to its field and nothing typed is lost", async () => {
  const { ubrn } = await referThroughApi(app, { familyName: 'Needs' }, ['RR813-110']);
  const session = await patientSession(app, database, ubrn);
  assert.equal((await session.get('/manage/needs')).statusCode, 200);
  const res = await session.post('/manage/needs', { formats: 'easyRead', carer: 'yes', carerName: 'Gareth Price', carerEmail: 'not an email' });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /<a href="#carerEmail">\s*Enter an email address in the correct format/);
  assert.match(res.body, /value="Gareth Price"/);
  assert.match(res.body, /value="easyRead" checked/);
  const saved = await session.post('/manage/needs', { formats: 'easyRead', carer: 'yes', carerName: 'Gareth Price', carerEmail: 'gareth@example.com' });
  assert.equal(saved.statusCode, 303);
  const row = await database.db.selectFrom('referral').select('communication_needs').where('ubrn', '=', ubrn).executeTakeFirstOrThrow();
  assert.deepEqual(row.communication_needs, { largePrint: false, easyRead: true, britishSignLanguage: false, language: null, carer: { name: 'Gareth Price', phone: null, email: 'gareth@example.com' } });
});

test('booked: the confirmation prints in large print, in Welsh too, with the address and the number to call', async () => {
  const { ubrn, accessCode } = await referThroughApi(app, { familyName: 'Booked' }, ['RR801-110']);
  const slot = await database.db.selectFrom('slot').select('id').where('service_id', '=', 'RR801-110').where('starts_at', '>', new Date()).where('withdrawn_at', 'is', null).orderBy('starts_at').executeTakeFirstOrThrow();
  const token = (await app.inject({ method: 'POST', url: '/api/v1/patient/token', payload: { ubrn, accessCode, dateOfBirth: '1970-01-31' } })).json().token;
  const booked = await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/appointment`, headers: { authorization: `Bearer ${token}`, 'idempotency-key': `letters-${ubrn}` }, payload: { slotId: slot.id } });
  assert.equal(booked.statusCode, 201, booked.body);
  const session = await patientSession(app, database, ubrn);
  const page = await session.get('/manage/booked');
  assert.match(page.body, /href="\/manage\/booked\/confirmation\.pdf\?version=welsh" lang="cy"/);
  const pdf = await session.get('/manage/booked/confirmation.pdf?version=welsh');
  assert.equal(pdf.statusCode, 200);
  assert.equal(pdf.headers['content-type'], 'application/pdf');
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf.rawPayload)), { mergePages: true });
  const flat = text.replace(/\s+/g, ' ');
  assert.match(flat, /Mae eich apwyntiad wedi'i drefnu yn Trauma & Orthopaedics – Leeds General Infirmary\./);
  assert.match(flat, /Dyddiad ac amser: Dydd \S+ \d+ \S+ \d{4} am \d+:\d\d(yb|yp)\./);
  assert.match(flat, /ffoniwch Hyde Park Surgery ar 0113 2001090/);
  assert.ok(text.replace(/\s+/g, '').includes('http://localhost:3000/manage'), flat);
});
