// The first journey in a real browser: compare hospitals by waiting time and distance, by keyboard,
// with axe on every state of the page (empty form, results, errors).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible, focusedId, launchBrowser, newPage, type RunningApp, startApp, tabTo } from './browser.ts';

const SCREENSHOT = process.env.COMPARE_SCREENSHOT ?? '/tmp/compare.png';

describe('compare hospitals (browser)', () => {
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

  test('the empty form has one h1, the NHS layout and no axe violations', async () => {
    const response = await page.goto(`${running.baseUrl}/`);
    assert.equal(response?.status(), 200);
    assert.equal(await page.title(), 'Compare hospitals by waiting time and distance – OpenChoice – NHS');
    assert.equal(await page.locator('h1').count(), 1);
    assert.equal((await page.locator('h1').innerText()).trim(), 'Compare hospitals by waiting time and distance');
    assert.match(await page.locator('footer').innerText(), /Contains OS data © Crown copyright and database right 2025/);
    assert.match(await page.locator('footer').innerText(), /Open Government Licence v3\.0/);
    // nhsuk-frontend's stylesheet and script are served and applied.
    assert.equal(await page.evaluate('document.body.classList.contains("nhsuk-frontend-supported")'), true);
    await assertAccessible(page, 'the empty form');
  });

  test('filled in by keyboard, it shows 5 ranked options with waits and distances', async () => {
    await page.goto(`${running.baseUrl}/`);
    await tabTo(page, 'specialty');
    await page.keyboard.type('Trauma'); // type-ahead in the focused select
    assert.equal(await page.inputValue('#specialty'), '110');
    assert.match(await page.locator('#specialty option:checked').innerText(), /^Trauma (and|&) Orthopaedics$/);

    await page.keyboard.press('Tab');
    assert.equal(await focusedId(page), 'postcode');
    await page.keyboard.type('LS1 4AP');

    await page.keyboard.press('Tab');
    assert.equal(await focusedId(page), 'sortBy'); // "Shortest wait", the first of its group
    await page.keyboard.press('Space');
    assert.equal(await page.isChecked('#sortBy'), true);

    await page.keyboard.press('Tab');
    assert.equal(await focusedId(page), 'distance'); // "Up to 10 miles"
    await page.keyboard.press('ArrowDown'); // 25 miles
    await page.keyboard.press('ArrowDown'); // 50 miles
    assert.equal(await page.isChecked('input[name="distance"][value="50"]'), true);

    await page.keyboard.press('Tab');
    await Promise.all([page.waitForURL(/\?/), page.keyboard.press('Enter')]);

    const url = new URL(page.url());
    assert.equal(url.pathname, '/');
    assert.equal(url.searchParams.get('postcode'), 'LS1 4AP');
    assert.equal(url.searchParams.get('sortBy'), 'WAIT');
    assert.equal(url.searchParams.get('distance'), '50');
    assert.equal(await page.locator('h1').count(), 1);
    assert.match(await page.title(), /^Trauma (and|&) Orthopaedics near LS1 4AP – OpenChoice – NHS$/);
    assert.match(await page.locator('#results-heading').innerText(), /^\d+ services match$/);
    const eligible = Number((await page.locator('#results-heading').innerText()).split(' ')[0]);
    assert.ok(eligible >= 5, `expected at least 5 eligible services, got ${eligible}`);

    const options = page.locator('ol.oc-options > li');
    assert.equal(await options.count(), 5);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const option = options.nth(i);
      assert.equal(await option.getAttribute('data-rank'), String(i + 1));
      assert.match(await option.locator('h3').innerText(), new RegExp(`^Option ${i + 1}:?\\s+\\S`));
      const wait = await option.locator('[data-field="wait"]').innerText();
      const match = /([\d.]+) weeks?/.exec(wait);
      assert.ok(match, `option ${i + 1} shows a wait: ${wait}`);
      assert.match(wait, /Measured \d{1,2} \w+ \d{4}/);
      waits.push(Number(match[1]));
      const distance = await option.locator('[data-field="distance"]').innerText();
      assert.match(distance, /^[\d.]+ miles?$/, 'miles only, as the distance choices are offered');
      assert.ok(Number(distance.split(' ')[0]) <= 50, `option ${i + 1} is within 50 miles: ${distance}`);
      assert.match(await option.locator('[data-field="travel"]').innerText(), /£\d+\.\d\d/);
      assert.ok((await option.locator('[data-field="reasons"] li').count()) >= 1);
    }
    assert.deepEqual(waits, [...waits].sort((a, b) => a - b), 'shortest wait first');
    assert.equal(await page.locator('#shortfall').count(), 0, 'no shortfall with 5 or more');

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await assertAccessible(page, 'the results');
  });

  test('a bad postcode shows the focused error summary linking to the field, keeping what was typed', async () => {
    await page.goto(`${running.baseUrl}/?specialty=110&postcode=LS1+4AP&sortBy=WAIT&distance=50`);
    await page.fill('#postcode', 'NOT A POSTCODE');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('postcode=NOT')),
      page.click('button[type="submit"]'),
    ]);
    assert.ok([400, 422].includes(response.status()), `status ${response.status()}`);
    await page.waitForLoadState('load');

    assert.match(await page.title(), /^Error: /);
    const summary = page.locator('.nhsuk-error-summary');
    assert.equal(await summary.isVisible(), true);
    await page.waitForFunction('document.activeElement && document.activeElement.id === "error-summary"');
    const link = summary.locator('a[href="#postcode"]');
    assert.equal(await link.count(), 1);
    assert.match(await link.innerText(), /postcode/i);
    assert.match(await page.locator('#postcode-error').innerText(), /postcode/i);
    assert.equal(await page.inputValue('#postcode'), 'NOT A POSTCODE');
    assert.equal(await page.inputValue('#specialty'), '110');
    assert.equal(await page.isChecked('input[name="distance"][value="50"]'), true);
    await assertAccessible(page, 'the error page');

    await link.click();
    assert.equal(await focusedId(page), 'postcode');
  });

  test('missing answers are each listed in the error summary', async () => {
    const response = await page.goto(`${running.baseUrl}/?specialty=&postcode=`);
    assert.equal(response?.status(), 400);
    const hrefs = await page.locator('.nhsuk-error-summary a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    assert.deepEqual(hrefs, ['#specialty', '#postcode', '#sortBy', '#distance']);
    await assertAccessible(page, 'the page with every answer missing');
  });

  test('fewer than 5 matching services shows the shortfall with a suggestion', async () => {
    await page.goto(`${running.baseUrl}/?${SHORTFALL_QUERY}`);
    const callout = page.locator('#shortfall');
    assert.equal(await callout.count(), 1);
    assert.match(await callout.innerText(), /Fewer than 5 services match/);
    assert.notEqual((await page.locator('#shortfall-reason').innerText()).trim(), '');
    assert.notEqual((await page.locator('#shortfall-suggestion').innerText()).trim(), '');
    const shown = await page.locator('ol.oc-options > li').count();
    assert.ok(shown >= 1 && shown < 5, `${shown} options shown`);
    assert.match(await page.locator('#results-heading').innerText(), new RegExp(`^${shown} services? match`));
    await assertAccessible(page, 'the results with a shortfall');
  });
});

// Within 25 miles of Carlisle the demo data set has two Trauma and Orthopaedics services (Penrith and Keswick: the
// 2020 hospitals file has no Cumberland Infirmary, and the trust's community hospitals run no specialty of their own).
const SHORTFALL_QUERY = 'specialty=110&postcode=CA1+1AA&sortBy=DISTANCE&distance=25';
