// The referral centre's job through the API, on the demo data: a GP practice refers to the musculoskeletal
// assessment service; the centre sees it on its worklist and triages it. At least 5 providers are offered, fewer
// only with a recorded reason; the RTT clock keeps the original referral date; only the centre that runs the
// service may triage; the returned outcomes go back to the practice with what the centre said.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { issueToken } from '../auth/sessions.ts';
import { DEMO_PASSWORD } from '../auth/demo-accounts.ts';
import type { Database } from '../db/database.ts';
import { addDays } from '../domain/rtt-clock.ts';
import { type Personalisation, render } from '../messages/templates.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { startDemoApp } from '../testing/test-app.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const tokens: Record<string, string> = {};

before(async () => {
  ({ app, database, close } = await startDemoApp('triage'));
  for (const username of ['demo-referrer', 'demo-referral-centre', 'demo-provider']) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username, password: DEMO_PASSWORD } });
    assert.equal(res.statusCode, 200, res.body);
    tokens[username] = res.json().token;
  }
  // Another referral centre, which runs no service the demo practice refers to.
  await createOrganisation(database, 'OTHER-RMC', 'Another referral centre', 'REFERRAL_CENTRE');
  tokens['other-centre'] = (await issueToken(database.db, await createAccount(database, 'other-centre', 'referral-centre', 'OTHER-RMC'), 'api')).token;
});
after(() => close());

const call = (who: string, method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}`, ...headers }, ...(payload ? { payload } : {}) });

let serial = 0;
/** A routine referral from the demo practice to the musculoskeletal assessment service. */
async function referForTriage(extra: { priority?: string; preferences?: object; specialty?: string; rasId?: string } = {}) {
  const res = await call('demo-referrer', 'POST', '/api/v1/referrals', {
    patient: { nhsNumber: '9990000018', givenName: 'Tia', familyName: `Triage${serial++}`, dateOfBirth: '1970-01-31', postcode: 'LS1 4AP' },
    specialty: extra.specialty ?? '110',
    priority: extra.priority ?? 'ROUTINE',
    clinicalSummary: 'Knee pain for 6 months, worse on stairs.',
    ...(extra.preferences ? { preferences: extra.preferences } : {}),
    triage: { rasId: extra.rasId ?? 'DEMO-RAS-MSK' },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { ubrn: string; status: string; rttClockStart: string; optionsOffered: number; shortlist: unknown[]; triage: { dueOn: string; sentOn: string } };
}

describe('sending a referral for triage', () => {
  test('the practice finds its ICB\'s assessment services for a specialty', async () => {
    const res = await call('demo-referrer', 'GET', '/api/v1/assessment-services?specialty=110');
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().assessmentServices.map((s: { id: string }) => s.id), ['DEMO-RAS-MSK']);
    assert.deepEqual((await call('demo-referrer', 'GET', '/api/v1/assessment-services?specialty=130')).json().assessmentServices.map((s: { id: string }) => s.id), ['DEMO-RAS-EYE']);
    assert.deepEqual((await call('demo-referrer', 'GET', '/api/v1/assessment-services?specialty=100')).json().assessmentServices, []);
  });

  test('a referral sent for triage awaits triage, with no shortlist yet, its clock started today and a due date by priority', async () => {
    const made = await referForTriage();
    assert.equal(made.status, 'AWAITING_TRIAGE');
    assert.equal(made.optionsOffered, 0);
    assert.deepEqual(made.shortlist, []);
    assert.equal(made.triage.sentOn, made.rttClockStart);
    assert.equal(made.triage.dueOn, addDays(made.rttClockStart, 14));
    const urgent = await referForTriage({ priority: 'URGENT' });
    assert.equal(urgent.triage.dueOn, addDays(urgent.rttClockStart, 2));

    const asGp = await call('demo-referrer', 'GET', `/api/v1/referrals/${made.ubrn}`);
    assert.equal(asGp.statusCode, 200);
    assert.equal(asGp.json().triage.assessmentService.id, 'DEMO-RAS-MSK');
    assert.equal(asGp.json().triage.outcome, null);
    assert.equal((await call('demo-referral-centre', 'GET', `/api/v1/referrals/${made.ubrn}`)).statusCode, 200, 'the centre sees it');
    assert.equal((await call('other-centre', 'GET', `/api/v1/referrals/${made.ubrn}`)).statusCode, 404, 'another centre does not');
    assert.equal((await call('demo-provider', 'GET', `/api/v1/referrals/${made.ubrn}`)).statusCode, 404, 'no provider is on its shortlist yet');
    const letter = await database.db.selectFrom('outbox').select(['kind', 'personalisation']).where('ubrn', '=', made.ubrn).where('channel', '=', 'letter').executeTakeFirstOrThrow();
    const { body } = render(letter.kind, 'letter', letter.personalisation as Personalisation);
    assert.match(body, /Your referral is being assessed first\. If you need to see a consultant, you will be offered at least 5/);
    assert.doesNotMatch(body, /choose from 0/);
    const history = asGp.json().history as { to: string; reason: string }[];
    assert.equal(history[0]!.to, 'AWAITING_TRIAGE');
    assert.match(history[0]!.reason, /sent to West Yorkshire Musculoskeletal Referral Assessment Service for triage/);
  });

  test('refused: a service that does not assess the specialty, one that does not exist, a shortlist as well', async () => {
    const base = {
      patient: { nhsNumber: '9990000018', givenName: 'Tia', familyName: 'Wrong', dateOfBirth: '1970-01-31', postcode: 'LS1 4AP' },
      specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Knee',
    };
    const eye = await call('demo-referrer', 'POST', '/api/v1/referrals', { ...base, triage: { rasId: 'DEMO-RAS-EYE' } });
    assert.equal(eye.statusCode, 422);
    assert.equal(eye.json().errors[0].field, 'triage.rasId');
    assert.match(eye.json().detail, /does not assess/);
    assert.equal((await call('demo-referrer', 'POST', '/api/v1/referrals', { ...base, triage: { rasId: 'NOPE' } })).statusCode, 422);
    const both = await call('demo-referrer', 'POST', '/api/v1/referrals', { ...base, shortlist: ['RR813-110'], triage: { rasId: 'DEMO-RAS-MSK' } });
    assert.equal(both.statusCode, 422);
    assert.equal(both.json().errors[0].field, 'shortlist');
  });
});

describe('the centre triages', () => {
  test('its worklist lists referrals to triage oldest first with due date and days left, and the overdue ones apart', async () => {
    const older = await referForTriage();
    const newer = await referForTriage();
    // Sent 20 days ago: past its 14-day target.
    const sent = addDays(older.rttClockStart, -20);
    await database.db.updateTable('referral_triage').set({ sent_on: sent, due_on: addDays(sent, 14) }).where('ubrn', '=', older.ubrn).execute();
    const all = (await call('demo-referral-centre', 'GET', '/api/v1/triage')).json();
    const ubrns = all.referrals.map((r: { ubrn: string }) => r.ubrn);
    assert.ok(ubrns.indexOf(older.ubrn) < ubrns.indexOf(newer.ubrn), 'oldest first');
    const o = all.referrals.find((r: { ubrn: string }) => r.ubrn === older.ubrn);
    assert.equal(o.daysLeft, -6);
    assert.equal(o.overdue, true);
    assert.equal(o.referringOrganisation.odsCode, 'B86025');
    const n = all.referrals.find((r: { ubrn: string }) => r.ubrn === newer.ubrn);
    assert.equal(n.daysLeft, 14);
    assert.equal(n.overdue, false);
    const overdue = (await call('demo-referral-centre', 'GET', '/api/v1/triage?overdue=true')).json().referrals.map((r: { ubrn: string }) => r.ubrn);
    assert.ok(overdue.includes(older.ubrn) && !overdue.includes(newer.ubrn));
    const inTime = (await call('demo-referral-centre', 'GET', '/api/v1/triage?overdue=false')).json().referrals.map((r: { ubrn: string }) => r.ubrn);
    assert.ok(!inTime.includes(older.ubrn) && inTime.includes(newer.ubrn));
    assert.deepEqual((await call('other-centre', 'GET', '/api/v1/triage')).json().referrals, [], 'another centre sees none of them');
  });

  test('needs a consultant: at least 5 providers, ranked by the patient\'s criteria; the patient can then book; the RTT clock unchanged', async () => {
    const made = await referForTriage({ preferences: { sortBy: 'DISTANCE', maxDistanceKm: 80 } });
    // Triaged a week later, the clock still starts on the day of referral.
    await database.db.updateTable('referral').set({ rtt_clock_start: addDays(made.rttClockStart, -7) }).where('ubrn', '=', made.ubrn).execute();
    const res = await call('demo-referral-centre', 'POST', `/api/v1/referrals/${made.ubrn}/triage`, { outcome: 'NEEDS_CONSULTANT' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().status, 'NOT_BOOKED');
    assert.ok(res.json().providersOffered >= 5, res.body);
    assert.equal(res.json().fewerOptionsReason, null);

    const referral = (await call('demo-referrer', 'GET', `/api/v1/referrals/${made.ubrn}`)).json();
    assert.equal(referral.rttClockStart, addDays(made.rttClockStart, -7), 'the RTT clock keeps its start');
    assert.equal(referral.optionsOffered, referral.shortlist.length);
    const providers = new Set(referral.shortlist.map((o: { service: { provider: { odsCode: string } } }) => o.service.provider.odsCode));
    assert.ok(providers.size >= 5);
    const distances = referral.shortlist.map((o: { distanceKm: number }) => o.distanceKm);
    assert.deepEqual(distances, [...distances].sort((a: number, b: number) => a - b), 'nearest first, as the patient asked');
    assert.deepEqual(referral.shortlist.map((o: { rank: number }) => o.rank), referral.shortlist.map((_: unknown, i: number) => i + 1));
    assert.equal(referral.triage.outcome, 'NEEDS_CONSULTANT');
    assert.match(referral.triage.triagedBy, /Riley Demo/);
    assert.match(referral.history.at(-1).reason, /needs a consultant; \d+ providers offered/);

    // The patient books from the centre's shortlist as from a GP's.
    const serviceId = referral.shortlist[0].service.id;
    const slots = await app.inject({ method: 'GET', url: `/api/v1/services/${serviceId}/slots` });
    const slotId = slots.json().slots[0].id;
    const booked = await call('demo-referrer', 'POST', `/api/v1/referrals/${made.ubrn}/appointment`, { slotId }, { 'idempotency-key': `triage-book-${made.ubrn}` });
    assert.equal(booked.statusCode, 201, booked.body);

    const again = await call('demo-referral-centre', 'POST', `/api/v1/referrals/${made.ubrn}/triage`, { outcome: 'ADVICE', advice: 'Too late' });
    assert.equal(again.statusCode, 409, 'triaged once');
  });

  test('fewer than 5 providers is refused without a reason from the list, and recorded with one', async () => {
    const made = await referForTriage();
    const ranked = await app.inject({ method: 'POST', url: '/api/v1/shortlists', payload: { specialty: '110', postcode: 'LS1 4AP', limit: 20 } });
    const byProvider = new Map<string, string>();
    for (const o of ranked.json().options as { service: { id: string; provider: { odsCode: string } } }[]) if (!byProvider.has(o.service.provider.odsCode)) byProvider.set(o.service.provider.odsCode, o.service.id);
    const three = [...byProvider.values()].slice(0, 3);

    const refused = await call('demo-referral-centre', 'POST', `/api/v1/referrals/${made.ubrn}/triage`, { outcome: 'NEEDS_CONSULTANT', services: three });
    assert.equal(refused.statusCode, 422, refused.body);
    assert.match(refused.headers['content-type'] as string, /application\/problem\+json/);
    assert.match(refused.json().detail, /Only 3 providers would be offered\. Offer the patient at least 5 providers, or record why fewer/);
    assert.equal(refused.json().errors[0].field, 'fewerProvidersReason');
    assert.equal((await call('demo-referrer', 'GET', `/api/v1/referrals/${made.ubrn}`)).json().status, 'AWAITING_TRIAGE', 'nothing changed');

    const unknownReason = await call('demo-referral-centre', 'POST', `/api/v1/referrals/${made.ubrn}/triage`, { outcome: 'NEEDS_CONSULTANT', services: three, fewerProvidersReason: 'BECAUSE' });
    assert.equal(unknownReason.statusCode, 400);

    const ok = await call('demo-referral-centre', 'POST', `/api/v1/referrals/${made.ubrn}/triage`, { outcome: 'NEEDS_CONSULTANT', services: three, fewerProvidersReason: 'PATIENT_ASKED', note: 'Wants Leeds only' });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().providersOffered, 3);
    assert.equal(ok.json().fewerOptionsReason, 'The patient asked to choose from fewer providers');
    const referral = (await call('demo-referrer', 'GET', `/api/v1/referrals/${made.ubrn}`)).json();
    assert.equal(referral.optionsOffered, 3);
    assert.equal(referral.fewerOptionsReason, 'The patient asked to choose from fewer providers');
    assert.equal(referral.triage.reasonCode, 'PATIENT_ASKED');
    assert.equal(referral.triage.detail, 'Wants Leeds only');
    assert.match(referral.history.at(-1).reason, /fewer than 5: The patient asked/);
  });

  test('services the centre chooses are ranked by the patient\'s criteria, whatever order they are sent in', async () => {
    const made = await referForTriage({ preferences: { sortBy: 'DISTANCE', maxDistanceKm: 80 } });
    const ranked = await app.inject({ method: 'POST', url: '/api/v1/shortlists', payload: { specialty: '110', postcode: 'LS1 4AP', sortBy: 'DISTANCE', maxDistanceKm: 80, limit: 20 } });
    const seen = new Set<string>();
    const fivePlaces = (ranked.json().options as { service: { id: string; provider: { odsCode: string } } }[])
      .filter((o) => !seen.has(o.service.provider.odsCode) && seen.add(o.service.provider.odsCode))
      .slice(0, 5)
      .map((o) => o.service.id);
    const res = await call('demo-referral-centre', 'POST', `/api/v1/referrals/${made.ubrn}/triage`, { outcome: 'NEEDS_CONSULTANT', services: [...fivePlaces].reverse() });
    assert.equal(res.statusCode, 200, res.body);
    const shortlist = (await call('demo-referrer', 'GET', `/api/v1/referrals/${made.ubrn}`)).json().shortlist.map((o: { service: { id: string } }) => o.service.id);
    assert.deepEqual(shortlist, fivePlaces, 'nearest first, as the patient asked');
  });

  test('two members of staff triaging at once: one outcome is recorded, the other is refused', async () => {
    const made = await referForTriage();
    const answers = await Promise.all([
      call('demo-referral-centre', 'POST', `/api/v1/referrals/${made.ubrn}/triage`, { outcome: 'ADVICE', advice: 'First' }),
      call('demo-referral-centre', 'POST', `/api/v1/referrals/${made.ubrn}/triage`, { outcome: 'REJECT', reason: 'DUPLICATE_REFERRAL' }),
    ]);
    assert.deepEqual(answers.map((a) => a.statusCode).sort(), [200, 409]);
    const history = (await call('demo-referrer', 'GET', `/api/v1/referrals/${made.ubrn}`)).json().history;
    assert.equal(history.filter((h: { from: string | null }) => h.from === 'AWAITING_TRIAGE').length, 1, 'one change from awaiting triage');
  });

  test('advice, redirection and rejection return the referral to the practice, which sees what the centre said', async () => {
    const advice = await referForTriage();
    const noText = await call('demo-referral-centre', 'POST', `/api/v1/referrals/${advice.ubrn}/triage`, { outcome: 'ADVICE', advice: '  ' });
    assert.equal(noText.statusCode, 400, 'advice is required');
    const res = await call('demo-referral-centre', 'POST', `/api/v1/referrals/${advice.ubrn}/triage`, { outcome: 'ADVICE', advice: 'Try 6 weeks of physiotherapy first.' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().status, 'REJECTED');
    const seen = (await call('demo-referrer', 'GET', `/api/v1/referrals/${advice.ubrn}`)).json();
    assert.equal(seen.triage.outcome, 'ADVICE');
    assert.equal(seen.triage.detail, 'Try 6 weeks of physiotherapy first.');
    assert.match(seen.history.at(-1).reason, /with advice: Try 6 weeks/);

    const redirect = await referForTriage();
    const r = await call('demo-referral-centre', 'POST', `/api/v1/referrals/${redirect.ubrn}/triage`, { outcome: 'REDIRECT', communityService: 'Leeds Community MSK Physiotherapy' });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal((await call('demo-referrer', 'GET', `/api/v1/referrals/${redirect.ubrn}`)).json().triage.detail, 'Leeds Community MSK Physiotherapy');

    const reject = await referForTriage();
    assert.equal((await call('demo-referral-centre', 'POST', `/api/v1/referrals/${reject.ubrn}/triage`, { outcome: 'REJECT' })).statusCode, 400, 'a reason is required');
    const j = await call('demo-referral-centre', 'POST', `/api/v1/referrals/${reject.ubrn}/triage`, { outcome: 'REJECT', reason: 'INSUFFICIENT_INFORMATION', note: 'No examination findings' });
    assert.equal(j.statusCode, 200, j.body);
    const rejected = (await call('demo-referrer', 'GET', `/api/v1/referrals/${reject.ubrn}`)).json();
    assert.equal(rejected.triage.reason, 'The referral does not have enough clinical information');

    const returned = (await call('demo-referral-centre', 'GET', '/api/v1/triage')).json().returned.map((x: { ubrn: string; outcome: string }) => `${x.ubrn} ${x.outcome}`);
    for (const line of [`${advice.ubrn} ADVICE`, `${redirect.ubrn} REDIRECT`, `${reject.ubrn} REJECT`]) assert.ok(returned.includes(line), line);
  });

  test('only the centre that runs the service may triage: another centre gets 404, the practice and providers 403', async () => {
    const made = await referForTriage();
    const other = await call('other-centre', 'POST', `/api/v1/referrals/${made.ubrn}/triage`, { outcome: 'ADVICE', advice: 'x' });
    assert.equal(other.statusCode, 404);
    assert.match(other.headers['content-type'] as string, /application\/problem\+json/);
    assert.equal((await call('demo-referrer', 'POST', `/api/v1/referrals/${made.ubrn}/triage`, { outcome: 'ADVICE', advice: 'x' })).statusCode, 403);
    assert.equal((await call('demo-provider', 'POST', `/api/v1/referrals/${made.ubrn}/triage`, { outcome: 'ADVICE', advice: 'x' })).statusCode, 403);
    assert.equal((await call('demo-referrer', 'GET', `/api/v1/referrals/${made.ubrn}`)).json().status, 'AWAITING_TRIAGE');
  });

  test('a referral never sent for triage cannot be triaged, even by a centre that may see it', async () => {
    const made = await call('demo-referral-centre', 'POST', '/api/v1/referrals', {
      patient: { nhsNumber: '9990000018', givenName: 'Ned', familyName: 'Direct', dateOfBirth: '1970-01-31', postcode: 'LS1 4AP' },
      specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Knee',
    });
    assert.equal(made.statusCode, 201, made.body);
    const res = await call('demo-referral-centre', 'POST', `/api/v1/referrals/${made.json().ubrn}/triage`, { outcome: 'ADVICE', advice: 'x' });
    assert.equal(res.statusCode, 404);
  });
});
