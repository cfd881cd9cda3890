// The choice plan in a real browser. demo-commissioner opens the plan from the commissioner home, writes the
// three-year ambition and the plain-English summary, adds an improvement action linked to a self-assessment item
// (meeting the error summary first), and publishes. A member of the public, not signed in, reads the plan, has a
// comment with markup refused (the text kept), and sends it by keyboard only. The commissioner approves and answers
// it and records what changed; the public then see the answer and the "you said, we did". axe on every page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import { removeDemoChoicePlan } from '../src/choice-plan/demo-plan.ts';
import { assertAccessible, cspRefusals, launchBrowser, newPage, type RunningApp, startApp, tabTo } from './browser.ts';

describe('the choice plan (browser)', () => {
  let running: RunningApp;
  let browser: Browser;
  let commissioner: Page;
  const stamp = Date.now() % 100000;
  const comment = `Comment ${stamp}: please explain how people without a car reach the hospitals in the plan.`;

  before(async () => {
    running = await startApp();
    // The demo's plan is there to be tried; this journey starts from none.
    await removeDemoChoicePlan(running.database!.db);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await running?.close();
  });

  const pathOf = (page: Page) => new URL(page.url()).pathname;
  const submit = (page: Page, selector: string) => Promise.all([page.waitForNavigation(), page.click(selector)]);

  test('the commissioner writes the ambition and an action linked to an item, and publishes the plan', async () => {
    commissioner = await newPage(browser);
    const refusals = cspRefusals(commissioner);
    await commissioner.goto(`${running.baseUrl}/sign-in`);
    await commissioner.fill('#username', 'demo-commissioner');
    await commissioner.fill('#password', DEMO_PASSWORD);
    await submit(commissioner, '#sign-in-button');
    await commissioner.goto(`${running.baseUrl}/commissioner`);
    await submit(commissioner, '#link-choice-plan');
    assert.equal(pathOf(commissioner), '/commissioner/choice-plan');
    await assertAccessible(commissioner, 'the empty plan');

    await commissioner.fill('#ambition', 'By 2029 every patient referred for planned care is offered at least 5 places to choose from.');
    await commissioner.fill('#summary', 'You have the right to choose where you are treated. We will make sure you are told about it and can use it.');
    await submit(commissioner, '#save-ambition');
    assert.match(await commissioner.locator('#done').innerText(), /ambition and summary were saved/);

    await submit(commissioner, '#add-action');
    await assertAccessible(commissioner, 'the new action form');
    await commissioner.fill('#title', `Tell every practice about choice ${stamp}`);
    await commissioner.fill('#owner', 'Head of elective commissioning');
    await submit(commissioner, '#save-action');
    const summary = commissioner.locator('.nhsuk-error-summary');
    assert.match(await summary.innerText(), /Enter the date the action is due[\s\S]*Select at least one self-assessment item/);
    assert.equal(await commissioner.inputValue('#title'), `Tell every practice about choice ${stamp}`, 'what was typed is kept');
    await assertAccessible(commissioner, 'the action form with errors');
    await commissioner.fill('#due-day', '31');
    await commissioner.fill('#due-month', '1');
    await commissioner.fill('#due-year', '2026');
    await commissioner.check('input[name="status"][value="IN_PROGRESS"]');
    await commissioner.check('input[name="itemIds"][value="5.1"]');
    await submit(commissioner, '#save-action');
    assert.match(await commissioner.locator('#done').innerText(), /added to the plan/);
    assert.match(await commissioner.locator('#action-state').innerText(), /In progress, due 31 January 2026\s*Overdue/);
    await commissioner.fill('#note', 'Letters sent to all practices.');
    await submit(commissioner, '#add-note');
    assert.match(await commissioner.locator('#notes-list').innerText(), /Letters sent to all practices\./);
    await assertAccessible(commissioner, 'the action with a note');

    await submit(commissioner, '#back-link');
    assert.match(await commissioner.locator('#actions').innerText(), new RegExp(`Tell every practice about choice ${stamp}\\s+5\\.1[\\s\\S]*Overdue`));
    await submit(commissioner, '#publish-button');
    assert.match(await commissioner.locator('#done').innerText(), /The plan was published/);
    assert.match(await commissioner.locator('#publication').innerText(), /Version 1, published/);
    await assertAccessible(commissioner, 'the published plan');
    assert.deepEqual(refusals, []);
  });

  test('a member of the public reads the plan and comments by keyboard, after markup is refused', async () => {
    const page = await newPage(browser);
    await page.goto(`${running.baseUrl}/icbs/QWO/choice-plan`);
    assert.match(await page.locator('h1').innerText(), /Our plan for patient choice/);
    assert.match(await page.locator('#summary').innerText(), /You have the right to choose/);
    assert.match(await page.locator('#actions').innerText(), new RegExp(`Tell every practice about choice ${stamp}[\\s\\S]*Improves 5\\.1`));
    assert.match(await page.locator('#what-we-keep').innerText(), /We do not keep your IP address/);
    assert.equal(await page.locator('#signed-in-as').count(), 0, 'not signed in');
    await assertAccessible(page, 'the public plan');

    await page.fill('#comment', 'Nice <b>plan</b>');
    await submit(page, '#send-comment');
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /must not contain HTML tags/);
    assert.equal(await page.inputValue('#comment'), 'Nice <b>plan</b>', 'the text is kept');
    await assertAccessible(page, 'the comment refused');

    // Keyboard only: into the comment box, replace the text, the name, and send.
    await page.locator('h1').focus();
    await tabTo(page, 'comment', 80);
    await page.keyboard.press('Control+A');
    await page.keyboard.type(comment);
    await tabTo(page, 'name');
    await page.keyboard.type('Robin');
    await tabTo(page, 'send-comment');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(pathOf(page), '/icbs/QWO/choice-plan/comment-sent');
    assert.match(await page.locator('.nhsuk-panel').innerText(), /Your comment has been sent/);
    await assertAccessible(page, 'the comment sent');

    await page.goto(`${running.baseUrl}/icbs/QWO/choice-plan`);
    assert.doesNotMatch(await page.locator('body').innerText(), new RegExp(`Comment ${stamp}`), 'hidden until approved');
  });

  test('the commissioner approves and answers; the public see the answer and what changed', async () => {
    await commissioner.goto(`${running.baseUrl}/commissioner/choice-plan`);
    assert.match(await commissioner.locator('#pending-comments').innerText(), /1 comment is waiting/);
    await submit(commissioner, '#comments-link');
    await assertAccessible(commissioner, 'the comments to moderate');
    const card = commissioner.locator('.nhsuk-card', { hasText: `Comment ${stamp}` });
    await card.locator('input[value="APPROVE"]').check();
    await Promise.all([commissioner.waitForNavigation(), card.locator('button').click()]);
    assert.match(await commissioner.locator('#done').innerText(), /approved/);
    const approved = commissioner.locator('.nhsuk-card', { hasText: `Comment ${stamp}` });
    await approved.locator('textarea').fill('We will publish bus and community transport routes to every hospital by June.');
    await Promise.all([commissioner.waitForNavigation(), approved.locator('button').click()]);
    assert.match(await commissioner.locator('#done').innerText(), /answer was saved/);
    await assertAccessible(commissioner, 'the comments after answering');

    await commissioner.goto(`${running.baseUrl}/commissioner/choice-plan`);
    await commissioner.fill('#youSaid', 'It is hard to reach hospitals without a car.');
    await commissioner.fill('#weDid', 'We added transport routes to the plan.');
    await submit(commissioner, '#record-change');
    assert.match(await commissioner.locator('#changes-list').innerText(), /without a car/);

    const page = await newPage(browser);
    await page.goto(`${running.baseUrl}/icbs/QWO/choice-plan`);
    const comments = await page.locator('#comments').innerText();
    assert.ok(comments.includes(comment));
    assert.match(comments, /Robin,[\s\S]*Our answer: We will publish bus and community transport routes/);
    assert.match(await page.locator('#changes').innerText(), /You said: It is hard to reach hospitals without a car\.\s*We did: We added transport routes to the plan\./);
    await assertAccessible(page, 'the public plan with the answer');
  });
});
