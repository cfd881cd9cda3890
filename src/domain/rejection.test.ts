import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clockAfterRejection, clockOnReReferral, explainRejectionClock, isRejectionReason, REJECTION_REASON_CODES, REJECTION_REASONS, REJECTION_RULES } from './rejection.ts';
import type { RttClock } from './rtt-clock.ts';
import { API_WORDING, type Wording } from './wording.ts';

const running: RttClock = { start: '2026-09-01', state: 'RUNNING', pausedDays: 3, stoppedOn: null };
const STAFF: Wording = { audience: 'staff', date: (d) => d };

test('a wrongly directed referral keeps its clock; re-referring it keeps the start', () => {
  for (const reason of ['SERVICE_CANNOT_MEET_NEEDS', 'INSUFFICIENT_INFORMATION', 'WRONG_SPECIALTY'] as const) {
    assert.equal(REJECTION_RULES[reason].clock, 'KEEPS_RUNNING', reason);
    const rejected = clockAfterRejection(reason, running, '2026-11-20');
    assert.deepEqual(rejected, running, reason);
    assert.deepEqual(clockOnReReferral(reason, rejected, '2026-12-02'), running, reason);
  }
});

test('a referral returned as clinically inappropriate, or a duplicate, stops the clock; re-referring starts a new one', () => {
  for (const reason of ['CLINICALLY_INAPPROPRIATE', 'DUPLICATE_REFERRAL'] as const) {
    assert.equal(REJECTION_RULES[reason].clock, 'STOPS', reason);
    const rejected = clockAfterRejection(reason, running, '2026-11-20');
    assert.deepEqual(rejected, { ...running, state: 'STOPPED', stoppedOn: '2026-11-20' }, reason);
    assert.deepEqual(clockOnReReferral(reason, rejected, '2026-12-02'), { start: '2026-12-02', state: 'RUNNING', pausedDays: 0, stoppedOn: null }, reason);
  }
  // A clock already stopped stays stopped on the day it stopped.
  const stopped: RttClock = { ...running, state: 'STOPPED', stoppedOn: '2026-10-01' };
  assert.deepEqual(clockAfterRejection('CLINICALLY_INAPPROPRIATE', stopped, '2026-11-20'), stopped);
  // No reason recorded: the clock is left alone.
  assert.deepEqual(clockOnReReferral(null, stopped, '2026-12-02'), stopped);
});

test('every reason has words, a clock rule and a next step; the codes are only these', () => {
  for (const code of REJECTION_REASON_CODES) {
    assert.ok(REJECTION_REASONS[code].length > 10);
    assert.ok(REJECTION_RULES[code].nextStep.endsWith('.'));
  }
  assert.ok(isRejectionReason('WRONG_SPECIALTY'));
  assert.ok(!isRejectionReason('toString'));
});

test('the page says which rule applies, to staff of the patient and to the patient', () => {
  assert.match(explainRejectionClock('SERVICE_CANNOT_MEET_NEEDS', running, STAFF), /wrongly directed, so the waiting-time clock keeps running from 2026-09-01/);
  const stopped = clockAfterRejection('CLINICALLY_INAPPROPRIATE', running, '2026-11-20');
  assert.match(explainRejectionClock('CLINICALLY_INAPPROPRIATE', stopped, STAFF), /clock stopped on 2026-11-20\. Re-referring starts a new clock/);
  assert.match(explainRejectionClock('CLINICALLY_INAPPROPRIATE', stopped, API_WORDING), /^The provider returned your referral on 2026-11-20/);
});
