// The dashboard's query parsers and periods, without a database: whatever a query string holds, the parsers answer
// a valid query or errors for the summary, never an exception; the periods are what the pages say they are.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isCalendarDate } from '../domain/dates.ts';
import { defaultPeriod, lastThreeFullMonths, MAX_PERIOD_DAYS, monthOf, periodsBetween, readDashboardQuery, weekOf } from './dashboard.ts';
import { readDrillDownQuery } from './drill-down.ts';

const days = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 86_400_000;
const isoDate = fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const field = fc.oneof(fc.string({ maxLength: 12 }), isoDate, fc.constantFrom('week', 'month', 'day', 'referrals', 'name', 'asc', 'desc', 'all', '110', '130', ''), fc.array(fc.string(), { maxLength: 2 }));
const queries = fc.record({ from: field, to: field, interval: field, specialty: field, sort: field, order: field, practices: field, measure: field, page: field, practice: field, provider: field, reason: field }, { requiredKeys: [] });

describe('reading the query string', () => {
  test('the dashboard: a valid query or errors, never a throw; an accepted period runs forwards and at most 5 years (property)', () => {
    fc.assert(fc.property(queries, (q) => {
      const r = readDashboardQuery(q, new Set(['110', '130']), '2026-12-03');
      if (!r.ok) return assert.ok(r.errors.length > 0 && r.errors.every((e) => ['#from', '#to', '#interval', '#specialty', '#sort'].includes(e.href) && e.message.length > 0));
      assert.ok(isCalendarDate(r.query.from) && isCalendarDate(r.query.to));
      assert.ok(r.query.from <= r.query.to && days(r.query.from, r.query.to) <= MAX_PERIOD_DAYS);
      assert.ok(['week', 'month'].includes(r.query.interval));
    }), { numRuns: 500 });
  });

  test('the drill-down: the same, with one organisation at most and a page from 1 (property)', () => {
    fc.assert(fc.property(queries, (q) => {
      const r = readDrillDownQuery(q);
      if (!r.ok) return assert.ok(r.errors.length > 0);
      assert.ok(r.query.from <= r.query.to && r.query.page >= 1);
      assert.ok([r.query.practice, r.query.referralCentre, r.query.provider].filter(Boolean).length <= 1);
      if (r.query.reason) assert.equal(r.query.measure, 'fewerThan5');
    }), { numRuns: 500 });
  });

  test('empty, the dashboard is the 12 months ending today, by week, most referrals first', () => {
    const r = readDashboardQuery({}, new Set(), '2026-12-03');
    assert.ok(r.ok);
    assert.deepEqual(r.query, { from: '2025-12-04', to: '2026-12-03', interval: 'week', specialty: null, sort: 'referrals', order: 'desc', allPractices: false });
  });
});

describe('periods', () => {
  test('the default is the year ending today, and the headline the last 3 full months (property)', () => {
    fc.assert(fc.property(isoDate, (today) => {
      const p = defaultPeriod(today);
      assert.equal(p.to, today);
      assert.ok([365, 366].includes(days(p.from, p.to) + 1), `${p.from} to ${p.to}`);
      const h = lastThreeFullMonths(today);
      assert.equal(h.from.slice(8), '01');
      assert.ok(h.to < `${today.slice(0, 7)}-01` && days(h.to, `${today.slice(0, 7)}-01`) === 1);
      assert.ok(days(h.from, h.to) >= 88 && days(h.from, h.to) <= 91);
    }));
    assert.deepEqual(lastThreeFullMonths('2026-12-03'), { from: '2026-09-01', to: '2026-11-30' });
    assert.deepEqual(defaultPeriod('2028-02-29'), { from: '2027-03-01', to: '2028-02-29' });
  });

  test('every week (from its Monday) or month of a period, once, in order (property)', () => {
    fc.assert(fc.property(isoDate, fc.integer({ min: 0, max: 800 }), (from, span) => {
      const to = new Date(Date.parse(from) + span * 86_400_000).toISOString().slice(0, 10);
      const weeks = periodsBetween(from, to, 'week');
      assert.equal(weeks[0], weekOf(from));
      assert.ok(weeks.every((w, i) => new Date(w).getUTCDay() === 1 && (i === 0 || days(weeks[i - 1]!, w) === 7)));
      assert.equal(weeks.at(-1), weekOf(to));
      const months = periodsBetween(from, to, 'month');
      assert.equal(months[0], monthOf(from));
      assert.equal(months.at(-1), monthOf(to));
    }));
  });
});
