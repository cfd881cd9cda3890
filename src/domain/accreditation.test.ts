import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addWorkingDays, decisionClock, ruleOnDecision, workingDaysBetween, type ChecklistLine } from './accreditation.ts';

const day = fc.integer({ min: 0, max: 20_000 }).map((n) => new Date(Date.UTC(2000, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
const weekday = (iso: string) => new Date(`${iso}T00:00:00Z`).getUTCDay();

test('working days: known dates', () => {
  assert.equal(addWorkingDays('2026-12-04', 1), '2026-12-07', 'Friday + 1 is Monday');
  assert.equal(addWorkingDays('2026-12-05', 1), '2026-12-07', 'a Saturday start counts from Monday');
  assert.equal(addWorkingDays('2026-12-01', 40), '2027-01-26');
  assert.equal(workingDaysBetween('2026-12-04', '2026-12-07'), 1);
  assert.equal(workingDaysBetween('2026-12-07', '2026-12-04'), 0);
  assert.throws(() => addWorkingDays('2026-02-30', 1));
});

test('working days: adding n lands on a weekday n working days on', () => {
  fc.assert(fc.property(day, fc.integer({ min: 1, max: 400 }), (from, n) => {
    const to = addWorkingDays(from, n);
    assert.ok(![0, 6].includes(weekday(to)));
    assert.equal(workingDaysBetween(from, to), n);
  }));
});

test('working days between are additive', () => {
  fc.assert(fc.property(day, day, day, (a, b, c) => {
    const [x, y, z] = [a, b, c].sort();
    assert.equal(workingDaysBetween(x!, y!) + workingDaysBetween(y!, z!), workingDaysBetween(x!, z!));
  }));
});

test('the decision clock: overdue only while open and past the due date', () => {
  assert.deepEqual(decisionClock('2026-12-01', '2027-01-26'), { dueOn: '2027-01-26', elapsedWorkingDays: 40, overdue: false, withinTarget: null });
  assert.equal(decisionClock('2026-12-01', '2027-01-27').overdue, true);
  assert.equal(decisionClock('2026-12-01', '2027-03-01', '2027-01-27').withinTarget, false);
  assert.equal(decisionClock('2026-12-01', '2027-03-01', '2027-01-27').overdue, false);
});

const line = fc.record({ criterionId: fc.integer({ min: 1, max: 1000 }), title: fc.string({ minLength: 1, maxLength: 10 }), outcome: fc.constantFrom('MET' as const, 'NOT_MET' as const, null) });

test('a refusal always names at least one unmet criterion, and exactly those; all met may never be refused', () => {
  fc.assert(fc.property(fc.array(line, { maxLength: 8 }), fc.constantFrom('ACCREDIT' as const, 'REFUSE' as const), (lines: ChecklistLine[], decision) => {
    const ruling = ruleOnDecision(lines, decision);
    const checked = lines.length > 0 && lines.every((l) => l.outcome !== null);
    const unmet = lines.filter((l) => l.outcome === 'NOT_MET');
    if (!checked) return assert.equal(ruling.ok, false);
    if (decision === 'REFUSE') {
      assert.equal(ruling.ok, unmet.length > 0);
      if (ruling.ok) assert.deepEqual(ruling.unmet.map((u) => u.id), unmet.map((u) => u.criterionId));
    } else {
      assert.equal(ruling.ok, unmet.length === 0);
    }
  }));
});
