// Who saw what in a real browser: the provider reads a referral, the administrator finds that read on the search
// page (an error summary first, for a wrong NHS number), and the patient sees who looked; axe on each page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import { referThroughApi } from '../src/testing/test-app.ts';
import { assertAccessible, focusedId, launchBrowser, newPage, type RunningApp, startApp } from './browser.ts';

let running: RunningApp;
let browser: Browser;
let page: Page;
let ubrn: string;
let accessCode: string;

before(async () => {
  running = await startApp();
  ({ ubrn, accessCode } = await referThroughApi(running.app, { familyName: 'Lookedat' }, ['RR813-110']));
  const token = (await running.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-provider', password: DEMO_PASSWORD } })).json().token;
  const read = await running.app.inject({ method: 'GET', url: `/api/v1/referrals/${ubrn}`, headers: { authorization: `Bearer ${token}` } });
  assert.equal(read.statusCode, 200);
  browser = await launchBrowser();
  page = await newPage(browser);
});
after(async () => {
  await browser?.close();
  await running?.close();
});

const path = () => new URL(page.url()).pathname;
const submit = (selector: string) => Promise.all([page.waitForNavigation(), page.click(selector)]);

test('an administrator searches who saw a referral: a wrong NHS number is explained, the UBRN finds the provider\'s read', async () => {
  await page.goto(`${running.baseUrl}/audit/reads`);
  assert.equal(path(), '/sign-in');
  await page.fill('#username', 'demo-admin');
  await page.fill('#password', DEMO_PASSWORD);
  await submit('#sign-in-button');
  await page.goto(`${running.baseUrl}/audit/reads`);
  await assertAccessible(page, 'read audit search');
  await page.fill('#nhsNumber', '123');
  await submit('#search');
  assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Enter a valid 10-digit NHS number/);
  assert.equal(await page.inputValue('#nhsNumber'), '123', 'what was typed is kept');
  await page.click('.nhsuk-error-summary a');
  assert.equal(await focusedId(page), 'nhsNumber');
  await assertAccessible(page, 'read audit search with an error');
  await page.fill('#nhsNumber', '');
  await page.fill('#ubrn', ubrn.replace(/(\d{4})(?=\d)/g, '$1 '));
  await submit('#search');
  const rows = await page.locator('#reads tbody tr').allInnerTexts();
  assert.ok(rows.some((r) => /demo-provider/.test(r) && /GET \/api\/v1\/referrals\/:ubrn/.test(r)), rows.join('\n'));
  await assertAccessible(page, 'read audit results');
});

test('the patient sees which organisation looked at their referral, and when', async () => {
  const patient = await newPage(browser);
  await patient.goto(`${running.baseUrl}/manage/sign-in`);
  await patient.fill('#ubrn', ubrn);
  await patient.fill('#accessCode', accessCode);
  await patient.fill('#dob-day', '31');
  await patient.fill('#dob-month', '1');
  await patient.fill('#dob-year', '1970');
  await Promise.all([patient.waitForNavigation(), patient.click('#continue')]);
  assert.equal(new URL(patient.url()).pathname, '/manage');
  await Promise.all([patient.waitForNavigation(), patient.click('#who-has-looked')]);
  assert.equal(new URL(patient.url()).pathname, '/manage/who-has-looked');
  const text = await patient.locator('#reads').innerText();
  assert.match(text, /Hospital or clinic \(the provider\)/);
  assert.doesNotMatch(text, /demo-provider/, 'no member of staff\'s username');
  await assertAccessible(patient, 'who has looked at your referral');
});
