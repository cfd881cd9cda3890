import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { acceptedRating, accreditationRating, alternativesRating, byThreshold, capacityNoticesRating, electronicRating, listingsRating, movement, offeredAtLeast5Rating, patternsRating, surveyRating, testShortlistsRating } from './evidence-ratings.ts';
import { RATINGS } from './self-assessment-items.ts';

test('MS6: Green from 95%, Amber from 80%, Red below, nothing without referrals', () => {
  assert.equal(offeredAtLeast5Rating({ count: 95, denominator: 100 }), 'GREEN');
  assert.equal(offeredAtLeast5Rating({ count: 94, denominator: 100 }), 'AMBER');
  assert.equal(offeredAtLeast5Rating({ count: 80, denominator: 100 }), 'AMBER');
  assert.equal(offeredAtLeast5Rating({ count: 79, denominator: 100 }), 'RED');
  assert.equal(offeredAtLeast5Rating({ count: 0, denominator: 0 }), null);
});

test('MS7: the standard\'s 80% is Green, below it never is', () => {
  assert.equal(electronicRating({ count: 80, denominator: 100 }), 'GREEN');
  assert.equal(electronicRating({ count: 799, denominator: 1000 }), 'AMBER');
  assert.equal(electronicRating({ count: 69, denominator: 100 }), 'RED');
});

test('MS8: acceptance thresholds', () => {
  assert.equal(acceptedRating({ count: 99, denominator: 100 }), 'GREEN');
  assert.equal(acceptedRating({ count: 96, denominator: 100 }), 'AMBER');
  assert.equal(acceptedRating({ count: 90, denominator: 100 }), 'RED');
});

test('a threshold rule is monotone: more of the good thing never rates lower', () => {
  const order = { RED: 0, AMBER: 1, GREEN: 2 } as const;
  fc.assert(fc.property(fc.integer({ min: 1, max: 5000 }), fc.nat(), fc.nat(), (n, a, b) => {
    const [lo, hi] = [Math.min(a, b) % (n + 1), Math.max(a, b) % (n + 1)].sort((x, y) => x - y) as [number, number];
    for (const rule of [offeredAtLeast5Rating, electronicRating, acceptedRating]) {
      assert.ok(order[rule({ count: hi, denominator: n })!] >= order[rule({ count: lo, denominator: n })!]);
    }
  }));
  fc.assert(fc.property(fc.nat({ max: 1000 }), fc.integer({ min: 1, max: 1000 }), (c, n) => {
    const r = byThreshold({ count: Math.min(c, n), denominator: n }, 0.9, 0.5);
    assert.ok(r !== null && RATINGS.includes(r));
  }));
});

test('the other rules', () => {
  assert.equal(alternativesRating(0), null);
  assert.equal(alternativesRating(3), 'AMBER');
  assert.equal(listingsRating(0, 0, 0), 'GREEN');
  assert.equal(listingsRating(1, 20, 10), 'AMBER');
  assert.equal(listingsRating(1, 20, 31), 'RED');
  assert.equal(listingsRating(5, 20, 1), 'RED');
  assert.equal(patternsRating(0, 0, 0), null);
  assert.equal(patternsRating(3, 0, 0), 'RED');
  assert.equal(patternsRating(3, 1, 0), 'AMBER');
  assert.equal(patternsRating(3, 3, 3), 'GREEN');
  assert.equal(testShortlistsRating(0, 3), 'RED');
  assert.equal(testShortlistsRating(1, 3), 'AMBER');
  assert.equal(testShortlistsRating(3, 3), 'GREEN');
  assert.equal(surveyRating(0), 'RED');
  assert.equal(surveyRating(12), 'AMBER');
  assert.equal(surveyRating(50), 'GREEN');
});

test('movement between periods', () => {
  assert.equal(movement(null, 'RED'), 'NEW');
  assert.equal(movement('RED', 'GREEN'), 'UP');
  assert.equal(movement('GREEN', 'AMBER'), 'DOWN');
  assert.equal(movement('AMBER', 'AMBER'), 'SAME');
  assert.equal(movement('AMBER', null), null);
});

test('MS5: accreditation decided within the target and none overdue is Green; any overdue is Red', () => {
  assert.equal(accreditationRating({ applicationsDecided: 0, decidedWithinTarget: 0, openOverdue: 0, open: 0 }), null, 'nothing to judge');
  assert.equal(accreditationRating({ applicationsDecided: 3, decidedWithinTarget: 3, openOverdue: 0, open: 1 }), 'GREEN');
  assert.equal(accreditationRating({ applicationsDecided: 3, decidedWithinTarget: 2, openOverdue: 0, open: 0 }), 'AMBER');
  assert.equal(accreditationRating({ applicationsDecided: 3, decidedWithinTarget: 3, openOverdue: 1, open: 1 }), 'RED');
  assert.equal(accreditationRating({ applicationsDecided: 0, decidedWithinTarget: 0, openOverdue: 0, open: 2 }), 'GREEN', 'open applications within their time');
});

test('5.6: capacity notices in force through the period', () => {
  assert.equal(capacityNoticesRating(0, 3), 'RED');
  assert.equal(capacityNoticesRating(2, 3), 'AMBER');
  assert.equal(capacityNoticesRating(3, 3), 'GREEN');
});
