// Access to the patient's pages through app.inject: a patient only ever sees their own referral, and cannot open
// staff or provider pages; anonymous visitors are sent to the patient sign-in page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/database.ts';
import { referThroughApi, startDemoApp } from '../../testing/test-app.ts';
import { anonymousSession, patientSession } from '../../testing/page-session.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const referrals: { ubrn: string; accessCode: string }[] = [];

before(async () => {
  ({ app, database, close } = await startDemoApp());
  referrals.push(await referThroughApi(app, { familyName: 'Own' }, ['RR813-110']));
  referrals.push(await referThroughApi(app, { familyName: 'Other' }, ['RR801-110']));
});
after(() => close());

const patient = (ubrn: string) => patientSession(app, database, ubrn);

describe('patient pages', () => {
  test('anonymous visitors are sent to the patient sign-in page', async () => {
    for (const url of ['/manage', '/manage/choose', '/manage/services/RR813-110/slots', '/manage/cancel']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 303, url);
      assert.equal(res.headers.location, '/manage/sign-in', url);
    }
  });

  test('a patient sees only their own referral, whatever the URL asks for', async () => {
    const own = referrals[0]!;
    const other = referrals[1]!;
    const session = await patient(own.ubrn);
    const home = await session.get(`/manage?ubrn=${other.ubrn}`);
    assert.equal(home.statusCode, 200);
    assert.match(home.body, new RegExp(own.ubrn.replace(/(\d{4})(\d{4})(\d{4})/, '$1 $2 $3')));
    assert.doesNotMatch(home.body, new RegExp(other.ubrn.replace(/(\d{4})(\d{4})(\d{4})/, '$1 $2 $3')));
    assert.doesNotMatch(home.body, /RR801-110/);
    // The other referral's service is not on this one's shortlist: not found.
    const slots = await session.get('/manage/services/RR801-110/slots');
    assert.equal(slots.statusCode, 404);
    // Nor is a slot of it.
    const slot = await database.db.selectFrom('slot').select('id').where('service_id', '=', 'RR801-110').where('starts_at', '>', new Date()).executeTakeFirstOrThrow();
    const check = await session.get(`/manage/check/${slot.id}`);
    assert.equal(check.statusCode, 404);
    // The patient's own pages work.
    assert.equal((await session.get('/manage/services/RR813-110/slots')).statusCode, 200);
  });

  test('a patient session cannot open staff or provider pages', async () => {
    const session = await patient(referrals[0]!.ubrn);
    for (const url of ['/provider', '/provider/asi', `/provider/referrals/${referrals[0]!.ubrn}`, '/referrals']) {
      assert.equal((await session.get(url)).statusCode, 403, url);
    }
  });
});

describe('signing in with the letter', () => {
  test('a reference number locked by wrong access codes: told when to try again; another patient at the address signs in', async () => {
    const [own, other] = [referrals[0]!, referrals[1]!];
    const dob = { 'dob[day]': '31', 'dob[month]': '1', 'dob[year]': '1970' };
    const attempt = async (ubrn: string, accessCode: string) => {
      const s = anonymousSession(app);
      await s.get('/manage/sign-in');
      return s.post('/manage/sign-in', { ubrn, accessCode, ...dob });
    };
    for (let i = 0; i < 5; i++) assert.equal((await attempt(own.ubrn, 'WRNG-CODE')).statusCode, 401);
    const locked = await attempt(own.ubrn, own.accessCode);
    assert.equal(locked.statusCode, 429);
    assert.ok(Number(locked.headers['retry-after']) > 800);
    assert.match(locked.body, /<a href="#ubrn">\s*Too many attempts to sign in\. Try again in 1[45] minutes\s*<\/a>/);
    const neighbour = await attempt(other.ubrn, other.accessCode);
    assert.equal(neighbour.statusCode, 303, 'the same address, another reference number: signed in');
    assert.equal(neighbour.headers.location, '/manage');
    await database.db.deleteFrom('sign_in_failure').where('key', 'in', [`ubrn:${own.ubrn}`, 'address:127.0.0.1']).execute();
  });
});
