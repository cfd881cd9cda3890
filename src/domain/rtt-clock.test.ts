import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addDays, breachDate, daysBetween, eighteenWeekStatus, forecastFirstAppointment, type RttClock, weeksWaited } from './rtt-clock.ts';

const date = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const clock = (start: string, pausedDays = 0): RttClock => ({ start, state: 'RUNNING', pausedDays, stoppedOn: null });

test('weeks waited are days since the clock start less paused days, over 7, never negative, and only grow', () => {
  fc.assert(
    fc.property(date, fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 30 }), (start, days, paused, later) => {
      const today = addDays(start, days);
      const w = weeksWaited(clock(start, paused), today);
      assert.ok(w >= 0);
      assert.ok(Math.abs(w - Math.max(0, days - paused) / 7) < 0.1 + 1e-9);
      assert.ok(weeksWaited(clock(start, paused), addDays(today, later)) >= w);
    }),
  );
});

test('a stopped clock stops counting', () => {
  const c: RttClock = { start: '2026-01-01', state: 'STOPPED', pausedDays: 0, stoppedOn: '2026-02-12' };
  assert.equal(weeksWaited(c, '2026-11-23'), 6);
  assert.equal(eighteenWeekStatus(c, { date: null, basis: 'UNKNOWN' }, '2026-11-23').mayAskForAlternative, false);
});

test('18 weeks: the breach date is 126 days after the start plus pauses; breached after it, not on it', () => {
  assert.equal(breachDate(clock('2026-01-01')), '2026-05-07');
  assert.equal(breachDate(clock('2026-01-01', 10)), '2026-05-17');
  const none = { date: null, basis: 'UNKNOWN' as const };
  assert.equal(eighteenWeekStatus(clock('2026-01-01'), none, '2026-05-07').breached, false);
  assert.equal(eighteenWeekStatus(clock('2026-01-01'), none, '2026-05-08').breached, true);
  fc.assert(
    fc.property(date, fc.integer({ min: 0, max: 300 }), (start, days) => {
      const today = addDays(start, days);
      const s = eighteenWeekStatus(clock(start), none, today);
      assert.equal(s.breached, days > 126);
      assert.equal(daysBetween(start, s.breachDate), 126);
    }),
  );
});

test('the forecast prefers a booked slot, then a date already set, then the indicative wait (unknown once past it)', () => {
  const c = clock('2026-06-01');
  assert.deepEqual(forecastFirstAppointment({ clock: c, today: '2026-11-23', bookedOn: '2026-12-01', nextAppointmentDate: '2027-01-01', indicativeWaitWeeks: 10 }), { date: '2026-12-01', basis: 'BOOKED_SLOT' });
  assert.deepEqual(forecastFirstAppointment({ clock: c, today: '2026-11-23', bookedOn: null, nextAppointmentDate: '2027-01-01', indicativeWaitWeeks: 10 }), { date: '2027-01-01', basis: 'NEXT_APPOINTMENT' });
  assert.deepEqual(forecastFirstAppointment({ clock: c, today: '2026-06-02', bookedOn: null, nextAppointmentDate: null, indicativeWaitWeeks: 10 }), { date: '2026-08-10', basis: 'INDICATIVE_WAIT' });
  assert.deepEqual(forecastFirstAppointment({ clock: c, today: '2026-11-23', bookedOn: null, nextAppointmentDate: null, indicativeWaitWeeks: 10 }), { date: null, basis: 'PAST_INDICATIVE_WAIT' });
  assert.deepEqual(forecastFirstAppointment({ clock: c, today: '2026-11-23', bookedOn: null, nextAppointmentDate: null, indicativeWaitWeeks: null }), { date: null, basis: 'UNKNOWN' });
});

test('a forecast past the breach date lets the patient ask before 18 weeks have passed', () => {
  const c = clock('2026-11-01');
  const forecast = forecastFirstAppointment({ clock: c, today: '2026-11-23', bookedOn: null, nextAppointmentDate: null, indicativeWaitWeeks: 30 });
  const s = eighteenWeekStatus(c, forecast, '2026-11-23');
  assert.equal(s.breached, false);
  assert.equal(s.forecastBreach, true);
  assert.equal(s.mayAskForAlternative, true);
  assert.match(s.explanation, /more than 18 weeks/);
  const soon = eighteenWeekStatus(c, forecastFirstAppointment({ clock: c, today: '2026-11-23', bookedOn: null, nextAppointmentDate: null, indicativeWaitWeeks: 8 }), '2026-11-23');
  assert.equal(soon.mayAskForAlternative, false);
});
