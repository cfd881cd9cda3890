// The PostgreSQL server the tests use (TEST_DATABASE_URL), the names of the databases they make on it, and the
// administrative connection that creates and drops them.
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/openchoice_test';

/** TEST_DATABASE_URL's database name: the tests never use that database itself, only its name to begin others'. */
export const DATABASE_PREFIX = new URL(TEST_DATABASE_URL).pathname.slice(1) || 'openchoice_test';

const MAX_IDENTIFIER = 63; // PostgreSQL cuts longer names, which would make two names one

export function urlFor(database: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Four hex digits of this machine's name: two machines (or containers) sharing a server may reuse process ids. */
export const HOST_TAG = createHash('sha256').update(hostname()).digest('hex').slice(0, 4);

/**
 * A name for a database of this process that no concurrent run can also choose, from this checkout or another:
 * `<prefix>_<label>_<host>_<pid>_<random>`. The host and process id let a later run tell leftovers of a killed
 * process (see dropLeftovers).
 */
export function ownDatabaseName(label: string): string {
  const tail = `_${HOST_TAG}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const clean = label.replace(/\W/g, '_').toLowerCase();
  return `${DATABASE_PREFIX}_${clean}`.slice(0, MAX_IDENTIFIER - tail.length) + tail;
}

/** A session on the server's `postgres` database, for what cannot be done from inside a database. */
export async function withAdmin<T>(fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: urlFor('postgres'), application_name: 'openchoice-tests' });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`Tests need PostgreSQL at ${TEST_DATABASE_URL} (set TEST_DATABASE_URL): ${(err as Error).message}`, { cause: err });
  }
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

export async function databaseExists(admin: pg.Client, name: string): Promise<boolean> {
  return ((await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount ?? 0) > 0;
}

/** Drops a database, ending any session still on it (a test's job queue, a child server it started). */
export async function dropDatabase(admin: pg.Client, name: string): Promise<void> {
  const { rows } = await admin.query<{ datistemplate: boolean }>('select datistemplate from pg_database where datname = $1', [name]);
  // A template cannot be dropped until it stops being one.
  if (rows[0]?.datistemplate) await admin.query(`alter database ${quoted(name)} is_template false`);
  await admin.query(`drop database if exists ${quoted(name)} with (force)`);
}

/**
 * Drops this prefix's databases left by test processes of this machine that no longer run (a run stopped with
 * Ctrl-C does not get to drop its clones). Only where the server is this machine, so the process ids mean something.
 */
export async function dropLeftovers(admin: pg.Client): Promise<string[]> {
  const host = new URL(TEST_DATABASE_URL).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]', ''].includes(host)) return [];
  const pattern = new RegExp(`^${DATABASE_PREFIX.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_\\w+_${HOST_TAG}_(\\d+)_[0-9a-f]{6}$`);
  const { rows } = await admin.query<{ datname: string; sessions: number }>(
    `select d.datname, (select count(*) from pg_stat_activity a where a.datname = d.datname)::int as sessions
     from pg_database d where starts_with(d.datname, $1)`,
    [`${DATABASE_PREFIX}_`],
  );
  const dropped: string[] = [];
  for (const { datname, sessions } of rows) {
    const pid = Number(pattern.exec(datname)?.[1]);
    if (!pid || sessions > 0 || isRunning(pid)) continue;
    await dropDatabase(admin, datname);
    dropped.push(datname);
  }
  return dropped;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM'; // alive, but someone else's
  }
}
