import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { z } from 'zod';
import { conflict, notFound, unprocessable } from '../http/problem.ts';
import { attempt, calendarDate, foundOrNull, checkboxes, dateInput, errorContext, oneOfKeys, readForm, required, text, wholeNumber, whenValid } from './forms.ts';

const FIELDS = { name: text(10), dob: dateInput(), days: checkboxes(3), count: text(6) };
const schema = z.object({
  name: required('Enter a name'),
  dob: calendarDate({ empty: 'Enter a date of birth', partial: (p) => `Date of birth must include a ${p}`, invalid: 'Date of birth must be a real date' })
    .refine((d) => d < '2026-01-01', 'Date of birth must be in the past'),
  days: z.array(z.string()).min(1, 'Select a day'),
  count: wholeNumber({ min: 1, max: 99, empty: null, invalid: 'Count must be a whole number from 1 to 99' }),
});

describe('readForm', () => {
  test('a good form gives the typed answer and the values to show again', () => {
    const form = readForm(FIELDS, schema, { name: ' Ann ', 'dob[day]': '1', 'dob[month]': '2', 'dob[year]': '1970', days: ['MON', 'TUE'], count: '' });
    assert.ok(form.ok);
    assert.deepEqual(form.answer, { name: 'Ann', dob: '1970-02-01', days: ['MON', 'TUE'], count: null });
    assert.deepEqual(form.values.dob, { day: '1', month: '2', year: '1970' });
  });

  test('one error per field, in the order of the form, each linked to its box', () => {
    const form = readForm(FIELDS, schema, { count: 'x', 'dob[day]': '1', 'dob[year]': '1970' });
    assert.ok(!form.ok);
    assert.deepEqual(form.errors, [
      { field: 'name', href: '#name', message: 'Enter a name' },
      { field: 'dob', href: '#dob-month', message: 'Date of birth must include a month' },
      { field: 'days', href: '#days', message: 'Select a day' },
      { field: 'count', href: '#count', message: 'Count must be a whole number from 1 to 99' },
    ]);
  });

  test('a rule on a date links to its first box; hrefs can be given', () => {
    const form = readForm(FIELDS, schema, { name: 'A', 'dob[day]': '1', 'dob[month]': '2', 'dob[year]': '2030', days: 'MON' }, { days: '#days-MON' });
    assert.ok(!form.ok);
    assert.deepEqual(form.errors, [{ field: 'dob', href: '#dob-day', message: 'Date of birth must be in the past' }]);
    const days = readForm(FIELDS, schema, { name: 'A', 'dob[day]': '1', 'dob[month]': '2', 'dob[year]': '1970' }, { days: '#days-MON' });
    assert.ok(!days.ok);
    assert.equal(days.errors[0]?.href, '#days-MON');
  });

  test('not a real date, and none given', () => {
    const bad = readForm(FIELDS, schema, { 'dob[day]': '31', 'dob[month]': '2', 'dob[year]': '1970' });
    assert.ok(!bad.ok);
    assert.equal(bad.errors.find((e) => e.field === 'dob')?.message, 'Date of birth must be a real date');
    const none = readForm(FIELDS, schema, {});
    assert.ok(!none.ok);
    assert.deepEqual(none.errors.find((e) => e.field === 'dob'), { field: 'dob', href: '#dob-day', message: 'Enter a date of birth' });
  });

  test('property: any posted body is read without throwing, and values stay within their limits', () => {
    const value = fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 5 }), fc.integer(), fc.constant(null), fc.object());
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('name', 'dob[day]', 'dob[month]', 'dob[year]', 'days', 'count', 'other'), value), (body) => {
        const form = readForm(FIELDS, schema, body);
        assert.ok(form.values.name.length <= 10);
        assert.ok(form.values.days.length <= 3 && form.values.days.every((d) => typeof d === 'string'));
        assert.ok(form.values.dob.day.length <= 4 && form.values.dob.year.length <= 6);
        if (!form.ok) assert.ok(form.errors.length > 0 && new Set(form.errors.map((e) => e.field)).size === form.errors.length);
      }),
    );
  });
});

test('a rule across fields runs once those fields are read, whatever the others, and before a later rule on them', () => {
  const fields = { from: dateInput(), to: dateInput(), count: text(6) };
  const period = z
    .object({
      from: calendarDate({ empty: 'Enter the start date', invalid: 'Start date must be a real date' }),
      to: calendarDate({ empty: 'Enter the end date', invalid: 'End date must be a real date' }),
      count: wholeNumber({ min: 1, max: 9, empty: 'Enter a count', invalid: 'Count must be a whole number from 1 to 9' }),
    })
    .superRefine(({ from, to }, ctx) => {
      if (to < from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'End date must be on or after the start date' });
    }, whenValid('from', 'to'))
    .superRefine(({ to }, ctx) => {
      if (to < '2026-01-01') ctx.addIssue({ code: 'custom', path: ['to'], message: 'End date must be in 2026 or later' });
    }, whenValid('to'));
  const date = (name: string, iso: string) => ({ [`${name}[day]`]: iso.slice(8), [`${name}[month]`]: iso.slice(5, 7), [`${name}[year]`]: iso.slice(0, 4) });
  const backwards = readForm(fields, period, { ...date('from', '2027-03-01'), ...date('to', '2025-02-01'), count: 'x' });
  assert.ok(!backwards.ok);
  assert.deepEqual(backwards.errors, [
    { field: 'to', href: '#to-day', message: 'End date must be on or after the start date' },
    { field: 'count', href: '#count', message: 'Count must be a whole number from 1 to 9' },
  ]);
  const noStart = readForm(fields, period, { ...date('to', '2025-02-01'), count: '3' });
  assert.ok(!noStart.ok);
  assert.deepEqual(noStart.errors.map((e) => e.message), ['Enter the start date', 'End date must be in 2026 or later']);
  const good = readForm(fields, period, { ...date('from', '2026-03-01'), ...date('to', '2026-04-01'), count: '3' });
  assert.ok(good.ok);
  assert.deepEqual(good.answer, { from: '2026-03-01', to: '2026-04-01', count: 3 });
});

test('oneOfKeys accepts only the keys of its options', () => {
  const reason = oneOfKeys({ A: 'Reason A', B: 'Reason B' }, 'Select a reason');
  assert.equal(reason.parse('A'), 'A');
  assert.equal(reason.safeParse('C').error?.issues[0]?.message, 'Select a reason');
  assert.equal(reason.safeParse('toString').success, false);
});

test('errorContext gives the summary list and each field its first message', () => {
  const ctx = errorContext([{ field: 'a', href: '#a', message: 'First' }, { field: 'a', href: '#a', message: 'Second' }]);
  assert.deepEqual(ctx.errorList, [{ text: 'First', href: '#a' }, { text: 'Second', href: '#a' }]);
  assert.deepEqual(ctx.err, { a: { text: 'First' } });
});

describe('attempt', () => {
  test('a service problem becomes errors on the form; field problems go on their fields', async () => {
    const refused = await attempt(async () => {
      throw unprocessable('The offer breaks a rule.', [{ field: 'endsOn', message: 'must be on or after the start date' }]);
    }, { field: 'serviceId', fields: { endsOn: { href: '#endsOn-day', label: 'End date' } } });
    assert.ok(!refused.ok);
    assert.equal(refused.status, 422);
    assert.deepEqual(refused.errors, [{ field: 'endsOn', href: '#endsOn-day', message: 'End date must be on or after the start date' }]);
    const conflicted = await attempt(async () => {
      throw conflict('That slot has just been booked by someone else.');
    }, { field: 'slotId', href: '#slot-choice' });
    assert.ok(!conflicted.ok);
    assert.deepEqual(conflicted.errors, [{ field: 'slotId', href: '#slot-choice', message: 'That slot has just been booked by someone else' }]);
  });

  test('anything but a 4xx problem is thrown on', async () => {
    await assert.rejects(attempt(async () => {
      throw new Error('database down');
    }, { field: 'x' }), /database down/);
    assert.deepEqual(await attempt(async () => 42, { field: 'x' }), { ok: true, value: 42 });
  });
});

test('foundOrNull: a record, null for "none you may see", and any other problem thrown on', async () => {
  assert.equal(await foundOrNull(async () => 'found'), 'found');
  assert.equal(await foundOrNull(async () => {
    throw notFound('There is no referral 123456789012 that you can see.');
  }), null);
  await assert.rejects(foundOrNull(async () => {
    throw conflict('Not now.');
  }), /Not now/);
});
