// Reading several referrals at once (a search's page of them) must give exactly what reading each gives, to the same
// principal: the same fields, least data before choice per referral, none it may not see, in the order asked; and in
// the same number of queries for one referral as for many (the FHIR search read each in turn before).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { issuePatientToken, issueToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import type { StaffPrincipal } from '../http/principal.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { startFixtureApp } from '../testing/directory-fixture.ts';
import { publishTestSlot } from '../testing/slots.ts';
import { getReferral, getReferrals } from './queries.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
let deps: Deps;
let token: string;
const principals: Record<string, StaffPrincipal> = {};

before(async () => {
  ({ app, database, close } = await startFixtureApp('get-referrals'));
  // getReferral(s) read the database alone.
  deps = { database } as unknown as Deps;
  await createOrganisation(database, 'GP1', 'GP One', 'GP_PRACTICE');
  await createOrganisation(database, 'GP2', 'GP Two', 'GP_PRACTICE');
  await createOrganisation(database, 'RYY', 'Other NHS Trust', 'NHS_TRUST');
  await database.db.updateTable('service').set({ provider_ods_code: 'RYY' }).where('id', '=', 'S5-110').execute();
  for (const [username, role, odsCode] of [['referrer', 'referrer', 'GP1'], ['other-gp', 'referrer', 'GP2'], ['rxx', 'provider', 'RXX'], ['ryy', 'provider', 'RYY']] as const) {
    const accountId = await createAccount(database, username, role, odsCode);
    principals[username] = { kind: 'staff', accountId, username, displayName: username, role, organisation: { odsCode, name: odsCode } };
    if (username === 'referrer') token = (await issueToken(database.db, accountId, 'api')).token;
  }
});
after(() => close());

async function refer(shortlist: string[], nhsNumber: string): Promise<string> {
  const res = await app.inject({
    method: 'POST', url: '/api/v1/referrals', headers: { authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() },
    payload: {
      patient: { nhsNumber, givenName: 'Ada', familyName: 'Lovelace', dateOfBirth: '1970-01-31', postcode: 'LS1 4AP' },
      specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Knee pain.', shortlist,
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().ubrn;
}

/** Counts the queries `work` sends on any pg client. */
async function queriesOf(work: () => Promise<unknown>): Promise<number> {
  const original = pg.Client.prototype.query;
  let n = 0;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    n++;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    await work();
  } finally {
    pg.Client.prototype.query = original;
  }
  return n;
}

test('several referrals read at once are each as read alone, in the order asked, leaving out what the reader may not see', async () => {
  const both = await refer(['S1-110', 'S5-110'], '9990000026');
  const onlyRyy = await refer(['S5-110'], '9990000034');
  const booked = await refer(['S1-110', 'S5-110'], '9990000042');
  const patient = (await issuePatientToken(database.db, booked, 'api')).token;
  const res = await app.inject({ method: 'POST', url: `/api/v1/referrals/${booked}/appointment`, headers: { authorization: `Bearer ${patient}`, 'idempotency-key': randomUUID() }, payload: { slotId: await publishTestSlot(database, 'S1-110') } });
  assert.equal(res.statusCode, 201, res.body);

  const asked = [booked, 'nope', onlyRyy, both, booked];
  for (const who of ['referrer', 'rxx', 'ryy', 'other-gp']) {
    const alone = [];
    for (const ubrn of [booked, onlyRyy, both]) alone.push(await getReferral(deps, principals[who]!, ubrn).catch(() => null));
    assert.deepEqual(await getReferrals(deps, principals[who]!, asked), alone.filter((r) => r !== null), who);
  }
  const [forRxx] = await getReferrals(deps, principals.rxx!, [both]);
  assert.equal(forRxx?.patientDetails, 'WITHHELD_UNTIL_CHOSEN', 'a provider not chosen reads it without the patient');
  const [bookedForRxx] = await getReferrals(deps, principals.rxx!, [booked]);
  assert.equal(bookedForRxx?.patientDetails, 'SHOWN', 'the chosen provider reads the patient');
  assert.ok(bookedForRxx?.appointment, 'with its appointment');
  assert.deepEqual(await getReferrals(deps, principals['other-gp']!, asked), [], 'another practice sees none');
  assert.deepEqual(await getReferrals(deps, principals.rxx!, []), []);
});

test('reading many referrals takes as many queries as reading one', async () => {
  const ubrns: string[] = [];
  for (let i = 0; i < 6; i++) ubrns.push(await refer(['S1-110', 'S5-110'], '9990000026'));
  const one = await queriesOf(() => getReferrals(deps, principals.referrer!, ubrns.slice(0, 1)));
  const six = await queriesOf(() => getReferrals(deps, principals.referrer!, ubrns));
  assert.ok(one > 0);
  assert.equal(six, one);
});
