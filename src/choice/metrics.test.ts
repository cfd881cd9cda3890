import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { londonDate } from '../domain/dates.ts';
import { referThroughApi, startDemoApp, type TestApp } from '../testing/test-app.ts';
import { aggregate, type MetricsFilter, publishable, sharesOf } from './metrics.ts';

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
