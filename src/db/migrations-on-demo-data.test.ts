// Each new migration runs on a database that holds the whole demo data set as the schema before it stores it, and
// keeps every row: a migration that fails on real rows (a NOT NULL without a backfill, a unique index that the data
// breaks, a cast that a value refuses) or that loses rows is caught here, not in a deployment.
//
// How, and why this way: the demo data set can only be loaded by today's code, into today's schema (N). So the test
// takes the demo database (schema N), makes an empty database migrated to M-1, copies into it every row of every
// table that exists at M-1, with only the columns that exist at M-1 (through postgres_fdw, in the server, so 1.75 M
// postcodes copy in seconds), and then applies M..N. That is the demo data set as the schema before M holds it, less
// whatever later migrations added to it, which is what a deployment at M-1 would hold. Triggers are off while rows
// are copied (session_replication_role = replica, as pg_restore --disable-triggers): the rows are copied whole,
// including what triggers derived from them. The last migration is checked by default; MIGRATION_DATA_TEST_DEPTH=K
// checks each of the last K in turn (each from its own M-1).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { type Database, openDatabase } from './database.ts';
import { type Migration, migrate, readMigrations } from './migrate.ts';
import { openDemoTestDatabase, type TestDatabase } from '../testing/database.ts';
import { dropDatabase, ownDatabaseName, quoted, TEST_DATABASE_URL, urlFor, withAdmin } from '../testing/database-server.ts';

const DEPTH = Number(process.env.MIGRATION_DATA_TEST_DEPTH ?? 1);
/** Tables a migration may empty or drop on purpose, with the migration that does and why. None yet. */
const ROWS_MAY_GO: Readonly<Record<string, string>> = {};

const migrations = await readMigrations();
let source: TestDatabase;

before(async () => {
  source = await openDemoTestDatabase('migration_source');
});
after(() => source?.drop());

type Column = { name: string; type: string; generated: boolean };

/** The base tables of the public schema (schema_migration aside) and their columns, as this database has them. */
async function tablesOf(database: Database): Promise<Map<string, Column[]>> {
  const { rows } = await database.pool.query<{ table: string; column: string; type: string; generated: boolean }>(
    `select c.relname as table, a.attname as column, format_type(a.atttypid, a.atttypmod) as type, a.attgenerated <> '' as generated
     from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_attribute a on a.attrelid = c.oid
     where n.nspname = 'public' and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped and c.relname <> 'schema_migration'
     order by c.relname, a.attnum`,
  );
  const tables = new Map<string, Column[]>();
  for (const r of rows) tables.set(r.table, [...(tables.get(r.table) ?? []), { name: r.column, type: r.type, generated: r.generated }]);
  return tables;
}

async function rowCounts(database: Database, tables: Iterable<string>): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const t of tables) counts.set(t, (await database.pool.query<{ n: number }>(`select count(*)::int as n from ${quoted(t)}`)).rows[0]!.n);
  return counts;
}

/** Copies every row of the source's tables that `target` has, with the columns `target` has, inside the server. */
async function copyDemoRows(target: Database, tables: Map<string, Column[]>): Promise<void> {
  const url = new URL(source.url);
  const client = await target.pool.connect();
  try {
    await client.query('create extension postgres_fdw');
    const options = [['host', url.hostname], ['port', url.port || '5432'], ['dbname', source.name], ['fetch_size', '50000']];
    await client.query(`create server demo_source foreign data wrapper postgres_fdw options (${options.map(([k, v]) => `${k} ${pg.escapeLiteral(v!)}`).join(', ')})`);
    const user = decodeURIComponent(url.username || 'postgres');
    const password = url.password ? `, password ${pg.escapeLiteral(decodeURIComponent(url.password))}` : '';
    await client.query(`create user mapping for current_user server demo_source options (user ${pg.escapeLiteral(user)}${password})`);
    await client.query('create schema demo_source');
    await client.query('begin');
    await client.query('set local session_replication_role = replica');
    // Rows the migrations wrote themselves (data_version's counters, reference codes) are in the source too.
    await client.query(`truncate ${[...tables.keys()].map((t) => `public.${quoted(t)}`).join(', ')}`);
    for (const [table, all] of tables) {
      const columns = all.filter((c) => !c.generated);
      // Declared with this schema's columns and types: the source's own may be newer ones this schema lacks.
      await client.query(
        `create foreign table demo_source.${quoted(table)} (${columns.map((c) => `${quoted(c.name)} ${c.type}`).join(', ')})
         server demo_source options (schema_name 'public', table_name ${pg.escapeLiteral(table)})`,
      );
      const list = columns.map((c) => quoted(c.name)).join(', ');
      await client.query(`insert into public.${quoted(table)} (${list}) overriding system value select ${list} from demo_source.${quoted(table)}`);
    }
    // The sequences go on from the rows copied, as after a pg_restore.
    const { rows: sequences } = await client.query<{ seq: string; tbl: string; col: string }>(
      `select s.oid::regclass::text as seq, t.relname as tbl, a.attname as col
       from pg_depend d join pg_class s on s.oid = d.objid and s.relkind = 'S'
       join pg_class t on t.oid = d.refobjid join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
       join pg_namespace n on n.oid = t.relnamespace where n.nspname = 'public' and d.deptype in ('a', 'i')`,
    );
    for (const s of sequences) {
      await client.query(`select setval($1::regclass, coalesce((select max(${quoted(s.col)}) from public.${quoted(s.tbl)}), 0) + 1, false)`, [s.seq]);
    }
    await client.query('commit');
    // Nothing of the copying is left for the migrations to meet.
    await client.query('drop schema demo_source cascade');
    await client.query('drop user mapping for current_user server demo_source');
    await client.query('drop server demo_source');
    await client.query('drop extension postgres_fdw');
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

async function withEmptyDatabase<T>(label: string, fn: (database: Database) => Promise<T>): Promise<T> {
  const name = ownDatabaseName(label);
  await withAdmin((admin) => admin.query(`create database ${quoted(name)}`));
  const database = await openDatabase({ kind: 'postgres', url: urlFor(name), poolSize: 2 });
  try {
    return await fn(database);
  } finally {
    await database.close();
    await withAdmin((admin) => dropDatabase(admin, name));
  }
}

const schemaOf = async (database: Database) =>
  [...(await tablesOf(database))].map(([t, columns]) => `${t}(${columns.map((c) => `${c.name} ${c.type}`).join(', ')})`);

for (const m of migrations.slice(-DEPTH) as Migration[]) {
  test(`migration ${m.version}_${m.name} runs on the demo data set as the schema before it holds it, and keeps every row`, { timeout: 300_000 }, async () => {
    assert.ok(TEST_DATABASE_URL);
    await withEmptyDatabase(`migrate_${m.version}`, async (target) => {
      await migrate(target.pool, migrations.filter((x) => x.version < m.version));
      const tables = await tablesOf(target);
      await copyDemoRows(target, tables);
      const before = await rowCounts(target, tables.keys());
      assert.ok((before.get('referral') ?? 0) > 1000 && (before.get('postcode') ?? 0) > 1_000_000, `the demo data set was copied: ${JSON.stringify(Object.fromEntries(before))}`);

      const applied = await migrate(target.pool, migrations);
      assert.deepEqual(applied, migrations.filter((x) => x.version >= m.version).map((x) => x.version));

      const remaining = await tablesOf(target);
      const kept = [...before.keys()].filter((t) => !ROWS_MAY_GO[t]);
      const after = await rowCounts(target, kept.filter((t) => remaining.has(t)));
      const lost = kept.map((t) => {
        if (!after.has(t)) return `${t}: dropped with ${before.get(t)} rows`;
        return after.get(t)! < before.get(t)! ? `${t}: ${before.get(t)} rows before, ${after.get(t)} after` : null;
      }).filter((s) => s !== null);
      assert.deepEqual(lost, [], 'no migration loses rows');
      // Migrated over data, the schema is the one an empty database migrates to.
      const fresh = await withEmptyDatabase(`migrate_fresh_${m.version}`, async (empty) => {
        await migrate(empty.pool, migrations);
        return schemaOf(empty);
      });
      assert.deepEqual(await schemaOf(target), fresh);
    });
  });
}
