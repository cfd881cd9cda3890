import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
// Any constant: it serialises migrations when several app instances start together.
const MIGRATION_LOCK = 7_301_961;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Numbered SQL files `NNN_name.sql`, in order. */
export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = /^(\d+)_([\w-]+)\.sql$/.exec(file);
    if (!match) throw new Error(`Migration file name must be NNN_name.sql: ${file}`);
    migrations.push({ version: Number(match[1]), name: match[2]!, sql: await readFile(`${dir}${file}`, 'utf8') });
  }
  const versions = migrations.map((m) => m.version);
  if (new Set(versions).size !== versions.length) throw new Error(`Duplicate migration numbers in ${dir}`);
  return migrations;
}

/** Applies the migrations not yet applied, each in its own transaction. Returns the versions applied. */
export async function migrate(pool: pg.Pool, migrations?: Migration[]): Promise<number[]> {
  const all = migrations ?? (await readMigrations());
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`create table if not exists schema_migration (
      version integer primary key, name text not null, applied_at timestamptz not null default now())`);
    const done = new Set(
      (await client.query<{ version: number }>('select version from schema_migration')).rows.map((r) => r.version),
    );
    for (const m of all) {
      if (done.has(m.version)) continue;
      await client.query('begin');
      try {
        await client.query(m.sql);
        await client.query('insert into schema_migration (version, name) values ($1, $2)', [m.version, m.name]);
        await client.query('commit');
      } catch (err) {
        await client.query('rollback');
        throw new Error(`Migration ${m.version}_${m.name} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(m.version);
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
  return applied;
}
