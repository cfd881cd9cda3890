// The waiting-too-long journeys through the API against a real database: the 18-week alternative, and a PIDMAS
// request from invitation to the move, through DMAS offers, the matching run and both providers' decisions.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { issueToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { addDays } from '../domain/rtt-clock.ts';
import { londonDate } from '../domain/dates.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { startFixtureApp } from '../testing/directory-fixture.ts';
import { type Personalisation, render, withServiceAddress } from '../messages/templates.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const tokens: Record<string, string> = {};
const today = londonDate();

before(async () => {
  ({ app, database, close } = await startFixtureApp('waiting'));
  await createOrganisation(database, 'GP1', 'GP One', 'GP_PRACTICE');
  await createOrganisation(database, 'GP2', 'GP Two', 'GP_PRACTICE');
  await createOrganisation(database, 'RYY', 'Other NHS Trust', 'NHS_TRUST');
  await createOrganisation(database, 'QWO', 'Fixture ICB', 'ICB');
  // GP One is in England (North East and Yorkshire); both trusts in one ICB.
  await database.db.updateTable('organisation').set({ region_code: 'Y63', icb_code: 'QWO' }).where('ods_code', 'in', ['GP1', 'RXX', 'RYY']).execute();
  await database.db.insertInto('service').values({
    id: 'S3-110-RYY', name: 'Orthopaedics – Other Trust at Site S3', specialty_code: '110', provider_ods_code: 'RYY', site_ods_code: 'S3', clinic_type: null, consultant_team: null,
    min_age: null, max_age: null, indicative_wait_weeks: 9, indicative_wait_as_of: '2026-04-30', indicative_wait_basis: null, accessibility: null, accreditation_status: 'ACCREDITED',
    latitude: 53.7965 + 30 / 111.195, longitude: -1.5478,
  }).execute();
  for (const [username, role, org] of [['gp1', 'referrer', 'GP1'], ['gp2', 'referrer', 'GP2'], ['rxx', 'provider', 'RXX'], ['ryy', 'provider', 'RYY'], ['icb', 'commissioner', 'QWO'], ['admin', 'admin', 'RXX']] as const) {
    tokens[username] = (await issueToken(database.db, await createAccount(database, username, role, org), 'api')).token;
  }
});
after(() => close());

const as = (who: string | null) => (who ? { authorization: `Bearer ${tokens[who] ?? who}` } : {});
const call = (method: 'GET' | 'POST' | 'DELETE', url: string, who: string | null, payload?: object) => app.inject({ method, url, headers: as(who), ...(payload ? { payload } : {}) });

async function referral(givenName: string, nhsNumber: string) {
  const res = await call('POST', '/api/v1/referrals', 'gp1', {
    patient: { nhsNumber, givenName, familyName: 'Long', dateOfBirth: '1960-05-01', postcode: 'LS1 4AP', email: null, mobile: null },
    specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Hip pain, waiting for assessment.',
    preferences: { sortBy: 'WAIT', maxDistanceKm: 80, originPostcode: null }, shortlist: null,
  });
  assert.equal(res.statusCode, 201, res.body);
  const created = res.json() as { ubrn: string; accessCode: string };
  const token = await call('POST', '/api/v1/patient/token', null, { ubrn: created.ubrn, accessCode: created.accessCode, dateOfBirth: '1960-05-01' });
  assert.equal(token.statusCode, 200, token.body);
  tokens[givenName] = token.json().token;
  return created.ubrn;
}

/** Makes the patient one who has waited `days` at a service, as a pathway from a waiting list would be. */
const waitingAt = (ubrn: string, serviceId: string, days: number) =>
  database.db.updateTable('referral').set({ current_service_id: serviceId, rtt_clock_start: addDays(today, -days) }).where('ubrn', '=', ubrn).execute();

const statusOf = async (ubrn: string) => (await database.db.selectFrom('referral').select(['status', 'rtt_clock_start', 'transferred_from_ubrn']).where('ubrn', '=', ubrn).executeTakeFirstOrThrow());

describe('the 18-week alternative', () => {
  test('a patient forecast to pass 18 weeks sees the faster services, chooses one, and the pathway moves with its clock', async () => {
    const ubrn = await referral('Ann', '9990000018');
    await waitingAt(ubrn, 'S1-110', 100); // S1 waits 30 weeks: seen about 210 days after referral, past 126
    const found = await call('GET', `/api/v1/referrals/${ubrn}/alternatives`, 'Ann');
    assert.equal(found.statusCode, 200, found.body);
    const answer = found.json();
    assert.equal(answer.pathway.mayAskForAlternative, true);
    assert.equal(answer.pathway.breachDate, addDays(today, 26));
    assert.match(answer.pathway.explanation, /more than 18 weeks/);
    // Faster than S1 and within 80 km, in the patient's order (shortest wait): S5 and S6 are too far.
    assert.deepEqual(answer.alternatives.map((a: { service: { id: string } }) => a.service.id), ['S4-110', 'S3-110', 'S3-110-RYY', 'S2-110']);
    assert.ok(answer.alternatives.every((a: { soonerByWeeks: number; reasons: string[] }) => a.soonerByWeeks > 0 && a.reasons.some((r) => /sooner/.test(r))));

    const wrong = await call('POST', `/api/v1/referrals/${ubrn}/alternatives`, 'Ann', { serviceId: 'S1-110' });
    assert.equal(wrong.statusCode, 422);
    assert.equal(wrong.headers['content-type'], 'application/problem+json; charset=utf-8');

    const moved = await call('POST', `/api/v1/referrals/${ubrn}/alternatives`, 'Ann', { serviceId: 'S3-110' });
    assert.equal(moved.statusCode, 201, moved.body);
    const { ubrn: newUbrn, accessCode } = moved.json();
    assert.notEqual(newUbrn, ubrn);
    assert.match(accessCode, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const [before, after] = [await statusOf(ubrn), await statusOf(newUbrn)];
    assert.equal(before.status, 'TRANSFERRED');
    assert.equal(after.status, 'NOT_BOOKED');
    assert.equal(after.rtt_clock_start, before.rtt_clock_start);
    assert.equal(after.transferred_from_ubrn, ubrn);
    // The patient stays signed in, now to the new referral; the old history says where it went.
    const mine = (await call('GET', '/api/v1/patient/referrals', 'Ann')).json();
    assert.deepEqual(mine.referrals.map((r: { ubrn: string }) => r.ubrn), [newUbrn]);
    const old = (await call('GET', `/api/v1/referrals/${ubrn}`, 'gp1')).json();
    assert.match(old.history.at(-1).reason, new RegExp(`faster alternative.*${newUbrn}`));
    const letter = await database.db.selectFrom('outbox').select('kind').where('ubrn', '=', newUbrn).execute();
    assert.deepEqual(letter.map((m) => m.kind), ['TRANSFERRED']);
  });

  test('a patient past 18 weeks and past their service\'s typical wait is offered the services with shorter waits than it', async () => {
    const ubrn = await referral('Eve', '9990000050');
    await waitingAt(ubrn, 'S2-110', 200); // S2's typical wait is 12.5 weeks: nothing says when Eve will be seen
    const answer = (await call('GET', `/api/v1/referrals/${ubrn}/alternatives`, 'Eve')).json();
    assert.equal(answer.pathway.forecastBasis, 'PAST_INDICATIVE_WAIT');
    assert.equal(answer.pathway.forecastFirstAppointment, null);
    assert.equal(answer.pathway.mayAskForAlternative, true);
    assert.deepEqual(answer.alternatives.map((a: { service: { id: string } }) => a.service.id), ['S4-110', 'S3-110', 'S3-110-RYY']);
    assert.ok(answer.alternatives.every((a: { soonerByWeeks: number | null }) => a.soonerByWeeks === null));
  });

  test('no alternative is due within 18 weeks; another practice cannot even see the referral', async () => {
    const ubrn = await referral('Cat', '9990000026');
    await waitingAt(ubrn, 'S2-110', 10);
    const found = (await call('GET', `/api/v1/referrals/${ubrn}/alternatives`, 'gp1')).json();
    assert.equal(found.pathway.mayAskForAlternative, false);
    assert.deepEqual(found.alternatives, []);
    assert.equal((await call('POST', `/api/v1/referrals/${ubrn}/alternatives`, 'gp1', { serviceId: 'S4-110' })).statusCode, 422);
    assert.equal((await call('GET', `/api/v1/referrals/${ubrn}/alternatives`, 'gp2')).statusCode, 404);
    assert.equal((await call('GET', `/api/v1/referrals/${ubrn}/alternatives`, 'rxx')).statusCode, 403);
  });
});

describe('PIDMAS and DMAS: from invitation to the move', () => {
  test('invite, opt in, validate, offer capacity, match, accept as provider, accept as patient', async () => {
    const ubrn = await referral('Bob', '9990000034');
    await waitingAt(ubrn, 'S1-110', 300); // about 43 weeks

    const view = (await call('GET', '/api/v1/patient/pidmas', 'Bob')).json();
    assert.equal(view.eligibility.eligible, true, JSON.stringify(view.eligibility));

    // Only the provider the patient waits at may invite.
    assert.equal((await call('POST', '/api/v1/pidmas/invitations', 'ryy', { ubrn })).statusCode, 403);
    const invited = await call('POST', '/api/v1/pidmas/invitations', 'rxx', { ubrn });
    assert.equal(invited.statusCode, 201, invited.body);
    const signIn = await call('POST', '/api/v1/patient/token', null, { ubrn, accessCode: invited.json().accessCode, dateOfBirth: '1960-05-01' });
    assert.equal(signIn.statusCode, 200, 'the invitation\'s access code lets the patient in');
    const invitation = await database.db.selectFrom('outbox').select(['kind', 'personalisation']).where('ubrn', '=', ubrn).where('kind', '=', 'PIDMAS_INVITATION').executeTakeFirstOrThrow();
    // The service's address is added as it is sent (PUBLIC_URL), so a queued letter goes out with the address that works.
    const letter = render('PIDMAS_INVITATION', 'letter', withServiceAddress(invitation.personalisation as Personalisation, 'https://openchoice.example.nhs.uk'));
    assert.match(letter.body, /go to https:\/\/openchoice\.example\.nhs\.uk\/manage and sign in/);

    const noLanguage = await call('POST', '/api/v1/patient/pidmas', 'Bob', { travel: '100_MILES', supportNeeded: ['INTERPRETER'], contactPreference: 'LETTER' });
    assert.equal(noLanguage.statusCode, 422);
    assert.equal(noLanguage.json().errors[0].field, 'interpreterLanguage');
    const opted = await call('POST', '/api/v1/patient/pidmas', 'Bob', { travel: '100_MILES', unavailableDates: 'Not in the week of 14 December', supportNeeded: ['TRANSPORT'], contactPreference: 'LETTER' });
    assert.equal(opted.statusCode, 200, opted.body);
    assert.equal(opted.json().request.status, 'OPTED_IN');

    const worklist = (await call('GET', '/api/v1/pidmas/validation', 'rxx')).json();
    const item = worklist.requests.find((r: { ubrn: string }) => r.ubrn === ubrn);
    assert.ok(item, 'on the current provider\'s validation worklist');
    assert.deepEqual((await call('GET', '/api/v1/pidmas/validation', 'ryy')).json().requests, []);
    assert.equal((await call('POST', `/api/v1/pidmas/requests/${item.id}/validation`, 'rxx', { suitable: false })).statusCode, 422, 'not suitable needs a reason');
    assert.equal((await call('POST', `/api/v1/pidmas/requests/${item.id}/validation`, 'rxx', { suitable: true })).statusCode, 200);

    // RYY offers capacity; RXX may not offer RYY's service.
    const offerBody = { serviceId: 'S3-110-RYY', capacityPerWeek: 2, startsOn: today, endsOn: addDays(today, 27), minAge: 18, maxAge: null };
    assert.equal((await call('POST', '/api/v1/mutual-aid/offers', 'rxx', offerBody)).statusCode, 422);
    assert.equal((await call('POST', '/api/v1/mutual-aid/offers', 'ryy', { ...offerBody, endsOn: addDays(today, -1) })).statusCode, 422);
    const offer = await call('POST', '/api/v1/mutual-aid/offers', 'ryy', offerBody);
    assert.equal(offer.statusCode, 201, offer.body);
    assert.equal(offer.json().capacity, 8);
    assert.equal((await call('POST', '/api/v1/mutual-aid/requests', 'rxx', { specialty: '110', patients: 40, neededBy: addDays(today, 60), constraints: 'Routine hips and knees' })).statusCode, 201);

    assert.equal((await call('POST', '/api/v1/mutual-aid/matching-runs', 'rxx')).statusCode, 403);
    const run = await call('POST', '/api/v1/mutual-aid/matching-runs', 'admin');
    assert.equal(run.statusCode, 200, run.body);
    assert.deepEqual({ ...(run.json() as object), runId: 0 }, { runId: 0, patients: 1, offers: 1, proposed: 1, proposedWithinIcb: 1, noMatch: 0, unchanged: false });
    const again = (await call('POST', '/api/v1/mutual-aid/matching-runs', 'icb')).json();
    assert.equal(again.proposed, 0, 'a second run proposes nobody twice');
    const audit = await database.db.selectFrom('match_run').select(['input', 'result']).where('id', '=', run.json().runId).executeTakeFirstOrThrow();
    assert.equal((audit.input as { patients: unknown[] }).patients.length, 1);

    const incoming = (await call('GET', '/api/v1/mutual-aid/transfers', 'ryy')).json().incoming;
    assert.equal(incoming.length, 1);
    assert.equal(incoming[0].ubrn, ubrn);
    assert.ok(incoming[0].explanation.why.some((w: string) => /waited/.test(w)));
    assert.equal((await call('GET', '/api/v1/mutual-aid/transfers', 'rxx')).json().outgoing.length, 1);
    assert.equal((await call('POST', `/api/v1/mutual-aid/transfers/${incoming[0].id}/decision`, 'rxx', { decision: 'ACCEPT' })).statusCode, 404, 'only the receiving provider decides');
    const accepted = await call('POST', `/api/v1/mutual-aid/transfers/${incoming[0].id}/decision`, 'ryy', { decision: 'ACCEPT' });
    assert.equal(accepted.statusCode, 200, accepted.body);

    const offered = (await call('GET', '/api/v1/patient/pidmas', 'Bob')).json();
    assert.equal(offered.request.status, 'OFFERED');
    assert.equal(offered.offer.provider, 'Other NHS Trust');
    const moved = await call('POST', '/api/v1/patient/pidmas/offer', 'Bob', { decision: 'ACCEPT' });
    assert.equal(moved.statusCode, 200, moved.body);
    const newUbrn = moved.json().ubrn;
    const [old, now] = [await statusOf(ubrn), await statusOf(newUbrn)];
    assert.equal(old.status, 'TRANSFERRED');
    assert.equal(now.status, 'ACCEPTED');
    assert.equal(now.rtt_clock_start, old.rtt_clock_start);
    // Both providers see the move: the new one the new referral, the old one the transferred referral.
    assert.equal((await call('GET', `/api/v1/referrals/${newUbrn}`, 'ryy')).statusCode, 200);
    assert.equal((await call('GET', `/api/v1/referrals/${ubrn}`, 'rxx')).json().status, 'TRANSFERRED');

    const board = await call('GET', '/api/v1/mutual-aid/board', 'icb');
    assert.equal(board.statusCode, 200);
    const row = board.json().rows.find((r: { specialty: { code: string } }) => r.specialty.code === '110');
    assert.equal(row.moved, 1);
    assert.equal(row.requests, 1);
    assert.equal((await call('GET', '/api/v1/mutual-aid/board', 'rxx')).statusCode, 403);
  });

  test('a patient who does not meet the rules is told which, and cannot opt in; one who declines keeps their place', async () => {
    const ubrn = await referral('Dan', '9990000042');
    await waitingAt(ubrn, 'S1-110', 100);
    const view = (await call('GET', '/api/v1/patient/pidmas', 'Dan')).json();
    assert.equal(view.eligibility.eligible, false);
    assert.deepEqual(view.eligibility.rules.filter((r: { passed: boolean }) => !r.passed).map((r: { rule: string }) => r.rule), ['WAITED_LONG_ENOUGH']);
    const refused = await call('POST', '/api/v1/patient/pidmas', 'Dan', { travel: 'ANYWHERE', contactPreference: 'EMAIL' });
    assert.equal(refused.statusCode, 422);
    assert.match(refused.json().detail, /more than 40/);
    assert.equal((await call('POST', '/api/v1/pidmas/invitations', 'rxx', { ubrn })).statusCode, 422);
  });
});
