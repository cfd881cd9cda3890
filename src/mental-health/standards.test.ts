import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addDays, daysBetween } from '../domain/rtt-clock.ts';
import { wilson } from '../domain/statistics.ts';
import { byProvider, bySlice, checkPeriod, daysToTreatment, measure, type PathwayDates, publishable, slices, STANDARDS, withinTime } from './standards.ts';

const [EIP, TT6, TT18] = STANDARDS as [typeof STANDARDS[0], typeof STANDARDS[0], typeof STANDARDS[0]];
const april = { from: '2026-04-01', to: '2026-04-30' };
const treated = (referredOn: string, days: number, kind: PathwayDates['kind'] = 'EIP', provider = 'RGD'): PathwayDates =>
  ({ kind, providerOdsCode: provider, referredOn, firstTreatmentOn: addDays(referredOn, days), endedOn: null });

test('the thresholds are stated exactly: 14, 42 and 126 days, inclusive', () => {
  assert.deepEqual(STANDARDS.map((s) => [s.id, s.days, s.target, s.comparison]), [
    ['EIP_2_WEEKS', 14, 0.5, 'MORE_THAN'], ['TT_6_WEEKS', 42, 0.75, 'AT_LEAST'], ['TT_18_WEEKS', 126, 0.95, 'AT_LEAST'],
  ]);
  assert.equal(withinTime(14, EIP), true, 'day 14 is within 2 weeks');
  assert.equal(withinTime(15, EIP), false, 'day 15 is not');
  assert.equal(withinTime(42, TT6), true);
  assert.equal(withinTime(43, TT6), false);
  assert.equal(withinTime(126, TT18), true);
  assert.equal(withinTime(127, TT18), false);
});

test('a pathway treated on day 14 counts within 2 weeks; day 15 does not; treated the day of referral is day 0', () => {
  const f = measure([treated('2026-04-01', 14), treated('2026-03-31', 15), treated('2026-04-10', 0)], EIP, april);
  assert.equal(f.treatedWithin.denominator, 3);
  assert.equal(f.treatedWithin.count, 2);
  assert.equal(daysToTreatment({ referredOn: '2026-03-31', firstTreatmentOn: '2026-04-15' }), 15);
  assert.equal(daysToTreatment({ referredOn: '2026-03-31', firstTreatmentOn: null }), null);
  // Across the clocks going forward (29 March 2026) a day is still a day.
  assert.equal(daysToTreatment({ referredOn: '2026-03-20', firstTreatmentOn: '2026-04-03' }), 14);
});

test('pathways count in the period of their first treatment; those still open at its end are the second figure', () => {
  const pathways: PathwayDates[] = [
    treated('2026-03-01', 40), // treated 10 April: in April, over 2 weeks
    treated('2026-03-01', 20), // treated 21 March: not in April
    treated('2026-04-25', 10), // treated 5 May: open on 30 April, 5 days waited: not past 2 weeks
    { kind: 'EIP', providerOdsCode: 'RGD', referredOn: '2026-04-01', firstTreatmentOn: null, endedOn: null }, // open, 29 days
    { kind: 'EIP', providerOdsCode: 'RGD', referredOn: '2026-04-01', firstTreatmentOn: null, endedOn: '2026-04-20' }, // ended untreated
    { kind: 'TALKING_THERAPIES', providerOdsCode: 'RGD', referredOn: '2026-04-01', firstTreatmentOn: '2026-04-02', endedOn: null }, // not EIP
  ];
  const f = measure(pathways, EIP, april);
  assert.deepEqual([f.treatedWithin.count, f.treatedWithin.denominator], [0, 1]);
  assert.equal(f.verdict, 'NOT_MET');
  assert.equal(f.stillWaiting, 2);
  assert.equal(f.stillWaitingPast, 1);
});

test('the EIP standard is more than 50%: exactly half is not met; Talking Therapies\' 75% is met at exactly 75%', () => {
  const half = measure([treated('2026-04-01', 1), treated('2026-04-01', 20)], EIP, april);
  assert.equal(half.treatedWithin.value, 0.5);
  assert.equal(half.verdict, 'NOT_MET');
  const tt = [treated('2026-04-01', 1, 'TALKING_THERAPIES'), treated('2026-04-01', 2, 'TALKING_THERAPIES'), treated('2026-04-01', 3, 'TALKING_THERAPIES'), treated('2026-03-01', 50, 'TALKING_THERAPIES')];
  const six = measure(tt, TT6, april);
  assert.equal(six.treatedWithin.value, 0.75);
  assert.equal(six.verdict, 'MET');
  assert.equal(six.confidence, 'SPANS_TARGET', 'out of 4, the interval is wide');
  const none = measure([], TT18, april);
  assert.equal(none.verdict, 'NO_DATA');
  assert.equal(none.confidence, null);
});

test('the verdict against the 60% ambition is given beside the guide\'s standard for EIP only', () => {
  const f = measure([treated('2026-04-01', 1), treated('2026-04-02', 1), treated('2026-04-03', 1), treated('2026-04-04', 20), treated('2026-04-05', 20)], EIP, april);
  assert.equal(f.treatedWithin.value, 0.6);
  assert.equal(f.verdict, 'MET');
  assert.equal(f.ambitionVerdict, 'NOT_MET', 'more than 60%, not 60% exactly');
  assert.equal(measure([], TT6, april).ambitionVerdict, null);
});

const date = fc.integer({ min: 0, max: 800 }).map((n) => addDays('2025-06-01', n));
const pathway = fc.record({
  kind: fc.constantFrom('EIP' as const, 'TALKING_THERAPIES' as const),
  providerOdsCode: fc.constantFrom('RGD', 'RXG'),
  referredOn: date,
  wait: fc.option(fc.integer({ min: 0, max: 300 })),
  ends: fc.option(fc.integer({ min: 0, max: 300 })),
}).map(({ kind, providerOdsCode, referredOn, wait, ends }): PathwayDates => ({
  kind, providerOdsCode, referredOn, firstTreatmentOn: wait === null ? null : addDays(referredOn, wait), endedOn: ends === null ? null : addDays(referredOn, ends),
}));
const period = fc.tuple(date, date).map(([a, b]) => (a <= b ? { from: a, to: b } : { from: b, to: a }));

test('property: the measure counts exactly the pathways treated in the period, and its interval is Wilson\'s', () => {
  fc.assert(fc.property(fc.array(pathway, { maxLength: 60 }), period, (pathways, p) => {
    for (const s of STANDARDS) {
      const f = measure(pathways, s, p);
      const mine = pathways.filter((x) => x.kind === s.kind && x.firstTreatmentOn !== null && x.firstTreatmentOn >= p.from && x.firstTreatmentOn <= p.to);
      assert.equal(f.treatedWithin.denominator, mine.length);
      assert.equal(f.treatedWithin.count, mine.filter((x) => daysBetween(x.referredOn, x.firstTreatmentOn!) <= s.days).length);
      const ci = wilson(f.treatedWithin.count, f.treatedWithin.denominator);
      assert.equal(f.treatedWithin.low, ci?.low ?? null);
      assert.ok(f.stillWaitingPast <= f.stillWaiting);
      if (f.confidence === 'CLEARLY_MET') assert.equal(f.verdict, 'MET');
      if (f.confidence === 'CLEARLY_NOT_MET') assert.equal(f.verdict, 'NOT_MET');
    }
  }));
});

test('property: months and quarters cover the period without gap or overlap, and their treated add up to the whole', () => {
  fc.assert(fc.property(fc.array(pathway, { maxLength: 40 }), period, fc.constantFrom('month' as const, 'quarter' as const), (pathways, p, interval) => {
    const cut = slices(p, interval);
    assert.equal(cut[0]!.from, p.from);
    assert.equal(cut.at(-1)!.to, p.to);
    for (let i = 1; i < cut.length; i++) assert.equal(cut[i]!.from, addDays(cut[i - 1]!.to, 1));
    for (const s of cut) assert.ok(s.from <= s.to);
    const whole = bySlice(pathways, p, interval);
    for (const [i, s] of STANDARDS.entries()) {
      assert.equal(whole.reduce((n, x) => n + x.figures[i]!.treatedWithin.denominator, 0), measure(pathways, s, p).treatedWithin.denominator);
      assert.equal(byProvider(pathways, p).reduce((n, x) => n + x.figures[i]!.treatedWithin.count, 0), measure(pathways, s, p).treatedWithin.count, 'providers add up');
    }
  }));
});

test('quarters are calendar quarters, cut to the period', () => {
  assert.deepEqual(slices({ from: '2026-02-15', to: '2026-07-03' }, 'quarter'), [
    { key: '2026-Q1', from: '2026-02-15', to: '2026-03-31' },
    { key: '2026-Q2', from: '2026-04-01', to: '2026-06-30' },
    { key: '2026-Q3', from: '2026-07-01', to: '2026-07-03' },
  ]);
  assert.deepEqual(slices({ from: '2026-12-31', to: '2027-01-01' }, 'month').map((s) => s.key), ['2026-12', '2027-01']);
});

test('published figures hide 1 to 9 treated, within or not within, and 1 to 9 still waiting; never 0 or 10', () => {
  const figure = (within: number, of: number, waitingPast = 0) => ({ ...measure([], EIP, april), treatedWithin: { count: within, denominator: of, value: of ? within / of : null, low: 0, high: 1 }, stillWaitingPast: waitingPast });
  assert.equal(publishable(figure(5, 9)).treated, null);
  assert.equal(publishable(figure(5, 9)).treatedWithin, null);
  assert.equal(publishable(figure(3, 20)).treatedWithin, null, '3 within');
  assert.equal(publishable(figure(3, 20)).treated, 20, 'the number treated alone says nothing small');
  assert.equal(publishable(figure(15, 20)).treatedWithin, null, '5 not within');
  assert.equal(publishable(figure(10, 20)).treatedWithin?.count, 10);
  assert.equal(publishable(figure(10, 20)).suppressed, false);
  assert.equal(publishable(figure(0, 10)).treatedWithin?.count, 0);
  assert.equal(publishable(figure(0, 0)).treated, 0);
  assert.equal(publishable(figure(10, 20, 4)).stillWaitingPast, null);
  assert.equal(publishable(figure(10, 20, 4)).suppressed, true);
  fc.assert(fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 50 }), (a, b, w) => {
    const [within, of] = a <= b ? [a, b] : [b, a];
    const p = publishable(figure(within, of, w));
    const shown = [p.treated, p.treatedWithin?.count, p.treatedWithin ? of - within : null, p.stillWaitingPast].filter((n): n is number => n !== null && n !== undefined);
    for (const n of shown) assert.ok(n === 0 || n >= 10, `shown ${n}`);
  }));
});

test('a period is two real dates in order, at most 3 years long', () => {
  assert.deepEqual(checkPeriod('2026-04-01', '2026-04-30'), { ok: true, period: april });
  assert.equal(checkPeriod('2026-02-30', '2026-04-30').ok, false);
  assert.deepEqual(checkPeriod('2026-05-01', '2026-04-30'), { ok: false, field: 'to', message: 'The end of the period must be the same as or after its start' });
  assert.equal(checkPeriod('2020-01-01', '2026-04-30').ok, false);
  assert.equal(checkPeriod('yesterday', '2026-04-30').ok, false);
});
