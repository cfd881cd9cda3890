// The patient's journey in a real browser: Manage Your Referral. A referral is made through the API; the patient
// signs in with the UBRN, access code and date of birth (a wrong access code first), compares the services
// offered, chooses one and an appointment, checks and books it, changes it, then cancels it. axe on every page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildApp } from '../src/app.ts';
import type { Database } from '../src/db/database.ts';
import { openDemoTestDatabase, testConfig } from '../src/testing/database.ts';
import { referThroughApi } from '../src/testing/test-app.ts';
import { assertAccessible, cspRefusals, launchBrowser, newPage, type RunningApp, startApp } from './browser.ts';

const SHORTLIST = ['RR813-110', 'RR801-110', 'RAE01-110'];

describe('patient journey: manage your referral (browser)', () => {
  let running: RunningApp;
  let database: Database;
  let browser: Browser;
  let page: Page;
  let ubrn = '';
  let accessCode = '';
  let cspErrors: string[] = [];

  before(async () => {
    database = await openDemoTestDatabase();
    running = await startApp(async () => ({ app: await buildApp({ config: testConfig(), database, logger: false }) }));
    ({ ubrn, accessCode } = await referThroughApi(running.app, { familyName: 'Smith' }, SHORTLIST));
    browser = await launchBrowser();
    page = await newPage(browser);
    cspErrors = cspRefusals(page);
  });
  after(async () => {
    await browser?.close();
    await running?.close();
    await database?.close();
  });

  const path = () => new URL(page.url()).pathname;
  const submit = async (selector = '#continue') => Promise.all([page.waitForNavigation(), page.click(selector)]);
  const signInWith = async (code: string) => {
    await page.fill('#ubrn', ubrn.replace(/(\d{4})(?=\d)/g, '$1 '));
    await page.fill('#accessCode', code);
    await page.fill('#dob-day', '31');
    await page.fill('#dob-month', '1');
    await page.fill('#dob-year', '1970');
    await submit();
  };

  test('signing in: a wrong access code shows the error summary; the right one opens the referral', async () => {
    await page.goto(`${running.baseUrl}/manage`);
    assert.equal(path(), '/manage/sign-in');
    await assertAccessible(page, 'patient sign in');
    await submit();
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Enter your reference number/);
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Enter your date of birth/);
    await assertAccessible(page, 'patient sign in with errors');

    await signInWith('WRONG1');
    assert.equal(path(), '/manage/sign-in');
    assert.match(await page.title(), /^Error: /);
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /We could not find a referral with those details/);
    assert.equal(await page.inputValue('#accessCode'), '', 'the access code is not shown again');
    await assertAccessible(page, 'patient sign in, not recognised');

    await signInWith(accessCode);
    assert.equal(path(), '/manage');
    assert.equal(await page.locator('#options tbody tr').count(), SHORTLIST.length, 'the shortlist side by side');
    const first = await page.locator('#options tbody tr').first().innerText();
    assert.match(first, /week/);
    assert.match(first, /miles/);
    assert.match(first, /£/);
    assert.match(await page.locator('#referral-status').innerText(), /Not booked/);
    await assertAccessible(page, 'your referral');
  });

  let firstService = '';

  test('choose a service, pick an appointment, check and book: confirmation with date, time and place', async () => {
    await submit('#choose-service');
    assert.equal(path(), '/manage/choose');
    await assertAccessible(page, 'choose a service');
    await submit();
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Select where you would like to be seen/);
    await assertAccessible(page, 'choose a service with errors');
    await page.check('#serviceId');
    await submit();
    assert.match(path(), /^\/manage\/services\/[^/]+\/slots$/);
    firstService = decodeURIComponent(path().split('/')[3]!);
    assert.ok(SHORTLIST.includes(firstService));
    assert.ok((await page.locator('fieldset legend').count()) >= 2, 'slots grouped by day');
    await assertAccessible(page, 'choose an appointment');
    await submit();
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Select an appointment/);
    await assertAccessible(page, 'choose an appointment with errors');
    await page.locator('input[name="slotId"]').first().check();
    await submit();
    assert.match(path(), /^\/manage\/check\//);
    await assertAccessible(page, 'check the appointment');
    await submit('#book-appointment');
    assert.equal(path(), '/manage/booked');
    assert.equal((await page.locator('.nhsuk-panel__heading').innerText()).trim(), 'Appointment booked');
    assert.match(await page.locator('#booked-when').innerText(), /\d{4} at \d{1,2}:\d{2}(am|pm)/);
    assert.match(await page.locator('#booked-place').innerText(), /\S/);
    await assertAccessible(page, 'appointment booked');
  });

  test('change the appointment: another service and time; the old one is cancelled', async () => {
    await page.goto(`${running.baseUrl}/manage`);
    assert.match(await page.locator('#referral-status').innerText(), /Appointment booked/);
    await submit('#change-appointment');
    assert.equal(path(), '/manage/choose');
    const other = SHORTLIST.find((s) => s !== firstService)!;
    await page.check(`input[name="serviceId"][value="${other}"]`);
    await submit();
    await page.locator('input[name="slotId"]').first().check();
    await submit();
    assert.match(await page.locator('#change-warning').innerText(), /current appointment will be cancelled/);
    await assertAccessible(page, 'check the changed appointment');
    await submit('#book-appointment');
    assert.equal(path(), '/manage/booked');
    const live = await database.db.selectFrom('appointment').select(['service_id', 'cancelled_at']).where('ubrn', '=', ubrn).orderBy('booked_at').execute();
    assert.equal(live.length, 2);
    assert.notEqual(live[0]!.cancelled_at, null, 'the first appointment is cancelled');
    assert.equal(live[1]!.cancelled_at, null);
    assert.equal(live[1]!.service_id, other);
  });

  test('cancel the appointment with a reason, after a confirm page', async () => {
    await page.goto(`${running.baseUrl}/manage`);
    await submit('#cancel-appointment');
    assert.equal(path(), '/manage/cancel');
    await assertAccessible(page, 'why cancel');
    await submit();
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Select why you are cancelling/);
    await assertAccessible(page, 'why cancel with errors');
    await page.check('input[name="reason"][value="CANNOT_ATTEND"]');
    await submit();
    assert.equal(path(), '/manage/cancel/confirm');
    await assertAccessible(page, 'confirm cancel');
    await submit('#confirm-cancel');
    assert.equal(path(), '/manage/cancelled');
    await assertAccessible(page, 'cancelled');
    await page.goto(`${running.baseUrl}/manage`);
    assert.match(await page.locator('#referral-status').innerText(), /Appointment cancelled/);
    assert.equal(await page.locator('#choose-service').count(), 1, 'another can be chosen');
    assert.deepEqual(cspErrors, [], 'no script or style was refused by the CSP');
  });

  test('signing out ends the session', async () => {
    await submit('header form[action="/manage/sign-out"] button');
    assert.equal(path(), '/signed-out');
    await page.goto(`${running.baseUrl}/manage`);
    assert.equal(path(), '/manage/sign-in');
  });
});
