import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addDays, breachDate, daysBetween, eighteenWeekStatus, explainEighteenWeeks, explainSooner, forecastFirstAppointment, type RttClock, weeksWaited } from './rtt-clock.ts';
import { API_WORDING, type Wording } from './wording.ts';

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
  assert.match(explainEighteenWeeks(s, API_WORDING), /more than 18 weeks/);
  const soon = eighteenWeekStatus(c, forecastFirstAppointment({ clock: c, today: '2026-11-23', bookedOn: null, nextAppointmentDate: null, indicativeWaitWeeks: 8 }), '2026-11-23');
  assert.equal(soon.mayAskForAlternative, false);
});

// How pages write dates (the date filter's words), without importing the page platform into the domain.
const longDate = (iso: string) => new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const patientPage: Wording = { audience: 'patient', date: longDate };
const staffPage: Wording = { audience: 'staff', date: longDate };

test('the 18-week explanation: the API keeps its words (to "you", dates as YYYY-MM-DD); pages get long dates, and staff "the patient"', () => {
  const c = clock('2026-01-01');
  const cases: { today: string; forecast: Parameters<typeof eighteenWeekStatus>[1]; api: string; patient: string; staff: string }[] = [
    {
      today: '2026-06-01', forecast: { date: null, basis: 'UNKNOWN' },
      api: 'You have waited 21.5 weeks, more than the 18 weeks the NHS Constitution sets, so you can ask for a faster alternative.',
      patient: 'You have waited 21.5 weeks, more than the 18 weeks the NHS Constitution sets, so you can ask for a faster alternative.',
      staff: 'The patient has waited 21.5 weeks, more than the 18 weeks the NHS Constitution sets, so they can ask for a faster alternative.',
    },
    {
      today: '2026-03-01', forecast: { date: '2026-06-30', basis: 'INDICATIVE_WAIT' },
      api: 'You are likely to be seen on or after 2026-06-30, which is more than 18 weeks after your referral (2026-05-07), so you can ask for a faster alternative.',
      patient: 'You are likely to be seen on or after 30 June 2026, which is more than 18 weeks after your referral (7 May 2026), so you can ask for a faster alternative.',
      staff: 'The patient is likely to be seen on or after 30 June 2026, which is more than 18 weeks after their referral (7 May 2026), so they can ask for a faster alternative.',
    },
    {
      today: '2026-03-01', forecast: { date: null, basis: 'PAST_INDICATIVE_WAIT' },
      api: 'You have waited 8.4 weeks, longer than most patients wait there, so we cannot tell when you will be seen. You can ask for a faster alternative once you pass 18 weeks (2026-05-07).',
      patient: 'You have waited 8.4 weeks, longer than most patients wait there, so we cannot tell when you will be seen. You can ask for a faster alternative once you pass 18 weeks (7 May 2026).',
      staff: 'The patient has waited 8.4 weeks, longer than most patients wait there, so we cannot tell when they will be seen. They can ask for a faster alternative once they pass 18 weeks (7 May 2026).',
    },
    {
      today: '2026-03-01', forecast: { date: null, basis: 'UNKNOWN' },
      api: 'You have waited 8.4 weeks. We cannot yet tell when you will be seen; you can ask for a faster alternative once you pass 18 weeks (2026-05-07).',
      patient: 'You have waited 8.4 weeks. We cannot yet tell when you will be seen; you can ask for a faster alternative once you pass 18 weeks (7 May 2026).',
      staff: 'The patient has waited 8.4 weeks. We cannot yet tell when they will be seen; they can ask for a faster alternative once they pass 18 weeks (7 May 2026).',
    },
    {
      today: '2026-03-01', forecast: { date: '2026-04-30', basis: 'BOOKED_SLOT' },
      api: 'You are likely to be seen by 2026-04-30, within 18 weeks of your referral.',
      patient: 'You are likely to be seen by 30 April 2026, within 18 weeks of your referral.',
      staff: 'The patient is likely to be seen by 30 April 2026, within 18 weeks of their referral.',
    },
  ];
  for (const { today, forecast, api, patient, staff } of cases) {
    const s = eighteenWeekStatus(c, forecast, today);
    assert.equal(explainEighteenWeeks(s, API_WORDING), api);
    assert.equal(explainEighteenWeeks(s, patientPage), patient);
    assert.equal(explainEighteenWeeks(s, staffPage), staff);
  }
  const stopped = eighteenWeekStatus({ ...c, state: 'STOPPED', stoppedOn: '2026-02-01' }, { date: null, basis: 'UNKNOWN' }, '2026-06-01');
  for (const w of [API_WORDING, patientPage, staffPage]) assert.equal(explainEighteenWeeks(stopped, w), 'Treatment has started, so the waiting-time clock has stopped.');
});

test('why an alternative is faster: the API keeps its words; pages get long dates, and staff "the patient"', () => {
  const sooner = { expectedBy: '2026-12-07', soonerByWeeks: 13.9 };
  assert.equal(explainSooner(sooner, API_WORDING), 'Expected to see you by 2026-12-07, about 13.9 weeks sooner than where you wait now');
  assert.equal(explainSooner(sooner, patientPage), 'Expected to see you by 7 December 2026, about 13.9 weeks sooner than where you wait now');
  assert.equal(explainSooner(sooner, staffPage), 'Expected to see the patient by 7 December 2026, about 13.9 weeks sooner than where they wait now');
  assert.equal(explainSooner({ expectedBy: '2026-12-07', soonerByWeeks: null }, API_WORDING), 'Expected to see you by 2026-12-07');
  assert.equal(explainSooner({ expectedBy: '2026-12-07', soonerByWeeks: null }, staffPage), 'Expected to see the patient by 7 December 2026');
});
