// The administrator's message log in a real browser: signing in as demo-admin lands on it; axe on the page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import { LocalLogSender } from '../src/messages/local-log-sender.ts';
import { sendPendingMessages } from '../src/messages/send-pending.ts';
import { assertAccessible, launchBrowser, newPage, type RunningApp, startApp } from './browser.ts';

let running: RunningApp;
let browser: Browser;
let page: Page;

before(async () => {
  running = await startApp();
  const { app } = running;
  // A referral, so that its letter is in the log.
  const staff = (await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-referrer', password: DEMO_PASSWORD } })).json().token;
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/referrals',
    headers: { authorization: `Bearer ${staff}` },
    payload: {
      patient: { nhsNumber: '9990000034', givenName: 'Ada', familyName: 'Admintest', dateOfBirth: '1961-06-01', postcode: 'LS1 4AP' },
      specialty: '130',
      priority: 'ROUTINE',
      clinicalSummary: 'Cataract, both eyes.',
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  browser = await launchBrowser();
  page = await newPage(browser);
});
after(async () => {
  await browser?.close();
  await running?.close();
});

test('demo-admin signs in to the message log: letters are there, access codes and names are not', async () => {
  const database = running.database!;
  await sendPendingMessages(database.db, new LocalLogSender(database.db, 'http://localhost:3000'));
  await page.goto(`${running.baseUrl}/admin/messages`);
  assert.equal(new URL(page.url()).pathname, '/sign-in');
  await page.fill('#username', 'demo-admin');
  await page.fill('#password', DEMO_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('#sign-in-button')]);
  assert.equal(new URL(page.url()).pathname, '/admin/messages');
  const text = await page.locator('main').innerText();
  assert.match(text, /Referral letter by letter/);
  assert.doesNotMatch(text, /Admintest/);
  assert.match(text, /••••-••••/);
  await assertAccessible(page, 'message log');
});
