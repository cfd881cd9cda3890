import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { contactByDate, daysLeft } from './contact-by.ts';

test('contact-by dates by priority, across month and year ends', () => {
  assert.equal(contactByDate('2026-11-23', 'ROUTINE'), '2027-01-02');
  assert.equal(contactByDate('2026-11-23', 'URGENT'), '2026-12-03');
  assert.equal(contactByDate('2026-12-30', 'TWO_WEEK_WAIT'), '2027-01-04');
  assert.equal(contactByDate('2028-02-27', 'TWO_WEEK_WAIT'), '2028-03-03');
});

test('property: days left is the priority\'s days on the day of deferral and counts down by one a day', () => {
  fc.assert(
    fc.property(fc.date({ min: new Date('2020-01-01'), max: new Date('2035-12-31'), noInvalidDate: true }), fc.constantFrom('ROUTINE', 'URGENT', 'TWO_WEEK_WAIT' as const), fc.integer({ min: 0, max: 60 }), (d, priority, later) => {
      const on = d.toISOString().slice(0, 10);
      const by = contactByDate(on, priority);
      const today = new Date(Date.parse(`${on}T00:00:00Z`) + later * 86_400_000).toISOString().slice(0, 10);
      assert.equal(daysLeft(by, today), { ROUTINE: 40, URGENT: 10, TWO_WEEK_WAIT: 5 }[priority] - later);
    }),
  );
});
