import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { attemptTimeProblem, CONTACT_METHODS, CONTACT_OUTCOMES, outcomeFits, OUTCOMES } from './contact-attempts.ts';

describe('contact attempts', () => {
  test('reaching the patient fits every way of trying; a voicemail or no answer only a phone call', () => {
    for (const method of CONTACT_METHODS) assert.ok(outcomeFits(method, 'REACHED_CALL_BACK'), method);
    assert.ok(outcomeFits('PHONE', 'VOICEMAIL'));
    assert.ok(!outcomeFits('LETTER', 'VOICEMAIL'));
    assert.ok(!outcomeFits('EMAIL', 'NO_ANSWER'));
    assert.ok(outcomeFits('TEXT', 'WRONG_NUMBER'));
    assert.ok(!outcomeFits('PHONE', 'MESSAGE_SENT'));
  });

  test('every outcome fits at least one way of trying and has words', () => {
    for (const outcome of CONTACT_OUTCOMES) {
      assert.ok(CONTACT_METHODS.some((m) => outcomeFits(m, outcome)), outcome);
      assert.ok(OUTCOMES[outcome].words.length > 0, outcome);
    }
  });

  test('an attempt is logged the day it is made, at a time already past', () => {
    const now = new Date('2026-12-02T15:00:00Z');
    assert.equal(attemptTimeProblem(now, now), null);
    assert.equal(attemptTimeProblem(new Date('2026-12-02T00:01:00Z'), now), null, 'earlier today');
    assert.equal(attemptTimeProblem(new Date('2026-12-02T15:00:30Z'), now), null, 'a clock a few seconds fast');
    assert.equal(attemptTimeProblem(new Date('2026-12-02T15:10:00Z'), now), 'future');
    assert.equal(attemptTimeProblem(new Date('2026-12-01T23:59:00Z'), now), 'not-today');
  });

  test('the day is London\'s: 00:30 BST on 1 July is still "today" at noon on 1 July', () => {
    const now = new Date('2026-07-01T11:00:00Z');
    assert.equal(attemptTimeProblem(new Date('2026-06-30T23:30:00Z'), now), null);
    assert.equal(attemptTimeProblem(new Date('2026-06-30T22:30:00Z'), now), 'not-today');
  });
});
