import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { issueToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { londonDate } from '../domain/dates.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { startFixtureApp } from '../testing/directory-fixture.ts';
import { addDays, londonInstant, weekdayOf } from './london-time.ts';
import { WEEKDAYS } from './pattern.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const tokens: Record<string, string> = {};

// RXX runs the fixture's services; RYY is another trust; GP1 refers.
before(async () => {
  ({ app, database, close } = await startFixtureApp('slots'));
  await createOrganisation(database, 'GP1', 'GP One', 'GP_PRACTICE');
  await createOrganisation(database, 'RYY', 'Other NHS Trust', 'NHS_TRUST');
  for (const [username, role, org] of [['rxx-provider', 'provider', 'RXX'], ['ryy-provider', 'provider', 'RYY'], ['gp1-referrer', 'referrer', 'GP1']] as const) {
    tokens[username] = (await issueToken(database.db, await createAccount(database, username, role, org), 'api')).token;
  }
});
after(() => close());

const as = (who: string | null) => (who ? { authorization: `Bearer ${tokens[who]}` } : {});
const publish = (serviceId: string, payload: object, who: string | null = 'rxx-provider') =>
  app.inject({ method: 'POST', url: `/api/v1/services/${serviceId}/slots`, payload, headers: as(who) });
const get = (url: string, who: string | null = null) => app.inject({ method: 'GET', url, headers: as(who) });
const withdraw = (slotId: string, who: string | null = 'rxx-provider') => app.inject({ method: 'DELETE', url: `/api/v1/slots/${slotId}`, headers: as(who) });

/** A London date `days` from today, and an instant at a London time on it. */
const day = (days: number) => addDays(londonDate(), days);
const at = (days: number, time: string) => londonInstant(day(days), time).toISOString().replace('.000Z', 'Z');
const slot = (days: number, time: string, minutes = 30) => ({
  start: at(days, time),
  end: new Date(Date.parse(at(days, time)) + minutes * 60_000).toISOString().replace('.000Z', 'Z'),
});

/** The next day the clocks change in London (the last Sunday of March or October), after tomorrow. */
function nextClockChange(): string {
  const today = londonDate();
  for (let year = Number(today.slice(0, 4)); ; year++) {
    for (const month of ['03', '10']) {
      let date = `${year}-${month}-31`;
      while (weekdayOf(date) !== 6) date = addDays(date, -1);
      if (date > addDays(today, 1)) return date;
    }
  }
}

describe('publishing slots', () => {
  test('a list of slots: 201 with what was created; the same again creates nothing', async () => {
    const slots = [slot(3, '10:00'), slot(3, '09:00'), slot(3, '09:30')];
    const res = await publish('S1-110', { slots });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.equal(body.created, 3);
    assert.equal(body.existing, 0);
    assert.deepEqual(body.slots.map((s: { start: string }) => s.start), [at(3, '09:00'), at(3, '09:30'), at(3, '10:00')]);
    assert.ok(body.slots.every((s: { id: string; status: string; end: string }) => /^[0-9a-f-]{36}$/.test(s.id) && s.status === 'free' && s.end.endsWith(':00Z')));

    const again = await publish('S1-110', { slots: [...slots, slot(3, '10:30')] });
    assert.equal(again.statusCode, 201);
    assert.equal(again.json().created, 1);
    assert.equal(again.json().existing, 3);
    assert.deepEqual(again.json().slots.slice(0, 3).map((s: { id: string }) => s.id), body.slots.map((s: { id: string }) => s.id));
    const count = await database.db.selectFrom('slot').select((eb) => eb.fn.countAll<number>().as('n')).where('service_id', '=', 'S1-110').executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 4);
  });

  test('a weekly pattern across a clock change: 09:00 London on both sides, and idempotent too', async () => {
    const change = nextClockChange();
    const monday = addDays(change, -6);
    const pattern = { from: monday, weeks: 2, days: ['MON', 'TUE'], times: ['09:00'], minutes: 15 };
    const res = await publish('S2-110', { pattern });
    assert.equal(res.statusCode, 201, res.body);
    const starts = res.json().slots.map((s: { start: string }) => s.start);
    const dates = [monday, addDays(monday, 1), addDays(monday, 7), addDays(monday, 8)];
    assert.deepEqual(starts, dates.map((d) => londonInstant(d, '09:00').toISOString().replace('.000Z', 'Z')));
    // One side of the change is 09:00Z (GMT) and the other 08:00Z (BST).
    assert.deepEqual(new Set(starts.map((s: string) => s.slice(11))), new Set(['09:00:00Z', '08:00:00Z']));
    assert.equal(res.json().slots[0].end.slice(14), '15:00Z');
    const again = (await publish('S2-110', { pattern })).json();
    assert.deepEqual([again.created, again.existing], [0, 4]);
  });

  const tooLong = { from: day(2), weeks: 26, days: [...WEEKDAYS], times: Array.from({ length: 12 }, (_, h) => `${String(h + 8).padStart(2, '0')}:00`), minutes: 30 };
  const refused: [string, object, number, string][] = [
    ['an end before its start', { slots: [{ start: at(4, '10:00'), end: at(4, '09:00') }] }, 422, 'slots[0].end'],
    ['an end at its start', { slots: [{ start: at(4, '10:00'), end: at(4, '10:00') }] }, 422, 'slots[0].end'],
    ['a start in the past', { slots: [slot(4, '09:00'), { start: '2020-01-01T09:00:00Z', end: '2020-01-01T09:30:00Z' }] }, 422, 'slots[1].start'],
    ['a slot longer than 4 hours', { slots: [slot(4, '09:00', 300)] }, 422, 'slots[0].end'],
    ['slots overlapping each other', { slots: [slot(4, '09:00', 30), slot(4, '09:15', 30)] }, 422, 'slots[1].start'],
    ['a slot overlapping a published one', { slots: [slot(3, '09:15')] }, 422, 'slots'],
    ['an instant without a zone', { slots: [{ start: '2030-01-01T09:00:00', end: '2030-01-01T09:30:00' }] }, 400, 'slots.0.start'],
    ['no slots', { slots: [] }, 400, 'slots'],
    ['both a list and a pattern', { slots: [slot(4, '09:00')], pattern: { from: day(5), weeks: 1, days: ['MON'], times: ['09:00'], minutes: 30 } }, 400, 'body'],
    ['a pattern from the past', { pattern: { from: day(-7), weeks: 2, days: [...WEEKDAYS], times: ['09:00'], minutes: 30 } }, 422, 'pattern.from'],
    ['a pattern with an unknown day', { pattern: { from: day(5), weeks: 1, days: ['MONDAY'], times: ['09:00'], minutes: 30 } }, 400, 'pattern.days.0'],
    ['a pattern time that is not HH:MM', { pattern: { from: day(5), weeks: 1, days: ['MON'], times: ['9am'], minutes: 30 } }, 400, 'pattern.times.0'],
    ['a pattern of 27 weeks', { pattern: { from: day(5), weeks: 27, days: ['MON'], times: ['09:00'], minutes: 30 } }, 400, 'pattern.weeks'],
    ['a pattern whose slots overlap', { pattern: { from: day(5), weeks: 1, days: [...WEEKDAYS], times: ['09:00', '09:20'], minutes: 30 } }, 422, 'pattern.times'],
    ['a pattern of more than 2,000 slots', { pattern: tooLong }, 422, 'pattern'],
  ];
  for (const [name, payload, status, field] of refused) {
    test(`refused: ${name} (${status} naming ${field})`, async () => {
      const res = await publish('S1-110', payload);
      assert.equal(res.statusCode, status, res.body);
      const errors = res.json().errors ?? [];
      assert.ok(errors.some((e: { field: string }) => e.field === field), JSON.stringify(errors));
    });
  }
});

describe('listing free slots', () => {
  before(async () => {
    const res = await publish('S3-110', { slots: [slot(20, '09:00'), slot(1, '14:00'), slot(1, '09:00'), slot(40, '09:00'), slot(200, '09:00')] });
    assert.equal(res.statusCode, 201, res.body);
  });

  test('earliest first, only the contract\'s fields, 12 weeks by default', async () => {
    const res = await get('/api/v1/services/S3-110/slots');
    assert.equal(res.statusCode, 200);
    const { slots } = res.json();
    assert.deepEqual(slots.map((s: { start: string }) => s.start), [at(1, '09:00'), at(1, '14:00'), at(20, '09:00'), at(40, '09:00')]);
    assert.deepEqual(Object.keys(slots[0]).sort(), ['end', 'id', 'start', 'status']);
    assert.equal(slots[0].status, 'free');
    assert.match(slots[0].start, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  test('within a window of London dates (to takes in its whole day) or instants', async () => {
    const byDates = (await get(`/api/v1/services/S3-110/slots?from=${day(1)}&to=${day(20)}`)).json().slots;
    assert.deepEqual(byDates.map((s: { start: string }) => s.start), [at(1, '09:00'), at(1, '14:00'), at(20, '09:00')]);
    const byInstants = (await get(`/api/v1/services/S3-110/slots?from=${at(1, '10:00')}&to=${at(40, '09:00')}`)).json().slots;
    assert.deepEqual(byInstants.map((s: { start: string }) => s.start), [at(1, '14:00'), at(20, '09:00')]);
    const farAhead = (await get(`/api/v1/services/S3-110/slots?from=${day(190)}`)).json().slots;
    assert.deepEqual(farAhead.map((s: { start: string }) => s.start), [at(200, '09:00')]);
  });

  test('a service with none: an empty list; unknown or unlisted services: 404', async () => {
    assert.deepEqual((await get('/api/v1/services/S5-110/slots')).json(), { slots: [] });
    for (const id of ['nope', 'S1-110-pending', 'S1-110-inactive']) assert.equal((await get(`/api/v1/services/${id}/slots`)).statusCode, 404, id);
  });

  const bad: [string, string][] = [
    ['a malformed date', 'from=2026-02-30'],
    ['an instant without a zone', 'from=2030-01-01T09:00:00'],
    ['to before from', `from=${day(10)}&to=${day(9)}`],
    ['to at from', `from=${at(10, '09:00')}&to=${at(10, '09:00')}`],
    ['more than 26 weeks', `from=${day(1)}&to=${day(1 + 26 * 7)}`],
  ];
  for (const [name, query] of bad) {
    test(`400 for ${name}`, async () => {
      const res = await get(`/api/v1/services/S3-110/slots?${query}`);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    });
  }
});

describe('withdrawing and the provider\'s view', () => {
  let free: string;
  let booked: string;
  before(async () => {
    const [a, b] = (await publish('S4-110', { slots: [slot(2, '09:00'), slot(2, '09:30')] })).json().slots;
    [free, booked] = [a.id, b.id];
    const referral = await app.inject({
      method: 'POST',
      url: '/api/v1/referrals',
      headers: as('gp1-referrer'),
      payload: {
        patient: { nhsNumber: '9990000018', givenName: 'Ann', familyName: 'Smith', dateOfBirth: '1970-01-31', postcode: 'LS1 4AP', email: null, mobile: null },
        specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Knee pain', preferences: { sortBy: 'WAIT', maxDistanceKm: 80, originPostcode: null }, shortlist: null,
      },
    });
    assert.equal(referral.statusCode, 201, referral.body);
    await database.db.insertInto('appointment').values({
      ubrn: referral.json().ubrn, slot_id: b.id, service_id: 'S4-110', starts_at: b.start, ends_at: b.end, booked_by: 'test',
    }).execute();
  });

  test('a booked slot is not free, and can\'t be withdrawn (409)', async () => {
    const listed = (await get('/api/v1/services/S4-110/slots')).json().slots.map((s: { id: string }) => s.id);
    assert.deepEqual(listed, [free]);
    const res = await withdraw(booked);
    assert.equal(res.statusCode, 409, res.body);
  });

  test('another provider gets 404 for the slot; a referrer 403; nobody signed in 401', async () => {
    assert.equal((await withdraw(free, 'ryy-provider')).statusCode, 404);
    assert.equal((await withdraw(free, 'gp1-referrer')).statusCode, 403);
    assert.equal((await withdraw(free, null)).statusCode, 401);
    assert.equal((await withdraw('00000000-0000-4000-8000-000000000000')).statusCode, 404);
  });

  test('a free slot is withdrawn (204, again is fine) and no longer listed', async () => {
    assert.equal((await withdraw(free)).statusCode, 204);
    assert.equal((await withdraw(free)).statusCode, 204);
    assert.deepEqual((await get('/api/v1/services/S4-110/slots')).json(), { slots: [] });
    // Publishing the same start again does not bring it back: the provider withdrew it.
    const again = (await publish('S4-110', { slots: [slot(2, '09:00')] })).json();
    assert.deepEqual([again.created, again.slots[0].status], [0, 'withdrawn']);
  });

  test('the provider sees every slot with its status', async () => {
    const res = await get('/api/v1/services/S4-110/slots/all', 'rxx-provider');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json().slots.map((s: { id: string; status: string }) => [s.id, s.status]), [[free, 'withdrawn'], [booked, 'booked']]);
  });

  test('only the provider that runs a service publishes or sees all its slots; existence does not leak', async () => {
    assert.equal((await publish('S4-110', { slots: [slot(5, '09:00')] }, 'ryy-provider')).statusCode, 404);
    assert.equal((await publish('nope', { slots: [slot(5, '09:00')] }, 'ryy-provider')).statusCode, 404);
    assert.equal((await publish('S4-110', { slots: [slot(5, '09:00')] }, 'gp1-referrer')).statusCode, 403);
    assert.equal((await publish('S4-110', { slots: [slot(5, '09:00')] }, null)).statusCode, 401);
    assert.equal((await get('/api/v1/services/S4-110/slots/all', 'ryy-provider')).statusCode, 404);
    assert.equal((await get('/api/v1/services/S4-110/slots/all', 'gp1-referrer')).statusCode, 403);
    assert.equal((await get('/api/v1/services/S4-110/slots/all')).statusCode, 401);
  });
});

describe('earliestSlot on the shortlist', () => {
  test('each option shows its service\'s earliest free slot, or null', async () => {
    await publish('S2-110', { slots: [slot(6, '11:00')] });
    const res = await app.inject({ method: 'POST', url: '/api/v1/shortlists', payload: { specialty: '110', postcode: 'LS1 4AP', sortBy: 'WAIT' } });
    assert.equal(res.statusCode, 200, res.body);
    const earliest = Object.fromEntries(res.json().options.map((o: { service: { id: string }; earliestSlot: string | null }) => [o.service.id, o.earliestSlot]));
    assert.deepEqual(earliest, {
      'S4-110': null, // its one free slot was withdrawn, the other is booked
      'S3-110': at(1, '09:00'),
      'S2-110': at(6, '11:00'),
      'S1-110': at(3, '09:00'),
    });
  });

  test('withdrawing through this instance shows at once', async () => {
    const [first] = (await get('/api/v1/services/S3-110/slots')).json().slots;
    assert.equal((await withdraw(first.id)).statusCode, 204);
    const res = await app.inject({ method: 'POST', url: '/api/v1/shortlists', payload: { specialty: '110', postcode: 'LS1 4AP', sortBy: 'WAIT' } });
    const s3 = res.json().options.find((o: { service: { id: string } }) => o.service.id === 'S3-110');
    assert.equal(s3.earliestSlot, at(1, '14:00'));
  });
});

test('a window at the ends of the calendar is a 400 naming the field, never a 500 (issue 12, defect 4)', async () => {
  for (const [url, who, field] of [
    ['/api/v1/services/S4-110/slots?to=9999-12-31', null, 'to'],
    ['/api/v1/services/S4-110/slots?from=0001-01-01', null, 'from'],
    ['/api/v1/services/S4-110/slots?from=9999-12-31T23:59:59Z', null, 'from'],
    ['/api/v1/services/S4-110/slots/all?to=9999-12-31', 'rxx-provider', 'to'],
  ] as const) {
    const res = await get(url, who);
    assert.equal(res.statusCode, 400, `${url}: ${res.body.slice(0, 200)}`);
    assert.deepEqual(res.json().errors.map((e: { field: string }) => e.field), [field], url);
  }
});
