// The referrer's journey in a real browser: sign in, make a referral one question at a time (with the error
// summaries), check answers, confirmation with UBRN and access code, the patient's letter, the worklist, and
// booking with the patient there and then. axe on every page visited; the sign-in page done by keyboard alone.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import { assertAccessible, cspRefusals, focusedId, launchBrowser, newPage, type RunningApp, startApp, tabTo } from './browser.ts';

const NHS_NUMBER = '9990000018';

describe('referrer journey (browser)', () => {
  let running: RunningApp;
  let browser: Browser;
  let page: Page;
  let cspErrors: string[] = [];

  before(async () => {
    running = await startApp();
    browser = await launchBrowser();
    page = await newPage(browser);
    cspErrors = cspRefusals(page);
  });
  after(async () => {
    await browser?.close();
    await running?.close();
  });

  const h1 = async () => (await page.locator('h1').innerText()).trim();
  const submit = async (selector = '#continue') => Promise.all([page.waitForNavigation(), page.click(selector)]);

  test('signing in by keyboard alone', async () => {
    await page.goto(`${running.baseUrl}/referrals`);
    assert.equal(new URL(page.url()).pathname, '/sign-in');
    await assertAccessible(page, 'sign in');
    await tabTo(page, 'username');
    await page.keyboard.type('demo-referrer');
    await page.keyboard.press('Tab');
    assert.equal(await focusedId(page), 'password');
    await page.keyboard.type(DEMO_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(new URL(page.url()).pathname, '/referrals');
    assert.match(await page.locator('#signed-in-as').innerText(), /,/); // name, organisation
    await assertAccessible(page, 'worklist');
  });

  let ubrn = '';

  test('making a referral: errors, each question, check answers, confirmation and letter', async () => {
    await submit('#make-referral');
    assert.equal(new URL(page.url()).pathname, '/referrals/new/patient');
    await assertAccessible(page, 'patient details');

    await submit();
    assert.equal(await page.locator('.nhsuk-error-summary').isVisible(), true);
    assert.match(await page.title(), /^Error: /);
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Enter the patient's NHS number/);
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Enter the patient's date of birth/);
    await assertAccessible(page, 'patient details with errors');

    await page.fill('#nhsNumber', '1234567890');
    await page.fill('#givenName', 'Ann');
    await page.fill('#familyName', 'Smith');
    await page.fill('#dob-day', '31');
    await page.fill('#dob-month', '1');
    await page.fill('#dob-year', '1970');
    await page.fill('#address', '12 Park Row\nLeeds');
    await page.fill('#postcode', 'ls1 4ap');
    await page.selectOption('#specialty', '110');
    await submit();
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Enter a valid NHS number/);
    assert.match(await page.locator('#nhsNumber-error').innerText(), /Enter a valid NHS number/);
    assert.equal(await page.inputValue('#givenName'), 'Ann', 'answers are kept');
    await page.fill('#nhsNumber', NHS_NUMBER);
    await submit();
    assert.equal(new URL(page.url()).pathname, '/referrals/new/preferences');
    assert.doesNotMatch(page.url(), /9990000018|Smith|LS1/i, 'no patient data in the URL');
    await assertAccessible(page, 'preferences');

    await page.check('#sortBy');
    await page.check('#origin');
    await page.check('input[name="distance"][value="50"]');
    await submit();
    assert.equal(new URL(page.url()).pathname, '/referrals/new/shortlist');
    await assertAccessible(page, 'shortlist');
    const recommended = page.locator('input[name="services"][id^="services"]:checked');
    assert.equal(await recommended.count(), 5);
    // Remove the fifth, add the first of the others.
    await page.uncheck('input[name="services"][id^="services"] >> nth=4');
    const more = page.locator('input[name="services"][id^="more-services"]');
    if (await more.count()) await more.first().check();
    await submit();

    assert.equal(new URL(page.url()).pathname, '/referrals/new/clinical');
    await submit();
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Select the priority/);
    await assertAccessible(page, 'clinical details with errors');
    await page.check('#priority');
    await page.fill('#clinicalSummary', 'Right knee pain for 6 months; X-ray shows osteoarthritis.');
    await submit();

    assert.equal(new URL(page.url()).pathname, '/referrals/new/check');
    assert.equal(await h1(), 'Check the referral before sending it');
    assert.match(await page.locator('main').innerText(), /999 000 0018/);
    assert.match(await page.locator('main').innerText(), /12 Park Row, Leeds/);
    assert.ok((await page.locator('a:has-text("Change")').count()) >= 8);
    await assertAccessible(page, 'check answers');
    await submit('#send-referral');

    assert.equal(new URL(page.url()).pathname, '/referrals/new/confirmation');
    ubrn = (await page.locator('#ubrn').innerText()).replace(/\s/g, '');
    assert.match(ubrn, /^\d{12}$/);
    assert.match((await page.locator('#access-code').innerText()).trim(), /^\S{4,}$/);
    await assertAccessible(page, 'confirmation');

    await submit('#letter-link');
    assert.equal((await page.locator('#letter-ubrn').innerText()).replace(/\s/g, ''), ubrn);
    assert.match(await page.locator('#letter').innerText(), /How to manage your referral/);
    await assertAccessible(page, 'letter');
    await page.goBack();
  });

  test('the referral is on the worklist awaiting booking', async () => {
    await page.goto(`${running.baseUrl}/referrals`);
    assert.equal(await page.locator(`#worklist tr[data-ubrn="${ubrn}"][data-status="NOT_BOOKED"]`).count(), 1);
    await assertAccessible(page, 'worklist with the referral');
  });

  test('booking with the patient there and then', async () => {
    await page.goto(`${running.baseUrl}/referrals/${ubrn}`);
    await assertAccessible(page, 'referral');
    await submit('#book-now');
    assert.equal(new URL(page.url()).pathname, `/referrals/${ubrn}/book`);
    await assertAccessible(page, 'choose an appointment');
    await submit('#book-appointment');
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Select an appointment/);
    const first = page.locator('input[name="slotId"]').first();
    assert.ok((await page.locator('input[name="slotId"]').count()) > 0, 'free slots are offered (demo slots)');
    await first.check();
    await submit('#book-appointment');
    assert.equal(new URL(page.url()).pathname, `/referrals/${ubrn}/booked`);
    assert.equal((await page.locator('.nhsuk-panel__heading').innerText()).trim(), 'Appointment booked');
    await assertAccessible(page, 'booked');
    await page.goto(`${running.baseUrl}/referrals`);
    assert.equal(await page.locator(`#worklist tr[data-ubrn="${ubrn}"][data-status="BOOKED"]`).count(), 1);
    assert.deepEqual(cspErrors, [], 'no script or style was refused by the CSP');
  });
});
