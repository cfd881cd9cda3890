import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isTriageOverdue, MINIMUM_PROVIDERS, offerAllowed, triageDueDate } from './triage.ts';

const TARGETS = { ROUTINE: 10, URGENT: 2, TWO_WEEK_WAIT: 1 };

test('a triage is due a number of days after it was sent, set by priority', () => {
  assert.equal(triageDueDate('2026-12-02', 'ROUTINE', TARGETS), '2026-12-12');
  assert.equal(triageDueDate('2026-12-02', 'URGENT', TARGETS), '2026-12-04');
  assert.equal(triageDueDate('2026-12-31', 'TWO_WEEK_WAIT', TARGETS), '2027-01-01', 'across the year end');
  assert.equal(triageDueDate('2028-02-28', 'TWO_WEEK_WAIT', TARGETS), '2028-02-29', 'a leap day');
});

test('a triage is overdue the day after it was due, not on the day', () => {
  assert.equal(isTriageOverdue('2026-12-12', '2026-12-11'), false);
  assert.equal(isTriageOverdue('2026-12-12', '2026-12-12'), false);
  assert.equal(isTriageOverdue('2026-12-12', '2026-12-13'), true);
});

test('at least 5 providers, fewer only with a reason, never none', () => {
  assert.deepEqual(offerAllowed(5, null), { ok: true });
  assert.deepEqual(offerAllowed(7, null), { ok: true });
  assert.deepEqual(offerAllowed(4, null), { ok: false, why: 'REASON_NEEDED' });
  assert.deepEqual(offerAllowed(4, 'FEWER_WITHIN_REACH'), { ok: true });
  assert.deepEqual(offerAllowed(0, 'PATIENT_ASKED'), { ok: false, why: 'NONE' });
});

test('property: an offer without a reason is allowed exactly when it has at least 5 providers', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 40 }), (n) => assert.equal(offerAllowed(n, null).ok, n >= MINIMUM_PROVIDERS)));
});

test('property: the due date is never before the day sent', () => {
  fc.assert(
    fc.property(fc.date({ min: new Date('2020-01-01'), max: new Date('2035-12-31'), noInvalidDate: true }), fc.constantFrom('ROUTINE', 'URGENT', 'TWO_WEEK_WAIT' as const), (d, p) => {
      const sent = d.toISOString().slice(0, 10);
      assert.ok(triageDueDate(sent, p, TARGETS) >= sent);
    }),
  );
});
