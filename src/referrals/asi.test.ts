// The provider's work on an appointment slot issue through the API: booking the patient into one of its own
// services through the one booking path (one winner, idempotent, the confirmation sent, off the worklist), and
// logging its attempts to contact the patient. Another provider on the shortlist is refused both.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { issuePatientToken, issueToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { createScratchDatabase } from '../testing/database.ts';
import { loadDirectoryFixture } from '../testing/directory-fixture.ts';
import { publishTestSlot } from '../testing/slots.ts';
import { startTestApp } from '../testing/test-app.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const tokens: Record<string, string> = {};
/** A service of another trust, at the same site as S2-110, that shortlists can name. */
const OTHER_TRUSTS = 'S2-110-RYY';

before(async () => {
  const scratch = await createScratchDatabase('asi');
  await loadDirectoryFixture(scratch);
  await createOrganisation(scratch, 'GP1', 'GP One', 'GP_PRACTICE');
  await createOrganisation(scratch, 'RYY', 'Other NHS Trust', 'NHS_TRUST');
  const s2 = await scratch.db.selectFrom('service').selectAll().where('id', '=', 'S2-110').executeTakeFirstOrThrow();
  await scratch.db.insertInto('service').values({ ...s2, id: OTHER_TRUSTS, name: 'Orthopaedics – Other Trust', provider_ods_code: 'RYY' }).execute();
  ({ app, database, close } = await startTestApp(scratch));
  for (const [username, role, org] of [['referrer', 'referrer', 'GP1'], ['provider', 'provider', 'RXX'], ['provider-2', 'provider', 'RXX'], ['other-provider', 'provider', 'RYY']] as const) {
    tokens[username] = (await issueToken(database.db, await createAccount(database, username, role, org), 'api')).token;
  }
});
after(() => close());

const headers = (who: string, key?: string) => ({ authorization: `Bearer ${tokens[who] ?? who}`, ...(key ? { 'idempotency-key': key } : {}) });

/** A referral shortlisting S1-110, S2-110 (both the fixture trust's) and the other trust's service, deferred to S1-110. */
async function deferredReferral(): Promise<{ ubrn: string; patient: string }> {
  const res = await app.inject({
    method: 'POST', url: '/api/v1/referrals', headers: headers('referrer'),
    payload: {
      patient: { nhsNumber: '9990000026', givenName: 'Bea', familyName: 'Jones', dateOfBirth: '1980-05-05', postcode: 'LS1 4AP', email: 'bea@example.org', mobile: '07700 900123' },
      specialty: '110', priority: 'URGENT', clinicalSummary: 'Hip pain', shortlist: ['S1-110', 'S2-110', OTHER_TRUSTS],
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  const ubrn = res.json().ubrn as string;
  const patient = (await issuePatientToken(database.db, ubrn, 'api')).token;
  // S1-110 has no free slot in these tests unless one publishes it after deferring.
  await database.db.updateTable('slot').set({ withdrawn_at: new Date() }).where('service_id', '=', 'S1-110').where('withdrawn_at', 'is', null).execute();
  const deferred = await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/deferral`, headers: headers(patient), payload: { serviceId: 'S1-110' } });
  assert.equal(deferred.statusCode, 200, deferred.body);
  return { ubrn, patient };
}

const book = (ubrn: string, slotId: string, who: string, key: string = randomUUID()) =>
  app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/appointment`, headers: headers(who, key), payload: { slotId } });
const logAttempt = (ubrn: string, who: string, body: object) =>
  app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/contact-attempts`, headers: headers(who), payload: body });
const attempts = (ubrn: string, who: string) => app.inject({ method: 'GET', url: `/api/v1/referrals/${ubrn}/contact-attempts`, headers: headers(who) });
const worklist = async (who = 'provider') => (await app.inject({ method: 'GET', url: '/api/v1/provider/deferrals', headers: headers(who) })).json().deferrals as { ubrn: string; contactAttempts: { count: number; last: { outcome: string } | null } }[];
const view = async (ubrn: string) => (await app.inject({ method: 'GET', url: `/api/v1/referrals/${ubrn}`, headers: headers('referrer') })).json();

describe('the provider books a deferred referral', () => {
  test('into another of its services on the shortlist: booked, the patient sent the confirmation, off the worklist', async () => {
    const { ubrn } = await deferredReferral();
    assert.ok((await worklist()).some((d) => d.ubrn === ubrn), 'on the worklist before');
    const slot = await publishTestSlot(database, 'S2-110');
    const res = await book(ubrn, slot, 'provider');
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().status, 'BOOKED');
    assert.equal(res.json().appointment.serviceId, 'S2-110');
    const r = await view(ubrn);
    assert.equal(r.status, 'BOOKED');
    assert.equal(r.deferral, null);
    assert.match(r.history.at(-1).by, /Test provider \(Fixture NHS Trust\)/);
    const sent = await database.db.selectFrom('outbox').select(['kind', 'channel']).where('ubrn', '=', ubrn).where('kind', '=', 'BOOKING_CONFIRMATION').execute();
    assert.ok(sent.length >= 1, 'the booking confirmation is in the outbox');
    assert.ok(!(await worklist()).some((d) => d.ubrn === ubrn), 'off the worklist after');
  });

  test('the same Idempotency-Key books once and answers the same', async () => {
    const { ubrn } = await deferredReferral();
    const slot = await publishTestSlot(database, 'S2-110');
    const key = randomUUID();
    const [first, again] = await Promise.all([book(ubrn, slot, 'provider', key), book(ubrn, slot, 'provider', key)]);
    assert.equal(first.statusCode, 201, first.body);
    assert.equal(again.statusCode, 201, again.body);
    assert.deepEqual(again.json(), first.json());
    const n = await database.db.selectFrom('appointment').select((eb) => eb.fn.countAll<string>().as('n')).where('ubrn', '=', ubrn).executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 1);
  });

  test('races keep one winner: two of its staff, the patient and the referrer booking one referral at once', async () => {
    const { ubrn, patient } = await deferredReferral();
    const slots = await Promise.all(Array.from({ length: 8 }, () => publishTestSlot(database, 'S2-110')));
    const who = ['provider', 'provider-2', patient, 'referrer'];
    const answers = await Promise.all(slots.map((slot, i) => book(ubrn, slot, who[i % who.length]!)));
    const codes = answers.map((a) => a.statusCode).sort();
    assert.deepEqual(codes, [201, ...Array(7).fill(409)], answers.map((a) => a.body).join('\n'));
    const live = await database.db.selectFrom('appointment').select('slot_id').where('ubrn', '=', ubrn).where('cancelled_at', 'is', null).execute();
    assert.equal(live.length, 1);
  });

  test('races keep one winner: the provider and another patient for one slot', async () => {
    const a = await deferredReferral();
    const b = await deferredReferral();
    const slot = await publishTestSlot(database, 'S2-110');
    const answers = await Promise.all([book(a.ubrn, slot, 'provider'), book(b.ubrn, slot, b.patient)]);
    assert.deepEqual(answers.map((x) => x.statusCode).sort(), [201, 409]);
  });

  test('refused: another provider on the shortlist (403), a slot of another trust\'s service (422), a referral not deferred (403)', async () => {
    const { ubrn } = await deferredReferral();
    const theirs = await publishTestSlot(database, OTHER_TRUSTS);
    const other = await book(ubrn, theirs, 'other-provider');
    assert.equal(other.statusCode, 403, other.body);
    assert.match(other.json().detail, /provider of the booked or deferred service/);
    const wrongService = await book(ubrn, theirs, 'provider');
    assert.equal(wrongService.statusCode, 422, wrongService.body);
    assert.deepEqual(wrongService.json().errors, [{ field: 'slotId', message: 'Choose a slot of one of your own services' }]);
    assert.equal((await view(ubrn)).status, 'DEFERRED_TO_PROVIDER', 'nothing changed');

    const notDeferred = await app.inject({
      method: 'POST', url: '/api/v1/referrals', headers: headers('referrer'),
      payload: { patient: { nhsNumber: '9990000026', givenName: 'Cy', familyName: 'Jones', dateOfBirth: '1980-05-05', postcode: 'LS1 4AP' }, specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Knee', shortlist: ['S2-110'] },
    });
    const refused = await book(notDeferred.json().ubrn, await publishTestSlot(database, 'S2-110'), 'provider');
    assert.equal(refused.statusCode, 403, refused.body);
    assert.match(refused.json().detail, /only a referral deferred to one of its services/);
  });
});

describe('contact attempts', () => {
  test('logged with a default time of now, listed oldest first, noted in the history and counted on the worklist', async () => {
    const { ubrn } = await deferredReferral();
    const earlier = new Date(Date.now() - 60_000).toISOString();
    const first = await logAttempt(ubrn, 'provider', { attemptedAt: earlier, method: 'PHONE', outcome: 'NO_ANSWER' });
    assert.equal(first.statusCode, 201, first.body);
    assert.equal(first.json().attemptedAt, earlier);
    assert.match(first.json().recordedBy, /Test provider/);
    const second = await logAttempt(ubrn, 'provider-2', { method: 'PHONE', outcome: 'VOICEMAIL', note: 'Asked her to call the booking team.' });
    assert.equal(second.statusCode, 201, second.body);
    assert.ok(Math.abs(Date.parse(second.json().attemptedAt) - Date.now()) < 10_000, 'now when not given');

    const listed = await attempts(ubrn, 'provider');
    assert.equal(listed.statusCode, 200, listed.body);
    assert.deepEqual(listed.json().contactAttempts.map((a: { outcome: string }) => a.outcome), ['NO_ANSWER', 'VOICEMAIL']);
    assert.equal(listed.json().contactAttempts[1].note, 'Asked her to call the booking team.');

    const history = (await view(ubrn)).history;
    const notes = history.filter((h: { reason: string }) => h.reason.startsWith('Contact attempt'));
    assert.equal(notes.length, 2);
    assert.match(notes[1].reason, /^Contact attempt \(phone call at \d\d:\d\d\): Left a voicemail$/);
    assert.ok(!notes.some((h: { reason: string }) => h.reason.includes('booking team')), 'the note stays with the attempt');
    assert.deepEqual(notes.map((h: { from: string; to: string }) => [h.from, h.to]), [['DEFERRED_TO_PROVIDER', 'DEFERRED_TO_PROVIDER'], ['DEFERRED_TO_PROVIDER', 'DEFERRED_TO_PROVIDER']]);

    const row = (await worklist()).find((d) => d.ubrn === ubrn)!;
    assert.equal(row.contactAttempts.count, 2);
    assert.equal(row.contactAttempts.last?.outcome, 'VOICEMAIL');
  });

  test('bad input: problem+json naming the field', async () => {
    const { ubrn } = await deferredReferral();
    const future = await logAttempt(ubrn, 'provider', { attemptedAt: new Date(Date.now() + 3_600_000).toISOString(), method: 'PHONE', outcome: 'NO_ANSWER' });
    assert.equal(future.statusCode, 422);
    assert.match(String(future.headers['content-type']), /application\/problem\+json/);
    assert.deepEqual(future.json().errors, [{ field: 'attemptedAt', message: 'must not be in the future' }]);
    const yesterday = await logAttempt(ubrn, 'provider', { attemptedAt: new Date(Date.now() - 2 * 86_400_000).toISOString(), method: 'PHONE', outcome: 'NO_ANSWER' });
    assert.equal(yesterday.statusCode, 422);
    assert.equal(yesterday.json().errors[0].field, 'attemptedAt');
    const mismatch = await logAttempt(ubrn, 'provider', { method: 'LETTER', outcome: 'VOICEMAIL' });
    assert.equal(mismatch.statusCode, 422);
    assert.deepEqual(mismatch.json().errors, [{ field: 'outcome', message: '"Left a voicemail" does not follow a letter' }]);
    for (const body of [{ method: 'PIGEON', outcome: 'NO_ANSWER' }, { method: 'PHONE' }, { method: 'PHONE', outcome: 'NO_ANSWER', note: 'x'.repeat(1001) }, { method: 'PHONE', outcome: 'NO_ANSWER', attemptedAt: 'this morning' }]) {
      const res = await logAttempt(ubrn, 'provider', body);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      assert.ok(res.json().detail, 'a useful detail');
    }
    assert.equal((await attempts(ubrn, 'provider')).json().contactAttempts.length, 0, 'nothing logged');
  });

  test('only the provider it is deferred to: another provider on the shortlist is refused; after booking, nothing more to log', async () => {
    const { ubrn } = await deferredReferral();
    assert.equal((await logAttempt(ubrn, 'other-provider', { method: 'PHONE', outcome: 'NO_ANSWER' })).statusCode, 403);
    assert.equal((await attempts(ubrn, 'other-provider')).statusCode, 403);
    assert.equal((await logAttempt('999999999999', 'provider', { method: 'PHONE', outcome: 'NO_ANSWER' })).statusCode, 404);
    assert.equal((await logAttempt(ubrn, 'provider', { method: 'PHONE', outcome: 'REACHED_BOOKED' })).statusCode, 201);
    assert.equal((await book(ubrn, await publishTestSlot(database, 'S2-110'), 'provider')).statusCode, 201);
    const late = await logAttempt(ubrn, 'provider', { method: 'PHONE', outcome: 'NO_ANSWER' });
    assert.equal(late.statusCode, 409);
    assert.match(late.json().detail, /not deferred/);
    const kept = await attempts(ubrn, 'provider');
    assert.equal(kept.statusCode, 200, 'the provider still sees the attempts it logged');
    assert.equal(kept.json().contactAttempts.length, 1);
    assert.equal((await attempts(ubrn, 'other-provider')).statusCode, 403);
  });
});
