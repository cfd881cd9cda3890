// The half-year self-assessment in a real browser: demo-commissioner opens it from the commissioner home, rates a
// minimum standard with the evidence OpenChoice offers (accepting its suggestion), records evidence of practice
// contrary to legal rights on an action and sees it forced Red, names the SRO with the keyboard, and once every item
// is rated records the SRO's sign-off. axe on every page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { saveItem } from '../src/assurance/service.ts';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import { halfYearOf } from '../src/domain/half-year.ts';
import { londonDate } from '../src/domain/dates.ts';
import { ASSESSMENT_ITEMS } from '../src/domain/self-assessment-items.ts';
import type { StaffPrincipal } from '../src/http/principal.ts';
import { assertAccessible, focusedId, launchBrowser, newPage, type RunningApp, startApp, tabTo } from './browser.ts';

const PERIOD = halfYearOf(londonDate());

describe('the self-assessment (browser)', () => {
  let running: RunningApp;
  let browser: Browser;
  let page: Page;
  before(async () => {
    running = await startApp();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await running?.close();
  });
  const submit = (p: Page, selector: string) => Promise.all([p.waitForNavigation(), p.click(selector)]);

  test('the commissioner rates a minimum standard with the offered evidence', async () => {
    page = await newPage(browser);
    await page.goto(`${running.baseUrl}/sign-in`);
    await page.fill('#username', 'demo-commissioner');
    await page.fill('#password', DEMO_PASSWORD);
    await submit(page, '#sign-in-button');
    await page.goto(`${running.baseUrl}/commissioner`);
    await submit(page, '#link-self-assessment');
    await assertAccessible(page, 'the self-assessment periods');
    await submit(page, '#current-period');
    assert.equal(new URL(page.url()).pathname, `/commissioner/self-assessment/${PERIOD}`);
    assert.equal(await page.locator('table[id^="items-"]').count(), 6, 'one table per enabler');
    await assertAccessible(page, 'the self-assessment');

    await submit(page, '#item-MS7 a');
    assert.match(await page.locator('#offered-summary').innerText(), /made electronically \(\d+ of \d+\)/);
    const suggested = /Suggests: (Red|Amber|Green)/.exec(await page.locator('#suggested-rating').innerText())?.[1];
    assert.ok(suggested, 'the held evidence suggests a rating');
    await assertAccessible(page, 'an item');
    await page.locator(`input[name="rating"][value="${suggested.toUpperCase()}"]`).check();
    await page.fill('#evidence', 'e-RS is the default for every practice; paper referrals are followed up by the referral centre.');
    await submit(page, '#save-item');
    assert.match(await page.locator('#saved').innerText(), /saved/);
    assert.equal(await page.locator('#effective-rating').innerText(), suggested);
    assert.equal(await page.locator('#item-history tbody tr').count(), 1);
  });

  test('evidence of practice contrary to legal rights forces an item Red', async () => {
    await page.goto(`${running.baseUrl}/commissioner/self-assessment/${PERIOD}/items/1.1`);
    // Overruling nothing: 1.1 has no held evidence. Green, and the box ticked.
    await page.locator('input[name="rating"][value="GREEN"]').check();
    await page.locator('input[name="contrary"][value="yes"]').check();
    await page.fill('#evidence', 'Our policy statement is published, but a practice was found telling patients they had no choice.');
    await submit(page, '#save-item');
    assert.equal(await page.locator('#effective-rating').innerText(), 'Red');
    assert.match(await page.locator('#forced-red').innerText(), /Forced Red.*rated Green otherwise/);
    await assertAccessible(page, 'an item forced Red');
    await page.goto(`${running.baseUrl}/commissioner/self-assessment/${PERIOD}`);
    assert.equal(await page.locator('#rating-1\\.1').innerText(), 'Red');
  });

  test('the commissioner names the SRO with the keyboard, and signs off once every item is rated', async () => {
    await submit(page, '#name-sro');
    await assertAccessible(page, 'the SRO page');
    await tabTo(page, 'name', 60);
    await page.keyboard.type('Dr Sam Patel');
    await page.keyboard.press('Tab');
    assert.equal(await focusedId(page), 'role');
    await page.keyboard.type('Chief Medical Officer');
    await page.keyboard.press('Tab');
    await page.keyboard.type('choice@example.nhs.uk');
    await tabTo(page, 'save-sro', 10);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.match(await page.locator('#sro-named').innerText(), /Dr Sam Patel, Chief Medical Officer/);

    // Signing off too early: the error summary says why.
    await submit(page, '#sign-off-button');
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Rate every item/);
    await assertAccessible(page, 'the sign-off refused');

    // The rest of the items, as the assessor would rate them (through the service, to keep the test short).
    const db = running.database!.db;
    const account = await db.selectFrom('account').select(['id', 'display_name']).where('username', '=', 'demo-commissioner').executeTakeFirstOrThrow();
    const staff: StaffPrincipal = { kind: 'staff', accountId: account.id, username: 'demo-commissioner', displayName: account.display_name, role: 'commissioner', organisation: { odsCode: 'QWO', name: 'NHS West Yorkshire Integrated Care Board' } };
    for (const item of ASSESSMENT_ITEMS.filter((i) => i.id !== '1.1' && i.id !== 'MS7')) {
      await saveItem(db, staff, PERIOD, item.id, { rating: 'AMBER', contraryToLegalRights: false, texts: ['In place in part.'], links: [], overruleReason: 'Reviewed by the choice board.' });
    }
    await page.goto(`${running.baseUrl}/commissioner/self-assessment/${PERIOD}`);
    await submit(page, '#sign-off-button');
    assert.match(await page.locator('#sign-off-status').innerText(), /Signed off for Dr Sam Patel \(Chief Medical Officer\)/);
    await assertAccessible(page, 'the signed-off self-assessment');
    await submit(page, '#link-print');
    await assertAccessible(page, 'the printable copy');
  });

  test('the reflections, the history, best practice and NHS England\'s view', async () => {
    await page.goto(`${running.baseUrl}/commissioner/self-assessment/${PERIOD}`);
    await submit(page, '#answer-reflections');
    await assertAccessible(page, 'the questions for reflection');
    await page.fill('#answer1', 'Mostly: the choice figures show it by practice each month.');
    await submit(page, '#save-reflections');
    assert.match(await page.locator('#reflections + ol').innerText(), /the choice figures show it by practice/);
    // Answering reopens the sign-off.
    assert.match(await page.locator('#sign-off-status').innerText(), /Reopened/);
    await submit(page, '#link-history');
    assert.ok((await page.locator('#changes tbody tr').count()) >= 33);
    await assertAccessible(page, 'the history');
    await page.goto(`${running.baseUrl}/commissioner/self-assessment/${PERIOD}/best-practice`);
    await assertAccessible(page, 'best practice');

    const admin = await newPage(browser);
    await admin.goto(`${running.baseUrl}/sign-in`);
    await admin.fill('#username', 'demo-admin');
    await admin.fill('#password', DEMO_PASSWORD);
    await submit(admin, '#sign-in-button');
    await admin.goto(`${running.baseUrl}/commissioner/self-assessment/${PERIOD}/national`);
    assert.match(await admin.locator('#icb-QWO').innerText(), /Reopened|No/);
    await assertAccessible(admin, 'NHS England\'s view');
  });
});
