// Reminders and escalations on chosen days ("today" is injected), once per referral per day, and the provider's
// ASI worklist with days left.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { daysLeft } from '../domain/contact-by.ts';
import { londonDate } from '../domain/dates.ts';
import { outboxOf, type Journeys, startJourneys } from '../testing/journeys.ts';
import { raiseDeferralAlerts, SYSTEM_ACTOR } from './deferral-alerts.ts';

let j: Journeys;
before(async () => {
  j = await startJourneys('deferral_alerts');
});
after(() => j.close());

const FALLBACK = 'asi@example.nhs.uk';
const plusDays = (date: string, days: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

/** A referral deferred to S4-110 (no slots there), with its contact-by date set to `contactBy`. */
async function deferred(contactBy: string, priority = 'ROUTINE') {
  const r = await j.newReferral({}, priority);
  const res = await j.defer(r.ubrn, 'S4-110', r.patient);
  assert.equal(res.statusCode, 200, res.body);
  await j.database.db.updateTable('referral').set({ contact_by: contactBy }).where('ubrn', '=', r.ubrn).execute();
  return r;
}

const alerts = (ubrn: string) => outboxOf(j.database, ubrn).then((rows) => rows.filter((m) => m.audience === 'provider'));
const escalations = (ubrn: string) =>
  j.database.db.selectFrom('referral_event').selectAll().where('ubrn', '=', ubrn).where('actor_kind', '=', 'system').orderBy('id').execute();
const run = (today: string) => raiseDeferralAlerts(j.database.db, { today, reminderDaysBefore: 3, fallbackEmail: FALLBACK });

describe('deferral reminders and escalations', () => {
  test('a reminder when 3 days are left, once; none before', async () => {
    const today = '2030-03-10';
    const r = await deferred('2030-03-13');
    await run('2030-03-09'); // 4 days left
    assert.equal((await alerts(r.ubrn)).length, 0);
    await run(today);
    await run(today); // twice on a day: nothing more
    await run('2030-03-11'); // a reminder is sent once per deferral
    const sent = await alerts(r.ubrn);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.kind, 'CONTACT_BY_REMINDER');
    assert.equal(sent[0]!.channel, 'email');
    assert.equal(sent[0]!.recipient, FALLBACK);
    assert.equal((sent[0]!.personalisation as Record<string, unknown>).days_left, 3);
    assert.equal((await escalations(r.ubrn)).length, 0);
  });

  test("an overdue deferral is escalated to the provider's own address with a history entry, once a day at most, again a week on", async () => {
    await j.database.db.insertInto('provider_contact').values({ ods_code: 'RXX', asi_email: 'asi@fixture.nhs.uk' }).execute();
    try {
      const r = await deferred('2030-04-01');
      const first = await run('2030-04-02');
      assert.equal(first.escalated >= 1, true);
      await run('2030-04-02');
      await run('2030-04-05');
      let sent = (await alerts(r.ubrn)).filter((m) => m.kind === 'DEFERRAL_OVERDUE');
      assert.equal(sent.length, 1, 'once, not daily');
      assert.equal(sent[0]!.recipient, 'asi@fixture.nhs.uk');
      assert.equal((sent[0]!.personalisation as Record<string, unknown>).days_overdue, 1);
      const history = await escalations(r.ubrn);
      assert.equal(history.length, 1);
      assert.equal(history[0]!.actor_label, SYSTEM_ACTOR);
      assert.equal(history[0]!.to_status, 'DEFERRED_TO_PROVIDER');
      assert.match(history[0]!.reason, /Escalated: .* by 1 April 2030 and is 1 day overdue/);

      await run('2030-04-09'); // a week after the first escalation, still overdue
      sent = (await alerts(r.ubrn)).filter((m) => m.kind === 'DEFERRAL_OVERDUE');
      assert.equal(sent.length, 2);
      assert.equal((sent[1]!.personalisation as Record<string, unknown>).days_overdue, 8);
      assert.equal((await escalations(r.ubrn)).length, 2);
    } finally {
      await j.database.db.deleteFrom('provider_contact').where('ods_code', '=', 'RXX').execute();
    }
  });

  test('a referral acted on is left alone', async () => {
    const r = await deferred('2030-05-01');
    const review = await j.app.inject({ method: 'POST', url: `/api/v1/referrals/${r.ubrn}/review`, headers: { authorization: `Bearer ${j.tokens.provider}` }, payload: { outcome: 'ACCEPT' } });
    assert.equal(review.statusCode, 200, review.body);
    await run('2030-05-10');
    assert.equal((await alerts(r.ubrn)).length, 0);
    assert.equal((await escalations(r.ubrn)).length, 0);
  });
});

describe('ASI worklist', () => {
  test("the provider sees its deferrals with days left, overdue ones flagged, most urgent first; other providers don't", async () => {
    // Only this test's referrals stay deferred.
    await j.database.db.updateTable('referral').set({ status: 'ACCEPTED' }).where('status', '=', 'DEFERRED_TO_PROVIDER').execute();
    const today = londonDate();
    const later = await deferred(plusDays(today, 20));
    const overdue = await deferred(plusDays(today, -2));
    const soonUrgent = await deferred(plusDays(today, 5), 'URGENT');
    const soonRoutine = await deferred(plusDays(today, 5));
    const list = (token: string) => j.app.inject({ method: 'GET', url: '/api/v1/provider/deferrals', headers: { authorization: `Bearer ${token}` } });
    const res = await list(j.tokens.provider);
    assert.equal(res.statusCode, 200, res.body);
    const { deferrals, today: answeredToday } = res.json();
    assert.equal(answeredToday, today);
    assert.deepEqual(
      deferrals.map((d: { ubrn: string; daysLeft: number; overdue: boolean }) => [d.ubrn, d.daysLeft, d.overdue]),
      [[overdue.ubrn, -2, true], [soonUrgent.ubrn, 5, false], [soonRoutine.ubrn, 5, false], [later.ubrn, 20, false]],
    );
    assert.equal(deferrals[0].service.id, 'S4-110');
    assert.equal(deferrals[0].contactBy, plusDays(today, -2));
    assert.equal(daysLeft(deferrals[3].contactBy, today), 20);
    assert.deepEqual((await list(j.tokens['other-provider'])).json().deferrals, []);
    assert.equal((await list(j.tokens.referrer)).statusCode, 403);
  });
});
