// The request and offer forms: every message and where it links, in the form's order, and the answers they make.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readOfferForm } from './offer-form.ts';
import { readRequestForm } from './request-form.ts';

const TODAY = '2026-06-15';
const date = (name: string, iso: string) => ({ [`${name}[day]`]: String(Number(iso.slice(8))), [`${name}[month]`]: String(Number(iso.slice(5, 7))), [`${name}[year]`]: iso.slice(0, 4) });

describe('asking for mutual aid', () => {
  const read = (body: object) => readRequestForm(body, new Set(['110', '130']), TODAY);

  test('an empty form: each field says what to do, the date linking to its day box', () => {
    const form = read({});
    assert.ok(!form.ok);
    assert.deepEqual(form.errors, [
      { field: 'specialty', href: '#specialty', message: 'Select the specialty you need help with' },
      { field: 'patients', href: '#patients', message: 'Enter the number of patients' },
      { field: 'neededBy', href: '#neededBy-day', message: 'Enter the date you need help by' },
    ]);
  });

  test('a specialty not offered, a number out of range, a date half given or past, constraints too long', () => {
    const form = read({ specialty: '999', patients: '100001', 'neededBy[day]': '3', 'neededBy[year]': '2026', constraints: 'x'.repeat(1001) });
    assert.ok(!form.ok);
    assert.deepEqual(form.errors.map((e) => [e.href, e.message]), [
      ['#specialty', 'Select the specialty you need help with'],
      ['#patients', 'Number of patients must be a whole number from 1 to 100,000'],
      ['#neededBy-day', 'Date you need help by must be a real date'],
      ['#constraints', 'Constraints must be 1,000 characters or fewer'],
    ]);
    const past = read({ specialty: '110', patients: '4', ...date('neededBy', '2026-06-14') });
    assert.ok(!past.ok);
    assert.deepEqual(past.errors, [{ field: 'neededBy', href: '#neededBy-day', message: 'The date you need help by must be today or in the future' }]);
  });

  test('a good request', () => {
    const form = read({ specialty: '110', patients: '40', ...date('neededBy', TODAY), constraints: ' Routine hips ' });
    assert.ok(form.ok);
    assert.deepEqual(form.answer, { specialty: '110', patients: 40, neededBy: TODAY, constraints: 'Routine hips' });
  });
});

describe('offering capacity', () => {
  const read = (body: object) => readOfferForm(body, new Set(['RR813-110']), TODAY);
  const good = { serviceId: 'RR813-110', capacityPerWeek: '5', ...date('startsOn', '2026-07-01'), ...date('endsOn', '2026-08-31'), complexity: 'ROUTINE' };

  test('an empty form', () => {
    const form = read({});
    assert.ok(!form.ok);
    assert.deepEqual(form.errors.map((e) => [e.href, e.message]), [
      ['#serviceId', 'Select the service that has capacity'],
      ['#capacityPerWeek', 'Enter the number of places each week'],
      ['#startsOn-day', 'Enter the start date'],
      ['#endsOn-day', 'Enter the end date'],
      ['#complexity', 'Select which patients you can take'],
    ]);
  });

  test('rules across fields are listed with the others: an end before the start, ages the wrong way round', () => {
    const form = read({ ...good, capacityPerWeek: 'abc', ...date('endsOn', '2026-06-30'), minAge: '50', maxAge: '40' });
    assert.ok(!form.ok);
    assert.deepEqual(form.errors.map((e) => [e.href, e.message]), [
      ['#capacityPerWeek', 'Number of places each week must be a whole number from 1 to 10,000'],
      ['#endsOn-day', 'End date must be the same as or after the start date'],
      ['#maxAge', 'Maximum age must be the same as or more than the minimum age'],
    ]);
  });

  test('an end in the past is said once, even with no good start date; an age out of range', () => {
    const form = read({ ...good, 'startsOn[day]': '31', 'startsOn[month]': '2', ...date('endsOn', '2026-06-14'), minAge: '131' });
    assert.ok(!form.ok);
    assert.deepEqual(form.errors.map((e) => [e.href, e.message]), [
      ['#startsOn-day', 'Start date must be a real date'],
      ['#endsOn-day', 'End date must be today or in the future'],
      ['#minAge', 'Minimum age must be a whole number from 0 to 130'],
    ]);
    const backwardsAndPast = read({ ...good, ...date('endsOn', '2026-06-01') });
    assert.ok(!backwardsAndPast.ok);
    assert.deepEqual(backwardsAndPast.errors.map((e) => e.message), ['End date must be the same as or after the start date']);
  });

  test('a good offer, with or without age limits', () => {
    const form = read({ ...good, minAge: '18', notes: 'Mornings' });
    assert.ok(form.ok);
    assert.deepEqual(form.answer, { serviceId: 'RR813-110', capacityPerWeek: 5, startsOn: '2026-07-01', endsOn: '2026-08-31', minAge: 18, maxAge: null, complexity: 'ROUTINE', notes: 'Mornings' });
  });
});
