// The PIDMAS API explains eligibility as it always has (to "you", dates as YYYY-MM-DD), to the patient and to their
// provider alike, and answers only what its response schemas allow.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { issueToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { londonDate } from '../domain/dates.ts';
import { addDays } from '../domain/rtt-clock.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { startFixtureApp } from '../testing/directory-fixture.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const tokens: Record<string, string> = {};
const today = londonDate();

before(async () => {
  ({ app, database, close } = await startFixtureApp('pidmas_routes'));
  await createOrganisation(database, 'GP1', 'GP One', 'GP_PRACTICE');
  await database.db.updateTable('organisation').set({ region_code: 'Y63' }).where('ods_code', '=', 'GP1').execute();
  tokens.gp1 = (await issueToken(database.db, await createAccount(database, 'gp1', 'referrer', 'GP1'), 'api')).token;
  tokens.rxx = (await issueToken(database.db, await createAccount(database, 'rxx', 'provider', 'RXX'), 'api')).token;
});
after(() => close());

const call = (method: 'GET' | 'POST', url: string, who: string, payload?: object) => app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });

test('a date in the next 8 weeks: the patient and the provider are told it as the data holds it', async () => {
  const created = await call('POST', '/api/v1/referrals', 'gp1', {
    patient: { nhsNumber: '9990000018', givenName: 'Ann', familyName: 'Long', dateOfBirth: '1960-05-01', postcode: 'LS1 4AP' }, specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Hip pain.',
  });
  const { ubrn, accessCode } = created.json();
  const next = addDays(today, 20);
  await database.db.updateTable('referral').set({ current_service_id: 'S1-110', rtt_clock_start: addDays(today, -300), next_appointment_date: next }).where('ubrn', '=', ubrn).execute();
  tokens.ann = (await app.inject({ method: 'POST', url: '/api/v1/patient/token', payload: { ubrn, accessCode, dateOfBirth: '1960-05-01' } })).json().token;

  const view = (await call('GET', '/api/v1/patient/pidmas', 'ann')).json();
  assert.deepEqual(Object.keys(view).sort(), ['currentProvider', 'eligibility', 'offer', 'request', 'thresholdWeeks', 'ubrn', 'weeksWaited']);
  assert.equal(view.eligibility.eligible, false);
  const soon = view.eligibility.rules.find((r: { rule: string }) => r.rule === 'NO_DATE_SOON');
  assert.deepEqual(soon, { rule: 'NO_DATE_SOON', passed: false, explanation: `You already have a date (${next}) in the next 8 weeks.` });
  for (const r of view.eligibility.rules) assert.deepEqual(Object.keys(r), ['rule', 'passed', 'explanation'], 'what a rule was judged on stays inside');
  assert.deepEqual(view.eligibility.rules.find((r: { rule: string }) => r.rule === 'WAITED_LONG_ENOUGH'), { rule: 'WAITED_LONG_ENOUGH', passed: true, explanation: `You have waited ${view.weeksWaited} weeks, more than 40.` });

  const { candidates } = (await call('GET', '/api/v1/pidmas/candidates', 'rxx')).json();
  const mine = candidates.find((c: { ubrn: string }) => c.ubrn === ubrn);
  assert.deepEqual(Object.keys(mine).sort(), ['eligibility', 'patientName', 'requestStatus', 'specialty', 'ubrn', 'weeksWaited']);
  assert.deepEqual(mine.eligibility, view.eligibility);

  const refused = await call('POST', '/api/v1/pidmas/invitations', 'rxx', { ubrn });
  assert.equal(refused.statusCode, 422);
  assert.equal(refused.json().detail, `The patient is not eligible to ask to move: You already have a date (${next}) in the next 8 weeks.`);
});
