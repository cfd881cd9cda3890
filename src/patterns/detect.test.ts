import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { detectPatterns, funnelOf, parsePatternKey, patternKey, type ReferralFact, summarise, weekOf, weeksBetween, withHistory } from './detect.ts';
import { mulberry32, practiceCode, providerCode, specialtyCode, syntheticHistory } from './synthetic.ts';

const FROM = '2025-12-01';
const TO = '2026-11-29';
const DAYS = 364;

test('mulberry32 is deterministic and spreads evenly', () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const xs = Array.from({ length: 10_000 }, () => a());
  assert.deepEqual(xs.slice(0, 5), Array.from({ length: 5 }, () => b()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
});

test('weeks run Monday to Sunday', () => {
  assert.equal(weekOf('2026-12-03'), '2026-11-30', 'a Thursday');
  assert.equal(weekOf('2026-11-30'), '2026-11-30', 'a Monday');
  assert.equal(weekOf('2026-12-06'), '2026-11-30', 'a Sunday');
  const weeks = weeksBetween(FROM, TO);
  assert.equal(weeks[0], '2025-12-01');
  assert.equal(weeks.length, 52);
  fc.assert(fc.property(fc.integer({ min: 0, max: 3000 }), (d) => {
    const date = new Date(Date.UTC(2020, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
    const monday = weekOf(date);
    assert.equal(new Date(`${monday}T00:00:00Z`).getUTCDay(), 1);
    assert.ok(monday <= date && Date.parse(date) - Date.parse(monday) < 7 * 86_400_000);
  }));
});

test('a pattern key goes into an address and back', () => {
  assert.deepEqual(parsePatternKey('B86025-110-NT4'), { practice: 'B86025', specialty: '110', provider: 'NT4' });
  assert.equal(patternKey({ practice: 'B86025', specialty: '110', provider: 'NT4' }), 'B86025-110-NT4');
  assert.deepEqual(parsePatternKey('b86025-110-nt4'), { practice: 'B86025', specialty: '110', provider: 'NT4' }, 'case does not matter');
  for (const bad of ['', 'B86025', 'B86025-110', 'B86025-110-NT4-X', '../etc-1-RR8', 'B8-110-RR8', 'B86025-1 0-RR8']) assert.equal(parsePatternKey(bad), null, bad);
});

test('the detector finds a planted pattern, says what moved and since when, at the scale of a real ICB', () => {
  // ~300 practices, 20 specialties, 8 providers each, 15 to 120 referrals per practice per specialty per year; from
  // 1 June practice 17 sends 78% of its specialty-110 referrals to the small provider RAH.
  const plant = { practice: practiceCode(17), specialty: specialtyCode(1), provider: providerCode(7), fromDate: '2026-06-01', share: 0.78 };
  const facts = syntheticHistory({ seed: 2026, from: FROM, days: DAYS, practices: 300, specialties: 20, providers: 8, referralsPerPracticeSpecialty: [15, 120], plants: [plant] });
  assert.ok(facts.length > 300_000, `${facts.length} referrals`);
  const started = Date.now();
  const d = detectPatterns(facts, { from: FROM, to: TO });
  const ms = Date.now() - started;
  assert.ok(ms < 15_000, `a year of an ICB in ${ms} ms`);
  assert.ok(d.tested > 40_000, `${d.tested} cells tested`);
  assert.ok(d.untestedPairs > 0, 'practices with under 20 referrals in a specialty are not tested');
  const found = d.flagged.find((f) => f.practice === plant.practice && f.specialty === plant.specialty && f.provider === plant.provider);
  assert.ok(found, 'the planted pattern is flagged');
  assert.equal(found.direction, 'more');
  assert.ok(found.q < 1e-6, `q ${found.q}`);
  assert.ok(found.restShare.value! < 0.15, `the rest of the ICB sends ${found.restShare.value} there`);
  assert.equal(found.signalled, true);
  // The shift started on 1 June 2026 (a Monday): the change point is within two weeks of it.
  assert.equal(found.changed, true);
  const offset = (Date.parse(found.since!) - Date.parse('2026-06-01')) / (7 * 86_400_000);
  assert.ok(Math.abs(offset) <= 2, `since ${found.since}`);
  const { weeks } = withHistory(summarise(facts, FROM, TO), found);
  assert.equal(weeks.length, 52);
  assert.equal(weeks.reduce((s, w) => s + w.practice.denominator, 0), found.practiceShare.denominator, 'the weeks add up to the period');
  // What else is flagged is the same move seen from the other side: the practice sending fewer to the others.
  const others = d.flagged.filter((f) => f.key !== found.key);
  assert.ok(others.every((f) => f.practice === plant.practice && f.specialty === plant.specialty && f.direction === 'fewer'), `unexpected flags: ${others.map((f) => f.key).join(', ')}`);
});

test('histories without a pattern are not flagged beyond the false-discovery rate, over 20 seeds', () => {
  let runsWithAFlag = 0;
  let flags = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const facts = syntheticHistory({ seed, from: FROM, days: DAYS, practices: 80, specialties: 6, providers: 6, referralsPerPracticeSpecialty: [10, 150] });
    const d = detectPatterns(facts, { from: FROM, to: TO });
    assert.ok(d.tested > 2000);
    if (d.flagged.length > 0) runsWithAFlag++;
    flags += d.flagged.length;
  }
  // With no true pattern every flag is a false discovery, and BH at 0.05 flags anything in at most about 5% of
  // runs (1 of 20); 3 of 20 would already be unlikely (P < 0.08) for a correct procedure.
  assert.ok(runsWithAFlag <= 2, `${runsWithAFlag} of 20 clean histories had a flag (${flags} flags)`);
});

test('a planted pattern is found whatever the seed, and where the detector is indifferent to the order of facts', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
      const plant = { practice: practiceCode(3), specialty: specialtyCode(0), provider: providerCode(4), fromDate: '2026-03-02', share: 0.7 };
      const facts = syntheticHistory({ seed, from: FROM, days: DAYS, practices: 40, specialties: 3, providers: 6, referralsPerPracticeSpecialty: [40, 80], plants: [plant] });
      const d = detectPatterns(facts, { from: FROM, to: TO });
      assert.ok(d.flagged.some((f) => f.practice === plant.practice && f.provider === plant.provider && f.specialty === plant.specialty && f.direction === 'more'));
      const shuffled = [...facts].reverse();
      const again = detectPatterns(shuffled, { from: FROM, to: TO });
      assert.deepEqual(again.flagged.map((f) => [f.key, f.q]), d.flagged.map((f) => [f.key, f.q]));
    }),
    { numRuns: 8 },
  );
});

test('the rules of selection: too few referrals are not tested, facts outside the period are ignored, counts weigh', () => {
  const fact = (practice: string, provider: string, count: number, madeOn = '2026-01-05'): ReferralFact => ({ practice, specialty: '110', provider, madeOn, count });
  const facts = [fact('A00001', 'RR8', 19), fact('A00002', 'RR8', 30), fact('A00002', 'NT4', 30), fact('A00003', 'RR8', 60), fact('A00003', 'RR8', 500, '2024-01-01')];
  const d = detectPatterns(facts, { from: FROM, to: TO });
  // A00001 has 19 (< 20): not tested. A00002 has 60 of which 30 to NT4, against 0 of 79 elsewhere: flagged.
  // A00003 has 60, none to NT4 against 30 of 79 elsewhere: flagged, fewer. The 2024 facts are outside the period.
  assert.equal(d.untestedPairs, 1);
  assert.equal(d.testedPairs, 2);
  assert.equal(d.tested, 4, 'two practices × two providers');
  const nt4 = d.flagged.find((f) => f.key === 'A00002-110-NT4');
  assert.ok(nt4);
  assert.equal(nt4.practiceShare.count, 30);
  assert.equal(nt4.practiceShare.denominator, 60);
  assert.equal(nt4.restShare.denominator, 79);
  assert.equal(nt4.reference, 0.5 / 80);
  assert.equal(nt4.since, '2026-01-05');
  assert.equal(nt4.changed, false, 'one week of referrals: no change within the period');
  const summary = summarise(facts, FROM, TO);
  const funnel = funnelOf(summary, '110', 'NT4', d)!;
  assert.equal(funnel.centre, 30 / 139);
  assert.deepEqual(funnel.points.map((p) => [p.practice, p.n, p.k, p.flagged]), [['A00002', 60, 30, true], ['A00003', 60, 0, true], ['A00001', 19, 0, false]]);
  assert.ok(funnel.points[0]!.outside998);
  assert.equal(funnel.limits[0]!.n, 1);
  assert.equal(funnel.limits.at(-1)!.n, 60);
  assert.equal(funnelOf(summary, '999', 'NT4', d), null);
});
