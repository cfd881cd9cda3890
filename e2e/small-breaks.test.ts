// The small breaks of issue 9 in a real browser, axe on every page visited: a wrong password is told in the error
// summary with the password field emptied; one person locked out for wrong passwords does not lock out a colleague
// signing in from the same address, and is told when to try again; the message log heads a PIDMAS invitation in
// words; and each patient's Accept and Decline buttons on the proposed transfers have a name of their own.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import { createDirectoryCache } from '../src/directory/snapshot.ts';
import { LocalLogSender } from '../src/messages/local-log-sender.ts';
import { sendPendingMessages } from '../src/messages/send-pending.ts';
import { runMatching } from '../src/mutual-aid/match-run.ts';
import { assertAccessible, launchBrowser, newPage, type RunningApp, startApp } from './browser.ts';

describe('small breaks (browser)', () => {
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

  const pathOf = (page: Page) => new URL(page.url()).pathname;
  const submit = (page: Page, selector: string) => Promise.all([page.waitForNavigation(), page.click(selector)]);
  async function trySignIn(page: Page, username: string, password: string): Promise<void> {
    await page.goto(`${running.baseUrl}/sign-in`);
    await page.fill('#username', username);
    await page.fill('#password', password);
    await submit(page, '#sign-in-button');
  }
  async function signedIn(username: string): Promise<Page> {
    const page = await newPage(browser);
    await trySignIn(page, username, DEMO_PASSWORD);
    assert.notEqual(pathOf(page), '/sign-in', `${username} signed in`);
    return page;
  }

  test('a wrong password: the error summary says so and links to the emptied password field', async () => {
    const page = await newPage(browser);
    await trySignIn(page, 'demo-commissioner', 'not the password');
    assert.equal(pathOf(page), '/sign-in');
    const summary = page.locator('.nhsuk-error-summary');
    assert.match(await summary.innerText(), /Your username or password is wrong/);
    assert.equal(await page.inputValue('#username'), 'demo-commissioner', 'the username is kept');
    assert.equal(await page.inputValue('#password'), '', 'the password is emptied');
    assert.doesNotMatch(await page.locator('main').innerText(), /Enter (your|a correct)/);
    await assertAccessible(page, 'sign-in after a wrong password');
    await page.click('.nhsuk-error-summary a[href="#password"]');
    assert.equal(await page.evaluate('document.activeElement && document.activeElement.id'), 'password', 'the summary link moves to the field');
    await page.context().close();
  });

  test('one person locked out after wrong passwords; a colleague at the same address still signs in', async () => {
    const page = await newPage(browser);
    for (let i = 0; i < 5; i++) await trySignIn(page, 'demo-provider-2', `wrong ${i}`);
    await trySignIn(page, 'demo-provider-2', DEMO_PASSWORD);
    assert.equal(pathOf(page), '/sign-in', 'locked out even with the right password');
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Too many failed attempts to sign in\. Try again in 1[45] minutes/);
    await assertAccessible(page, 'sign-in when locked out');
    await page.context().close();

    // The same browser address (127.0.0.1), another account: not locked out.
    const colleague = await signedIn('demo-referrer');
    assert.equal(pathOf(colleague), '/referrals');
    await assertAccessible(colleague, 'the colleague\'s worklist');
    await colleague.context().close();
  });

  test('the message log heads a PIDMAS invitation in words, not its code', async () => {
    const provider = await signedIn('demo-provider');
    await provider.goto(`${running.baseUrl}/provider/pidmas`);
    await assertAccessible(provider, 'PIDMAS candidates');
    const invite = provider.locator('#candidates button[id^="invite-"]').first();
    await Promise.all([provider.waitForNavigation(), invite.click()]);
    assert.equal(pathOf(provider), '/provider/pidmas/invitations');
    await assertAccessible(provider, 'invitation letter');
    await provider.context().close();

    const database = running.database!;
    await sendPendingMessages(database.db, new LocalLogSender(database.db, 'http://localhost:3000'));
    const admin = await signedIn('demo-admin');
    await admin.goto(`${running.baseUrl}/admin/messages`);
    const headings = await admin.locator('main .nhsuk-card__heading').allInnerTexts();
    assert.ok(headings.some((h) => /^Invitation to ask to move provider by letter to /.test(h)), headings.join('\n'));
    for (const h of headings) assert.doesNotMatch(h, /[A-Z]{2,}_[A-Z]|\bsms\b/, h);
    await assertAccessible(admin, 'message log');
    await admin.context().close();
  });

  test('each patient\'s Accept and Decline buttons on the proposed transfers are named for that patient\'s referral', async () => {
    const database = running.database!;
    await runMatching({ database, directory: createDirectoryCache(database.db, { maxAgeMs: 0 }) }, 'test');
    const proposed = await database.db
      .selectFrom('proposed_transfer as t')
      .innerJoin('mutual_aid_offer as o', 'o.id', 't.offer_id')
      .select(['t.ubrn', 'o.provider_ods_code'])
      .where('t.status', '=', 'PROPOSED')
      .where('o.provider_ods_code', 'in', ['RR8', 'RWY'])
      .execute();
    assert.ok(proposed.length > 0, 'the demo matching run proposes transfers');
    // The receiving provider with the most proposals, so that the page lists more than one patient where it can.
    const counts = new Map<string, number>();
    for (const p of proposed) counts.set(p.provider_ods_code, (counts.get(p.provider_ods_code) ?? 0) + 1);
    const receiver = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
    const page = await signedIn(receiver === 'RR8' ? 'demo-provider' : 'demo-provider-2');
    await page.goto(`${running.baseUrl}/provider/mutual-aid/transfers`);
    await assertAccessible(page, 'proposed transfers');

    const spoken = (ubrn: string) => ubrn.replace(/^(\d{4})(\d{4})(\d{4})$/, '$1 $2 $3');
    const mine = proposed.filter((p) => p.provider_ods_code === receiver);
    for (const { ubrn } of mine) {
      assert.equal(await page.getByRole('button', { name: `Accept the transfer of referral ${spoken(ubrn)}`, exact: true }).count(), 1, ubrn);
      assert.equal(await page.getByRole('button', { name: `Decline the transfer of referral ${spoken(ubrn)}`, exact: true }).count(), 1, ubrn);
    }
    const names = await page.getByRole('button', { name: /^(Accept|Decline)\b/ }).evaluateAll((buttons) => buttons.map((b) => (b.textContent ?? '').replace(/\s+/g, ' ').trim()));
    assert.equal(names.length, mine.length * 2);
    assert.equal(new Set(names).size, names.length, `no two buttons share a name: ${names.join(' | ')}`);

    // The name is spoken, not shown: sighted users still see "Accept" and "Decline".
    const first = page.getByRole('button', { name: `Accept the transfer of referral ${spoken(mine[0]!.ubrn)}`, exact: true });
    assert.match(await first.locator('.nhsuk-u-visually-hidden').innerText(), /^\s*the transfer of referral /);
    await page.context().close();
  });
});
