// Which test files are unit tests: those that load nothing that reaches outside the process. Decided from the
// imports rather than listed, so that moving a test to its feature's folder keeps it in `npm run test:unit`.
import { globSync } from 'node:fs';
import { importClosure } from './source-graph.ts';

/** Modules that mean a database, a browser, a child process or an identity provider. */
const OUTSIDE_WORLD = new Set([
  'pg',
  'pg-boss',
  '@electric-sql/pglite',
  '@electric-sql/pglite-socket',
  'playwright-core',
  '@axe-core/playwright',
  'node:child_process',
  'child_process',
  'oidc-provider',
]);

export const TEST_FILES = ['src/**/*.test.ts', 'test/**/*.test.ts', 'e2e/**/*.test.ts'];

/** The test files (relative to `root`) whose runtime imports, followed through the code, use none of the above. */
export async function unitTestFiles(root: string): Promise<string[]> {
  const unit: string[] = [];
  for (const file of globSync(TEST_FILES, { cwd: root }).sort()) {
    const { packages } = await importClosure(root, [file], { runtimeOnly: true });
    if (![...packages].some((p) => OUTSIDE_WORLD.has(p))) unit.push(file);
  }
  return unit;
}
