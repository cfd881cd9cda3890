// POST /api/v1/referrals with the optional Idempotency-Key: a client whose 201 was lost (the connection died after
// COMMIT) sends the request again and gets the same answer, and the patient is referred once; without the header it
// works as before.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { issueToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { nhsNumberCheckDigit } from '../domain/nhs-number.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { startFixtureApp } from '../testing/directory-fixture.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const tokens: Record<string, string> = {};

before(async () => {
  ({ app, database, close } = await startFixtureApp('idempotent-create'));
  await createOrganisation(database, 'GP1', 'GP One', 'GP_PRACTICE');
  for (const username of ['referrer', 'other-referrer']) {
    tokens[username] = (await issueToken(database.db, await createAccount(database, username, 'referrer', 'GP1'), 'api')).token;
  }
});
after(() => close());

let patients = 0;
/** A body for a patient of its own (a valid synthetic NHS number each time), so each test counts its own referrals. */
function newPatient() {
  for (;;) {
    const nine = String(999_100_000 + ++patients);
    const check = nhsNumberCheckDigit(nine);
    if (check === null || check === 10) continue;
    return {
      patient: { nhsNumber: `${nine}${check}`, givenName: 'Ida', familyName: 'Empotent', dateOfBirth: '1975-03-14', postcode: 'LS1 4AP', email: null, mobile: null },
      specialty: '110',
      priority: 'ROUTINE',
      clinicalSummary: 'Left hip pain for a year, worse at night.',
      preferences: { sortBy: 'WAIT' },
      shortlist: null,
    };
  }
}

const refer = (payload: object, key?: string, who = 'referrer') =>
  app.inject({ method: 'POST', url: '/api/v1/referrals', payload, headers: { authorization: `Bearer ${tokens[who]}`, ...(key === undefined ? {} : { 'idempotency-key': key }) } });

async function referralsOf(nhsNumber: string): Promise<string[]> {
  const rows = await database.db.selectFrom('referral').select('ubrn').where('patient_nhs_number', '=', nhsNumber).execute();
  return rows.map((r) => r.ubrn);
}

describe('creating a referral with an Idempotency-Key', () => {
  test('the same key with the same request gives the same answer, access code included, and one referral', async () => {
    const body = newPatient();
    const key = randomUUID();
    const first = await refer(body, key);
    assert.equal(first.statusCode, 201, first.body);
    const again = await refer(body, key);
    assert.equal(again.statusCode, 201, again.body);
    assert.equal(again.body, first.body, 'the same answer, byte for byte');
    assert.deepEqual(await referralsOf(body.patient.nhsNumber), [first.json().ubrn]);

    // The access code given again is the real one: the patient signs in with it.
    const { ubrn, accessCode } = first.json();
    const signIn = await app.inject({ method: 'POST', url: '/api/v1/patient/token', payload: { ubrn, accessCode, dateOfBirth: body.patient.dateOfBirth } });
    assert.equal(signIn.statusCode, 200, signIn.body);
    // …and the kept answer does not hold it in the clear (the referral itself keeps only its HMAC).
    const kept = await database.db.selectFrom('idempotent_request').select(['status', 'body']).where('key', '=', key).executeTakeFirstOrThrow();
    assert.equal(kept.status, 201);
    assert.ok(!JSON.stringify(kept.body).includes(accessCode), 'no access code in the clear');
    assert.match((kept.body as { accessCode: string }).accessCode, /^sealed:v1:/);
  });

  test('the same key with a different request is 422, and refers no one', async () => {
    const body = newPatient();
    const key = randomUUID();
    assert.equal((await refer(body, key)).statusCode, 201);
    const other = newPatient();
    const reused = await refer(other, key);
    assert.equal(reused.statusCode, 422, reused.body);
    assert.equal(reused.json().title, 'Idempotency-Key reused');
    assert.match(reused.json().detail, /Idempotency-Key was used for a different request/);
    assert.deepEqual(await referralsOf(other.patient.nhsNumber), []);
    assert.equal((await referralsOf(body.patient.nhsNumber)).length, 1);
  });

  test('a refusal is kept too: the same request again is refused the same way, and the key stays bound to it', async () => {
    const corrected = newPatient();
    const nhsNumber = corrected.patient.nhsNumber;
    const wrongCheckDigit = `${nhsNumber.slice(0, 9)}${(Number(nhsNumber[9]) + 1) % 10}`;
    const body = { ...corrected, patient: { ...corrected.patient, nhsNumber: wrongCheckDigit } };
    const key = randomUUID();
    const first = await refer(body, key);
    assert.equal(first.statusCode, 422, first.body);
    const again = await refer(body, key);
    assert.equal(again.statusCode, 422);
    assert.deepEqual(again.json(), first.json());
    const kept = await database.db.selectFrom('idempotent_request').select('status').where('key', '=', key).executeTakeFirstOrThrow();
    assert.equal(kept.status, 422);
    assert.deepEqual(first.json().errors.map((e: { field: string }) => e.field), ['patient.nhsNumber']);
    const reused = await refer(corrected, key);
    assert.equal(reused.statusCode, 422);
    assert.equal(reused.json().title, 'Idempotency-Key reused', 'a corrected request needs a new key');
    assert.deepEqual(await referralsOf(nhsNumber), []);
    assert.equal((await refer(corrected, randomUUID())).statusCode, 201, 'with a new key it is a referral');
  });

  test('two requests with the same key at once refer the patient once and both get its answer', async () => {
    const body = newPatient();
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 8 }, () => refer(body, key)));
    assert.deepEqual(answers.map((a) => a.statusCode), Array(8).fill(201), answers.map((a) => a.body).join('\n'));
    assert.equal(new Set(answers.map((a) => a.body)).size, 1, 'every answer the same');
    assert.deepEqual(await referralsOf(body.patient.nhsNumber), [answers[0]!.json().ubrn]);
  });

  test('keys are each account\'s own: another referrer\'s request under the same key is a referral of its own', async () => {
    const body = newPatient();
    const key = randomUUID();
    const mine = await refer(body, key);
    const theirs = await refer(body, key, 'other-referrer');
    assert.equal(mine.statusCode, 201);
    assert.equal(theirs.statusCode, 201);
    assert.notEqual(theirs.json().ubrn, mine.json().ubrn);
  });
});

describe('creating a referral without an Idempotency-Key', () => {
  test('works as before: each request is a referral of its own', async () => {
    const body = newPatient();
    const [a, b] = [await refer(body), await refer(body)];
    assert.equal(a.statusCode, 201, a.body);
    assert.equal(b.statusCode, 201, b.body);
    assert.equal((await referralsOf(body.patient.nhsNumber)).length, 2);
  });

  test('a key that is sent must be well formed', async () => {
    const body = newPatient();
    const res = await refer(body, 'short');
    assert.equal(res.statusCode, 400, res.body);
    assert.deepEqual(res.json().errors.map((e: { field: string }) => e.field), ['Idempotency-Key']);
    assert.match(res.json().errors[0].message, /8 to 128/);
    assert.deepEqual(await referralsOf(body.patient.nhsNumber), []);
  });
});
