// Where choice cannot exist, in a real browser: demo-commissioner (NHS West Yorkshire ICB) opens the availability
// map, changes the specialty and the radius with the keyboard alone, reads the table and the map (the SVG parses as
// XML in the browser), sorts the table, then asks for a run of the test shortlists, sees it waiting, and once the
// job has run (called here as the worker calls it) reads the shortfalls by specialty and one specialty's practices.
// axe on every page shown.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import { runQueued } from '../src/availability/test-runs.ts';
import { createDeps } from '../src/deps.ts';
import { testConfig } from '../src/testing/database.ts';
import { assertAccessible, focusedId, launchBrowser, newPage, type RunningApp, startApp, tabTo } from './browser.ts';

describe('choice availability (browser)', () => {
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

  const url = () => new URL(page.url());
  const submit = async (selector: string) => Promise.all([page.waitForNavigation(), page.click(selector)]);

  test('the commissioner opens the map: the sentence, the map and the table agree', async () => {
    await page.goto(`${running.baseUrl}/sign-in`);
    await page.fill('#username', 'demo-commissioner');
    await page.fill('#password', DEMO_PASSWORD);
    await submit('#sign-in-button');
    await page.goto(`${running.baseUrl}/commissioner/availability`);
    assert.equal(url().pathname, '/commissioner/availability');
    const sentence = await page.locator('#availability-sentence').innerText();
    const [, fewer, of] = /^(\d+) of (\d+) practices have fewer than 5 providers of Trauma & Orthopaedics within 25 miles\.$/.exec(sentence)!.map(Number);
    assert.equal(await page.locator('#practices tbody tr').count(), of);
    assert.equal(await page.locator('#practices tbody tr .nhsuk-tag').count(), fewer);
    assert.equal(await page.locator('#availability-map [data-practice]').count(), of);
    // The map as the browser's own XML parser reads it: well-formed, an image with its title and description.
    const parsed = (await page.evaluate(`(() => {
      const svg = document.getElementById('availability-map');
      const doc = new DOMParser().parseFromString(new XMLSerializer().serializeToString(svg), 'image/svg+xml');
      return { error: doc.getElementsByTagName('parsererror').length, role: svg.getAttribute('role'), desc: doc.querySelector('desc').textContent };
    })()`)) as { error: number; role: string; desc: string };
    assert.deepEqual([parsed.error, parsed.role], [0, 'img']);
    assert.ok(parsed.desc.startsWith(sentence.replace(/\.$/, '')));
    await assertAccessible(page, 'availability map, trauma and orthopaedics within 25 miles');
  });

  test('the specialty and the radius change with the keyboard; the table follows', async () => {
    await tabTo(page, 'specialty');
    // Typing a name's first letters chooses it in a closed select.
    await page.keyboard.type('Oph');
    assert.equal(await page.locator('#specialty').inputValue(), '130');
    // Into the radios (the chosen one, 25 miles, takes focus), then the arrow key chooses 50 miles.
    await page.keyboard.press('Tab');
    assert.equal(await focusedId(page), 'radius-2');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focusedId(page), 'radius-3');
    await page.keyboard.press('Tab');
    assert.equal(await focusedId(page), 'show');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(url().searchParams.get('specialty'), '130');
    assert.equal(url().searchParams.get('radius'), '50');
    assert.match(await page.locator('#availability-sentence').innerText(), /practices have fewer than 5 providers of Ophthalmology within 50 miles/);
    assert.match(await page.locator('#practices caption').innerText(), /Ophthalmology .*fewest providers within 50 miles first/);
    // Those under 5 come first: the 50-mile column never goes down.
    const at50 = (await page.locator('#practices tbody td[data-radius="50"]').allInnerTexts()).map((t) => Number.parseInt(t, 10));
    assert.deepEqual(at50, [...at50].sort((a, b) => a - b));
    await assertAccessible(page, 'availability map, ophthalmology within 50 miles');

    // Sorted by name with the keyboard, the specialty and radius kept.
    await tabTo(page, 'sort-practice', 400);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(url().searchParams.get('sort'), 'practice');
    assert.equal(url().searchParams.get('specialty'), '130');
    assert.equal(await page.locator('#practices th[aria-sort="ascending"]').count(), 1);
    const summaryRows = await page.locator('#icb-summary tbody tr').count();
    assert.ok(summaryRows >= 10);
    await assertAccessible(page, 'availability map sorted by practice');
  });

  test('the commissioner asks for a test run, sees it waiting, then reads its shortfalls', async () => {
    await submit('#tests-link');
    assert.equal(url().pathname, '/commissioner/availability/tests');
    assert.match(await page.locator('#no-run').innerText(), /No run has finished yet/);
    await assertAccessible(page, 'test shortlists, none run');
    await submit('#run-tests');
    assert.match(await page.locator('#run-open').innerText(), /waiting to start/);
    assert.equal(await page.locator('#run-tests').count(), 0, 'no second run while one is open');
    await assertAccessible(page, 'test shortlists, a run waiting');

    const deps = createDeps(testConfig(), running.database!, () => {});
    try {
      assert.equal((await runQueued(deps)).runs, 1);
    } finally {
      deps.directory.close();
      deps.postcodes.close();
    }
    await submit('#refresh');
    assert.equal(await page.locator('#run-open').count(), 0);
    const short = Number(await page.locator('#latest-short').innerText());
    assert.ok(Number(await page.locator('#latest-run-count').innerText()) > 1000);
    const counts = (await page.locator('#by-specialty td[data-count="short"]').allInnerTexts()).map(Number);
    assert.equal(counts.reduce((a, b) => a + b, 0), short);
    await assertAccessible(page, 'test shortlists, a run finished');
    await submit('#by-specialty tbody tr:first-child a');
    assert.equal(await page.locator('#short-results tbody tr').count(), Math.min(counts[0]!, 1000));
    await assertAccessible(page, "test shortlists, one specialty's practices");
  });
});
