// The shape of the code base, proved the way the authorisation matrix proves access: walk every import of src/ and
// fail, naming the files, on a cycle or a broken rule of the architecture note. The checker is first shown to catch
// each kind of violation in a small made-up code base, so that an empty list means something.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { checkArchitecture, type Rule } from './testing/architecture.ts';
import { parseSource, readSourceTree } from './testing/source-graph.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function codeBase(sources: Record<string, string>) {
  return new Map(Object.entries(sources).map(([path, text]) => [path, parseSource(path, text)]));
}

describe('the checker', () => {
  const found = checkArchitecture(codeBase({
    // A cycle of files, closed by a type-only import.
    'src/alpha/one.ts': "import { two } from './two.ts';\nexport const one = two;",
    'src/alpha/two.ts': "import type { One } from './one.ts';\nexport const two = 2 as unknown as One;",
    // A cycle of folders with no cycle of files, through a file directly in src/.
    'src/deps.ts': "import { q } from './beta/q.ts';\nexport type Deps = typeof q;",
    'src/beta/q.ts': 'export const q = 1;',
    'src/beta/r.ts': "import type { Deps } from '../deps.ts';\nexport const r = (d: Deps) => d;",
    // The domain reaching the database.
    'src/domain/rule.ts': "import type { DB } from '../db/schema.ts';\nexport type Rule = DB;",
    'src/db/schema.ts': 'export interface DB { id: number }',
    // The platform reaching features: statically, by a dynamic import, by re-export, and from config.ts.
    'src/web/render.ts': "import { book } from '../gamma/service.ts';\nexport const render = book;",
    'src/web/lazy.ts': "export const lazy = () => import('../gamma/service.ts');",
    'src/http/index.ts': "export { book } from '../gamma/service.ts';",
    'src/config.ts': "import type { Settings } from './gamma/settings.ts';\nexport type Config = Settings;",
    'src/web/form.ts': "import { problem } from '../http/problem.ts';\nimport { today } from '../domain/dates.ts';\nexport const form = [problem, today];",
    'src/http/problem.ts': 'export const problem = 1;',
    'src/domain/dates.ts': 'export const today = 1;',
    'src/gamma/settings.ts': 'export interface Settings { a: 1 }',
    // SQL where there should only be wiring; SQL in a service is fine, and so is the word in a string.
    'src/gamma/routes.ts': "import { sql } from 'kysely';\nexport const r = (db: never) => sql`select 1`.execute(db);",
    'src/gamma/pages.ts': "import type { Kysely } from 'kysely';\nexport const p = (db: Kysely<never>) => db; const s = \"db.selectFrom('x')\";",
    'src/gamma/pages/list.ts': "export const list = (db: any) => db.selectFrom('referral').selectAll().execute();",
    'src/gamma/service.ts': "export const book = (db: any) => db.insertInto('slot').values({}).execute();",
    // Product code reaching test support; a test may, and a comment naming it is no import.
    'src/gamma/journeys.ts': "// import { fixture } from '../testing/fixture.ts';\nimport { fixture } from '../testing/fixture.ts';\nexport const j = fixture;",
    'src/gamma/helper.ts': "import { csrfOf } from './pages.test.ts';\nexport const h = csrfOf;",
    'src/gamma/pages.test.ts': "import { fixture } from '../testing/fixture.ts';\nimport { sql } from 'kysely';\nexport const csrfOf = () => sql`select 1`; void fixture;",
    'src/testing/fixture.ts': 'export const fixture = 1;',
  }));
  const by = (rule: Rule) => found.filter((v) => v.rule === rule).map((v) => v.files);

  test('a cycle of files, through a type-only import', () => {
    assert.deepEqual(by('file-cycle'), [['src/alpha/one.ts', 'src/alpha/two.ts']]);
    assert.match(found.find((v) => v.rule === 'file-cycle')!.message, /src\/alpha\/one\.ts → src\/alpha\/two\.ts → src\/alpha\/one\.ts/);
  });

  test('a cycle of folders, counting a file directly in src/ as its own node', () => {
    const [cycle, ...more] = found.filter((v) => v.rule === 'folder-cycle');
    assert.equal(more.length, 0, JSON.stringify(more));
    assert.match(cycle!.message, /beta → deps\.ts → beta/);
    assert.match(cycle!.message, /src\/beta\/r\.ts imports src\/deps\.ts/);
    assert.match(cycle!.message, /src\/deps\.ts imports src\/beta\/q\.ts/);
  });

  test('the domain importing outside the domain', () => {
    assert.deepEqual(by('domain-imports-outside-domain'), [['src/domain/rule.ts', 'src/db/schema.ts']]);
  });

  test('the platform importing a feature, however it imports', () => {
    assert.deepEqual(by('platform-imports-feature').sort(), [
      ['src/config.ts', 'src/gamma/settings.ts'],
      ['src/http/index.ts', 'src/gamma/service.ts'],
      ['src/web/lazy.ts', 'src/gamma/service.ts'],
      ['src/web/render.ts', 'src/gamma/service.ts'],
    ]);
  });

  test('SQL or kysely in routes.ts, pages.ts or a pages/ folder, and nowhere else', () => {
    assert.deepEqual(by('sql-in-wiring').sort(), [['src/gamma/pages.ts'], ['src/gamma/pages/list.ts'], ['src/gamma/routes.ts']]);
    const routes = found.find((v) => v.files[0] === 'src/gamma/routes.ts')!;
    assert.match(routes.message, /imports 'kysely', sql`…` at line 2/);
  });

  test('product code importing test support or a test', () => {
    assert.deepEqual(by('product-imports-test-support').sort(), [
      ['src/gamma/helper.ts', 'src/gamma/pages.test.ts'],
      ['src/gamma/journeys.ts', 'src/testing/fixture.ts'],
    ]);
  });
});

test('src/ has the shape of the architecture note: no cycles, and every rule kept', async () => {
  const violations = checkArchitecture(await readSourceTree(ROOT, 'src'));
  assert.ok(violations.length === 0, `${violations.length} violation(s) of the architecture note:\n${violations.map((v) => `- [${v.rule}] ${v.message}`).join('\n')}`);
});
