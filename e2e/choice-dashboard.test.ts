// The commissioner's choice figures in a real browser: demo-commissioner signs in and lands on /commissioner, opens
// the choice figures, changes the period with the keyboard, sorts a table, and drills down to the referrals behind
// a figure, with axe on every page and the chart drawn at a phone's width.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildApp } from '../src/app.ts';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import type { Database } from '../src/db/database.ts';
import { londonDate } from '../src/domain/dates.ts';
import { copyReferrals, type ReferralCopy } from '../src/testing/choice-referrals.ts';
import { openDemoTestDatabase, testConfig } from '../src/testing/database.ts';
import { referThroughApi } from '../src/testing/test-app.ts';
import { assertAccessible, cspRefusals, focusedId, launchBrowser, newPage, type RunningApp, startApp, tabTo } from './browser.ts';

const today = londonDate();
const daysAgo = (n: number) => {
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
};

describe('the choice figures (browser)', () => {
  let running: RunningApp;
  let database: Database;
  let browser: Browser;

  before(async () => {
    database = await openDemoTestDatabase();
    running = await startApp(async () => ({ app: await buildApp({ config: testConfig(), database, logger: false }) }));
    const services = await database.db.selectFrom('service').select('id').where('specialty_code', '=', '110').where('active', '=', true).where('accreditation_status', '=', 'ACCREDITED').orderBy('id').limit(6).execute();
    const made = await referThroughApi(running.app, { familyName: 'Browserfigures' }, services.slice(0, 5).map((s) => s.id));
    const practices = ['B82007', 'B82020', 'B82028'];
    const copies: ReferralCopy[] = Array.from({ length: 60 }, (_, i) => ({
      madeOn: daysAgo(2 + ((i * 11) % 300)), practice: practices[i % 3]!, optionsOffered: [5, 3, 5, 1, 6][i % 5]!,
      fewerOptionsCode: i % 2 ? 'FEWER_WITHIN_REACH' : 'PATIENT_ASKED', patientChose: i % 4 !== 0, paper: i % 7 === 0, serviceId: services[i % services.length]!.id,
    }));
    await copyReferrals(database, made.ubrn, copies, 500);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await running?.close();
    await database?.close();
  });

  const pathOf = (page: Page) => new URL(page.url()).pathname;

  test('sign in, the home, the figures, a period by keyboard, a sort and a drill-down', async () => {
    const page = await newPage(browser);
    const refusals = cspRefusals(page);
    await page.goto(`${running.baseUrl}/sign-in`);
    await page.fill('#username', 'demo-commissioner');
    await page.fill('#password', DEMO_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('#sign-in-button')]);
    assert.equal(pathOf(page), '/commissioner', 'a commissioner lands on their home');
    assert.match(await page.locator('#headline-referrals').innerText(), /^\d{1,3}(,\d{3})*$/);
    await assertAccessible(page, 'commissioner home');

    await Promise.all([page.waitForNavigation(), page.click('#link-choice')]);
    assert.equal(pathOf(page), '/commissioner/choice');
    assert.match(await page.locator('#total-referrals').innerText(), /^\d{1,3}(,\d{3})*$/);
    assert.equal(await page.locator('svg#shares-over-time[role="img"]').count(), 1);
    assert.ok((await page.locator('#shares-over-time-table tbody tr').count()) >= 52);
    await assertAccessible(page, 'choice figures');

    // The period by keyboard: into the start date, type it, tab on to months, choose it, and submit with Enter.
    const from = daysAgo(120);
    await page.locator('#from').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(from);
    await tabTo(page, 'to');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(today);
    await tabTo(page, 'interval');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focusedId(page), 'interval-2', 'the arrow moves to months');
    await tabTo(page, 'show-figures');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('from'), from);
    assert.equal(url.searchParams.get('interval'), 'month');
    assert.match(await page.locator('#summary-heading').innerText(), new RegExp(`${Number(from.slice(8))} `));
    assert.ok((await page.locator('#shares-over-time-table tbody tr').count()) <= 6, 'months, not weeks');
    await assertAccessible(page, 'choice figures for a period by month');

    // The practices come most referrals first; sort by name, then by referrals again (most first), then fewest first.
    assert.equal(await page.locator('#by-practice-table th[aria-sort="descending"] a[data-sort="referrals"]').count(), 1);
    await Promise.all([page.waitForNavigation(), page.click('#by-practice-table th a[data-sort="name"]')]);
    assert.equal(await page.locator('#by-practice-table th[aria-sort="ascending"] a[data-sort="name"]').count(), 1);
    const names = await page.locator('#by-practice-table tbody th').allInnerTexts();
    assert.deepEqual(names, [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    await Promise.all([page.waitForNavigation(), page.click('#by-practice-table th a[data-sort="referrals"]')]);
    assert.equal(await page.locator('#by-practice-table th[aria-sort="descending"] a[data-sort="referrals"]').count(), 1);
    await Promise.all([page.waitForNavigation(), page.click('#by-practice-table th a[data-sort="referrals"]')]);
    assert.equal(await page.locator('#by-practice-table th[aria-sort="ascending"] a[data-sort="referrals"]').count(), 1);
    const counts = (await page.locator('#by-practice-table tbody tr td:nth-of-type(1)').allInnerTexts()).map((s) => Number(s.trim().replaceAll(',', '')));
    assert.deepEqual(counts, [...counts].sort((a, b) => a - b));
    assert.equal(new URL(page.url()).searchParams.get('from'), from, 'sorting keeps the period');
    await assertAccessible(page, 'choice figures sorted');

    // Drill down: the practice's referrals; as many rows as the figure said.
    const row = page.locator('#by-practice-table tbody tr').last();
    const figure = Number((await row.locator('td').first().innerText()).trim().replaceAll(',', ''));
    await Promise.all([page.waitForNavigation(), row.locator('td').first().locator('a').click()]);
    assert.equal(pathOf(page), '/commissioner/choice/referrals');
    assert.equal(await page.locator('#drill-down tbody tr').count(), Math.min(50, figure));
    assert.doesNotMatch(await page.locator('main').innerText(), /Browserfigures|999 000 0018/);
    await assertAccessible(page, 'the referrals behind a figure');
    await Promise.all([page.waitForNavigation(), page.click('#back-link')]);
    assert.equal(pathOf(page), '/commissioner/choice');

    // A bad date: the error summary, and its link moves to the field.
    await page.goto(`${running.baseUrl}/commissioner/choice?from=2026-02-30`);
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /The start date must be a real date/);
    await assertAccessible(page, 'choice figures with an error');
    await page.click('.nhsuk-error-summary a[href="#from"]');
    assert.equal(await focusedId(page), 'from');
    assert.deepEqual(refusals, []);
    await page.context().close();
  });

  test('at 320 px the chart fits the page and nothing scrolls sideways', async () => {
    const page = await newPage(browser, { width: 320, height: 800 });
    await page.goto(`${running.baseUrl}/sign-in`);
    await page.fill('#username', 'demo-commissioner');
    await page.fill('#password', DEMO_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('#sign-in-button')]);
    await page.goto(`${running.baseUrl}/commissioner/choice`);
    const box = await page.locator('svg#shares-over-time').boundingBox();
    assert.ok(box && box.width <= 320 && box.width > 200, JSON.stringify(box));
    const scrolls = await page.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth');
    assert.equal(scrolls, false, 'the page does not scroll sideways (tables scroll inside their own region)');
    await assertAccessible(page, 'choice figures at 320 px');
    await page.context().close();
  });
});
