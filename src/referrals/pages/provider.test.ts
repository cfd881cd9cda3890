// Access to the provider's referral pages through app.inject: a referrer gets 403 on them; anonymous visitors are
// sent to the staff sign-in page; a referral the provider does not review is not found. And the reject form.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../app.ts';
import { DEMO_PASSWORD } from '../../auth/demo-accounts.ts';
import type { Database } from '../../db/database.ts';
import { openDemoTestDatabase, testConfig } from '../../testing/database.ts';

let app: FastifyInstance;
let database: Database;
const referrals: { ubrn: string; accessCode: string }[] = [];

before(async () => {
  database = await openDemoTestDatabase();
  app = await buildApp({ config: testConfig(), database, logger: false });
  const staff = (await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-referrer', password: DEMO_PASSWORD } })).json().token;
  for (const [familyName, shortlist] of [['Own', ['RR813-110']], ['Other', ['RR801-110']]] as const) {
    const res = await app.inject({
      method: 'POST', url: '/api/v1/referrals', headers: { authorization: `Bearer ${staff}` },
      payload: { patient: { nhsNumber: '9990000018', givenName: 'Ann', familyName, dateOfBirth: '1970-01-31', postcode: 'LS1 4AP' }, specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Knee', shortlist },
    });
    assert.equal(res.statusCode, 201, res.body);
    referrals.push(res.json());
  }
});
after(async () => {
  await app.close();
  await database.close();
});

const staffCookie = async (username: string) => {
  const account = await database.db.selectFrom('account').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  const { issueToken } = await import('../../auth/sessions.ts');
  return `oc_session=${(await issueToken(database.db, account.id, 'page')).token}`;
};

describe('provider pages', () => {
  test('anonymous visitors are sent to the staff sign-in page', async () => {
    for (const url of ['/provider', '/provider/referrals', '/provider/asi']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 303, url);
      assert.equal(res.headers.location, '/sign-in', url);
    }
  });

  test('a referrer gets 403 on provider pages; the provider gets them', async () => {
    const referrer = await staffCookie('demo-referrer');
    const provider = await staffCookie('demo-provider');
    for (const url of ['/provider', '/provider/referrals', '/provider/asi']) {
      assert.equal((await app.inject({ method: 'GET', url, headers: { cookie: referrer } })).statusCode, 403, url);
      assert.equal((await app.inject({ method: 'GET', url, headers: { cookie: provider } })).statusCode, 200, url);
    }
    // A referral not booked or deferred at the provider's services: not found.
    assert.equal((await app.inject({ method: 'GET', url: `/provider/referrals/${referrals[0]!.ubrn}`, headers: { cookie: provider } })).statusCode, 404);
  });

  test('the reject form: a reason is required and the note limited, each error linked to its field', async () => {
    // Booked at the provider's service by the patient, so the provider reviews it.
    const { ubrn, accessCode } = referrals[0]!;
    const patient = (await app.inject({ method: 'POST', url: '/api/v1/patient/token', payload: { ubrn, accessCode, dateOfBirth: '1970-01-31' } })).json().token;
    const slot = (await app.inject({ method: 'GET', url: '/api/v1/services/RR813-110/slots' })).json().slots[0];
    const booked = await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/appointment`, headers: { authorization: `Bearer ${patient}`, 'idempotency-key': randomUUID() }, payload: { slotId: slot.id } });
    assert.equal(booked.statusCode, 201, booked.body);

    const session = await staffCookie('demo-provider');
    const form = await app.inject({ method: 'GET', url: `/provider/referrals/${ubrn}/reject`, headers: { cookie: session } });
    assert.equal(form.statusCode, 200);
    const csrf = (form.cookies as { name: string; value: string }[]).find((c) => c.name === 'oc_csrf')!.value;
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const post = (fields: Record<string, string>): Promise<LightMyRequestResponse> => app.inject({
      method: 'POST', url: `/provider/referrals/${ubrn}/reject`,
      headers: { cookie: `${session}; oc_csrf=${csrf}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: token, ...fields }).toString(),
    });
    const empty = await post({ note: 'x'.repeat(1001) });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /<a href="#reason">\s*Select why you are rejecting the referral\s*<\/a>/);
    assert.match(empty.body, /<a href="#note">\s*Note must be 1,000 characters or fewer\s*<\/a>/);
    assert.equal((await post({ reason: 'toString' })).statusCode, 400, 'only the listed reasons');
    const rejected = await post({ reason: 'WRONG_SPECIALTY', note: 'See the notes' });
    assert.equal(rejected.statusCode, 303);
    assert.equal(rejected.headers.location, `/provider/referrals?rejected=${ubrn}`);
    const row = await database.db.selectFrom('referral').select('status').where('ubrn', '=', ubrn).executeTakeFirstOrThrow();
    assert.equal(row.status, 'REJECTED');
  });
});
