// The provider maintains its listings in a real browser, as demo-provider (Leeds Teaching Hospitals, RR8): it
// finds its services, changes a listing (the public directory shows the change), withdraws another with a reason
// and lists it again, and withdraws a day of slots after seeing the patient whose appointment that cancels.
// axe on every page.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import { londonDate } from '../src/domain/dates.ts';
import { referThroughApi } from '../src/testing/test-app.ts';
import { assertAccessible, launchBrowser, newPage, type RunningApp, startApp } from './browser.ts';

const EDITED = 'RR801-120';
const WITHDRAWN = 'RR813-330';
const SLOTS_OF = 'RR813-110';

describe('provider listings journey (browser)', () => {
  let running: RunningApp;
  let browser: Browser;
  let page: Page;
  let bookedUbrn: string;
  let day: string;

  before(async () => {
    running = await startApp();
    const { app, database } = running;
    // A patient booked into the first day of demo slots from tomorrow on: withdrawing that day cancels it.
    const slots = await database!.db.selectFrom('slot').select(['id', 'starts_at']).where('service_id', '=', SLOTS_OF)
      .where('withdrawn_at', 'is', null).where('starts_at', '>=', new Date(Date.now() + 86_400_000)).orderBy('starts_at').execute();
    day = londonDate(slots[0]!.starts_at);
    const { ubrn } = await referThroughApi(app, { givenName: 'Rosa', familyName: 'Listings' }, [SLOTS_OF]);
    bookedUbrn = ubrn;
    const token = (await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-referrer', password: DEMO_PASSWORD } })).json().token;
    const booked = await app.inject({
      method: 'POST', url: `/api/v1/referrals/${ubrn}/appointment`,
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() }, payload: { slotId: slots[0]!.id },
    });
    assert.equal(booked.statusCode, 201, booked.body);
    browser = await launchBrowser();
    page = await newPage(browser);
  });
  after(async () => {
    await browser?.close();
    await running?.close();
  });

  const path = () => new URL(page.url()).pathname;
  const submit = async (selector: string) => Promise.all([page.waitForNavigation(), page.click(selector)]);
  const fillDate = async (id: string, iso: string) => {
    await page.fill(`#${id}-day`, String(Number(iso.slice(8, 10))));
    await page.fill(`#${id}-month`, String(Number(iso.slice(5, 7))));
    await page.fill(`#${id}-year`, iso.slice(0, 4));
  };

  test('the provider finds its listings from its home page', async () => {
    await page.goto(`${running.baseUrl}/provider`);
    await page.fill('#username', 'demo-provider');
    await page.fill('#password', DEMO_PASSWORD);
    await submit('#sign-in-button');
    assert.equal(path(), '/provider');
    await submit('#listings-link');
    assert.equal(path(), '/provider/services');
    assert.equal(await page.locator(`#listings tr[data-service-id="${EDITED}"]`).count(), 1);
    assert.equal(await page.locator('#listings tr[data-service-id^="RAE"]').count(), 0, 'only its own');
    await assertAccessible(page, 'your services in the directory');
  });

  test('edits a listing: a mistake is shown against its field, nothing lost; saved, the public directory shows it', async () => {
    await submit(`#listings tr[data-service-id="${EDITED}"] a`);
    assert.equal(path(), `/provider/services/${EDITED}`);
    await assertAccessible(page, 'one listing');
    await submit('#edit-listing');
    assert.equal(path(), `/provider/services/${EDITED}/edit`);
    await assertAccessible(page, 'change the listing');
    await page.fill('#clinicType', 'Hearing clinic');
    await page.fill('#accessibility', 'Step-free entrance on Great George Street; hearing loop at reception');
    await page.fill('#waitWeeks', '7');
    await page.fill('#waitAsOf-day', '31');
    await page.fill('#waitAsOf-month', '2');
    await page.fill('#waitAsOf-year', '2026');
    await submit('#save-listing');
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Date the wait was measured must be a real date/);
    assert.equal(await page.inputValue('#clinicType'), 'Hearing clinic', 'nothing lost');
    await assertAccessible(page, 'change the listing with errors');
    await page.click('.nhsuk-error-summary a');
    assert.equal(await page.evaluate('document.activeElement.id'), 'waitAsOf-day', 'the summary links to the field');
    await fillDate('waitAsOf', '2026-11-02');
    await submit('#save-listing');
    assert.equal(path(), `/provider/services/${EDITED}`);
    assert.match(await page.locator('#listing-outcome').innerText(), /changed/);
    assert.match(await page.locator('#history').innerText(), /Edited: clinic type, accessibility, indicative wait/);
    await assertAccessible(page, 'the listing after the change');
    const shown = (await running.app.inject({ method: 'GET', url: `/api/v1/services/${EDITED}` })).json();
    assert.deepEqual(shown.indicativeWait, { weeks: 7, asOf: '2026-11-02' });
  });

  test('withdraws a listing with a reason: it leaves the directory; listed again, it is back', async () => {
    await page.goto(`${running.baseUrl}/provider/services/${WITHDRAWN}`);
    await submit('#withdraw-listing');
    assert.equal(path(), `/provider/services/${WITHDRAWN}/withdraw`);
    await assertAccessible(page, 'withdraw a listing');
    await submit('#withdraw-continue');
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Enter why you are withdrawing/);
    await assertAccessible(page, 'withdraw a listing with errors');
    await page.fill('#reason', 'Dermatology moves to Chapel Allerton in January');
    await submit('#withdraw-continue');
    assert.match(await page.locator('h1').innerText(), /Withdraw this listing from the directory\?/);
    assert.match(await page.locator('.nhsuk-summary-list').innerText(), /Patients still choosing/);
    await assertAccessible(page, 'check before withdrawing a listing');
    assert.equal((await running.app.inject({ method: 'GET', url: `/api/v1/services/${WITHDRAWN}` })).statusCode, 200, 'nothing changes before confirming');
    await submit('#confirm-withdraw');
    assert.equal(path(), `/provider/services/${WITHDRAWN}`);
    assert.match(await page.locator('#listing-status').innerText(), /Withdrawn.*Dermatology moves to Chapel Allerton/s);
    await assertAccessible(page, 'a withdrawn listing');
    assert.equal((await running.app.inject({ method: 'GET', url: `/api/v1/services/${WITHDRAWN}` })).statusCode, 404);
    await submit('#relist-listing');
    assert.match(await page.locator('#listing-outcome').innerText(), /back in the directory/);
    assert.equal((await running.app.inject({ method: 'GET', url: `/api/v1/services/${WITHDRAWN}` })).statusCode, 200);
  });

  test('lists a specialty at one of its sites: it awaits the ICB\'s accreditation', async () => {
    await page.goto(`${running.baseUrl}/provider/services`);
    await submit('#new-listing');
    assert.equal(path(), '/provider/services/new');
    await assertAccessible(page, 'list a specialty');
    await submit('#create-listing');
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Select the specialty/);
    await assertAccessible(page, 'list a specialty with errors');
    await page.selectOption('#specialtyCode', '410');
    await page.check('input[name="siteOdsCode"][value="RR819"]');
    await submit('#create-listing');
    assert.equal(path(), '/provider/services/RR819-410');
    assert.match(await page.locator('#listing-status').innerText(), /Awaiting accreditation/);
    await assertAccessible(page, 'a new listing');
  });

  test('withdraws a day of slots, seeing first the patient whose appointment it cancels', async () => {
    await page.goto(`${running.baseUrl}/provider/services/${SLOTS_OF}/slots`);
    await assertAccessible(page, 'slots of a service');
    await submit('#withdraw-days-link');
    assert.equal(path(), `/provider/services/${SLOTS_OF}/slots/withdraw-days`);
    await assertAccessible(page, 'withdraw a day or a range of days');
    await fillDate('from', day);
    await submit('#withdraw-days-continue');
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Enter why the clinic is not running/);
    await assertAccessible(page, 'withdraw days with errors');
    await page.fill('#reason', 'The consultant is unwell');
    await submit('#withdraw-days-continue');
    assert.match(await page.locator('h1').innerText(), /Cancel these appointments/);
    const affected = page.locator(`#affected tr[data-ubrn="${bookedUbrn}"]`);
    assert.equal(await affected.count(), 1);
    assert.match(await affected.innerText(), /Rosa Listings/);
    await assertAccessible(page, 'confirm withdrawing the day');
    await submit('#confirm-withdraw-days');
    assert.equal(path(), `/provider/services/${SLOTS_OF}/slots`);
    assert.match(await page.locator('#withdraw-days-outcome').innerText(), /cancelled 1 appointment and told the patients/);
    await assertAccessible(page, 'slots after withdrawing the day');
    const referral = await running.database!.db.selectFrom('referral').select('status').where('ubrn', '=', bookedUbrn).executeTakeFirstOrThrow();
    assert.equal(referral.status, 'APPT_CANCELLED_BY_PROVIDER');
  });
});
