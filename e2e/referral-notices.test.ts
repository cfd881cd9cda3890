// What the referrer sees of the ICB's assurance, in a real browser: demo-commissioner adds a prior-approval rule
// (first with an end before its start, to meet the error summary) and posts a capacity notice at Leeds; then
// demo-referrer sees the notice on the worklist, and the rule and the notice (beside the Leeds option) on the
// shortlist and the check page; and the patient sees the ICB's transport policy with the travel cost of each option.
// axe on every page; the forms are filled and sent with the keyboard.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import { londonDate } from '../src/domain/dates.ts';
import { addDays } from '../src/domain/rtt-clock.ts';
import { referThroughApi } from '../src/testing/test-app.ts';
import { assertAccessible, cspRefusals, launchBrowser, newPage, type RunningApp, startApp, tabTo } from './browser.ts';

const today = londonDate();
const RULE_PROCEDURE = `Hip injection ${Date.now() % 100000}`;
const NOTICE_TITLE = `Extra knee clinics at Leeds ${Date.now() % 100000}`;

describe('prior approval, capacity notices and transport (browser)', () => {
  let running: RunningApp;
  let browser: Browser;
  const csp: string[] = [];

  before(async () => {
    running = await startApp();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await running?.close();
  });

  const pathOf = (page: Page) => new URL(page.url()).pathname;
  async function signIn(username: string): Promise<Page> {
    const page = await newPage(browser);
    csp.push(...cspRefusals(page));
    await page.goto(`${running.baseUrl}/sign-in`);
    await page.fill('#username', username);
    await page.fill('#password', DEMO_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('#sign-in-button')]);
    return page;
  }
  const fillDate = async (page: Page, id: string, iso: string) => {
    const [y, m, d] = iso.split('-');
    await page.fill(`#${id}-day`, String(Number(d)));
    await page.fill(`#${id}-month`, String(Number(m)));
    await page.fill(`#${id}-year`, y!);
  };
  /** Presses Enter on the focused button, after Tab has reached it. */
  const sendWithKeyboard = async (page: Page, id: string) => {
    await tabTo(page, id, 80);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  };

  test('demo-commissioner adds a prior-approval rule, meeting the error summary first, and posts a capacity notice', async () => {
    const page = await signIn('demo-commissioner');
    await page.goto(`${running.baseUrl}/commissioner`);
    await Promise.all([page.waitForNavigation(), page.click('#link-prior-approval')]);
    assert.equal(pathOf(page), '/commissioner/prior-approval');
    assert.match(await page.locator('#rules').innerText(), /Knee arthroscopy/, 'the demo rule');
    await assertAccessible(page, 'the prior-approval rules');
    await Promise.all([page.waitForNavigation(), page.click('#add-rule')]);
    await assertAccessible(page, 'the new rule form');

    await page.selectOption('#specialty', '110');
    await page.fill('#procedure', RULE_PROCEDURE);
    await page.fill('#criteria', 'Only after 6 weeks of physiotherapy that did not help.');
    await page.fill('#howToApply', 'Send form PA-3 through the referral portal.');
    await fillDate(page, 'startsOn', today);
    await fillDate(page, 'endsOn', addDays(today, -1));
    await sendWithKeyboard(page, 'save-rule');
    const summary = page.locator('.nhsuk-error-summary');
    assert.match(await summary.innerText(), /The end date must be the same as or after the start date/);
    assert.equal(await page.inputValue('#procedure'), RULE_PROCEDURE, 'what was typed is kept');
    await assertAccessible(page, 'the rule form with an error');
    await page.fill('#endsOn-day', '');
    await page.fill('#endsOn-month', '');
    await page.fill('#endsOn-year', '');
    await sendWithKeyboard(page, 'save-rule');
    assert.equal(pathOf(page), '/commissioner/prior-approval');
    assert.match(await page.locator('#saved').innerText(), /The rule is saved/);
    assert.match(await page.locator('#rules').innerText(), new RegExp(`${RULE_PROCEDURE}[^]*In force`));

    await page.goto(`${running.baseUrl}/commissioner`);
    await Promise.all([page.waitForNavigation(), page.click('#link-capacity-notices')]);
    await assertAccessible(page, 'the capacity notices');
    await Promise.all([page.waitForNavigation(), page.click('#post-notice')]);
    await assertAccessible(page, 'the new notice form');
    await page.check('#kind');
    await page.selectOption('#specialty', '110');
    await page.fill('#provider', 'RR8');
    await page.fill('#title', NOTICE_TITLE);
    await page.fill('#body', 'Leeds has extra routine knee clinics on Saturdays until the end of the month.');
    await fillDate(page, 'startsOn', today);
    await fillDate(page, 'endsOn', addDays(today, 20));
    await sendWithKeyboard(page, 'save-notice');
    assert.equal(pathOf(page), '/commissioner/capacity-notices');
    assert.match(await page.locator('#notices').innerText(), new RegExp(`${NOTICE_TITLE}[^]*Current`));
  });

  test('demo-referrer sees the notice on the worklist, and the rule and the notice on the shortlist and the check page', async () => {
    const page = await signIn('demo-referrer');
    assert.equal(pathOf(page), '/referrals');
    assert.match(await page.locator('#worklist-notices').innerText(), new RegExp(NOTICE_TITLE));
    await assertAccessible(page, 'the worklist with notices');

    await Promise.all([page.waitForNavigation(), page.click('#make-referral')]);
    await page.fill('#nhsNumber', '9990000018');
    await page.fill('#givenName', 'Ann');
    await page.fill('#familyName', 'Notices');
    await page.fill('#dob-day', '31');
    await page.fill('#dob-month', '1');
    await page.fill('#dob-year', '1970');
    await page.fill('#postcode', 'LS1 4AP');
    await page.selectOption('#specialty', '110');
    await Promise.all([page.waitForNavigation(), page.click('#continue')]);
    assert.equal(pathOf(page), '/referrals/new/preferences');
    await page.check('input[name="sortBy"][value="DISTANCE"]');
    await page.check('#origin');
    await page.check('input[name="distance"][value="25"]');
    await Promise.all([page.waitForNavigation(), page.click('#continue')]);
    assert.equal(pathOf(page), '/referrals/new/shortlist');

    const callout = page.locator('#prior-approval');
    assert.match(await callout.innerText(), /Prior approval needed/);
    assert.match(await callout.innerText(), new RegExp(RULE_PROCEDURE));
    assert.match(await callout.innerText(), /Send form PA-3/);
    assert.match(await page.locator('#option-notices-RR801-110').innerText(), new RegExp(NOTICE_TITLE), 'beside the Leeds option');
    assert.equal(await page.locator('#option-notices-RR801-110 .oc-capacity-notice').count() >= 1, true);
    await assertAccessible(page, 'the shortlist with a rule and notices');

    if (!(await page.isChecked('input[value="RR801-110"]'))) await page.check('input[value="RR801-110"]');
    await Promise.all([page.waitForNavigation(), page.click('#continue')]);
    if (pathOf(page) === '/referrals/new/needs') await Promise.all([page.waitForNavigation(), page.click('#continue')]);
    assert.equal(pathOf(page), '/referrals/new/clinical');
    await page.check('input[name="priority"][value="ROUTINE"]');
    await page.fill('#clinicalSummary', 'Knee pain for a year.');
    await Promise.all([page.waitForNavigation(), page.click('#continue')]);
    assert.equal(pathOf(page), '/referrals/new/check');
    assert.match(await page.locator('#prior-approval').innerText(), new RegExp(RULE_PROCEDURE), 'the rule again before sending');
    assert.match(await page.locator('#check-services').innerText(), new RegExp(NOTICE_TITLE));
    await assertAccessible(page, 'the check page with a rule and notices');
  });

  test('the patient sees the ICB\'s transport policy with the travel cost of each option', async () => {
    const { ubrn, accessCode } = await referThroughApi(running.app, { familyName: 'Transport' }, ['RR801-110', 'RR813-110', 'RWY01-110']);
    const page = await newPage(browser);
    csp.push(...cspRefusals(page));
    await page.goto(`${running.baseUrl}/manage`);
    await page.fill('#ubrn', ubrn);
    await page.fill('#accessCode', accessCode);
    await page.fill('#dob-day', '31');
    await page.fill('#dob-month', '1');
    await page.fill('#dob-year', '1970');
    await Promise.all([page.waitForNavigation(), page.click('#continue')]);
    assert.equal(pathOf(page), '/manage');
    assert.match(await page.locator('body').innerText(), /£\d+\.\d\d by car, there and back/);
    const transport = await page.locator('#transport-QWO').innerText();
    assert.match(transport, /Who can get help/);
    assert.match(transport, /How to ask for help/);
    assert.match(transport, /0113 496 0123/);
    await assertAccessible(page, 'the patient\'s options with transport');
    assert.deepEqual(csp, [], 'no Content-Security-Policy refusals');
  });
});
