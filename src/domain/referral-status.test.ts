import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { allowedActions, isStateGroup, nextStatus, REFERRAL_ACTIONS, REFERRAL_STATUSES, type ReferralAction, STATE_GROUP_NAMES, STATE_GROUPS, stateGroupOf } from './referral-status.ts';

const ACTIONS = Object.keys(REFERRAL_ACTIONS) as ReferralAction[];

test('the journeys of the e-Referral Service', () => {
  assert.equal(nextStatus('NOT_BOOKED', 'BOOK'), 'BOOKED');
  assert.equal(nextStatus('BOOKED', 'CANCEL_APPOINTMENT_BY_PATIENT'), 'APPT_CANCELLED_BY_PATIENT');
  assert.equal(nextStatus('APPT_CANCELLED_BY_PATIENT', 'BOOK'), 'BOOKED');
  assert.equal(nextStatus('NOT_BOOKED', 'DEFER_TO_PROVIDER'), 'DEFERRED_TO_PROVIDER');
  assert.equal(nextStatus('DEFERRED_TO_PROVIDER', 'BOOK'), 'BOOKED');
  assert.equal(nextStatus('DEFERRED_TO_PROVIDER', 'REJECT'), 'REJECTED');
  assert.equal(nextStatus('REJECTED', 'RETURN_TO_REFERRER'), 'NOT_BOOKED');
  assert.equal(nextStatus('BOOKED', 'ACCEPT'), 'ACCEPTED');
  assert.equal(nextStatus('ACCEPTED', 'TRANSFER'), 'TRANSFERRED');
});

test('triage by a referral assessment service', () => {
  assert.equal(nextStatus('NOT_BOOKED', 'SEND_FOR_TRIAGE'), 'AWAITING_TRIAGE');
  assert.equal(nextStatus('AWAITING_TRIAGE', 'TRIAGE_TO_CONSULTANT'), 'NOT_BOOKED', 'the patient then chooses and books');
  assert.equal(nextStatus('AWAITING_TRIAGE', 'RETURN_FROM_TRIAGE'), 'REJECTED', 'back to the practice');
  assert.equal(nextStatus('AWAITING_TRIAGE', 'BOOK'), null, 'nothing is booked before triage');
  assert.equal(nextStatus('AWAITING_TRIAGE', 'DEFER_TO_PROVIDER'), null);
  for (const status of REFERRAL_STATUSES.filter((s) => s !== 'AWAITING_TRIAGE')) {
    assert.equal(nextStatus(status, 'TRIAGE_TO_CONSULTANT'), null, `${status} is not awaiting triage`);
    assert.equal(nextStatus(status, 'RETURN_FROM_TRIAGE'), null, `${status} is not awaiting triage`);
  }
});

test('illegal changes are refused', () => {
  assert.equal(nextStatus('NOT_BOOKED', 'ACCEPT'), null, 'nothing to accept before booking or deferral');
  assert.equal(nextStatus('BOOKED', 'BOOK'), null, 'one appointment at a time');
  assert.equal(nextStatus('BOOKED', 'DEFER_TO_PROVIDER'), null);
  assert.equal(nextStatus('NOT_BOOKED', 'CANCEL_APPOINTMENT_BY_PATIENT'), null);
});

test('property: cancelled and transferred referrals are final; every other status can be cancelled', () => {
  fc.assert(
    fc.property(fc.constantFrom(...REFERRAL_STATUSES), fc.constantFrom(...ACTIONS), (status, action) => {
      const next = nextStatus(status, action);
      if (status === 'CANCELLED' || status === 'TRANSFERRED') assert.equal(next, null);
      else assert.equal(nextStatus(status, 'CANCEL_REFERRAL'), 'CANCELLED');
      assert.equal(allowedActions(status).includes(action), next !== null);
    }),
  );
});

test('every status can be reached from NOT_BOOKED, and every open one can reach BOOKED or an end', () => {
  const reachable = new Set<string>(['NOT_BOOKED']);
  for (let changed = true; changed; ) {
    changed = false;
    for (const s of [...reachable]) {
      for (const a of ACTIONS) {
        const n = nextStatus(s as never, a);
        if (n && !reachable.has(n)) reachable.add(n), (changed = true);
      }
    }
  }
  assert.deepEqual([...reachable].sort(), [...REFERRAL_STATUSES].sort());
});

test('the worklist groups hold every status exactly once', () => {
  const grouped = STATE_GROUP_NAMES.flatMap((g) => [...STATE_GROUPS[g].statuses]);
  assert.deepEqual([...grouped].sort(), [...REFERRAL_STATUSES].sort());
  assert.equal(stateGroupOf('ACCEPTED'), 'accepted');
  assert.equal(stateGroupOf('DID_NOT_ATTEND'), 'to-book');
  assert.equal(stateGroupOf('TRANSFERRED'), 'closed');
  assert.ok(isStateGroup('with-provider'));
  assert.ok(!isStateGroup('toString'), 'only the groups, not what every object has');
});
