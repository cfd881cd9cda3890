// The mental health waiting standards in a real browser: demo-commissioner (NHS West Yorkshire ICB) reads the
// standards for the demo year, changes the period with the keyboard and sees a bad period answered with the error
// summary; demo-mental-health (Leeds and York Partnership, RGD) pastes a small CSV return with the keyboard, sees a
// line's problem, corrects it and sees it loaded. axe on every page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildApp } from '../src/app.ts';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import type { Database } from '../src/db/database.ts';
import { londonDate } from '../src/domain/dates.ts';
import { addDays } from '../src/domain/rtt-clock.ts';
import { openDemoTestDatabase, testConfig } from '../src/testing/database.ts';
import { assertAccessible, cspRefusals, focusedId, launchBrowser, newPage, type RunningApp, startApp, tabTo } from './browser.ts';

const today = londonDate();

describe('mental health waiting standards (browser)', () => {
  let running: RunningApp;
  let database: Database;
  let browser: Browser;

  before(async () => {
    database = await openDemoTestDatabase();
    running = await startApp(async () => ({ app: await buildApp({ config: testConfig(), database, logger: false }) }));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await running?.close();
    await database?.close();
  });

  const submit = (page: Page, action: () => Promise<unknown>) => Promise.all([page.waitForNavigation(), action()]);
  async function signIn(username: string): Promise<Page> {
    const page = await newPage(browser);
    await page.goto(`${running.baseUrl}/sign-in`);
    await page.fill('#username', username);
    await page.fill('#password', DEMO_PASSWORD);
    await submit(page, () => page.click('#sign-in-button'));
    return page;
  }

  test('the commissioner reads each standard, met or not met in words, with a chart and its table', async () => {
    const page = await signIn('demo-commissioner');
    const refusals = cspRefusals(page);
    await page.goto(`${running.baseUrl}/commissioner/mental-health`);
    assert.equal(await page.textContent('h1'), 'Mental health waiting standards');
    for (const id of ['eip_2_weeks', 'tt_6_weeks', 'tt_18_weeks']) {
      const verdict = (await page.textContent(`#standard-${id} .standard-verdict`))?.trim();
      assert.ok(verdict === 'Met' || verdict === 'Not met', `${id}: ${verdict}`);
      assert.match((await page.textContent(`#standard-${id} .standard-interval`)) ?? '', /^\d+(\.\d)?% to \d+(\.\d)?%$/);
    }
    assert.equal(await page.getAttribute('#eip-chart', 'role'), 'img');
    assert.match((await page.textContent('#eip-chart-desc')) ?? '', /table beside the chart gives the same figures/);
    assert.equal(await page.locator('#talking_therapies-by-slice tbody tr').count(), 12, 'a row for each of the 12 months');
    assert.ok(await page.locator('#talking_therapies-by-provider tr[data-provider="RXG"]').count());
    await assertAccessible(page, 'the commissioner\'s mental health standards');

    // Quarters instead of months, with the keyboard: to the select, choose, and submit.
    await tabTo(page, 'by');
    await page.keyboard.press('ArrowDown');
    await tabTo(page, 'show');
    await submit(page, () => page.keyboard.press('Enter'));
    assert.match(page.url(), /by=quarter/);
    assert.ok((await page.locator('#eip-by-slice tbody tr').count()) <= 5);
    await assertAccessible(page, 'the standards by quarter');

    // A period that ends before it starts: the error summary, focused, linking to the field.
    await page.goto(`${running.baseUrl}/commissioner/mental-health?from=${today}&to=${addDays(today, -30)}`);
    assert.match((await page.textContent('.nhsuk-error-summary')) ?? '', /The end of the period must be the same as or after its start/);
    await assertAccessible(page, 'the standards with a bad period');
    assert.deepEqual(refusals, []);
  });

  test('the provider pastes a CSV return with the keyboard, corrects a bad line, and sees it loaded', async () => {
    const page = await signIn('demo-mental-health');
    await page.goto(`${running.baseUrl}/provider/mental-health`);
    assert.match((await page.textContent('#standard-eip_2_weeks')) ?? '', /within 2 weeks/);
    await assertAccessible(page, 'the provider\'s mental health standards');

    const id = `E2E-${Date.now()}`;
    await tabTo(page, 'csv', 60);
    await page.keyboard.type(`pathway_id,service,referred_on,first_treatment_on,icb\n${id},EIP,${addDays(today, -12)},31/02/2026,QWO`);
    await tabTo(page, 'load');
    await submit(page, () => page.keyboard.press('Enter'));
    assert.match((await page.textContent('.nhsuk-error-summary')) ?? '', /Line 2: first_treatment_on "31\/02\/2026" is not a real date/);
    await assertAccessible(page, 'the return with a bad line');

    // The pasted text is shown again; put it right with the keyboard and load it.
    await page.focus('#csv');
    await page.keyboard.press('Control+End');
    for (let i = 0; i < '31/02/2026,QWO'.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type(`${addDays(today, -2)},QWO`);
    await tabTo(page, 'load');
    assert.equal(await focusedId(page), 'load');
    await submit(page, () => page.keyboard.press('Enter'));
    assert.match((await page.textContent('#loaded')) ?? '', /Your pathways were loaded: 1 new, 0 updated, 0 unchanged/);
    await assertAccessible(page, 'the return loaded');
  });
});
