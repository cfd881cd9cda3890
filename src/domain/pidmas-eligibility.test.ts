import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type PidmasFacts, pidmasEligibility } from './pidmas-eligibility.ts';
import { addDays } from './rtt-clock.ts';

const today = '2026-11-23';
const eligible: PidmasFacts = {
  clock: { start: addDays(today, -41 * 7), state: 'RUNNING', pausedDays: 0, stoppedOn: null },
  priority: 'ROUTINE',
  consultantLed: true,
  tertiary: false,
  dateOfBirth: '1970-01-31',
  nextDate: null,
  gpInEngland: true,
};

test('a patient who meets every rule is eligible, and each rule is explained', () => {
  const answer = pidmasEligibility(eligible, today);
  assert.equal(answer.eligible, true);
  assert.equal(answer.rules.length, 7);
  for (const r of answer.rules) assert.ok(r.passed && r.explanation.length > 10, r.rule);
});

test('each rule on its own makes a patient ineligible, and says which', () => {
  const cases: [Partial<PidmasFacts>, string][] = [
    [{ priority: 'URGENT' }, 'ROUTINE'],
    [{ consultantLed: false }, 'CONSULTANT_LED'],
    [{ clock: { ...eligible.clock, start: addDays(today, -39 * 7) } }, 'WAITED_LONG_ENOUGH'],
    [{ clock: { ...eligible.clock, state: 'STOPPED', stoppedOn: today } }, 'WAITED_LONG_ENOUGH'],
    [{ dateOfBirth: '2010-01-01' }, 'ADULT'],
    [{ nextDate: addDays(today, 20) }, 'NO_DATE_SOON'],
    [{ tertiary: true }, 'NOT_TERTIARY'],
    [{ gpInEngland: false }, 'GP_IN_ENGLAND'],
    [{ gpInEngland: null }, 'GP_IN_ENGLAND'],
  ];
  for (const [change, rule] of cases) {
    const answer = pidmasEligibility({ ...eligible, ...change }, today);
    assert.equal(answer.eligible, false, rule);
    assert.deepEqual(answer.rules.filter((r) => !r.passed).map((r) => r.rule), [rule]);
  }
});

test('eligible exactly when every rule passes; the threshold is configurable; a date beyond 8 weeks does not count', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 1, max: 104 }), fc.option(fc.integer({ min: -30, max: 200 }), { nil: null }), (weeks, threshold, dateIn) => {
      const facts = { ...eligible, clock: { ...eligible.clock, start: addDays(today, -weeks * 7 - 1) }, nextDate: dateIn === null ? null : addDays(today, dateIn) };
      const answer = pidmasEligibility(facts, today, threshold);
      assert.equal(answer.eligible, answer.rules.every((r) => r.passed));
      // weeks·7 + 1 days is weeks + 0.1 weeks waited: more than the threshold exactly when weeks ≥ threshold
      assert.equal(answer.rules.find((r) => r.rule === 'WAITED_LONG_ENOUGH')!.passed, weeks >= threshold);
      assert.equal(answer.rules.find((r) => r.rule === 'NO_DATE_SOON')!.passed, dateIn === null || dateIn < 0 || dateIn > 56);
    }),
  );
});
