import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextMoveFrom, SETTLING_WEEKS_WITHOUT_A_WAIT, settlingUntil } from './moves.ts';
import { addDays, eighteenWeekStatus, explainEighteenWeeks, type RttClock } from './rtt-clock.ts';
import { API_WORDING, type Wording } from './wording.ts';

const today = '2026-12-02';
const longWaiter: RttClock = { start: addDays(today, -330), state: 'RUNNING', pausedDays: 0, stoppedOn: null };
const unknown = { date: null, basis: 'PAST_INDICATIVE_WAIT' as const };

test('a pathway that never moved is never held back', () => {
  assert.equal(nextMoveFrom(null, 10), null);
  assert.equal(settlingUntil(null, today), null);
});

test('after a move, no other move until the new service\'s wait (or six weeks, with none published) has passed', () => {
  assert.equal(nextMoveFrom(today, 14.7), addDays(today, 103));
  assert.equal(nextMoveFrom(today, null), addDays(today, SETTLING_WEEKS_WITHOUT_A_WAIT * 7));
  const until = nextMoveFrom(today, 4)!;
  assert.equal(settlingUntil(until, today), until, 'just moved');
  assert.equal(settlingUntil(until, addDays(until, -1)), until, 'the day before');
  assert.equal(settlingUntil(until, until), null, 'from that day the patient may ask again');
});

test('a long waiter who just moved may not ask for a faster alternative, and is told when they may', () => {
  const held = eighteenWeekStatus(longWaiter, unknown, today, addDays(today, 28));
  assert.equal(held.breached, true);
  assert.equal(held.mayAskForAlternative, false);
  const words: Wording = { audience: 'staff', date: (iso) => `[${iso}]` };
  assert.match(explainEighteenWeeks(held, words), /^The patient has waited 47\.1 weeks\. The referral moved to a provider expected to see them sooner; if they have not seen the patient by \[2026-12-30\], the patient can ask for a faster alternative again\.$/);
  assert.match(explainEighteenWeeks(held, API_WORDING), /^You have waited 47\.1 weeks\. Your referral moved/);
  const free = eighteenWeekStatus(longWaiter, unknown, today, null);
  assert.equal(free.mayAskForAlternative, true);
  // Treatment started: nothing is pending, whatever the move.
  assert.equal(eighteenWeekStatus({ ...longWaiter, state: 'STOPPED', stoppedOn: today }, unknown, today, addDays(today, 28)).settlingUntil, null);
});
