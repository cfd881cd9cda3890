// The provider's journey in a real browser, as demo-provider (Leeds Teaching Hospitals, RR8): referrals booked
// at its services (booked through the API as the patient) to accept or reject with a reason; the ASI worklist
// with a referral deferred to it; publishing slots with a weekly pattern and withdrawing one; withdrawing a day whose
// check page lists the patients, refused when someone books meanwhile. axe on every page.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import type { Database } from '../src/db/database.ts';
import { addDays } from '../src/slots/london-time.ts';
import { londonDate } from '../src/domain/dates.ts';
import { openDemoTestDatabase, testConfig } from '../src/testing/database.ts';
import { assertAccessible, launchBrowser, newPage, type RunningApp, startApp } from './browser.ts';

/** An RR8 service with no slots (not directly bookable), so a referral to it can only be deferred. */
const NO_SLOTS = 'RR813-E2E-ASI';

describe('provider journey (browser)', () => {
  let running: RunningApp;
  let database: Database;
  let browser: Browser;
  let page: Page;
  const ubrns: string[] = [];
  let refer: (specialty: string, shortlist: string[]) => Promise<{ ubrn: string; headers: { authorization: string } }>;

  before(async () => {
    database = await openDemoTestDatabase();
    await sql`insert into service (id, name, specialty_code, provider_ods_code, site_ods_code, directly_bookable, accreditation_status, latitude, longitude)
      select ${NO_SLOTS}, 'Oral Surgery (no slots, browser tests) – Leeds Dental Hospital', specialty_code, provider_ods_code, site_ods_code, false, 'ACCREDITED', latitude, longitude
      from service where id = 'RR802-140' on conflict (id) do update set accreditation_status = 'ACCREDITED'`.execute(database.db);
    running = await startApp(async () => ({ app: await buildApp({ config: testConfig(), database, logger: false }) }));
    const { app } = running;
    const staff = (await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-referrer', password: DEMO_PASSWORD } })).json().token;
    refer = async (specialty: string, shortlist: string[]) => {
      const res = await app.inject({
        method: 'POST', url: '/api/v1/referrals', headers: { authorization: `Bearer ${staff}` },
        payload: {
          patient: { nhsNumber: '9990000018', givenName: 'Pat', familyName: `Provider${ubrns.length}`, dateOfBirth: '1970-01-31', postcode: 'LS1 4AP' },
          specialty, priority: 'ROUTINE', clinicalSummary: 'For review by the provider.', shortlist,
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      const { ubrn, accessCode } = res.json();
      const token = (await app.inject({ method: 'POST', url: '/api/v1/patient/token', payload: { ubrn, accessCode, dateOfBirth: '1970-01-31' } })).json().token;
      ubrns.push(ubrn);
      return { ubrn, headers: { authorization: `Bearer ${token}` } };
    };
    // Two booked at RR8 by the patient, one deferred to RR8.
    for (let i = 0; i < 2; i++) {
      const { ubrn, headers } = await refer('110', ['RR813-110']);
      const slot = (await app.inject({ method: 'GET', url: '/api/v1/services/RR813-110/slots' })).json().slots[i];
      const booked = await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/appointment`, headers: { ...headers, 'idempotency-key': randomUUID() }, payload: { slotId: slot.id } });
      assert.equal(booked.statusCode, 201, booked.body);
    }
    const { ubrn, headers } = await refer('140', [NO_SLOTS]);
    const deferred = await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/deferral`, headers, payload: { serviceId: NO_SLOTS } });
    assert.equal(deferred.statusCode, 200, deferred.body);
    browser = await launchBrowser();
    page = await newPage(browser);
  });
  after(async () => {
    await browser?.close();
    await running?.close();
    await database?.close();
  });

  const path = () => new URL(page.url()).pathname;
  const submit = async (selector = '#continue') => Promise.all([page.waitForNavigation(), page.click(selector)]);

  test('sign in lands on the provider home', async () => {
    await page.goto(`${running.baseUrl}/provider`);
    assert.equal(path(), '/sign-in');
    await page.fill('#username', 'demo-provider');
    await page.fill('#password', DEMO_PASSWORD);
    await submit('#sign-in-button');
    assert.equal(path(), '/provider');
    assert.match(await page.locator('h1').innerText(), /Leeds Teaching Hospitals/i);
    await assertAccessible(page, 'provider home');
  });

  test('accept one booked referral; reject another with a reason', async () => {
    await submit('#referrals-link');
    assert.equal(path(), '/provider/referrals');
    for (const u of ubrns) assert.equal(await page.locator(`#to-review tr[data-ubrn="${u}"]`).count(), 1, u);
    await assertAccessible(page, 'referrals to review');

    await submit(`#to-review tr[data-ubrn="${ubrns[0]}"] a`);
    assert.equal(path(), `/provider/referrals/${ubrns[0]}`);
    await assertAccessible(page, 'one referral');
    await submit('#accept');
    assert.equal(path(), '/provider/referrals');
    assert.match(await page.locator('#review-outcome').innerText(), /accepted/);
    assert.equal(await page.locator(`#to-review tr[data-ubrn="${ubrns[0]}"]`).count(), 0);
    await assertAccessible(page, 'referrals after accepting');

    await page.goto(`${running.baseUrl}/provider/referrals/${ubrns[1]}`);
    await submit('#reject');
    assert.equal(path(), `/provider/referrals/${ubrns[1]}/reject`);
    await assertAccessible(page, 'reject');
    await submit('#confirm-reject');
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Select why you are rejecting/);
    await assertAccessible(page, 'reject with errors');
    await page.check('input[name="reason"][value="INSUFFICIENT_INFORMATION"]');
    await page.fill('#note', 'Please send the X-ray report.');
    await submit('#confirm-reject');
    assert.equal(path(), '/provider/referrals');
    assert.match(await page.locator('#review-outcome').innerText(), /rejected/);
    const statuses = await database.db.selectFrom('referral').select(['ubrn', 'status']).where('ubrn', 'in', ubrns.slice(0, 2)).execute();
    assert.deepEqual(Object.fromEntries(statuses.map((s) => [s.ubrn, s.status])), { [ubrns[0]!]: 'ACCEPTED', [ubrns[1]!]: 'REJECTED' });
  });

  test('the ASI worklist shows the deferred referral with its days left', async () => {
    await page.goto(`${running.baseUrl}/provider/asi`);
    const row = page.locator(`#asi tr[data-ubrn="${ubrns[2]}"]`);
    assert.equal(await row.count(), 1);
    assert.match(await row.locator('.days-left').innerText(), /^40 days$/);
    await assertAccessible(page, 'ASI worklist');
  });

  test('publish slots with a weekly pattern, then withdraw a free one', async () => {
    await page.goto(`${running.baseUrl}/provider/services/RR801-120/slots`);
    await assertAccessible(page, 'slots of a service');
    await submit('#publish-link');
    assert.equal(path(), '/provider/services/RR801-120/slots/publish');
    await assertAccessible(page, 'publish slots');
    await submit('#publish');
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Enter the first date/);
    await assertAccessible(page, 'publish slots with errors');
    const from = addDays(londonDate(), 2);
    await page.fill('#from-day', String(Number(from.slice(8, 10))));
    await page.fill('#from-month', String(Number(from.slice(5, 7))));
    await page.fill('#from-year', from.slice(0, 4));
    await page.fill('#weeks', '1');
    for (const d of ['MON', 'TUE', 'WED', 'THU', 'FRI']) await page.check(`input[name="days"][value="${d}"]`);
    await page.fill('#times', '14:00, 14:30');
    await page.fill('#minutes', '30');
    await submit('#publish');
    assert.equal(path(), '/provider/services/RR801-120/slots');
    assert.match(await page.locator('#publish-outcome').innerText(), /Published \d+ new/);
    const mine = page.locator('#slots tr:has-text("2:00pm to 2:30pm"):has-text("Free")').first();
    assert.equal(await mine.count(), 1);
    const slotId = await mine.getAttribute('data-slot-id');
    await Promise.all([page.waitForNavigation(), mine.locator('button').click()]);
    assert.match(await page.locator('#withdraw-outcome').innerText(), /withdrawn/);
    assert.match(await page.locator(`#slots tr[data-slot-id="${slotId}"]`).innerText(), /Withdrawn/);
    await assertAccessible(page, 'slots after withdrawing');
  });

  test('withdraw a day: the check page lists the patient; a booking made meanwhile is refused with a fresh check; confirming does what it showed', async () => {
    const { app } = running;
    const book = async (slotId: string) => {
      const { ubrn, headers } = await refer('110', ['RR813-110']);
      const booked = await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/appointment`, headers: { ...headers, 'idempotency-key': randomUUID() }, payload: { slotId } });
      assert.equal(booked.statusCode, 201, booked.body);
      return ubrn;
    };
    // The first day with free slots a fortnight ahead (clear of the bookings above); every free slot of it.
    const all = (await app.inject({ method: 'GET', url: `/api/v1/services/RR813-110/slots?from=${addDays(londonDate(), 14)}` })).json().slots as { id: string; start: string }[];
    assert.ok(all.length > 0, 'free demo slots');
    const day = londonDate(new Date(all[0]!.start));
    const free = all.filter((s) => londonDate(new Date(s.start)) === day);
    assert.ok(free.length >= 2, `free slots on ${day}`);
    const first = await book(free[0]!.id);

    await page.goto(`${running.baseUrl}/provider/services/RR813-110/slots`);
    await submit('#withdraw-days-link');
    await assertAccessible(page, 'withdraw days');
    await page.fill('#from-day', String(Number(day.slice(8, 10))));
    await page.fill('#from-month', String(Number(day.slice(5, 7))));
    await page.fill('#from-year', day.slice(0, 4));
    await page.fill('#reason', 'The consultant is unwell');
    await submit('#withdraw-days-continue');
    assert.equal(await page.locator(`#affected tr[data-ubrn="${first}"]`).count(), 1);
    assert.match(await page.locator('#confirm-withdraw-days').innerText(), new RegExp(`Withdraw ${free.length} slots and cancel 1 appointment`));
    await assertAccessible(page, 'withdraw days: check');

    const meanwhile = await book(free[1]!.id);
    await submit('#confirm-withdraw-days');
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /changed since you checked them, so nothing was withdrawn/);
    assert.equal(await page.locator('#affected tr[data-ubrn]').count(), 2);
    assert.match(await page.locator('#confirm-withdraw-days').innerText(), /and cancel 2 appointments/);
    await assertAccessible(page, 'withdraw days: check again after a change');
    const untouched = await database.db.selectFrom('referral').select('status').where('ubrn', 'in', [first, meanwhile]).execute();
    assert.deepEqual(untouched.map((r) => r.status), ['BOOKED', 'BOOKED']);

    await submit('#confirm-withdraw-days');
    assert.equal(path(), '/provider/services/RR813-110/slots');
    assert.match(await page.locator('#withdraw-days-outcome').innerText(), new RegExp(`Withdrew ${free.length} slots; cancelled 2 appointments`));
    await assertAccessible(page, 'slots after withdrawing days');
    const cancelled = await database.db.selectFrom('referral').select('status').where('ubrn', 'in', [first, meanwhile]).execute();
    assert.deepEqual(cancelled.map((r) => r.status), ['APPT_CANCELLED_BY_PROVIDER', 'APPT_CANCELLED_BY_PROVIDER']);
  });
});
