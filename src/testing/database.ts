// Databases for tests: real PostgreSQL at TEST_DATABASE_URL (default: the local server's openchoice_test).
import pg from 'pg';
import { ensureDemoAccounts } from '../auth/demo-accounts.ts';
import { loadConfig } from '../config.ts';
import { type Database, openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { loadDemoDataIfEmpty } from '../importers/demo.ts';
import { ensureDemoSlots } from '../slots/demo-slots.ts';
import { ensureDemoWaitingList } from '../waiting/demo-waiting-list.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/openchoice_test';

function urlFor(database: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: urlFor('postgres') });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `Tests need PostgreSQL at ${TEST_DATABASE_URL} (set TEST_DATABASE_URL): ${(err as Error).message}`,
      { cause: err },
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The shared test database with the demo data set, created and loaded once and reused by every test file. */
export async function openDemoTestDatabase(): Promise<Database> {
  const name = new URL(TEST_DATABASE_URL).pathname.slice(1);
  await withAdminClient(async (c) => {
    const exists = await c.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) await c.query(`create database "${name}"`).catch(ignoreDuplicateDatabase);
  });
  const database = await openDatabase({ kind: 'postgres', url: TEST_DATABASE_URL, poolSize: 5 });
  await migrate(database.pool);
  await loadDemoDataIfEmpty(database);
  await ensureDemoAccounts(database.db);
  await ensureDemoWaitingList(database);
  await ensureDemoSlots(database.db);
  return database;
}

/** A new empty, migrated database of its own, dropped by `drop()`. For tests that change data. */
export async function createScratchDatabase(label: string): Promise<Database & { drop(): Promise<void> }> {
  const name = `openchoice_scratch_${label.replace(/\W/g, '_').toLowerCase()}_${process.pid}`;
  await withAdminClient(async (c) => {
    await c.query(`drop database if exists "${name}" with (force)`);
    await c.query(`create database "${name}"`);
  });
  const database = await openDatabase({ kind: 'postgres', url: urlFor(name), poolSize: 4 });
  await migrate(database.pool);
  return Object.assign(database, {
    async drop() {
      await database.close().catch(() => {}); // a test may have closed the pool already
      await withAdminClient((c) => c.query(`drop database if exists "${name}" with (force)`));
    },
  });
}

function ignoreDuplicateDatabase(err: { code?: string }): void {
  if (err.code !== '42P04' && err.code !== '23505') throw err;
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
