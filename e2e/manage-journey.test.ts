// The patient's whole Manage Your Referral journey in a real browser, as the letter leaves them: they sign in with
// the UBRN, access code and date of birth, compare the options (on a 375 px phone too, with nothing scrolling
// sideways), read how to claim help with travel costs, measure distances from a relative's postcode (a wrong one
// first), say what matters most, book, take the calendar entry, print the confirmation, change the appointment and
// cancel it. axe on every page.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildApp } from '../src/app.ts';
import type { Database } from '../src/db/database.ts';
import { openDemoTestDatabase, testConfig } from '../src/testing/database.ts';
import { referThroughApi } from '../src/testing/test-app.ts';
import { icsValue, parseIcs } from '../src/testing/ics.ts';
import { assertAccessible, cspRefusals, focusedId, launchBrowser, newPage, type RunningApp, startApp } from './browser.ts';

const SHORTLIST = ['RR813-110', 'RR801-110', 'RAE01-110'];
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/;

describe('patient journey: getting there and changing one\'s mind (browser)', () => {
  let running: RunningApp;
  let database: Database;
  let browser: Browser;
  let page: Page;
  let ubrn = '';
  let accessCode = '';
  let cspErrors: string[] = [];

  before(async () => {
    database = await openDemoTestDatabase('manage-journey');
    running = await startApp(async () => ({ app: await buildApp({ config: testConfig(), database, logger: false }) }));
    // The referral as the demo referrer makes it (as e2e/patient.test.ts does): the letter's UBRN and access code.
    ({ ubrn, accessCode } = await referThroughApi(running.app, { familyName: 'Travels' }, SHORTLIST));
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
  const noIsoDates = async (label: string) => assert.doesNotMatch(await page.locator('body').innerText(), ISO_DATE, `${label} shows an ISO date`);

  test('signs in with the letter\'s details and compares the options, with help with travel costs', async () => {
    await page.goto(`${running.baseUrl}/manage`);
    assert.equal(path(), '/manage/sign-in');
    await assertAccessible(page, 'patient sign in');
    await page.fill('#ubrn', ubrn.replace(/(\d{4})(?=\d)/g, '$1 '));
    await page.fill('#accessCode', accessCode);
    await page.fill('#dob-day', '31');
    await page.fill('#dob-month', '1');
    await page.fill('#dob-year', '1970');
    await submit();
    assert.equal(path(), '/manage');
    assert.equal(await page.locator('#options tbody tr').count(), SHORTLIST.length);
    const row = page.locator('#options tbody tr').first();
    assert.match(await row.innerText(), /£\d+\.\d{2} by car/);
    assert.match(await row.innerText(), /You may be able to claim this back/);
    assert.match(await row.innerText(), /Patient transport in NHS West Yorkshire/);
    // The link takes the patient to the explanation, which names the scheme and what qualifies.
    await row.locator('a[href="#travel-help"]').click();
    assert.equal(await focusedId(page), 'travel-help');
    const help = await page.locator('#travel-help ~ ul').first().innerText();
    assert.match(help, /Pension Credit Guarantee Credit/);
    assert.match(help, /HC2/);
    assert.match(await page.locator('#transport-QWO').innerText(), /Yorkshire Ambulance Service/);
    await noIsoDates('your referral');
    await assertAccessible(page, 'your referral, compared');
  });

  test('on a 375 px phone the comparison does not scroll sideways', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await page.reload();
    const widths = (await page.evaluate(`(() => {
      const table = document.getElementById('options');
      return { document: document.documentElement.scrollWidth, table: table.scrollWidth, box: table.parentElement.clientWidth };
    })()`)) as { document: number; table: number; box: number };
    assert.ok(widths.document <= 375, `the page is ${widths.document} px wide`);
    assert.ok(widths.table <= widths.box, `the table is ${widths.table} px in ${widths.box} px`);
    // Each service reads as labelled lines.
    assert.match(await page.locator('#options tbody tr').first().innerText(), /Wait\s/);
    await assertAccessible(page, 'your referral on a phone');
    await page.setViewportSize({ width: 1024, height: 900 });
  });

  test('measures distances from a relative\'s postcode: a wrong one is refused on its page, then the options change', async () => {
    await page.goto(`${running.baseUrl}/manage`);
    await submit('#change-postcode');
    assert.equal(path(), '/manage/search/postcode');
    await assertAccessible(page, 'where to measure from');
    await page.check('input[name="origin"][value="other"]');
    await page.fill('#postcode', 'LS99 9ZZ');
    await submit();
    const summary = page.locator('.nhsuk-error-summary');
    assert.match(await summary.innerText(), /We cannot find LS99 9ZZ/);
    assert.equal(await page.inputValue('#postcode'), 'LS99 9ZZ', 'the answer is kept');
    await assertAccessible(page, 'where to measure from, with errors');
    await summary.locator('a[href="#postcode"]').click();
    assert.equal(await focusedId(page), 'postcode', 'the error links to the box');
    await page.fill('#postcode', 'BD9 6RJ');
    await submit();
    assert.equal(path(), '/manage');
    assert.match(await page.locator('#options-updated').innerText(), /Your options have changed/);
    assert.match(await page.locator('body').innerText(), /straight line from BD9 6RJ/);
    assert.equal(await page.locator('#options tbody tr').count(), 5, 'five options, ranked afresh');
    await assertAccessible(page, 'your referral, options changed');
  });

  test('says what matters most is the nearest: the options come nearest first', async () => {
    await submit('#change-priority');
    assert.equal(path(), '/manage/search/priority');
    await assertAccessible(page, 'what matters most');
    await page.check('input[name="sortBy"][value="DISTANCE"]');
    await submit();
    assert.equal(path(), '/manage');
    const miles = await page.locator('#options tbody tr td:nth-child(4)').allInnerTexts();
    const values = miles.map((m) => Number(/([\d.]+) miles?/.exec(m)![1]));
    assert.deepEqual(values, [...values].sort((a, b) => a - b), `nearest first: ${miles.join(', ')}`);
    await assertAccessible(page, 'your referral, nearest first');
  });

  test('books the first option: directions, the calendar entry and a confirmation to print', async () => {
    await submit('#choose-service');
    await page.locator('input[name="serviceId"]').first().check();
    await submit();
    await assertAccessible(page, 'choose an appointment');
    await page.locator('input[name="slotId"]').first().check();
    await submit();
    await assertAccessible(page, 'check the appointment');
    await noIsoDates('check the appointment');
    await submit('#book-appointment');
    assert.equal(path(), '/manage/booked');
    const postcode = (await page.locator('#directions-postcode').innerText()).trim();
    assert.match(postcode, /^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$/);
    assert.equal(await page.locator('#map-link').getAttribute('href'), `https://www.openstreetmap.org/search?query=${encodeURIComponent(postcode)}`);
    await noIsoDates('appointment booked');
    await assertAccessible(page, 'appointment booked');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#add-to-calendar')]);
    assert.equal(download.suggestedFilename(), 'appointment.ics');
    const props = parseIcs(await readFile((await download.path())!, 'utf8'));
    const appointment = await database.db.selectFrom('appointment').select(['starts_at', 'ends_at']).where('ubrn', '=', ubrn).where('cancelled_at', 'is', null).executeTakeFirstOrThrow();
    const utc = (d: Date) => new Date(d).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    assert.equal(icsValue(props, 'DTSTART'), utc(appointment.starts_at));
    assert.equal(icsValue(props, 'DTEND'), utc(appointment.ends_at));
    assert.ok(icsValue(props, 'LOCATION')!.endsWith(postcode));

    await submit('#print-confirmation');
    assert.equal(path(), '/manage/confirmation');
    assert.match(await page.locator('#confirmation').innerText(), /Reference number/);
    assert.match(await page.locator('#directions-address').innerText(), new RegExp(postcode));
    await assertAccessible(page, 'appointment confirmation');
    await page.emulateMedia({ media: 'print' });
    for (const chrome of ['header.nhsuk-header', 'footer', '.nhsuk-back-link', '#print-page', '#manage-link', '#map-link']) {
      assert.equal(await page.locator(chrome).first().isVisible(), false, `${chrome} is not printed`);
    }
    assert.equal(await page.locator('#confirmation').isVisible(), true);
    assert.equal(await page.locator('#directions-address').isVisible(), true);
    await page.emulateMedia({ media: 'screen' });
    assert.equal(await page.locator('header.nhsuk-header').isVisible(), true);
  });

  test('once booked the options stay; changes the appointment, then cancels it', async () => {
    await page.goto(`${running.baseUrl}/manage`);
    assert.equal(await page.locator('#change-postcode').count(), 0, 'no changing the options once booked');
    assert.equal(await page.locator('#add-to-calendar').count(), 1);
    await submit('#change-appointment');
    assert.equal(path(), '/manage/choose');
    await page.locator('input[name="serviceId"]').nth(1).check();
    await submit();
    await page.locator('input[name="slotId"]').first().check();
    await submit();
    assert.match(await page.locator('#change-warning').innerText(), /current appointment will be cancelled/);
    await submit('#book-appointment');
    assert.equal(path(), '/manage/booked');
    await assertAccessible(page, 'appointment changed');

    await page.goto(`${running.baseUrl}/manage`);
    await submit('#cancel-appointment');
    await page.check('input[name="reason"][value="CANNOT_ATTEND"]');
    await submit();
    await assertAccessible(page, 'confirm cancel');
    await submit('#confirm-cancel');
    assert.equal(path(), '/manage/cancelled');
    await assertAccessible(page, 'cancelled');
    await page.goto(`${running.baseUrl}/manage`);
    assert.match(await page.locator('#referral-status').innerText(), /Appointment cancelled/);
    // Nothing booked: the options may be changed again, and there is no calendar entry to take.
    assert.equal(await page.locator('#change-postcode').count(), 1);
    assert.equal(await page.locator('#add-to-calendar').count(), 0);
    await assertAccessible(page, 'your referral after cancelling');
    const history = await database.db.selectFrom('referral_event').select('reason').where('ubrn', '=', ubrn).orderBy('id').execute();
    assert.equal(history.filter((h) => /The patient changed their search/.test(h.reason)).length, 2, 'both changes are in the history');
    assert.deepEqual(cspErrors, [], 'no script or style was refused by the CSP');
  });
});
