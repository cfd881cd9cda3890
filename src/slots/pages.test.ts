// Access to the provider's slot pages through app.inject (a referrer gets 403; another trust's service is not
// found), and the weekly pattern form.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';
import { londonDate } from '../domain/dates.ts';
import { startDemoApp } from '../testing/test-app.ts';
import { staffSession } from '../testing/page-session.ts';
import { addDays } from './london-time.ts';
import { readPattern } from './pattern-form.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;

before(async () => ({ app, database, close } = await startDemoApp()));
after(() => close());

const staff = (username: string) => staffSession(app, database, username);

describe('slot pages', () => {
  test('anonymous visitors are sent to the staff sign-in page', async () => {
    for (const url of ['/provider/services/RR813-110/slots']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 303, url);
      assert.equal(res.headers.location, '/sign-in', url);
    }
  });

  test('a referrer gets 403 on provider pages; the provider gets them', async () => {
    const referrer = await staff('demo-referrer');
    const provider = await staff('demo-provider');
    for (const url of ['/provider/services/RR813-110/slots', '/provider/services/RR813-110/slots/publish']) {
      assert.equal((await referrer.get(url)).statusCode, 403, url);
      assert.equal((await provider.get(url)).statusCode, 200, url);
    }
    // Another trust's service: not found.
    const notOwn = await database.db.selectFrom('service').select('id').where('provider_ods_code', '!=', 'RR8').where('directly_bookable', '=', true).executeTakeFirstOrThrow();
    assert.equal((await provider.get(`/provider/services/${notOwn.id}/slots`)).statusCode, 404);
  });
});

describe('the weekly pattern form', () => {
  const now = new Date();
  const from = addDays(londonDate(now), 2);
  const pattern = (fields: Record<string, string | string[]>) =>
    readPattern({ 'from[day]': from.slice(8), 'from[month]': from.slice(5, 7), 'from[year]': from.slice(0, 4), weeks: '1', days: ['MON', 'WED'], times: '09:00, 09:30', minutes: '30', ...fields }, now);

  test('a good pattern is the slots it stands for', () => {
    const form = pattern({});
    assert.ok(form.ok);
    assert.equal(form.answer.length, 4);
    assert.ok(form.answer.every((s) => s.end.getTime() - s.start.getTime() === 30 * 60_000));
  });

  test('each problem in the summary, in the form\'s order, linked to its field', () => {
    const form = readPattern({ 'from[day]': '31', 'from[month]': '2', 'from[year]': '2030', weeks: '27', days: 'XXX', times: '9am', minutes: '1' }, now);
    assert.ok(!form.ok);
    assert.deepEqual(form.errors.map((e) => [e.href, e.message]), [
      ['#from-day', 'First date must be a real date'],
      ['#weeks', 'Weeks must be a whole number from 1 to 26'],
      ['#days', 'Select at least one day'],
      ['#times', 'Enter start times in 24-hour time, like 09:00, 09:30'],
      ['#minutes', 'Length must be from 5 to 240 minutes'],
    ]);
    const empty = readPattern({}, now);
    assert.ok(!empty.ok);
    assert.deepEqual(empty.errors.map((e) => e.message), ['Enter the first date', 'Enter how many weeks', 'Select at least one day', 'Enter at least one start time', 'Enter how long each appointment is']);
    const partial = readPattern({ 'from[day]': '1', 'from[year]': '2030' }, now);
    assert.ok(!partial.ok);
    assert.deepEqual(partial.errors[0], { field: 'from', href: '#from-day', message: 'First date must be a real date' });
  });

  test('what the slots break is said against the pattern\'s fields', () => {
    const past = pattern({ 'from[day]': '1', 'from[month]': '1', 'from[year]': '2020' });
    assert.ok(!past.ok);
    assert.deepEqual(past.errors, [{ field: 'from', href: '#from-day', message: 'First date must be today or in the future' }]);
    const overlapping = pattern({ times: '09:00, 09:10' });
    assert.ok(!overlapping.ok);
    assert.deepEqual(overlapping.errors, [{ field: 'times', href: '#times', message: 'Start times must not overlap: make them at least the length apart' }]);
    const tooMany = pattern({ weeks: '26', days: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'], times: Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:00`).join(',') });
    assert.ok(!tooMany.ok);
    assert.deepEqual(tooMany.errors, [{ field: 'weeks', href: '#weeks', message: 'This makes 4368 slots: publish at most 2000 at a time' }]);
  });
});
