// What the choice measures count is recorded where it happens: a coded reason whenever fewer than 5 options are
// offered (triage, re-referral, the patient's changed search), and the first time a faster alternative is shown.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD } from '../auth/demo-accounts.ts';
import { issueToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { createDeps } from '../deps.ts';
import { londonDate } from '../domain/dates.ts';
import { addDays } from '../domain/rtt-clock.ts';
import { changeSearch } from '../referrals/change-search.ts';
import { createAccount } from '../testing/accounts.ts';
import { testConfig } from '../testing/database.ts';
import { publishTestSlot } from '../testing/slots.ts';
import { startDemoApp } from '../testing/test-app.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const tokens: Record<string, string> = {};

before(async () => {
  ({ app, database, close } = await startDemoApp('choice-recording'));
  for (const username of ['demo-referrer', 'demo-referral-centre']) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username, password: DEMO_PASSWORD } });
    tokens[username] = res.json().token;
  }
});
after(() => close());

const call = (who: string, method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who] ?? who}`, ...headers }, ...(payload ? { payload } : {}) });

type Shortlist = { service: { id: string; provider: { odsCode: string } } }[];
async function refer(extra: object = {}): Promise<{ ubrn: string; optionsOffered: number; shortlist: Shortlist }> {
  const res = await call('demo-referrer', 'POST', '/api/v1/referrals', {
    patient: { nhsNumber: '9990000018', givenName: 'Rae', familyName: `Recorded${randomUUID().slice(0, 6)}`, dateOfBirth: '1970-01-31', postcode: 'LS1 4AP' },
    specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Knee pain.', ...extra,
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}
const recorded = async (ubrn: string) => {
  const r = await database.db.selectFrom('referral').select(['options_offered', 'fewer_options_code', 'fewer_options_reason', 'faster_alternative_offered_at']).where('ubrn', '=', ubrn).executeTakeFirstOrThrow();
  const f = await database.db.selectFrom('choice_fact').select(['options_offered', 'fewer_options_code', 'faster_alternative_offered']).where('ubrn', '=', ubrn).executeTakeFirstOrThrow();
  assert.equal(f.fewer_options_code, r.options_offered >= 1 && r.options_offered <= 4 ? r.fewer_options_code : null, 'the fact follows the referral');
  return { ...r, fact: f };
};

/** Books the referral into its first option and has that option's provider reject it. */
async function rejectedByProvider(made: { ubrn: string; shortlist: Shortlist }) {
  const first = made.shortlist[0]!.service;
  const slot = await publishTestSlot(database, first.id);
  const booked = await call('demo-referrer', 'POST', `/api/v1/referrals/${made.ubrn}/appointment`, { slotId: slot }, { 'idempotency-key': randomUUID() });
  assert.equal(booked.statusCode, 201, booked.body);
  const provider = (await issueToken(database.db, await createAccount(database, `provider-${randomUUID().slice(0, 8)}`, 'provider', first.provider.odsCode), 'api')).token;
  const rejected = await call(provider, 'POST', `/api/v1/referrals/${made.ubrn}/review`, { outcome: 'REJECT', reason: 'INSUFFICIENT_INFORMATION' });
  assert.equal(rejected.statusCode, 200, rejected.body);
}

test('the referral centre\'s reason for fewer providers is the coded reason; its own shortlist of fewer than 5 is its choice', async () => {
  const options = (await refer()).shortlist;
  const byProvider = [...new Map(options.map((o) => [o.service.provider.odsCode, o.service.id])).values()];
  assert.ok(byProvider.length >= 2, 'the engine offers 2 providers or more');

  const asked = await refer({ triage: { rasId: 'DEMO-RAS-MSK' } });
  const triaged = await call('demo-referral-centre', 'POST', `/api/v1/referrals/${asked.ubrn}/triage`, { outcome: 'NEEDS_CONSULTANT', services: byProvider.slice(0, 2), fewerProvidersReason: 'PATIENT_ASKED' });
  assert.equal(triaged.statusCode, 200, triaged.body);
  const r = await recorded(asked.ubrn);
  assert.equal(r.options_offered, 2);
  assert.equal(r.fewer_options_code, 'PATIENT_ASKED');
  assert.equal(r.fact.fewer_options_code, 'PATIENT_ASKED');

  const all = await refer({ triage: { rasId: 'DEMO-RAS-MSK' } });
  assert.equal((await call('demo-referral-centre', 'POST', `/api/v1/referrals/${all.ubrn}/triage`, { outcome: 'NEEDS_CONSULTANT' })).statusCode, 200);
  const offered = await recorded(all.ubrn);
  assert.equal(offered.fewer_options_code, offered.options_offered >= 5 ? null : 'FEWER_WITHIN_REACH', `the centre's default offer of ${offered.options_offered}`);
});

test('a re-referral codes a shortlist the referrer chose, and the engine\'s shortfall', async () => {
  const chosen = await refer();
  assert.equal((await recorded(chosen.ubrn)).fewer_options_code, null, `${chosen.optionsOffered} options from the engine`);
  await rejectedByProvider(chosen);
  const again = await call('demo-referrer', 'POST', `/api/v1/referrals/${chosen.ubrn}/shortlist`, { shortlist: [chosen.shortlist[1]!.service.id] });
  assert.equal(again.statusCode, 200, again.body);
  const r = await recorded(chosen.ubrn);
  assert.equal(r.options_offered, 1);
  assert.equal(r.fewer_options_code, 'REFERRER_CHOSE');

  const engine = await refer({ shortlist: [chosen.shortlist[0]!.service.id, chosen.shortlist[1]!.service.id] });
  assert.equal((await recorded(engine.ubrn)).fewer_options_code, 'REFERRER_CHOSE');
  await rejectedByProvider(engine);
  const byEngine = await call('demo-referrer', 'POST', `/api/v1/referrals/${engine.ubrn}/shortlist`, {});
  assert.equal(byEngine.statusCode, 200, byEngine.body);
  const e = await recorded(engine.ubrn);
  assert.equal(e.fewer_options_code, e.options_offered >= 5 ? null : 'FEWER_WITHIN_REACH', `the engine's ${e.options_offered}`);
});

test('the patient\'s changed search codes the engine\'s shortfall, and clears it when 5 are offered again', async () => {
  const deps = createDeps(testConfig(), database, () => {});
  const made = await refer({ preferences: { sortBy: 'WAIT', maxDistanceKm: 2, originPostcode: null } });
  await database.db.updateTable('referral').set({ fewer_options_code: 'OTHER' }).where('ubrn', '=', made.ubrn).execute();
  const near = await changeSearch(deps, { kind: 'patient', role: 'patient', ubrn: made.ubrn }, made.ubrn, { originPostcode: null, sortBy: 'DISTANCE' });
  const r = await recorded(made.ubrn);
  assert.equal(r.options_offered, near.optionsOffered);
  assert.equal(r.fewer_options_code, near.optionsOffered >= 5 ? null : 'FEWER_WITHIN_REACH', `${near.optionsOffered} within 2 km`);
  assert.ok(near.optionsOffered < 5, `${near.optionsOffered} within 2 km of LS1 4AP`);
  await database.db.updateTable('referral').set({ preferences: JSON.stringify({ sortBy: 'WAIT', maxDistanceKm: null, originPostcode: null }) }).where('ubrn', '=', made.ubrn).execute();
  const wide = await changeSearch(deps, { kind: 'patient', role: 'patient', ubrn: made.ubrn }, made.ubrn, { originPostcode: null, sortBy: 'WAIT' });
  assert.equal(wide.optionsOffered, 5);
  assert.equal((await recorded(made.ubrn)).fewer_options_code, null);
});

test('the first faster alternative shown is recorded once, and only when there is one', async () => {
  const made = await refer();
  const alternatives = () => call('demo-referrer', 'GET', `/api/v1/referrals/${made.ubrn}/alternatives`);
  // Not yet past the 18-week point: no alternative is due, nothing recorded.
  assert.equal((await alternatives()).statusCode, 200);
  assert.equal((await recorded(made.ubrn)).faster_alternative_offered_at, null);
  // Waiting at the slowest service for 100 days: faster ones are shown.
  const slowest = await database.db.selectFrom('service').select('id').where('specialty_code', '=', '110').where('active', '=', true).where('indicative_wait_weeks', 'is not', null)
    .orderBy('indicative_wait_weeks', 'desc').executeTakeFirstOrThrow();
  await database.db.updateTable('referral').set({ current_service_id: slowest.id, rtt_clock_start: addDays(londonDate(), -100) }).where('ubrn', '=', made.ubrn).execute();
  const shown = await alternatives();
  assert.equal(shown.statusCode, 200, shown.body);
  assert.ok(shown.json().alternatives.length > 0, shown.body);
  const first = await recorded(made.ubrn);
  assert.ok(first.faster_alternative_offered_at instanceof Date);
  assert.equal(first.fact.faster_alternative_offered, true);
  await alternatives();
  assert.deepEqual((await recorded(made.ubrn)).faster_alternative_offered_at, first.faster_alternative_offered_at, 'recorded once');
});
