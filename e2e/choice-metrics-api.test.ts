// A referral centre records a referral that reached it on paper (MS7), in a real browser: the check page asks how the
// referral reached the centre, the keyboard chooses "On paper", and the referral is stored as paper, which the choice
// measures count. axe on every page shown.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import { assertAccessible, focusedId, launchBrowser, newPage, type RunningApp, startApp, tabTo } from './browser.ts';

describe('a paper referral recorded by the referral centre (browser)', () => {
  let running: RunningApp;
  let browser: Browser;
  let centre: Page;

  before(async () => {
    running = await startApp();
    browser = await launchBrowser();
    centre = await newPage(browser);
  });
  after(async () => {
    await browser?.close();
    await running?.close();
  });

  const path = (page: Page) => new URL(page.url()).pathname;
  const submit = async (page: Page, selector = '#continue') => Promise.all([page.waitForNavigation(), page.click(selector)]);

  test('the centre says it came on paper, with the keyboard, and the referral says PAPER', async () => {
    await centre.goto(`${running.baseUrl}/sign-in`);
    await centre.fill('#username', 'demo-referral-centre');
    await centre.fill('#password', DEMO_PASSWORD);
    await submit(centre, '#sign-in-button');
    await centre.goto(`${running.baseUrl}/referrals`);
    await submit(centre, '#make-referral');
    await centre.fill('#nhsNumber', '9990000018');
    await centre.fill('#givenName', 'Paula');
    await centre.fill('#familyName', 'Paper');
    await centre.fill('#dob-day', '31');
    await centre.fill('#dob-month', '1');
    await centre.fill('#dob-year', '1970');
    await centre.fill('#postcode', 'LS1 4AP');
    await centre.selectOption('#specialty', '110');
    await submit(centre);
    assert.equal(path(centre), '/referrals/new/preferences');
    await centre.check('input[name="sortBy"][value="WAIT"]');
    await centre.check('#origin');
    await centre.check('input[name="distance"][value="50"]');
    await submit(centre);
    assert.equal(path(centre), '/referrals/new/shortlist');
    await submit(centre);
    assert.equal(path(centre), '/referrals/new/clinical');
    await centre.check('#priority');
    await centre.fill('#clinicalSummary', 'Referral letter received by post. Knee pain for 6 months.');
    await submit(centre);
    assert.equal(path(centre), '/referrals/new/check');
    assert.match(await centre.locator('fieldset legend').filter({ hasText: 'How did this referral reach you?' }).innerText(), /How did this referral reach you\?/);
    assert.equal(await centre.isChecked('#receivedVia'), true, 'electronic unless the centre says otherwise');
    await assertAccessible(centre, 'check answers, with how the referral arrived');
    // The keyboard: Tab to the radios, the arrow key to "On paper", Tab on to the button and Enter.
    await tabTo(centre, 'receivedVia');
    await centre.keyboard.press('ArrowRight');
    assert.equal(await focusedId(centre), 'receivedVia-2');
    assert.equal(await centre.isChecked('#receivedVia-2'), true);
    await tabTo(centre, 'send-referral');
    await Promise.all([centre.waitForNavigation(), centre.keyboard.press('Enter')]);
    assert.equal(path(centre), '/referrals/new/confirmation');
    await assertAccessible(centre, 'confirmation');
    const ubrn = (await centre.locator('#ubrn').innerText()).replace(/\s/g, '');

    const token = (await (await fetch(`${running.baseUrl}/api/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo-referral-centre', password: DEMO_PASSWORD }) })).json() as { token: string }).token;
    const referral = await (await fetch(`${running.baseUrl}/api/v1/referrals/${ubrn}`, { headers: { authorization: `Bearer ${token}` } })).json() as { receivedVia: string };
    assert.equal(referral.receivedVia, 'PAPER');
  });
});
