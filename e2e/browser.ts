// Shared helpers for the browser tests: Debian's chromium driven by playwright-core, the app on a free port,
// and an axe check. Each journey's test file uses these.
import { AxeBuilder } from '@axe-core/playwright';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { buildApp } from '../src/app.ts';
import { openDemoTestDatabase, type TestDatabase, testConfig } from '../src/testing/database.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A page in a fresh context (axe needs pages made through a context), at a desktop size. */
export async function newPage(browser: Browser, viewport = { width: 1024, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  return context.newPage();
}

export interface RunningApp {
  app: FastifyInstance;
  /** The app's own copy of the demo database, when startApp made it; dropped by close(). */
  database: TestDatabase | null;
  /** 'http://127.0.0.1:<port>', no trailing slash. */
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * Starts the whole app (a copy of its own of the demo test database, quiet logs) on 127.0.0.1 and a free port.
 * `build` replaces the app, for a test that needs different wiring.
 */
export async function startApp(build?: () => Promise<{ app: FastifyInstance; close?: () => Promise<void> }>): Promise<RunningApp> {
  let database: TestDatabase | null = null;
  const built = build
    ? await build()
    : await (async () => {
        const own = (database = await openDemoTestDatabase('e2e'));
        const app = await buildApp({ config: testConfig(), database: own, logger: false });
        return { app, close: () => own.close() };
      })();
  await built.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = built.app.server.address() as AddressInfo;
  return {
    app: built.app,
    database,
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      await built.app.close();
      await built.close?.();
    },
  };
}

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Runs axe on the page as it is now; the message lists each violation with the nodes it found. */
export async function axeViolations(page: Page): Promise<{ count: number; report: string }> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const report = results.violations
    .map((v) => `${v.id} (${v.impact ?? 'n/a'}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`)
    .join('\n');
  return { count: results.violations.length, report };
}

/** Fails with axe's report when the page has any WCAG 2.1 A or AA violation. */
export async function assertAccessible(page: Page, label: string): Promise<void> {
  const { count, report } = await axeViolations(page);
  if (count > 0) throw new Error(`axe found ${count} violation(s) on ${label}:\n${report}`);
}

/** The id of the focused element ('' when none has one); keeps DOM types out of the test files. */
export function focusedId(page: Page): Promise<string> {
  return page.evaluate('document.activeElement ? document.activeElement.id : ""') as Promise<string>;
}

/** Presses Tab until the element with `id` has focus (at most `max` presses); returns how many it took. */
export async function tabTo(page: Page, id: string, max = 40): Promise<number> {
  for (let presses = 1; presses <= max; presses++) {
    await page.keyboard.press('Tab');
    if ((await focusedId(page)) === id) return presses;
  }
  throw new Error(`Tab never reached #${id} in ${max} presses`);
}

/** Collects the page's Content-Security-Policy refusals, which a test then asserts are none. */
export function cspRefusals(page: Page): string[] {
  const refusals: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) refusals.push(m.text());
  });
  return refusals;
}
