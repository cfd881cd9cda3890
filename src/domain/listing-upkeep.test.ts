import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { addDays, asiWindowFrom, daysBetween, flagsFor, highAsi, noSlots, staleWait, UPKEEP, waitSourceOf } from './listing-upkeep.ts';
import { wilson } from './statistics.ts';

const today = '2026-12-03';
const RTT_BASIS = 'Median wait of the 4,062 patients waiting at Leeds Teaching Hospitals NHS Trust, NHS England RTT April 2026';
const DAY = 86_400_000;
const WEEK = 7 * DAY;

describe('STALE_WAIT', () => {
  test('the wait\'s source is read from its basis: the importer\'s RTT words, else the provider\'s own', () => {
    assert.equal(waitSourceOf(RTT_BASIS), 'RTT');
    assert.equal(waitSourceOf('Given by the provider'), 'PROVIDER');
    assert.equal(waitSourceOf(null), 'PROVIDER');
  });

  test('an RTT wait as of the latest month loaded for its provider is fresh; a day older is stale', () => {
    const facts = { basis: RTT_BASIS, providerLatestPeriod: '2026-04-30', latestPeriod: '2026-04-30' };
    assert.equal(staleWait({ ...facts, waitAsOf: '2026-04-30' }, today), null);
    const stale = staleWait({ ...facts, waitAsOf: '2026-04-29' }, today);
    assert.deepEqual(stale, { source: 'RTT', waitAsOf: '2026-04-29', latestPublication: '2026-04-30', ageDays: daysBetween('2026-04-29', today), maxAgeDays: null });
  });

  test('a provider missing from the latest month is judged against the latest month loaded for anyone', () => {
    const stale = staleWait({ basis: RTT_BASIS, waitAsOf: '2026-03-31', providerLatestPeriod: '2026-03-31', latestPeriod: '2026-04-30' }, today);
    assert.equal(stale?.latestPublication, '2026-04-30');
    assert.equal(staleWait({ basis: RTT_BASIS, waitAsOf: '2026-03-31', providerLatestPeriod: null, latestPeriod: '2026-04-30' }, today)?.latestPublication, '2026-04-30');
  });

  test('no RTT statistics loaded at all: nothing to be stale against', () => {
    assert.equal(staleWait({ basis: RTT_BASIS, waitAsOf: '2026-03-31', providerLatestPeriod: null, latestPeriod: null }, today), null);
  });

  test(`a provider's own wait is fresh at ${UPKEEP.providerWaitMaxAgeDays} days old and stale the day after`, () => {
    const own = { basis: 'Given by the provider', providerLatestPeriod: '2026-04-30', latestPeriod: '2026-04-30' };
    assert.equal(staleWait({ ...own, waitAsOf: addDays(today, -UPKEEP.providerWaitMaxAgeDays) }, today), null);
    const stale = staleWait({ ...own, waitAsOf: addDays(today, -UPKEEP.providerWaitMaxAgeDays - 1) }, today);
    assert.equal(stale?.source, 'PROVIDER');
    assert.equal(stale?.ageDays, UPKEEP.providerWaitMaxAgeDays + 1);
    assert.equal(stale?.maxAgeDays, 42);
  });

  test('a listing without a wait is never stale', () => {
    assert.equal(staleWait({ basis: null, waitAsOf: null, providerLatestPeriod: '2026-04-30', latestPeriod: '2026-04-30' }, today), null);
  });

  test('property: a provider\'s own wait is stale exactly when it is more than 42 days old', () => {
    fc.assert(fc.property(fc.integer({ min: -30, max: 400 }), (age) => {
      const stale = staleWait({ basis: 'Given by the provider', waitAsOf: addDays(today, -age), providerLatestPeriod: null, latestPeriod: null }, today);
      return (stale !== null) === (age > UPKEEP.providerWaitMaxAgeDays) && (stale === null || stale.ageDays === age);
    }));
  });
});

describe('NO_SLOTS', () => {
  const now = new Date('2026-12-03T10:00:00Z');
  const at = (ms: number) => new Date(now.getTime() + ms);
  const bookable = { directlyBookable: true };

  test('a service that never published a slot is flagged; one that is not directly bookable is not', () => {
    assert.ok(noSlots({ ...bookable, nextSlotStartsAt: null, lastPublishedAt: null }, now));
    assert.equal(noSlots({ directlyBookable: false, nextSlotStartsAt: null, lastPublishedAt: null }, now), null);
  });

  test('a slot starting just inside 4 weeks keeps it clear; one starting at exactly 4 weeks does not', () => {
    const old = at(-10 * WEEK);
    assert.equal(noSlots({ ...bookable, nextSlotStartsAt: at(4 * WEEK - 1), lastPublishedAt: old }, now), null);
    const flagged = noSlots({ ...bookable, nextSlotStartsAt: at(4 * WEEK), lastPublishedAt: old }, now);
    assert.deepEqual(flagged, { nextSlotStartsAt: at(4 * WEEK).toISOString(), lastPublishedAt: old.toISOString(), aheadWeeks: 4, publishedWithinWeeks: 4 });
  });

  test('the day before 4 weeks since the last slot was published it is clear; the day after, flagged', () => {
    assert.equal(noSlots({ ...bookable, nextSlotStartsAt: null, lastPublishedAt: at(-4 * WEEK + DAY) }, now), null);
    assert.equal(noSlots({ ...bookable, nextSlotStartsAt: null, lastPublishedAt: at(-4 * WEEK) }, now), null, 'exactly 4 weeks ago still counts');
    assert.ok(noSlots({ ...bookable, nextSlotStartsAt: null, lastPublishedAt: at(-4 * WEEK - DAY) }, now));
  });

  test('property: flagged exactly when neither a slot starts within 4 weeks nor one was published within 4 weeks', () => {
    fc.assert(fc.property(fc.option(fc.integer({ min: -20 * 7, max: 20 * 7 })), fc.option(fc.integer({ min: -20 * 7, max: 0 })), (nextDays, publishedDays) => {
      const next = nextDays === null ? null : at(nextDays * DAY);
      const published = publishedDays === null ? null : at(publishedDays * DAY);
      const upcoming = nextDays !== null && nextDays >= 0 && nextDays < 28;
      const recent = publishedDays !== null && publishedDays >= -28;
      return (noSlots({ ...bookable, nextSlotStartsAt: next, lastPublishedAt: published }, now) !== null) === (!upcoming && !recent);
    }));
  });
});

describe('HIGH_ASI', () => {
  test('the window is 12 weeks, today included', () => {
    assert.equal(asiWindowFrom(today), addDays(today, -83));
    assert.equal(daysBetween(asiWindowFrom(today), today) + 1, 84);
  });

  test('two slot issues out of two flag nobody: fewer than the minimum count', () => {
    assert.equal(highAsi({ referrals: 2, slotIssues: 2 }, today), null);
  });

  test('three of three is flagged, with its interval', () => {
    const e = highAsi({ referrals: 3, slotIssues: 3 }, today);
    assert.ok(e);
    assert.equal(e.rate, 1);
    assert.equal(e.high, 1);
    assert.ok(e.low > 0.1);
    assert.equal(e.from, asiWindowFrom(today));
  });

  test('a rate above 10% is not enough when its interval reaches below 10%', () => {
    // 3 of 20 is 15%, but the interval's lower bound is about 5%.
    assert.ok(wilson(3, 20)!.low < 0.1);
    assert.equal(highAsi({ referrals: 20, slotIssues: 3 }, today), null);
  });

  test('at the threshold: the smallest count out of 100 whose lower bound passes 10% is flagged, one fewer is not', () => {
    let k = UPKEEP.asiMinCount;
    while (wilson(k, 100)!.low <= UPKEEP.asiRateAbove) k++;
    assert.ok(highAsi({ referrals: 100, slotIssues: k }, today));
    assert.equal(highAsi({ referrals: 100, slotIssues: k - 1 }, today), null);
  });

  test('property: flagged exactly when the count is at least 3 and the Wilson lower bound is above 10%', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 500 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }))), ([n, k]) => {
      const e = highAsi({ referrals: n, slotIssues: k }, today);
      const expected = k >= UPKEEP.asiMinCount && n > 0 && wilson(k, n)!.low > UPKEEP.asiRateAbove;
      return (e !== null) === expected && (e === null || (e.low <= e.rate && e.rate <= e.high));
    }));
  });
});

test('a listing off the directory needs no attention, whatever its facts', () => {
  const now = new Date('2026-12-03T10:00:00Z');
  const facts = {
    listed: true,
    wait: { basis: 'Given by the provider', waitAsOf: '2026-01-01', providerLatestPeriod: null, latestPeriod: null },
    slots: { directlyBookable: true, nextSlotStartsAt: null, lastPublishedAt: null },
    asi: { referrals: 5, slotIssues: 5 },
  };
  assert.deepEqual(flagsFor(facts, now, today).map((f) => f.flag), ['STALE_WAIT', 'NO_SLOTS', 'HIGH_ASI']);
  assert.deepEqual(flagsFor({ ...facts, listed: false }, now, today), []);
});
