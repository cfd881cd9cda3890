// Databases for tests, on the PostgreSQL server of TEST_DATABASE_URL. Every caller gets a database of its own,
// copied from a template (see database-templates.ts) and dropped when it closes, so no test sees another's rows.
import { loadConfig } from '../config.ts';
import { type Database, openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { londonDate } from '../domain/dates.ts';
import { dropDatabase, dropLeftovers, ownDatabaseName, TEST_DATABASE_URL, urlFor, withAdmin } from './database-server.ts';
import { copyTemplate, type Template } from './database-templates.ts';
import { loadDemoDatabase } from './demo-data.ts';
import { filesUnder, fingerprint } from './fingerprint.ts';

export { TEST_DATABASE_URL };

/** A database of the caller's own; `close()` (or `drop()`, the same) closes its pool and drops it. */
export interface TestDatabase extends Database {
  name: string;
  url: string;
  drop(): Promise<void>;
}

const DAY_MS = 86_400_000;

const MIGRATED = 'openchoice_tpl_migrated_';
let migrated: Promise<Template> | undefined;

/** The migrations applied to an empty database. */
export function migratedTemplate(): Promise<Template> {
  return (migrated ??= (async () => ({
    name: `${MIGRATED}${await fingerprint({ files: [...(await filesUnder('src/db/migrations', '.sql')), 'src/db/migrate.ts'] })}`,
    family: MIGRATED,
    // Measured: a few megabytes copy faster through the log than by a checkpoint and a file copy.
    strategy: 'wal_log',
    fill: async (database) => void (await migrate(database.pool)),
    // Another checkout may still be copying its own: keep it a week; rebuilding one still wanted takes a second.
    isObsolete: (_name, builtAt) => !builtAt || Date.now() - builtAt.getTime() > 7 * DAY_MS,
  }))());
}

const DEMO = 'openchoice_tpl_demo_';
let demoFingerprint: Promise<string> | undefined;

/**
 * The demo data set as of today (London). Its waiting lists and slots count from the day it is loaded, so each day
 * has its own template and earlier days' are dropped: a copy of an older one would have longer waits than the demo
 * describes, offers of capacity closer to their end, and no slots in the last days of the 12 weeks.
 */
export async function demoTemplate(now = new Date()): Promise<Template> {
  demoFingerprint ??= (async () =>
    fingerprint({
      files: [...(await filesUnder('src/db/migrations', '.sql')), 'src/db/migrate.ts', ...(await filesUnder('src/importers', '.ts'))],
      modules: ['src/testing/demo-data.ts'],
      listings: ['reference-data'],
    }))();
  const day = londonDate(now).replaceAll('-', '');
  return {
    name: `${DEMO}${await demoFingerprint}_${day}`,
    family: DEMO,
    // Measured: for its 200 MB, copying files after a checkpoint beats writing every block to the log.
    strategy: 'file_copy',
    base: migratedTemplate,
    fill: (database) => loadDemoDatabase(database, now),
    isObsolete: (name) => (/_(\d{8})$/.exec(name)?.[1] ?? '') < day,
  };
}

let leftoversDropped: Promise<unknown> | undefined;

async function openCopy(template: Template, label: string): Promise<TestDatabase> {
  // Once per process is enough to keep a machine from filling up with the databases of interrupted runs.
  await (leftoversDropped ??= withAdmin(dropLeftovers));
  const name = ownDatabaseName(label);
  await copyTemplate(template, name);
  const url = urlFor(name);
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 5 });
  const closePool = database.close;
  let dropped: Promise<void> | undefined;
  // A test may have closed the pool itself, or both close and drop: the database is dropped once.
  const drop = () =>
    (dropped ??= (async () => {
      await closePool().catch(() => {});
      await withAdmin((admin) => dropDatabase(admin, name));
    })());
  return Object.assign(database, { name, url, close: drop, drop });
}

/** A new migrated, empty database of the caller's own. For tests that build exactly the data they need. */
export async function createScratchDatabase(label: string): Promise<TestDatabase> {
  return openCopy(await migratedTemplate(), `scratch_${label}`);
}

/**
 * A new database of the caller's own holding the demo data set (1.75 M postcodes, the directory, the demo accounts,
 * waiting lists and slots), as a first `npm start` would load it. Call `close()` when done: it drops the copy.
 */
export async function openDemoTestDatabase(label = 'demo'): Promise<TestDatabase> {
  return openCopy(await demoTemplate(), `demo_${label}`);
}

/** Settings for an app under test. */
export function testConfig(overrides: Record<string, string> = {}) {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: TEST_DATABASE_URL,
    DIRECTORY_REFRESH_MS: '0', // tests change the directory and look at once
    POSTCODES_IN_MEMORY: 'false', // most tests need no 1.75 M postcode load in the background
    ...overrides,
  });
}
