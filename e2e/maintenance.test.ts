// Maintenance mode in a real browser: demo-admin turns it on (a confirmation is asked for), every page shows the
// banner, a form answers a page saying nothing was saved, and the admin turns it off; axe on each page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import { assertAccessible, launchBrowser, newPage, type RunningApp, startApp } from './browser.ts';

let running: RunningApp;
let browser: Browser;
let page: Page;

before(async () => {
  running = await startApp();
  browser = await launchBrowser();
  page = await newPage(browser);
});
after(async () => {
  await browser?.close();
  await running?.close();
});

test('demo-admin turns maintenance mode on and off; the banner and the refusal are accessible', async () => {
  await page.goto(`${running.baseUrl}/admin/maintenance`);
  assert.equal(new URL(page.url()).pathname, '/sign-in');
  await page.fill('#username', 'demo-admin');
  await page.fill('#password', DEMO_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('#sign-in-button')]);
  // The admin's home links to it.
  await Promise.all([page.waitForNavigation(), page.click('#maintenance-link')]);
  assert.equal(new URL(page.url()).pathname, '/admin/maintenance');
  await assertAccessible(page, 'maintenance mode, off');

  // Without the confirmation: the error summary says what to do and nothing is switched.
  await page.check('#minutes-2');
  await Promise.all([page.waitForNavigation(), page.click('#turn-on')]);
  assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Confirm that nobody will be able to save changes/);
  assert.equal(await page.isChecked('#minutes-2'), true, 'the answer given is kept');
  await assertAccessible(page, 'maintenance mode, an error');

  await page.check('#confirm');
  await Promise.all([page.waitForNavigation(), page.click('#turn-on')]);
  assert.match(await page.locator('#changed').innerText(), /Maintenance mode is on/);
  assert.match(await page.locator('#site-notice').innerText(), /OpenChoice is in maintenance until .+reads work/);
  await assertAccessible(page, 'maintenance mode, on');

  // Signing out is still allowed; a form elsewhere is answered with a page saying nothing was saved.
  const form = await page.request.post(`${running.baseUrl}/admin/maintenance`, { form: { minutes: '60', confirm: 'yes' }, maxRedirects: 0 });
  assert.equal(form.status(), 503);
  await page.setContent(await form.text());
  await assertAccessible(page, 'a write refused during maintenance');

  await page.goto(`${running.baseUrl}/admin/maintenance`);
  await Promise.all([page.waitForNavigation(), page.click('#end')]);
  assert.match(await page.locator('#changed').innerText(), /Maintenance mode is off/);
  assert.equal(await page.locator('#site-notice').count(), 0);
});
