// A directory kept up to date, in a real browser: demo-commissioner (NHS West Yorkshire ICB) opens the listings that
// need attention, filters them to one kind of flag with the keyboard alone, and sees the evidence; demo-provider (Leeds
// Teaching Hospitals) sees the warning and the flags on its own listings page. axe on every page shown.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import { DEMO_NO_SLOTS, DEMO_STALE_OWN_WAIT, DEMO_STALE_RTT_WAIT } from '../src/listing-upkeep/demo-upkeep.ts';
import { assertAccessible, cspRefusals, focusedId, launchBrowser, newPage, type RunningApp, startApp, tabTo } from './browser.ts';

describe('listings that need attention (browser)', () => {
  let running: RunningApp;
  let browser: Browser;

  before(async () => {
    running = await startApp();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await running?.close();
  });

  const submit = (page: Page, selector: string) => Promise.all([page.waitForNavigation(), page.click(selector)]);
  async function signIn(username: string): Promise<Page> {
    const page = await newPage(browser);
    await page.goto(`${running.baseUrl}/sign-in`);
    await page.fill('#username', username);
    await page.fill('#password', DEMO_PASSWORD);
    await submit(page, '#sign-in-button');
    return page;
  }
  const flagged = (page: Page) =>
    page.$$eval('tr[data-flag]', (rows) => rows.map((r) => `${r.getAttribute('data-service-id')} ${r.getAttribute('data-flag')}`).sort());

  test('the commissioner opens the listings needing attention and filters them by flag with the keyboard', async () => {
    const page = await signIn('demo-commissioner');
    const refusals = cspRefusals(page);
    await page.goto(`${running.baseUrl}/commissioner/listings`);
    assert.equal(await page.textContent('h1'), 'Listings that need attention');
    assert.deepEqual(await flagged(page), [`${DEMO_STALE_OWN_WAIT} STALE_WAIT`, `${DEMO_NO_SLOTS} NO_SLOTS`, `${DEMO_STALE_RTT_WAIT} STALE_WAIT`].sort());
    assert.match((await page.textContent('#summary')) ?? '', /3 listings of 2 providers need attention/);
    await assertAccessible(page, 'the ICB\'s listings that need attention');

    // Keyboard only: to the flag select, choose "No slots" by typing, then to the button and Enter.
    await tabTo(page, 'flag', 60);
    await page.keyboard.press('n');
    assert.equal(await page.$eval('#flag', (s) => (s as unknown as { value: string }).value), 'NO_SLOTS');
    await tabTo(page, 'show');
    assert.equal(await focusedId(page), 'show');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(new URL(page.url()).searchParams.get('flag'), 'NO_SLOTS');
    assert.deepEqual(await flagged(page), [`${DEMO_NO_SLOTS} NO_SLOTS`]);
    assert.match((await page.textContent(`tr[data-service-id="${DEMO_NO_SLOTS}"]`)) ?? '', /Last slot published .* next slot /);
    await assertAccessible(page, 'the listings filtered to no slots');

    // A bad filter in the address: the error summary, not a crash.
    const bad = await page.goto(`${running.baseUrl}/commissioner/listings?flag=WHENEVER`);
    assert.equal(bad?.status(), 400);
    assert.ok(await page.isVisible('.nhsuk-error-summary'));
    await assertAccessible(page, 'the listings with a bad filter');
    assert.deepEqual(refusals, []);
  });

  test('the provider sees the warning and the flags on its services page', async () => {
    const page = await signIn('demo-provider');
    await page.goto(`${running.baseUrl}/provider/services`);
    assert.match((await page.textContent('#listings-attention')) ?? '', /2 of your \d+ listings need attention/);
    const row = (id: string) => page.textContent(`tr[data-service-id="${id}"]`);
    assert.match((await row(DEMO_STALE_OWN_WAIT)) ?? '', /Wait out of date/);
    assert.match((await row(DEMO_NO_SLOTS)) ?? '', /No slots/);
    assert.doesNotMatch((await row('RR801-100')) ?? '', /Wait out of date|No slots|Slot issues/);
    await assertAccessible(page, 'the provider\'s listings with flags');
  });
});
