// On embedded PGlite an empty table is filled with COPY (src/importers/upsert.ts): the rows must arrive exactly as
// the inserts would have written them, inside the import's transaction (a rollback leaves nothing).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Database, openDatabase } from '../db/database.ts';
import { newReport } from './report.ts';
import { BatchUpsert, bulkLoader, csvOf, type UpsertSpec } from './upsert.ts';

let dir: string;
let database: Database;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openchoice-copy-'));
  database = await openDatabase({ kind: 'pglite', dataDir: dir, poolSize: 2 });
  await database.pool.query('create table t (k text primary key, x float8, n int4, b bool, d date, s text)');
});
after(async () => {
  await database.close();
  await rm(dir, { recursive: true, force: true });
});

const ROWS: unknown[][] = [
  ['a', 53.795456, 7, true, '2026-04-30', 'plain'],
  ['b "quoted", with commas', -1.555724e-7, -2147483648, false, null, ''],
  ['c\nline break', 0, null, null, '1970-01-01', 'back\\slash and "quotes" and ,'],
  ['d', null, 0, true, null, null],
];

test('csvOf writes null unquoted and text quoted, so an empty string stays empty and not null', () => {
  assert.equal(csvOf([['x', ''], [null, 1.5]], 2), '"x",\n"",1.5\n');
});

test('an empty table is filled by COPY inside the transaction: the same values as inserts, and a rollback leaves nothing', async () => {
  const client = await database.pool.connect();
  try {
    const loader = { query: client.query.bind(client) as typeof client.query, copyCsv: database.copyCsv! };
    const spec: UpsertSpec = { table: 't', columns: { k: 'text', x: 'float8', n: 'int4', b: 'bool', d: 'date', s: 'text' }, key: ['k'] };
    await client.query('begin');
    const rolledBack = new BatchUpsert(loader, spec, newReport('t', 'test'));
    for (const row of ROWS) rolledBack.add(row);
    await rolledBack.flush();
    assert.equal((await client.query('select count(*)::int as n from t')).rows[0].n, ROWS.length, 'visible inside the transaction');
    await client.query('rollback');
    assert.equal((await client.query('select count(*)::int as n from t')).rows[0].n, 0);

    await client.query('begin');
    const report = newReport('t', 'test');
    const upsert = new BatchUpsert(loader, spec, report);
    for (const row of ROWS) upsert.add(row);
    await upsert.flush();
    await client.query('commit');
    assert.equal(report.inserted, ROWS.length);
    const { rows } = await client.query({ text: "select k, x, n, b, to_char(d, 'YYYY-MM-DD') as d, s from t order by k", rowMode: 'array' });
    assert.deepEqual(rows, ROWS);
  } finally {
    client.release();
  }
});

test('postcodes filled in bulk keep the first of a repeated postcode, count the repeat, and end with their key', async () => {
  const { migrate } = await import('../db/migrate.ts');
  const { importWithin } = await import('./run-import.ts');
  const { writeFile } = await import('node:fs/promises');
  const pdir = await mkdtemp(join(tmpdir(), 'openchoice-copy-postcodes-'));
  const db = await openDatabase({ kind: 'pglite', dataDir: join(pdir, 'db'), poolSize: 2 });
  try {
    await migrate(db.pool);
    const file = join(pdir, 'postcodes.csv');
    await writeFile(file, 'postcode,latitude,longitude\nLS1 4AP,53.7965,-1.5478\nLS2 9JT,53.80,-1.55\nLS1 4AP,50.0,-4.0\nBD1 1AA,,\n');
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      const report = await importWithin(bulkLoader(client, db), 'postcodes', file);
      await client.query('commit');
      assert.equal(report.inserted, 2);
      assert.deepEqual(report.skipped, { 'postcode repeated (first kept)': 1, 'no coordinates': 1 });
    } finally {
      client.release();
    }
    const { rows } = await db.pool.query("select postcode, latitude from postcode order by postcode");
    assert.deepEqual(rows, [{ postcode: 'LS1 4AP', latitude: 53.7965 }, { postcode: 'LS2 9JT', latitude: 53.8 }]);
    const key = await db.pool.query("select 1 from pg_constraint where conname = 'postcode_pkey'");
    assert.equal(key.rowCount, 1, 'the key is built');
  } finally {
    await db.close();
    await rm(pdir, { recursive: true, force: true });
  }
});
