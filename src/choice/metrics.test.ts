import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import { londonDate } from '../domain/dates.ts';
import { referThroughApi, startDemoApp, type TestApp } from '../testing/test-app.ts';
import { aggregate, type MetricsFilter, publishable, sharesOf, wholeMonths, wholeWeeks } from './metrics.ts';

let t: TestApp;
before(async () => { t = await startDemoApp('choice-metrics'); });
after(() => t.close());

const today = londonDate();
const filter = (): MetricsFilter => ({ icb: { odsCode: 'QWO', name: 'West Yorkshire' }, from: today, to: today });

test('a referral made today moves the ICB\'s figures and its practice\'s by exactly one, in one scan for every grouping', async () => {
  const before = await aggregate(t.database.db, filter(), ['icb', 'practice', 'provider', 'week']);
  const services = (await t.database.db.selectFrom('service').select('id').where('specialty_code', '=', '110').where('active', '=', true).where('accreditation_status', '=', 'ACCREDITED').limit(2).execute()).map((s) => s.id);
  await referThroughApi(t.app, { familyName: 'Measured' }, services);
  const after = await aggregate(t.database.db, filter(), ['icb', 'practice', 'provider', 'week']);
  const icb = (m: typeof after) => m.get('icb')!.find((g) => g.key === 'QWO')!.counts;
  assert.equal(icb(after).referrals, icb(before).referrals + 1);
  assert.equal(icb(after).fewerThan5.REFERRER_CHOSE, icb(before).fewerThan5.REFERRER_CHOSE + 1, 'the referrer chose 2: coded as the referrer\'s choice');
  const practice = after.get('practice')!.find((g) => g.key === 'B86025')!;
  assert.match(practice.name, /hyde park surgery/i);
  const sum = (m: typeof after, g: 'practice' | 'provider' | 'week') => m.get(g)!.reduce((n, x) => n + x.counts.referrals, 0);
  for (const g of ['practice', 'provider', 'week'] as const) assert.equal(sum(after, g), icb(after).referrals, `${g}s add up to the ICB`);
  assert.equal(after.get('provider')!.find((g) => g.key === null)!.name, 'No provider yet');
  const shares = sharesOf(icb(after));
  assert.equal(shares.offeredAtLeast5.denominator, icb(after).withOptions);
});

test('published counts hide 1 to 9, never 0 or 10', () => {
  const counts = { referrals: 12, withOptions: 12, offeredAtLeast5: 3, optionsOffered: 50, noOptions: 0, patientChoseProvider: 10, booked: 10, bookedByPatient: 0, appointmentSlotIssues: 1, rejected: 0, electronic: 12,
    fasterAlternativeOffered: 0, fasterAlternativeTaken: 0, pidmasInvited: 0, pidmasOptedIn: 0, pidmasMoved: 0,
    fewerThan5: { FEWER_WITHIN_REACH: 9, PATIENT_ASKED: 0, CLINICALLY_SPECIALIST: 0, URGENT_CAPACITY: 0, REFERRER_CHOSE: 0, OTHER: 0, NOT_RECORDED: 0 } };
  const p = publishable(counts);
  assert.equal(p.suppressed, true);
  assert.equal(p.counts.offeredAtLeast5, null);
  assert.equal(p.counts.patientChoseProvider, 10);
  assert.equal(p.counts.bookedByPatient, 0);
  assert.equal((p.counts.fewerThan5 as Record<string, number | null>).FEWER_WITHIN_REACH, null);
  const small = publishable({ ...counts, referrals: 9 });
  assert.equal(small.counts.referrals, null);
  assert.equal(small.counts.patientChoseProvider, null);
});

test('the monthly rollup kept by the triggers equals the facts summed afresh, after referrals are made and acted on', async () => {
  const db = t.database.db;
  const afresh = sql<{ diff: number }>`
    with fresh as (
      select icb_code, month, practice_ods_code, referral_centre_ods_code, provider_ods_code, specialty_code,
        sum(facts) facts, sum(referrals) referrals, sum(offered_at_least_5) o5, sum(patient_chose) chose, sum(booked_by_patient) bbp,
        sum(appointment_slot_issues) asi, sum(rejected) rej, sum(fewer_referrer_chose) frc
      from choice_fact_counts group by 1, 2, 3, 4, 5, 6),
    kept as (
      select icb_code, month, practice_ods_code, referral_centre_ods_code, provider_ods_code, specialty_code,
        facts, referrals, offered_at_least_5 o5, patient_chose chose, booked_by_patient bbp, appointment_slot_issues asi, rejected rej, fewer_referrer_chose frc
      from choice_rollup where facts <> 0)
    select count(*)::int as diff from ((select * from fresh except all select * from kept) union all (select * from kept except all select * from fresh)) d`;
  assert.equal((await afresh.execute(db)).rows[0]!.diff, 0, 'before');
  const services = (await db.selectFrom('service').select('id').where('specialty_code', '=', '110').where('active', '=', true).where('accreditation_status', '=', 'ACCREDITED').limit(3).execute()).map((s) => s.id);
  const { ubrn } = await referThroughApi(t.app, { familyName: 'Rolled' }, services);
  // Acted on: the referral is rejected and its facts change in place; the rollup moves its count with it.
  await db.updateTable('referral').set({ rejected_at: new Date(), rejection_reason: 'DUPLICATE_REFERRAL' }).where('ubrn', '=', ubrn).execute();
  await db.updateTable('referral').set({ patient_chose: true }).where('ubrn', '=', ubrn).execute();
  assert.equal((await afresh.execute(db)).rows[0]!.diff, 0, 'after');
  const weekly = sql<{ diff: number }>`
    with fresh as (select icb_code, date_trunc('week', made_on)::date week, specialty_code, sum(facts) facts, sum(referrals) referrals, sum(rejected) rej, sum(patient_chose) chose
      from choice_fact_counts group by 1, 2, 3),
    kept as (select icb_code, week, specialty_code, facts, referrals, rejected rej, patient_chose chose from choice_rollup_week where facts <> 0)
    select count(*)::int as diff from ((select * from fresh except all select * from kept) union all (select * from kept except all select * from fresh)) d`;
  assert.equal((await weekly.execute(db)).rows[0]!.diff, 0, 'the weekly rollup too');
});

test('any period reads the same from the rollup and partial months as straight from the facts', async () => {
  const db = t.database.db;
  const direct = async (from: string, to: string) => (await sql<{ n: number; o5: number; chose: number; asi: number }>`
    select count(*) filter (where source = 'REFERRAL')::int n, count(*) filter (where source = 'REFERRAL' and not awaiting_options and options_offered >= 5)::int o5,
      count(*) filter (where source = 'REFERRAL' and patient_chose)::int chose, count(*) filter (where source = 'REFERRAL' and appointment_slot_issue)::int asi
    from choice_fact where icb_code = 'QWO' and made_on between ${from}::date and ${to}::date`.execute(db)).rows[0]!;
  const days = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  const yearAgo = days(today, -400);
  await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 400 }), async (a, b) => {
    const from = days(yearAgo, Math.min(a, b));
    const to = days(yearAgo, Math.max(a, b));
    const m = await aggregate(db, { ...filter(), from, to }, ['icb', 'month', 'practice', 'week']);
    const icb = m.get('icb')![0]!.counts;
    const d = await direct(from, to);
    assert.deepEqual([icb.referrals, icb.offeredAtLeast5, icb.patientChoseProvider, icb.appointmentSlotIssues], [d.n, d.o5, d.chose, d.asi], `${from}..${to}`);
    assert.equal(m.get('month')!.reduce((n, g) => n + g.counts.referrals, 0), d.n);
    assert.equal(m.get('practice')!.reduce((n, g) => n + g.counts.referrals, 0), d.n);
    assert.deepEqual(
      [m.get('week')!.reduce((n, g) => n + g.counts.referrals, 0), m.get('week')!.reduce((n, g) => n + g.counts.offeredAtLeast5, 0)], [d.n, d.o5], 'weeks add up');
    const practice = m.get('practice')!.find((g) => g.key !== null);
    if (practice) {
      // A weekly series narrowed to one practice reads the facts: it adds up to that practice's figure.
      const one = await aggregate(db, { ...filter(), from, to, practice: practice.key }, ['week']);
      assert.equal(one.get('week')!.reduce((n, g) => n + g.counts.referrals, 0), practice.counts.referrals);
    }
  }), { numRuns: 25 });
});

test('whole weeks within a period', () => {
  // 2026-11-30 is a Monday, 2026-12-06 a Sunday.
  assert.deepEqual(wholeWeeks('2026-11-30', '2026-12-06'), { first: '2026-11-30', last: '2026-11-30', lastDay: '2026-12-06' });
  assert.deepEqual(wholeWeeks('2026-11-29', '2026-12-14'), { first: '2026-11-30', last: '2026-12-07', lastDay: '2026-12-13' });
  assert.equal(wholeWeeks('2026-12-01', '2026-12-07'), null);
  fc.assert(fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 60 }), (a, len) => {
    const from = new Date(Date.UTC(2024, 0, 1) + a * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.UTC(2024, 0, 1) + (a + len) * 86_400_000).toISOString().slice(0, 10);
    const w = wholeWeeks(from, to);
    if (!w) return;
    assert.equal(new Date(`${w.first}T00:00:00Z`).getUTCDay(), 1);
    assert.equal(new Date(`${w.lastDay}T00:00:00Z`).getUTCDay(), 0);
    assert.ok(w.first >= from && w.lastDay <= to && w.last <= w.lastDay);
    assert.ok(Date.parse(w.first) - Date.parse(from) < 7 * 86_400_000 && Date.parse(to) - Date.parse(w.lastDay) < 7 * 86_400_000);
  }));
});

test('whole months within a period', () => {
  assert.deepEqual(wholeMonths('2026-01-01', '2026-03-31'), { first: '2026-01-01', last: '2026-03-01', lastDay: '2026-03-31' });
  assert.deepEqual(wholeMonths('2026-01-02', '2026-03-30'), { first: '2026-02-01', last: '2026-02-01', lastDay: '2026-02-28' });
  assert.equal(wholeMonths('2026-01-02', '2026-02-27'), null);
  assert.deepEqual(wholeMonths('2024-02-01', '2024-02-29'), { first: '2024-02-01', last: '2024-02-01', lastDay: '2024-02-29' });
  assert.deepEqual(wholeMonths('2025-12-15', '2026-01-31'), { first: '2026-01-01', last: '2026-01-01', lastDay: '2026-01-31' });
});
