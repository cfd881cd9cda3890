import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { explainEligibility, explainRule, gpInEngland, type PidmasFacts, pidmasEligibility } from './pidmas-eligibility.ts';
import { addDays } from './rtt-clock.ts';
import { API_WORDING, type Wording } from './wording.ts';

const today = '2026-11-23';
const eligible: PidmasFacts = {
  clock: { start: addDays(today, -41 * 7), state: 'RUNNING', pausedDays: 0, stoppedOn: null },
  priority: 'ROUTINE',
  consultantLed: true,
  tertiary: false,
  dateOfBirth: '1970-01-31',
  nextDate: null,
  gpInEngland: true,
  settlingUntil: null,
};

test('a patient who meets every rule is eligible, and each rule is explained', () => {
  const answer = pidmasEligibility(eligible, today);
  assert.equal(answer.eligible, true);
  assert.equal(answer.rules.length, 8);
  for (const r of explainEligibility(answer, API_WORDING).rules) assert.ok(r.passed && r.explanation.length > 10, r.rule);
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
    [{ settlingUntil: addDays(today, 30) }, 'NOT_JUST_MOVED'],
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

const longDate = (iso: string) => new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

test('the explanations: the API keeps its words (to "you", dates as YYYY-MM-DD); pages get long dates, and staff "the patient"', () => {
  const patientPage: Wording = { audience: 'patient', date: longDate };
  const staffPage: Wording = { audience: 'staff', date: longDate };
  const soon = pidmasEligibility({ ...eligible, nextDate: '2026-12-21' }, today).rules.find((r) => r.rule === 'NO_DATE_SOON')!;
  assert.equal(explainRule(soon, API_WORDING), 'You already have a date (2026-12-21) in the next 8 weeks.');
  assert.equal(explainRule(soon, patientPage), 'You already have a date (21 December 2026) in the next 8 weeks.');
  assert.equal(explainRule(soon, staffPage), 'The patient already has a date (21 December 2026) in the next 8 weeks.');
  const waited = (weeks: number) => pidmasEligibility({ ...eligible, clock: { ...eligible.clock, start: addDays(today, -weeks * 7) } }, today).rules.find((r) => r.rule === 'WAITED_LONG_ENOUGH')!;
  assert.equal(explainRule(waited(30), API_WORDING), 'You have waited 30 weeks; you can ask once you have waited more than 40.');
  assert.equal(explainRule(waited(30), staffPage), 'The patient has waited 30 weeks; they can ask once they have waited more than 40.');
  assert.equal(explainRule(waited(42), API_WORDING), 'You have waited 42 weeks, more than 40.');
  // Every rule, passed or failed, is written to "you" for the patient and never to "you" for staff.
  const all: Partial<PidmasFacts>[] = [{}, { priority: 'URGENT', consultantLed: false, dateOfBirth: '2010-01-01', tertiary: true, gpInEngland: false }, { gpInEngland: null, clock: { ...eligible.clock, state: 'STOPPED', stoppedOn: today } }];
  for (const change of all) {
    for (const r of pidmasEligibility({ ...eligible, ...change }, today).rules) {
      assert.match(explainRule(r, patientPage), /\b(you|your)\b/i, r.rule);
      assert.doesNotMatch(explainRule(r, staffPage), /\b(you|your)\b/i, r.rule);
      assert.equal(explainRule(r, API_WORDING), explainRule(r, { audience: 'patient', date: (d) => d }));
    }
  }
});

test('a GP practice is in England when its region is one of NHS England\'s (Y56–Y63); otherwise not, or not known', () => {
  assert.equal(gpInEngland({ kind: 'GP_PRACTICE', regionCode: 'Y63' }), true);
  assert.equal(gpInEngland({ kind: 'GP_PRACTICE', regionCode: 'W00' }), false);
  assert.equal(gpInEngland({ kind: 'GP_PRACTICE', regionCode: null }), null);
  assert.equal(gpInEngland({ kind: 'NHS_TRUST', regionCode: 'Y63' }), null);
  assert.equal(gpInEngland(undefined), null);
});
