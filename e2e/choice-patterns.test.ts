// Referral patterns that moved, in a real browser: demo-commissioner opens the patterns of West Yorkshire, finds the
// planted one (Hyde Park Surgery sending most of its orthopaedic referrals to one provider), opens it, and records
// what the ICB found with the keyboard alone, after a first try without a note is refused with the error summary.
// axe on every page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildApp } from '../src/app.ts';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import type { Database } from '../src/db/database.ts';
import { plantPatternHistory, type PlantedHistory } from '../src/patterns/test-history.ts';
import { openDemoTestDatabase, testConfig } from '../src/testing/database.ts';
import { assertAccessible, focusedId, launchBrowser, newPage, type RunningApp, startApp, tabTo } from './browser.ts';

describe('referral patterns (browser)', () => {
  let running: RunningApp;
  let database: Database;
  let browser: Browser;
  let planted: PlantedHistory;
  let page: Page;

  before(async () => {
    database = await openDemoTestDatabase('patterns-e2e');
    planted = await plantPatternHistory(database.db);
    running = await startApp(async () => ({ app: await buildApp({ config: testConfig(), database, logger: false }) }));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await running?.close();
    await database?.close();
  });

  const submit = (p: Page, selector: string) => Promise.all([p.waitForNavigation(), p.click(selector)]);

  test('the commissioner opens the patterns and sees the planted one, with the funnel plot and its table', async () => {
    page = await newPage(browser);
    await page.goto(`${running.baseUrl}/sign-in`);
    await page.fill('#username', 'demo-commissioner');
    await page.fill('#password', DEMO_PASSWORD);
    await submit(page, '#sign-in-button');
    await page.goto(`${running.baseUrl}/commissioner/patterns`);
    assert.equal(await page.title(), 'Referral patterns that moved – OpenChoice – NHS');
    const row = page.locator(`tr[data-key="${planted.key}"]`);
    assert.equal(await row.count(), 1, 'the planted pattern is flagged');
    assert.match(await row.innerText(), /Hyde Park Surgery/i);
    assert.equal(await page.locator('#funnel svg[role="img"] title').count(), 1);
    assert.ok((await page.locator('#funnel-table tbody tr').count()) >= planted.practices - 1, 'a row for each practice plotted');
    await assertAccessible(page, 'the patterns page');
  });

  test('the commissioner opens the pattern and records a finding with the keyboard', async () => {
    await submit(page, `tr[data-key="${planted.key}"] a`);
    assert.match(new URL(page.url()).pathname, new RegExp(`/commissioner/patterns/${planted.key}$`));
    assert.match(await page.locator('#what-moved').innerText(), /Hyde Park Surgery sent \d+% of its/i);
    await assertAccessible(page, 'the pattern page');
    // Explained, with no note: refused, and the error summary says why.
    await tabTo(page, 'status', 80);
    await page.keyboard.press('ArrowDown');
    assert.equal(await focusedId(page), 'status-2');
    await tabTo(page, 'record-finding');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.match(await page.locator('#error-summary').innerText(), /Enter what the ICB found/);
    await assertAccessible(page, 'the pattern page with an error');
    await page.click('#error-summary a[href="#note"]');
    assert.equal(await focusedId(page), 'note');
    await page.keyboard.type('The provider opened a new knee clinic; agreed at the activity meeting.');
    await tabTo(page, 'record-finding');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.match(await page.locator('#finding-recorded').innerText(), /recorded/);
    assert.match(await page.locator('#finding-status').innerText(), /Explained/);
    assert.match(await page.locator('#notes').innerText(), /new knee clinic/);
    await assertAccessible(page, 'the pattern page after recording');
  });
});
