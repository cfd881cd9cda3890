// Withdrawing a whole day or a range of days of a service's slots: the confirmation lists the patients affected;
// confirming cancels their appointments as the provider (the referral moves to APPT_CANCELLED_BY_PROVIDER, the
// patient is told through the outbox) and withdraws every slot of those days; the API does the same.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD } from '../auth/demo-accounts.ts';
import type { Database } from '../db/database.ts';
import { londonDate } from '../domain/dates.ts';
import { staffSession } from '../testing/page-session.ts';
import { referThroughApi, startDemoApp } from '../testing/test-app.ts';
import { addDays } from './london-time.ts';
import { readWithdrawalForm } from './withdrawal-form.ts';
import { rangeProblems } from './withdrawal.ts';

const SERVICE = 'RR813-110';
let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const tokens: Record<string, string> = {};

before(async () => {
  ({ app, database, close } = await startDemoApp('withdrawal'));
  for (const username of ['demo-provider', 'demo-provider-2', 'demo-referrer']) {
    tokens[username] = (await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username, password: DEMO_PASSWORD } })).json().token;
  }
});
after(() => close());

const api = (username: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${tokens[username]}`, 'idempotency-key': randomUUID() }, ...(payload ? { payload } : {}) });

/** The London days from tomorrow on that have free demo slots of the service, each with its slots. */
async function slotDays() {
  const slots = await database.db.selectFrom('slot').select(['id', 'starts_at']).where('service_id', '=', SERVICE)
    .where('withdrawn_at', 'is', null).where('starts_at', '>=', new Date(Date.now() + 86_400_000)).orderBy('starts_at').execute();
  return Map.groupBy(slots, (s) => londonDate(s.starts_at));
}

/** How many of these slots are still offered (not withdrawn). */
async function liveSlots(slots: { id: string }[]) {
  const left = await database.db.selectFrom('slot').select('id').where('withdrawn_at', 'is', null).where('id', 'in', slots.map((s) => s.id)).execute();
  return left.length;
}

const statusOf = async (ubrn: string) => (await database.db.selectFrom('referral').select('status').where('ubrn', '=', ubrn).executeTakeFirstOrThrow()).status;

async function bookOn(slotId: string, familyName: string) {
  const { ubrn } = await referThroughApi(app, { familyName }, [SERVICE]);
  const booked = await api('demo-referrer', 'POST', `/api/v1/referrals/${ubrn}/appointment`, { slotId });
  assert.equal(booked.statusCode, 201, booked.body);
  return ubrn;
}

describe('withdrawing days of slots', () => {
  test('the API previews a day, then withdraws it: free slots withdrawn, the booked appointment cancelled and the patient told', async () => {
    const [day, slots] = [...(await slotDays())][0]!;
    const ubrn = await bookOn(slots[0]!.id, 'Withdrawn-api');
    const url = `/api/v1/services/${SERVICE}/slots/withdrawal`;
    assert.equal((await api('demo-referrer', 'GET', `${url}?from=${day}&to=${day}`)).statusCode, 403);
    assert.equal((await api('demo-provider-2', 'GET', `${url}?from=${day}&to=${day}`)).statusCode, 404);
    const preview = await api('demo-provider', 'GET', `${url}?from=${day}&to=${day}`);
    assert.equal(preview.statusCode, 200, preview.body);
    assert.equal(preview.json().freeSlots, slots.length - 1);
    assert.deepEqual(preview.json().appointments.map((a: { ubrn: string; patientName: string }) => [a.ubrn, a.patientName]), [[ubrn, 'Ann Withdrawn-api']]);
    // The preview form of the call itself (POST …/preview, same body) says the same and changes nothing.
    const before = await liveSlots(slots);
    const posted = await api('demo-provider', 'POST', `${url}/preview`, { from: day, to: day, reason: 'Consultant unwell' });
    assert.equal(posted.statusCode, 200, posted.body);
    assert.deepEqual(posted.json(), preview.json());
    assert.equal(await liveSlots(slots), before, 'a preview withdraws nothing');
    assert.equal(await statusOf(ubrn), 'BOOKED', 'a preview cancels nothing');

    const backwards = await api('demo-provider', 'POST', url, { from: day, to: addDays(day, -1), reason: 'Clinic closed' });
    assert.equal(backwards.statusCode, 422);
    assert.equal(backwards.json().errors[0].field, 'to');
    // Appointments would be cancelled: the call must carry the version of a preview.
    const unseen = await api('demo-provider', 'POST', url, { from: day, to: day, reason: 'Consultant unwell' });
    assert.equal(unseen.statusCode, 422, unseen.body);
    assert.deepEqual(unseen.json().errors, [{ field: 'previewVersion', message: 'is required when patients are affected' }]);
    assert.equal(await liveSlots(slots), before);
    assert.equal(await statusOf(ubrn), 'BOOKED');

    // Another patient books after the preview: confirming the old preview is refused and changes nothing.
    const later = await bookOn(slots[1]!.id, 'Withdrawn-later');
    const stale = await api('demo-provider', 'POST', url, { from: day, to: day, reason: 'Consultant unwell', previewVersion: preview.json().previewVersion });
    assert.equal(stale.statusCode, 409, stale.body);
    assert.match(stale.json().detail, /changed since the preview/);
    assert.equal(await liveSlots(slots), before);
    assert.deepEqual([await statusOf(ubrn), await statusOf(later)], ['BOOKED', 'BOOKED']);

    const fresh = (await api('demo-provider', 'POST', `${url}/preview`, { from: day, to: day, reason: 'Consultant unwell' })).json();
    assert.notEqual(fresh.previewVersion, preview.json().previewVersion);
    assert.deepEqual(fresh.appointments.map((a: { ubrn: string }) => a.ubrn), [ubrn, later]);
    const done = await api('demo-provider', 'POST', url, { from: day, to: day, reason: 'Consultant unwell', previewVersion: fresh.previewVersion });
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json().withdrawn, fresh.freeSlots + fresh.appointments.length, 'exactly what the preview said');
    assert.deepEqual(done.json().cancelled.map((a: { ubrn: string }) => a.ubrn), [ubrn, later]);

    assert.equal(await statusOf(ubrn), 'APPT_CANCELLED_BY_PROVIDER');
    const told = await database.db.selectFrom('outbox').select('kind').where('ubrn', '=', ubrn).where('kind', '=', 'APPOINTMENT_CANCELLED').execute();
    assert.ok(told.length >= 1, 'the patient is told through the outbox');
    assert.equal(await liveSlots(slots), 0, 'every slot of the day is withdrawn');
    const free = (await app.inject({ method: 'GET', url: `/api/v1/services/${SERVICE}/slots?from=${day}&to=${day}` })).json();
    assert.deepEqual(free.slots, [], 'nobody is offered them');
  });

  test('the API withdraws days holding no appointment without a preview, as before, and checks a version when given', async () => {
    const [day, slots] = [...(await slotDays())][2]!;
    const url = `/api/v1/services/${SERVICE}/slots/withdrawal`;
    const preview = (await api('demo-provider', 'POST', `${url}/preview`, { from: day, to: day, reason: 'Leave' })).json();
    assert.deepEqual(preview.appointments, []);
    await database.db.updateTable('slot').set({ withdrawn_at: new Date() }).where('id', '=', slots[0]!.id).execute();
    const stale = await api('demo-provider', 'POST', url, { from: day, to: day, reason: 'Leave', previewVersion: preview.previewVersion });
    assert.equal(stale.statusCode, 409, 'one slot fewer than previewed');
    assert.equal(await liveSlots(slots), slots.length - 1);
    const done = await api('demo-provider', 'POST', url, { from: day, to: day, reason: 'Leave' });
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json().withdrawn, slots.length - 1);
  });

  test('the pages: the form checks its answers, the confirmation lists the patients affected, confirming withdraws the range', async () => {
    const days = [...(await slotDays())];
    const [[first, firstSlots], [last, lastSlots]] = [days[0]!, days[1]!];
    const ubrn = await bookOn(lastSlots[1]!.id, 'Withdrawn-page');
    const provider = await staffSession(app, database, 'demo-provider');
    const base = `/provider/services/${SERVICE}/slots/withdraw-days`;
    assert.equal((await provider.get(`/provider/services/${SERVICE}/slots`)).statusCode, 200);
    assert.equal((await provider.get(base)).statusCode, 200);
    const parts = (name: string, iso: string) => ({ [`${name}[day]`]: String(Number(iso.slice(8))), [`${name}[month]`]: String(Number(iso.slice(5, 7))), [`${name}[year]`]: iso.slice(0, 4) });
    const missing = await provider.post(base, { ...parts('from', first), reason: '' });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /href="#reason">\s*Enter why the clinic is not running/);
    const confirm = await provider.post(base, { ...parts('from', first), ...parts('to', last), reason: 'Theatre refurbishment' });
    assert.equal(confirm.statusCode, 200, confirm.body);
    assert.match(confirm.body, new RegExp(`data-ubrn="${ubrn}"`));
    assert.match(confirm.body, /Ann Withdrawn-page/);
    assert.match(confirm.body, new RegExp(`${firstSlots.length + lastSlots.length - 1} free slots will be withdrawn, and 1 booked appointment cancelled`));
    assert.match(confirm.body, new RegExp(`Withdraw ${firstSlots.length + lastSlots.length} slots and cancel 1 appointment`));
    assert.equal(await statusOf(ubrn), 'BOOKED', 'nothing changes before the provider confirms');
    assert.equal(await liveSlots([...firstSlots, ...lastSlots]), firstSlots.length + lastSlots.length);
    const version = /name="previewVersion" value="([^"]+)"/.exec(confirm.body)![1]!;

    // A patient books one of the days while the provider reads the check page: confirming is refused, nothing is
    // withdrawn or cancelled, and the fresh check page lists both patients.
    const later = await bookOn(firstSlots[0]!.id, 'Booked-meanwhile');
    const stale = await provider.post(`${base}/confirm`, { from: first, to: last, reason: 'Theatre refurbishment', previewVersion: version });
    assert.equal(stale.statusCode, 409, stale.body);
    assert.match(stale.body, /There is a problem[\s\S]*changed since you checked them, so nothing was withdrawn/);
    assert.match(stale.body, /Ann Booked-meanwhile/);
    assert.deepEqual([await statusOf(ubrn), await statusOf(later)], ['BOOKED', 'BOOKED']);
    assert.equal(await liveSlots([...firstSlots, ...lastSlots]), firstSlots.length + lastSlots.length);
    const freshVersion = /name="previewVersion" value="([^"]+)"/.exec(stale.body)![1]!;
    assert.notEqual(freshVersion, version);

    const done = await provider.post(`${base}/confirm`, { from: first, to: last, reason: 'Theatre refurbishment', previewVersion: freshVersion });
    assert.equal(done.statusCode, 303, done.body);
    assert.equal(done.headers.location, `/provider/services/${SERVICE}/slots?days=${firstSlots.length + lastSlots.length}&cancelled=2`);
    assert.match((await provider.get(done.headers.location as string)).body, /Withdrew \d+ slots; cancelled 2 appointments and told the patients/);
    assert.deepEqual([await statusOf(ubrn), await statusOf(later)], ['APPT_CANCELLED_BY_PROVIDER', 'APPT_CANCELLED_BY_PROVIDER']);
    // Another trust's service is not found, and a hand-edited confirmation starts again.
    const other = await database.db.selectFrom('service').select('id').where('provider_ods_code', '!=', 'RR8').executeTakeFirstOrThrow();
    assert.equal((await provider.get(`/provider/services/${other.id}/slots/withdraw-days`)).statusCode, 404);
    const edited = await provider.post(`${base}/confirm`, { from: 'yesterday', to: last, reason: 'x', previewVersion: freshVersion });
    assert.equal(edited.headers.location, base);
    const unversioned = await provider.post(`${base}/confirm`, { from: first, to: last, reason: 'x' });
    assert.equal(unversioned.headers.location, base, 'a confirmation without the version of what was shown starts again');
  });
});

describe('the range of days', () => {
  const today = '2026-12-01';
  test('in order, not in the past, and at most 92 days', () => {
    assert.deepEqual(rangeProblems({ from: today, to: today }, today), []);
    assert.equal(rangeProblems({ from: '2026-11-30', to: today }, today)[0]?.field, 'from');
    assert.equal(rangeProblems({ from: '2026-12-05', to: '2026-12-04' }, today)[0]?.field, 'to');
    assert.deepEqual(rangeProblems({ from: today, to: addDays(today, 91) }, today), []);
    assert.equal(rangeProblems({ from: today, to: addDays(today, 92) }, today)[0]?.field, 'to');
  });

  test('the form: one day when the last is left empty; each problem linked to its box', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    const one = readWithdrawalForm({ 'from[day]': '3', 'from[month]': '12', 'from[year]': '2026', reason: 'Leave' }, now);
    assert.ok(one.ok);
    assert.deepEqual(one.answer, { from: '2026-12-03', to: '2026-12-03', reason: 'Leave' });
    const bad = readWithdrawalForm({ 'from[day]': '3', 'from[month]': '12', 'from[year]': '2026', 'to[day]': '2', 'to[month]': '12', 'to[year]': '2026', reason: 'Leave' }, now);
    assert.ok(!bad.ok);
    assert.deepEqual(bad.errors.map((e) => [e.href, e.message]), [['#to-day', 'Last day must be the same as or after the first day']]);
    const past = readWithdrawalForm({ 'from[day]': '30', 'from[month]': '11', 'from[year]': '2026', reason: '' }, now);
    assert.ok(!past.ok);
    assert.deepEqual(past.errors.map((e) => [e.href, e.message]), [
      ['#from-day', 'First day must be today or in the future'],
      ['#reason', 'Enter why the clinic is not running: the patients whose appointments are cancelled are told'],
    ]);
  });
});
