// The waiting-too-long API answers as it always has (to "you", dates as YYYY-MM-DD), only what its response schemas
// allow, and the OpenAPI document describes each answer.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { issueToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { formatDate, londonDate } from '../domain/dates.ts';
import { addDays } from '../domain/rtt-clock.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { startFixtureApp } from '../testing/directory-fixture.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
let referrer = '';
const today = londonDate();

before(async () => {
  ({ app, database, close } = await startFixtureApp('waiting_routes'));
  await createOrganisation(database, 'GP1', 'GP One', 'GP_PRACTICE');
  referrer = (await issueToken(database.db, await createAccount(database, 'gp1', 'referrer', 'GP1'), 'api')).token;
});
after(() => close());

const call = (method: 'GET' | 'POST', url: string, payload?: object) => app.inject({ method, url, headers: { authorization: `Bearer ${referrer}` }, ...(payload ? { payload } : {}) });

async function waitingAt(serviceId: string, days: number) {
  const res = await call('POST', '/api/v1/referrals', {
    patient: { nhsNumber: '9990000018', givenName: 'Ann', familyName: 'Long', dateOfBirth: '1960-05-01', postcode: 'LS1 4AP' },
    specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Hip pain.', preferences: { sortBy: 'WAIT', maxDistanceKm: 80, originPostcode: null },
  });
  assert.equal(res.statusCode, 201, res.body);
  const { ubrn } = res.json();
  await database.db.updateTable('referral').set({ current_service_id: serviceId, rtt_clock_start: addDays(today, -days) }).where('ubrn', '=', ubrn).execute();
  return ubrn as string;
}

test('the alternatives: the 18-week explanation and each reason keep the API\'s words', async () => {
  const ubrn = await waitingAt('S1-110', 100); // S1 waits 30 weeks: seen after the 18-week date
  const answer = (await call('GET', `/api/v1/referrals/${ubrn}/alternatives`)).json();
  const forecast = addDays(today, 210 - 100);
  assert.equal(
    answer.pathway.explanation,
    `You are likely to be seen on or after ${forecast}, which is more than 18 weeks after your referral (${addDays(today, 26)}), so you can ask for a faster alternative.`,
  );
  assert.deepEqual(Object.keys(answer).sort(), ['alternatives', 'pathway', 'ubrn']);
  assert.deepEqual(Object.keys(answer.pathway).sort(), ['breachDate', 'currentServiceId', 'explanation', 'forecastBasis', 'forecastFirstAppointment', 'mayAskForAlternative', 'rttClockStart', 'weeksWaited']);
  assert.ok(answer.alternatives.length > 0);
  for (const a of answer.alternatives) {
    assert.equal(a.reasons.at(-1), `Expected to see you by ${a.expectedBy}, about ${a.soonerByWeeks} weeks sooner than where you wait now`);
    assert.deepEqual(Object.keys(a).sort(), ['distanceKm', 'distanceMiles', 'earliestSlot', 'expectedBy', 'indicativeWaitWeeks', 'rank', 'reasons', 'service', 'soonerByWeeks', 'travel']);
  }

  const breached = await waitingAt('S2-110', 200);
  const past = (await call('GET', `/api/v1/referrals/${breached}/alternatives`)).json();
  assert.equal(past.pathway.explanation, `You have waited ${past.pathway.weeksWaited} weeks, more than the 18 weeks the NHS Constitution sets, so you can ask for a faster alternative.`);
  for (const a of past.alternatives) assert.equal(a.reasons.at(-1), `Expected to see you by ${a.expectedBy}`);
});

test('moving answers the new referral, and the option kept with it says why it was faster in the API\'s words', async () => {
  const ubrn = await waitingAt('S1-110', 100);
  const moved = await call('POST', `/api/v1/referrals/${ubrn}/alternatives`, { serviceId: 'S3-110' });
  assert.equal(moved.statusCode, 201, moved.body);
  assert.deepEqual(Object.keys(moved.json()).sort(), ['accessCode', 'previousUbrn', 'rttClockStart', 'service', 'status', 'ubrn']);
  const option = await database.db.selectFrom('referral_option').select('offered').where('ubrn', '=', moved.json().ubrn).executeTakeFirstOrThrow();
  assert.match((option.offered as { reasons: string[] }).reasons.at(-1)!, /^Expected to see you by \d{4}-\d{2}-\d{2}, about [\d.]+ weeks sooner than where you wait now$/);
  // The history, which people read, gives its dates in words (the 18-week date; the clock's start, 100 days ago).
  const made = await database.db.selectFrom('referral_event').select('reason').where('ubrn', '=', moved.json().ubrn).executeTakeFirstOrThrow();
  assert.match(made.reason!, /the 18-week date is \d{1,2} [A-Z][a-z]+ \d{4}\)/);
  assert.ok(made.reason!.endsWith(`the RTT clock keeps its start, ${formatDate(addDays(today, -100))}.`), made.reason!);
  assert.doesNotMatch(made.reason!, /\d{4}-\d{2}-\d{2}/);
});

test('the OpenAPI document describes every answer of the waiting-too-long and PIDMAS routes', async () => {
  const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
  const described = Object.entries(doc.paths as Record<string, Record<string, { tags?: string[]; responses: Record<string, { content?: { 'application/json': { schema: Record<string, unknown> } } }> }>>)
    .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })))
    .filter(({ op }) => op.tags?.some((t) => t === 'waiting too long' || t === 'PIDMAS'));
  assert.equal(described.length, 11);
  for (const { route, op } of described) {
    const ok = Object.entries(op.responses).filter(([code]) => code.startsWith('2'));
    // One success each, but the import's preview (200, nothing changed) beside the import itself (201).
    assert.equal(ok.length, route === 'POST /api/v1/pathways/import' ? 2 : 1, route);
    for (const [, answer] of ok) {
      const schema = answer.content?.['application/json'].schema ?? {};
      assert.ok(schema.type === 'object' || 'anyOf' in schema || 'oneOf' in schema, `${route} describes its answer: ${JSON.stringify(schema)}`);
    }
  }
});
