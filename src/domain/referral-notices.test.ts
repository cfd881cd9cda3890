import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { concernsOption, inForce, overlaps, spanProblem, spanState } from './referral-notices.ts';

const day = fc.integer({ min: 0, max: 3000 }).map((n) => new Date(Date.UTC(2025, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
const span = fc.tuple(day, fc.option(day, { nil: null })).map(([startsOn, endsOn]) => ({ startsOn, endsOn }));
const validSpan = span.filter((s) => spanProblem(s) === null);

test('a span holds on its first and last day, not the day before or after', () => {
  const s = { startsOn: '2026-12-01', endsOn: '2026-12-31' };
  assert.equal(spanState(s, '2026-11-30'), 'FUTURE');
  assert.equal(inForce(s, '2026-12-01'), true);
  assert.equal(inForce(s, '2026-12-31'), true);
  assert.equal(spanState(s, '2027-01-01'), 'ENDED');
  assert.equal(inForce({ startsOn: '2026-12-01', endsOn: null }, '2099-01-01'), true, 'no end: in force until ended');
});

test('an end before the start is refused; the same day is allowed', () => {
  assert.match(spanProblem({ startsOn: '2026-12-02', endsOn: '2026-12-01' }) ?? '', /after the start/);
  assert.equal(spanProblem({ startsOn: '2026-12-02', endsOn: '2026-12-02' }), null);
  assert.equal(spanProblem({ startsOn: '2026-12-02', endsOn: null }), null);
});

test('property: a valid span is in force exactly on the days from its start to its end', () => {
  fc.assert(fc.property(validSpan, day, (s, on) => {
    assert.equal(inForce(s, on), on >= s.startsOn && (s.endsOn === null || on <= s.endsOn));
  }));
});

test('property: overlap is symmetric, and a day in force in both spans means they overlap', () => {
  fc.assert(fc.property(validSpan, validSpan, day, (a, b, on) => {
    assert.equal(overlaps(a, b), overlaps(b, a));
    if (inForce(a, on) && inForce(b, on)) assert.equal(overlaps(a, b), true);
    // A one-day span overlaps another exactly when that day is in force in it.
    assert.equal(overlaps({ startsOn: on, endsOn: on }, a), inForce(a, on));
  }));
});

test('a notice concerns the options of its provider in its specialty, and only its service when it names one', () => {
  const option = { specialtyCode: '110', providerOdsCode: 'RR8', serviceId: 'RR801-110' };
  assert.equal(concernsOption({ specialtyCode: '110', providerOdsCode: 'RR8', serviceId: null }, option), true);
  assert.equal(concernsOption({ specialtyCode: '110', providerOdsCode: 'RR8', serviceId: 'RR801-110' }, option), true);
  assert.equal(concernsOption({ specialtyCode: '110', providerOdsCode: 'RR8', serviceId: 'RR802-110' }, option), false);
  assert.equal(concernsOption({ specialtyCode: '110', providerOdsCode: 'RAE', serviceId: null }, option), false);
  assert.equal(concernsOption({ specialtyCode: '120', providerOdsCode: 'RR8', serviceId: null }, option), false);
  assert.equal(concernsOption({ specialtyCode: '110', providerOdsCode: null, serviceId: null }, option), false, 'a specialty-wide notice is shown above the list, not beside an option');
});
