// The provider's PIDMAS lists read a fixed number of queries, however many patients they hold: the facts of every
// candidate (pathways, GP practices, providers, requests) are read together, not one patient at a time.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { KyselyPlugin } from 'kysely';
import { issueToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { createDeps, type Deps } from '../deps.ts';
import { londonDate } from '../domain/dates.ts';
import { addDays } from '../domain/rtt-clock.ts';
import type { StaffPrincipal } from '../http/principal.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { testConfig } from '../testing/database.ts';
import { startFixtureApp } from '../testing/directory-fixture.ts';
import { invitationCandidates, validationWorklist } from './service.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
let deps: Deps;
let referrer = '';
const staff: StaffPrincipal = { kind: 'staff', accountId: 0, username: 'rxx', displayName: 'Test rxx', role: 'provider', organisation: { odsCode: 'RXX', name: 'Fixture NHS Trust' } };
const today = londonDate();

before(async () => {
  ({ app, database, close } = await startFixtureApp('pidmas_queries'));
  await createOrganisation(database, 'GP1', 'GP One', 'GP_PRACTICE');
  await database.db.updateTable('organisation').set({ region_code: 'Y63' }).where('ods_code', '=', 'GP1').execute();
  referrer = (await issueToken(database.db, await createAccount(database, 'gp1', 'referrer', 'GP1'), 'api')).token;
  staff.accountId = await createAccount(database, 'rxx', 'provider', 'RXX');
  deps = createDeps(testConfig(), database, () => {});
  await deps.directory.current();
});
after(async () => {
  deps.directory.close();
  deps.postcodes.close();
  await close();
});

/** Patients who have waited 300 days at the provider; one at a service no longer listed; `optedIn` of them asked to move. */
async function longWaiters(count: number, optedIn: number) {
  for (let i = 0; i < count; i++) {
    const res = await app.inject({
      method: 'POST', url: '/api/v1/referrals', headers: { authorization: `Bearer ${referrer}` },
      payload: { patient: { nhsNumber: '9990000018', givenName: `Patient${i}`, familyName: 'Long', dateOfBirth: '1960-05-01', postcode: 'LS1 4AP' }, specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Hip pain.', shortlist: ['S1-110'] },
    });
    assert.equal(res.statusCode, 201, res.body);
    const { ubrn } = res.json();
    const service = i === 0 ? 'S1-110-inactive' : i % 2 ? 'S1-110' : 'S2-110';
    await database.db.updateTable('referral').set({ current_service_id: service, rtt_clock_start: addDays(today, -300) }).where('ubrn', '=', ubrn).execute();
    if (i < optedIn) {
      await database.db.insertInto('pidmas_request').values({
        ubrn, status: 'OPTED_IN', invited_at: null, invited_by_account_id: null, opted_in_at: new Date(), travel: '50_MILES', interpreter_language: null, contact_preference: 'LETTER',
        validated_at: null, validated_by_account_id: null, not_suitable_reason: null, outcome_note: null, updated_at: new Date(),
      }).execute();
    }
  }
}

/** How many queries `read` sends to the database. */
async function queriesOf<T>(read: (deps: Deps) => Promise<T>): Promise<{ queries: number; answer: T }> {
  let queries = 0;
  const counter: KyselyPlugin = {
    transformQuery: (args) => ((queries += 1), args.node),
    transformResult: async (args) => args.result,
  };
  const answer = await read({ ...deps, database: { ...database, db: database.db.withPlugin(counter) } });
  return { queries, answer };
}

test('the candidates to invite and the requests to validate: the same few queries for 3 patients as for 12', async () => {
  await longWaiters(3, 2);
  const few = await queriesOf((d) => invitationCandidates(d, staff));
  const fewRequests = await queriesOf((d) => validationWorklist(d, staff));
  assert.equal(few.answer.length, 3);
  assert.equal(fewRequests.answer.length, 1, 'the request at the unlisted service is not on the worklist');
  assert.deepEqual(few.answer.map((c) => c.requestStatus).sort(), ['OPTED_IN', 'OPTED_IN', null]);

  await longWaiters(9, 9);
  const many = await queriesOf((d) => invitationCandidates(d, staff));
  const manyRequests = await queriesOf((d) => validationWorklist(d, staff));
  assert.equal(many.answer.length, 12);
  assert.ok(many.answer.every((c) => c.eligibility.eligible), 'every long waiter is eligible, the one at an unlisted service too');
  assert.equal(manyRequests.answer.length, 9);

  // The referrals; their pathways (appointments, options); GP practices; providers of unlisted services; requests.
  assert.equal(many.queries, few.queries);
  assert.ok(many.queries <= 6, `${many.queries} queries`);
  // The requests with their referrals; their pathways.
  assert.equal(manyRequests.queries, fewRequests.queries);
  assert.ok(manyRequests.queries <= 3, `${manyRequests.queries} queries`);
});
