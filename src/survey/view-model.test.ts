// Publication's suppression on the results page: groups of fewer than 10 responses show no shares, counts of 1 to
// 9 show as "fewer than 10", and what is shown is the share, its Wilson interval and its denominator.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { share, wilson } from '../domain/statistics.ts';
import { QUESTIONS, type QuestionField } from './questions.ts';
import type { Figures } from './results.ts';
import { figuresView } from './view-model.ts';

const figures = (invitations: number, responses: number, positive: number, denominator = responses): Figures => ({
  invitations, responses, responseRate: share(responses, invitations),
  questions: Object.fromEntries(QUESTIONS.map((q) => [q.field, share(positive, denominator)])) as Record<QuestionField, ReturnType<typeof share>>,
});

test('a group of 1 to 9 responses shows "fewer than 10" and no share; 0 responses shows none to hide', () => {
  const small = figuresView(figures(40, 9, 5));
  assert.deepEqual(small.responses, { value: null, withheld: true });
  assert.equal(small.invitations.value, 40);
  assert.ok(small.responseRate.withheld && small.responseRate.percent === null);
  assert.ok(small.questions.every((q) => q.withheld && q.percent === null && q.count === null));
  const none = figuresView(figures(40, 0, 0));
  assert.equal(none.responses.value, 0);
  assert.equal(none.responseRate.percent, 0);
  assert.ok(none.questions.every((q) => !q.withheld && q.percent === null));
  assert.deepEqual(figuresView(figures(7, 0, 0)).invitations, { value: null, withheld: true });
});

test('a statement answered by fewer than 10 (the rest "does not apply") is withheld even in a large group', () => {
  const v = figuresView(figures(100, 30, 4, 8));
  assert.equal(v.responses.value, 30);
  assert.ok(v.questions.every((q) => q.withheld));
});

test('property: from 10 responses up, each share shown is the count over its denominator with its Wilson interval, in whole percentages', () => {
  fc.assert(
    fc.property(fc.integer({ min: 10, max: 500 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }), fc.integer({ min: n, max: 2000 }))), ([n, k, invited]) => {
      const v = figuresView(figures(invited, n, k));
      const ci = wilson(k, n)!;
      for (const q of v.questions) {
        assert.equal(q.withheld, false);
        assert.deepEqual([q.count, q.denominator, q.percent, q.low, q.high], [k, n, Math.round((100 * k) / n), Math.round(100 * ci.low), Math.round(100 * ci.high)]);
        assert.ok(q.low! <= q.percent! && q.percent! <= q.high!);
      }
      assert.equal(v.responseRate.percent, Math.round((100 * n) / invited));
    }),
  );
});

test('a share exactly halfway rounds up, from its counts: 23 of 40 is 58 % (0.575 × 100 in floating point is 57.49…)', () => {
  const q = figuresView(figures(40, 40, 23)).questions[0]!;
  assert.equal(q.percent, 58);
  assert.equal(figuresView(figures(200, 200, 29)).questions[0]!.percent, 15);
});
