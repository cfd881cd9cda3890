// An administrator unlocks a locked account in a real browser: the list of locked accounts, the confirmation, the
// unlock, and the security events that record it; axe on every page, the unlock done from the keyboard.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import { assertAccessible, launchBrowser, newPage, type RunningApp, startApp } from './browser.ts';

let running: RunningApp;
let browser: Browser;
let page: Page;

const signIn = (password: string) =>
  running.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-provider', password }, remoteAddress: '10.30.0.1' });

before(async () => {
  running = await startApp();
  for (let i = 0; i < 5; i++) assert.equal((await signIn('not-the-password')).statusCode, 401);
  assert.equal((await signIn(DEMO_PASSWORD)).statusCode, 429, 'demo-provider is locked');
  browser = await launchBrowser();
  page = await newPage(browser);
});
after(async () => {
  await browser?.close();
  await running?.close();
});

test('demo-admin unlocks demo-provider after confirming, and the events show the lock and the unlock', async () => {
  await page.goto(`${running.baseUrl}/sign-in`);
  await page.fill('#username', 'demo-admin');
  await page.fill('#password', DEMO_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('#sign-in-button')]);
  // Signing in lands on the administrator's home, the message log, which links to the locked accounts.
  await Promise.all([page.waitForNavigation(), page.click('#locked-accounts-link')]);
  assert.equal(new URL(page.url()).pathname, '/admin/locked-accounts');
  assert.match(await page.locator('#locked-accounts').innerText(), /demo-provider/);
  await assertAccessible(page, 'locked accounts');

  await Promise.all([page.waitForNavigation(), page.click('[data-username="demo-provider"] a')]);
  assert.match(await page.locator('h1').innerText(), /Unlock demo-provider's account\?/);
  await assertAccessible(page, 'unlock confirmation');
  await page.focus('main form button');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.match(await page.locator('#unlocked').innerText(), /demo-provider's account is unlocked/);
  await assertAccessible(page, 'locked accounts after the unlock');
  assert.equal((await signIn(DEMO_PASSWORD)).statusCode, 200, 'demo-provider signs in again');

  await page.goto(`${running.baseUrl}/admin/security-events`);
  const events = await page.locator('#security-events').innerText();
  assert.match(events, /Account locked/);
  assert.match(events, /Account unlocked/);
  assert.match(events, /unlocked by demo-admin/);
  await assertAccessible(page, 'security events');
});
