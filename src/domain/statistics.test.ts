import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isSmallNumber, share, wilson } from './statistics.ts';

test('the Wilson interval matches published values', () => {
  // Newcombe (1998), table I: 81 of 263 gives 0.2553 to 0.3662; 0 of 10 gives 0 to 0.2775.
  const a = wilson(81, 263)!;
  assert.equal(a.low.toFixed(4), '0.2553');
  assert.equal(a.high.toFixed(4), '0.3662');
  const b = wilson(0, 10)!;
  assert.equal(b.low, 0);
  assert.equal(b.high.toFixed(4), '0.2775');
  assert.equal(wilson(10, 10)!.high, 1);
  assert.equal(wilson(0, 0), null);
});

test('the interval holds the share and stays within 0 and 1, narrowing as n grows', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 100_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, p) => {
    const count = Math.round(p * n);
    const ci = wilson(count, n)!;
    assert.ok(ci.low >= 0 && ci.high <= 1 && ci.low <= count / n && count / n <= ci.high);
    const bigger = wilson(count * 4, n * 4)!;
    assert.ok(bigger.high - bigger.low <= ci.high - ci.low + 1e-12);
  }));
});

test('impossible counts are refused, not answered', () => {
  assert.throws(() => wilson(5, 4), RangeError);
  assert.throws(() => wilson(-1, 4), RangeError);
  assert.throws(() => wilson(1.5, 4), RangeError);
});

test('a share carries its denominator; small numbers are 1 to 9', () => {
  assert.deepEqual(share(0, 0), { count: 0, denominator: 0, value: null, low: null, high: null });
  assert.equal(share(3, 4).value, 0.75);
  assert.deepEqual([0, 1, 9, 10].map(isSmallNumber), [false, true, true, false]);
});
