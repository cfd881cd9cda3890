// The referral's answers in a real browser: a postcode refused on the page where it is given (the error summary
// linking to its box), fixed; a service added to the shortlist; an earlier answer changed from the check page and
// the service still there, or taken off with the reason said; the search widened when fewer than 5 match, on the
// referrer's shortlist and on the public compare page; and a postcode in Wales told that the directory is England's.
// axe on every page visited.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import { assertAccessible, cspRefusals, focusedId, launchBrowser, newPage, type RunningApp, startApp } from './browser.ts';

/** Leeds General Infirmary: within 25 miles of LS1 4AP, but not among the 5 with the shortest waits. */
const ADDED = 'RR801-110';

describe('the referral journey keeps and checks its answers (browser)', () => {
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

  const path = () => new URL(page.url()).pathname;
  const submit = async (selector = '#continue') => Promise.all([page.waitForNavigation(), page.click(selector)]);
  const summary = () => page.locator('.nhsuk-error-summary');
  const checkServices = () => page.locator('#check-services').innerText();

  test('signing in', async () => {
    await page.goto(`${running.baseUrl}/sign-in`);
    await assertAccessible(page, 'sign in');
    await page.fill('#username', 'demo-referrer');
    await page.fill('#password', DEMO_PASSWORD);
    await submit('button[type="submit"]:has-text("Sign in")');
    assert.equal(path(), '/referrals');
  });

  test('a postcode that does not exist is refused on the patient page, linked to its box, and fixed there', async () => {
    await submit('#make-referral');
    assert.equal(path(), '/referrals/new/patient');
    await assertAccessible(page, 'patient details');
    await page.fill('#nhsNumber', '9990000018');
    await page.fill('#givenName', 'Ann');
    await page.fill('#familyName', 'Answers');
    await page.fill('#dob-day', '31');
    await page.fill('#dob-month', '1');
    await page.fill('#dob-year', '1970');
    await page.fill('#postcode', 'ZZ99 9ZZ');
    await page.selectOption('#specialty', '110');
    await submit();
    assert.equal(path(), '/referrals/new/patient', 'refused here, not four pages later');
    assert.match(await summary().innerText(), /We cannot find ZZ99 9ZZ/);
    assert.equal(await summary().locator('a').getAttribute('href'), '#postcode');
    assert.match(await page.locator('#postcode-error').innerText(), /We cannot find ZZ99 9ZZ/);
    assert.equal(await page.inputValue('#familyName'), 'Answers', 'nothing else is lost');
    await assertAccessible(page, 'patient details with an unknown postcode');
    await summary().locator('a').click();
    assert.equal(await focusedId(page), 'postcode', 'the summary\'s link takes the referrer to the box');
    await page.fill('#postcode', 'LS1 4AP');
    await submit();
    assert.equal(path(), '/referrals/new/preferences');
  });

  test('a relative\'s postcode that does not exist is refused on the preferences page', async () => {
    await assertAccessible(page, 'preferences');
    await page.check('#sortBy');
    await page.check('input[name="origin"][value="other"]');
    await page.fill('#originPostcode', 'ZZ99 9ZZ');
    await page.check('input[name="distance"][value="25"]');
    await submit();
    assert.equal(path(), '/referrals/new/preferences');
    assert.equal(await summary().locator('a').getAttribute('href'), '#originPostcode');
    assert.match(await page.locator('#originPostcode-error').innerText(), /We cannot find ZZ99 9ZZ/);
    await assertAccessible(page, 'preferences with an unknown postcode');
    await page.check('input[name="origin"][value="home"]');
    await page.fill('#originPostcode', '');
    await submit();
    assert.equal(path(), '/referrals/new/shortlist');
  });

  test('a service added to the shortlist is on the check page', async () => {
    await assertAccessible(page, 'shortlist');
    assert.equal(await page.locator('input[name="services"]:checked').count(), 5);
    await page.check(`input[name="services"][value="${ADDED}"]`);
    await submit();
    assert.equal(path(), '/referrals/new/clinical');
    await assertAccessible(page, 'clinical details');
    await page.check('#priority');
    await page.fill('#clinicalSummary', 'Right knee pain for 6 months.');
    await submit();
    assert.equal(path(), '/referrals/new/check');
    assert.match(await checkServices(), /Leeds General Infirmary/);
    assert.equal(await page.locator('#check-services li').count(), 6);
    await assertAccessible(page, 'check answers');
  });

  test('changing the home postcode from the check page returns to it, with the added service kept', async () => {
    await submit('a[href="/referrals/new/patient#postcode"]');
    assert.equal(path(), '/referrals/new/patient');
    assert.equal(await page.locator('.nhsuk-back-link').getAttribute('href'), '/referrals/new/check', 'back to the check page');
    await assertAccessible(page, 'patient details, changing an answer');
    await page.fill('#postcode', 'LS2 9JT');
    await submit();
    assert.equal(path(), '/referrals/new/check');
    assert.match(await page.locator('main').innerText(), /LS2 9JT/);
    assert.match(await checkServices(), /Leeds General Infirmary/, 'the added service is kept');
    assert.equal(await page.locator('#check-services li').count(), 6, 'and every other one');
    assert.equal(await page.locator('#removed-services').count(), 0);
    await assertAccessible(page, 'check answers after the change');
  });

  test('a shorter distance takes off the services beyond it, and the check page says which and why', async () => {
    await submit('a[href="/referrals/new/preferences"] >> nth=2');
    assert.equal(path(), '/referrals/new/preferences');
    await assertAccessible(page, 'preferences, changing an answer');
    await page.check('input[name="distance"][value="10"]');
    await submit();
    assert.equal(path(), '/referrals/new/check', 'the added service still fits, so the shortlist is still answered');
    assert.match(await checkServices(), /Leeds General Infirmary/);
    const removed = page.locator('#removed-services');
    assert.equal(await removed.count(), 1);
    assert.match(await removed.innerText(), /further than the 10 miles the patient could travel/);
    assert.equal(await removed.locator('li').count() + await page.locator('#check-services li').count(), 6, 'each service is kept or named as taken off');
    await assertAccessible(page, 'check answers with services taken off');
    await submit('#send-referral');
    assert.equal(path(), '/referrals/new/confirmation');
    await assertAccessible(page, 'confirmation');
  });

  test('fewer than 5: the shortlist page offers a wider search in miles, keeping what is ticked', async () => {
    await page.goto(`${running.baseUrl}/referrals`);
    await submit('#make-referral');
    await page.fill('#nhsNumber', '9990000018');
    await page.fill('#givenName', 'Ann');
    await page.fill('#familyName', 'Lancaster');
    await page.fill('#dob-day', '31');
    await page.fill('#dob-month', '1');
    await page.fill('#dob-year', '1970');
    await page.fill('#postcode', 'LA1 1AA');
    await page.selectOption('#specialty', '110');
    await submit();
    await page.check('#sortBy');
    await page.check('input[name="origin"][value="home"]');
    await page.check('input[name="distance"][value="10"]');
    await submit();
    assert.equal(path(), '/referrals/new/shortlist');
    const warning = await page.locator('#shortfall').innerText();
    assert.match(warning, /within 10 miles of LA1 1AA/);
    assert.doesNotMatch(warning, /\bkm\b/);
    await assertAccessible(page, 'shortlist with fewer than 5');
    const first = await page.locator('input[name="services"]:checked').first().getAttribute('value');
    await page.uncheck(`input[name="services"][value="${first}"]`);
    await submit('#widen-25');
    assert.equal(path(), '/referrals/new/shortlist');
    assert.equal(await page.locator('#shortfall').count(), 0, '5 or more within 25 miles');
    assert.equal(await page.locator(`input[name="services"][value="${first}"]`).isChecked(), false, 'what was unticked stays unticked');
    assert.ok((await page.locator('input[name="services"]:checked').count()) >= 4);
    await assertAccessible(page, 'shortlist widened');
  });

  test('a patient in Wales is told the directory lists England\'s services only', async () => {
    await page.goto(`${running.baseUrl}/referrals/new/patient`);
    await page.fill('#postcode', 'CF10 1EP');
    await submit();
    await page.goto(`${running.baseUrl}/referrals/new/shortlist`);
    assert.match(await page.locator('#outside-england').innerText(), /CF10 1EP is in Wales\.[^]*England only/);
    await assertAccessible(page, 'shortlist from Wales');
  });

  test('the compare page: miles, a link to widen the search, and a word for a postcode in Wales', async () => {
    await page.goto(`${running.baseUrl}/?specialty=110&postcode=LA1+1AA&sortBy=WAIT&distance=10`);
    const warning = await page.locator('#shortfall').innerText();
    assert.match(warning, /within 10 miles of LA1 1AA/);
    assert.doesNotMatch(await page.locator('#results').innerText(), /\bkm\b/);
    await assertAccessible(page, 'compare with fewer than 5');
    await submit('#widen-25');
    assert.equal(new URL(page.url()).searchParams.get('distance'), '25');
    assert.equal(await page.locator('#shortfall').count(), 0);
    assert.equal(await page.locator('input[name="distance"][value="25"]').isChecked(), true, 'the form shows the wider search');
    await assertAccessible(page, 'compare widened');
    await page.goto(`${running.baseUrl}/?specialty=110&postcode=CF10+1EP&sortBy=WAIT&distance=25`);
    assert.match(await page.locator('#outside-england').innerText(), /CF10 1EP is in Wales\.[^]*Your GP can tell you about NHS services in Wales/);
    await assertAccessible(page, 'compare from Wales');
    assert.deepEqual(cspErrors, [], 'no script or style was refused by the CSP');
  });
});
