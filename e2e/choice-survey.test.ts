// The survey of meaningful choice in a real browser: a patient opens the link from their invitation, answers every
// question with the keyboard only (Tab to each group, arrow keys to choose, typing the comment), first sending too
// early to meet the error summary; sees the thank-you; the link then says it was used. demo-commissioner then reads
// the results, changes the half-year through the GET form with the keyboard, and meets the error summary for a bad
// one. axe on every page.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import { londonDate } from '../src/domain/dates.ts';
import { halfYearOf, previousHalfYear } from '../src/domain/half-year.ts';
import { inviteToSurvey } from '../src/survey/invitations.ts';
import { publishTestSlot } from '../src/testing/slots.ts';
import { referThroughApi } from '../src/testing/test-app.ts';
import { assertAccessible, focusedId, launchBrowser, newPage, type RunningApp, startApp, tabTo } from './browser.ts';

const today = londonDate();

describe('the survey of meaningful choice (browser)', () => {
  let running: RunningApp;
  let browser: Browser;
  let token = '';
  const comment = `Browser test ${Date.now()}: the GP explained the choices well.`;

  before(async () => {
    running = await startApp();
    const { app, database } = running;
    const { ubrn } = await referThroughApi(app, { givenName: 'Nia', familyName: `Surveyed${Date.now() % 100000}` }, ['RR813-110']);
    const staff = (await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-referrer', password: DEMO_PASSWORD } })).json().token;
    const booked = await app.inject({
      method: 'POST', url: `/api/v1/referrals/${ubrn}/appointment`,
      headers: { authorization: `Bearer ${staff}`, 'idempotency-key': randomUUID() }, payload: { slotId: await publishTestSlot(database!, 'RR813-110', 5) },
    });
    assert.equal(booked.statusCode, 201, booked.body);
    await database!.db.updateTable('appointment').set({ starts_at: sql`now() - interval '3 days'`, ends_at: sql`now() - interval '3 days' + interval '30 minutes'` }).where('ubrn', '=', ubrn).execute();
    token = (await inviteToSurvey(database!.db, ubrn, today))!;
    assert.ok(token);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await running?.close();
  });

  const pathOf = (page: Page) => new URL(page.url()).pathname;

  test('the patient answers with the keyboard only, sees the thank-you, and the link then says it was used', async () => {
    const page = await newPage(browser);
    await page.goto(`${running.baseUrl}/survey/${token}`);
    assert.match(await page.locator('h1').innerText(), /Were you given a choice of where to be seen\?/);
    assert.doesNotMatch(await page.locator('body').innerText(), /Nia|Surveyed|9990000018/);
    await assertAccessible(page, 'the survey questions');

    // Sending with nothing chosen: the error summary, which takes focus, links to each question.
    await tabTo(page, 'send', 80);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    const summary = page.locator('.nhsuk-error-summary');
    assert.match(await summary.innerText(), /Select how far you agree with statement 1/);
    assert.equal(await summary.locator('a').count(), 7);
    await assertAccessible(page, 'the survey questions with errors');

    // Each group by Tab, then arrow keys choose within it (a radio group is one tab stop).
    const choose = async (name: string, downs: number) => {
      await tabTo(page, name, 80);
      await page.keyboard.press('Space');
      for (let i = 0; i < downs; i++) await page.keyboard.press('ArrowDown');
    };
    await page.locator('h1').focus();
    await choose('discussed', 1); // Agree
    await choose('offered', 0); // Strongly agree
    await choose('alternative', 5); // Does not apply to me
    await choose('information', 3); // Disagree
    await choose('time', 1); // Agree
    await choose('aware', 1); // No
    await choose('recall', 0); // Yes
    await tabTo(page, 'comment');
    await page.keyboard.type(comment);
    await tabTo(page, 'send');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(pathOf(page), '/survey/thank-you');
    assert.match(await page.locator('.nhsuk-panel').innerText(), /Thank you[^]*Your answers have been saved/);
    await assertAccessible(page, 'the thank-you');

    const saved = await running.database!.db.selectFrom('survey_response').selectAll().where('comment', '=', comment).executeTakeFirstOrThrow();
    assert.deepEqual(
      [saved.discussed_options, saved.offered_choice_of_where, saved.offered_alternative, saved.information_accessible, saved.time_to_consider, saved.aware_of_right, saved.recalls_offer],
      ['AGREE', 'STRONGLY_AGREE', 'NOT_APPLICABLE', 'DISAGREE', 'AGREE', 'NO', 'YES'],
    );

    const again = await page.goto(`${running.baseUrl}/survey/${token}`);
    assert.equal(again?.status(), 410);
    assert.match(await page.locator('h1').innerText(), /This survey has already been answered/);
    await assertAccessible(page, 'the used link');
    const unknown = await page.goto(`${running.baseUrl}/survey/${'x'.repeat(43)}`);
    assert.equal(unknown?.status(), 404);
    await assertAccessible(page, 'an unknown link');
  });

  test('demo-commissioner reads the results, this half-year beside the last, and the comment', async () => {
    const page = await newPage(browser);
    await page.goto(`${running.baseUrl}/sign-in`);
    await page.fill('#username', 'demo-commissioner');
    await page.fill('#password', DEMO_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('#sign-in-button')]);
    await page.goto(`${running.baseUrl}/commissioner/survey`);
    assert.equal(pathOf(page), '/commissioner/survey');
    const half = halfYearOf(today);
    assert.match(await page.locator('#summary caption').innerText(), new RegExp(`${half} and ${previousHalfYear(half)}`));
    assert.match(await page.locator('#row-responses').innerText(), /Responses\s+\d+\s+\d+/);
    assert.match(await page.locator('#row-offered_choice_of_where').innerText(), /\d+%\s+\(95% CI \d+% to \d+%; \d+ of \d+\)/);
    assert.ok((await page.locator('#practices').innerText()).includes('fewer than 10 responses'));
    assert.ok((await page.locator('#comments').innerText()).includes(comment));
    assert.equal(await page.locator('a.nhsuk-back-link, .nhsuk-back-link a').first().getAttribute('href'), '/commissioner');
    await assertAccessible(page, 'the survey results');

    // The earlier half-year through the GET form, by keyboard.
    await tabTo(page, 'half', 60);
    await page.keyboard.press('Control+A');
    await page.keyboard.type(previousHalfYear(half));
    assert.equal(await focusedId(page), 'half');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.match(page.url(), new RegExp(`half=${previousHalfYear(half)}`));
    assert.match(await page.locator('#summary-heading').innerText(), new RegExp(`beside .*${previousHalfYear(previousHalfYear(half)).slice(0, 4)}`));
    await assertAccessible(page, 'the survey results, the half-year before');

    const bad = await page.goto(`${running.baseUrl}/commissioner/survey?half=2026-H3`);
    assert.equal(bad?.status(), 400);
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Enter a half-year like 2026-H2/);
    await assertAccessible(page, 'the survey results with a bad half-year');
  });
});
