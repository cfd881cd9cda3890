// The postcode bulk load reads its file in a worker thread: it must give exactly what reading it on the main thread
// gives (the same binary COPY batches in order, the same counts and skip reasons, the same error naming the same line), and
// the import through it must leave the table and the report as the in-thread upsert path does.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Database, openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { ImportError } from './csv.ts';
import { rowsOfBinaryCopy } from '../testing/binary-copy.ts';
import { postcodeCopyBatchesInWorker } from './postcode-batches.ts';
import { type CopyBatch, POSTCODE_TYPES, type ReadCounts, postcodeCopyBatches } from './postcode-rows.ts';
import { importWithin } from './run-import.ts';
import { bulkLoader, type Queryable } from './upsert.ts';

// Repeats (one in another spelling), rows without coordinates (blank, and ONSPD's 99.999999), a terminated
// postcode, quoted fields and a quoted line break, after which physical lines and records no longer agree.
const GOOD = [
  'postcode,latitude,longitude,doterm,note',
  'LS1 4AP,53.7965,-1.5478,,',
  'LS2 9JT,53.80,-1.55,,',
  'ls1 4ap,50.0,-4.0,,',
  'BD1 1AA,,,,',
  'BD2 2AA,53.8,-1.7,200001,',
  '"LS3 1AB","53.1","-1.5",,"a note, quoted',
  'over two lines"',
  'LS6 2AA,99.999999,0,,',
  'LS7 3AA,53.82,-1.53,,',
  'LS2 9JT,53.80,-1.55,,',
].join('\n');
// Line 13 (the header is line 1; the quoted record takes lines 7 and 8).
const BAD = `${GOOD}\nLS8 1AA,53.83,-1.52,,\nLS8 2AA,91,-1.52,,\nLS8 3AA,53.84,-1.52,,\n`;
const BAD_LINE = /^line 13: latitude 91 is out of range$/;

let dir: string;
let good: string;
let bad: string;
let database: Database;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openchoice-postcode-batches-'));
  good = join(dir, 'good.csv');
  bad = join(dir, 'bad.csv');
  await writeFile(good, `${GOOD}\n`);
  await writeFile(bad, BAD);
  database = await openDatabase({ kind: 'pglite', dataDir: join(dir, 'db'), poolSize: 2 });
  await migrate(database.pool);
});
after(async () => {
  await database.close();
  await rm(dir, { recursive: true, force: true });
});

async function collect(batches: AsyncIterable<CopyBatch>): Promise<{ rows: number; data: unknown[][] }[]> {
  const out = [];
  for await (const b of batches) out.push({ rows: b.rows, data: rowsOfBinaryCopy(b.data, POSTCODE_TYPES) });
  return out;
}

const counts = (): ReadCounts => ({ rowsRead: 0, skipped: {} });

test('the worker gives the batches and counts that reading on the main thread gives, in order, whatever the queue', async () => {
  const inThread = counts();
  const expected = await collect(postcodeCopyBatches(good, inThread, 2));
  assert.deepEqual(expected, [
    { rows: 2, data: [['LS1 4AP', 53.7965, -1.5478], ['LS2 9JT', 53.8, -1.55]] },
    { rows: 2, data: [['LS1 4AP', 50, -4], ['LS3 1AB', 53.1, -1.5]] },
    { rows: 2, data: [['LS7 3AA', 53.82, -1.53], ['LS2 9JT', 53.8, -1.55]] },
  ]);
  assert.deepEqual(inThread, { rowsRead: 9, skipped: { 'no coordinates': 2, 'terminated postcode': 1 } });
  for (const queued of [1, 2, 5]) {
    const inWorker = counts();
    assert.deepEqual(await collect(postcodeCopyBatchesInWorker(good, inWorker, 2, queued)), expected, `queued ${queued}`);
    assert.deepEqual(inWorker, inThread);
    assert.deepEqual(Object.keys(inWorker.skipped), Object.keys(inThread.skipped), 'reasons in the order first met');
  }
});

test('a bad row in the worker fails the reading with its line, after the batches before it, as on the main thread', async () => {
  const expectFailure = async (batches: AsyncIterable<CopyBatch>) => {
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const b of batches) seen.push(b.rows);
    }, (err: unknown) => err instanceof ImportError && BAD_LINE.test(err.message));
    return seen;
  };
  const inThread = await expectFailure(postcodeCopyBatches(bad, counts(), 2));
  assert.deepEqual(inThread, [2, 2, 2]);
  assert.deepEqual(await expectFailure(postcodeCopyBatchesInWorker(bad, counts(), 2)), inThread);
});

test('a file that cannot be read fails in the worker as it does on the main thread', async () => {
  const missing = join(dir, 'missing.csv');
  await assert.rejects(collect(postcodeCopyBatches(missing, counts(), 2)), /ENOENT/);
  await assert.rejects(collect(postcodeCopyBatchesInWorker(missing, counts(), 2)), /ENOENT/);
});

test('stopping early (a COPY that failed) ends the worker (else this file would never exit) and the next reading is whole', async () => {
  for await (const b of postcodeCopyBatchesInWorker(good, counts(), 2, 1)) {
    assert.equal(b.rows, 2);
    break;
  }
  const again = counts();
  assert.equal((await collect(postcodeCopyBatchesInWorker(good, again, 2))).length, 3);
  assert.equal(again.rowsRead, 9);
});

/** Imports in a transaction that is rolled back, answering the report and the table as it was inside it. */
async function importAndRollBack(bulk: boolean, file: string) {
  const client = await database.pool.connect();
  try {
    await client.query('begin');
    const loader: Queryable = bulk ? bulkLoader(client, database) : client;
    try {
      const report = await importWithin(loader, 'postcodes', file);
      const { rows } = await client.query('select postcode, latitude, longitude from postcode order by postcode');
      const key = await client.query("select 1 from pg_constraint where conname = 'postcode_pkey'");
      return { report, rows, key: key.rowCount };
    } finally {
      await client.query('rollback');
    }
  } finally {
    client.release();
  }
}

test('the bulk import through the worker leaves the rows, counts and key of the in-thread upsert path', async () => {
  const viaWorker = await importAndRollBack(true, good);
  const inThread = await importAndRollBack(false, good);
  assert.deepEqual(viaWorker.rows, inThread.rows);
  assert.deepEqual(viaWorker.rows.map((r) => r.postcode), ['LS1 4AP', 'LS2 9JT', 'LS3 1AB', 'LS7 3AA']);
  assert.equal(viaWorker.rows[0].latitude, 53.7965, 'the first of a repeated postcode kept');
  for (const field of ['rowsRead', 'inserted', 'updated', 'unchanged'] as const) assert.equal(viaWorker.report[field], inThread.report[field], field);
  assert.deepEqual(viaWorker.report.skipped, inThread.report.skipped);
  assert.deepEqual(viaWorker.report.skipped, { 'no coordinates': 2, 'terminated postcode': 1, 'postcode repeated (first kept)': 2 });
  assert.equal(viaWorker.key, 1);
});

test('a bad row fails the bulk import with its line, as the in-thread path does, and a rollback leaves nothing', async () => {
  await assert.rejects(importAndRollBack(true, bad), (err: unknown) => err instanceof ImportError && BAD_LINE.test(err.message));
  await assert.rejects(importAndRollBack(false, bad), (err: unknown) => err instanceof ImportError && BAD_LINE.test(err.message));
  assert.equal((await database.pool.query('select count(*)::int as n from postcode')).rows[0].n, 0);
});
