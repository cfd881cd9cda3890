// The binary COPY writer must give PostgreSQL exactly the values it was handed: text in any script, every finite
// double to the last bit, NULLs; and refuse what COPY cannot hold rather than write something else.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { type Database, openDatabase } from '../db/database.ts';
import { rowsOfBinaryCopy } from '../testing/binary-copy.ts';
import { type BinaryCopyType, binaryCopyOf } from './copy-binary.ts';

const TYPES: BinaryCopyType[] = ['text', 'float8', 'float8'];
// PostgreSQL text cannot hold NUL; -0 is a double PostgreSQL keeps, so it is left in.
const text = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0'));
const double = fc.double({ noNaN: true, noDefaultInfinity: true });
const row = fc.tuple(fc.option(text), fc.option(double), double);
const columnsOf = (rows: readonly (readonly unknown[])[]) => TYPES.map((_t, c) => rows.map((r) => r[c]));

let dir: string;
let database: Database;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openchoice-copy-binary-'));
  database = await openDatabase({ kind: 'pglite', dataDir: dir, poolSize: 2 });
  await database.pool.query('create table t (i serial primary key, s text, x float8, y float8 not null)');
});
after(async () => {
  await database.close();
  await rm(dir, { recursive: true, force: true });
});

test('a batch reads back as the rows it was made of', () => {
  fc.assert(fc.property(fc.array(row, { maxLength: 30 }), (rows) => {
    assert.deepEqual(rowsOfBinaryCopy(binaryCopyOf(columnsOf(rows), TYPES, rows.length), TYPES), rows);
  }), { numRuns: 100 });
});

test('PostgreSQL (embedded PGlite) stores exactly the values of a binary COPY, in order', async () => {
  await fc.assert(fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 30 }), async (rows) => {
    await database.pool.query('truncate t restart identity');
    await database.copyBinary!('t', ['s', 'x', 'y'], binaryCopyOf(columnsOf(rows), TYPES, rows.length));
    const back = await database.pool.query({ text: 'select s, x, y from t order by i', rowMode: 'array' });
    assert.deepEqual(back.rows, rows);
  }), { numRuns: 60 });
});

test('a value COPY cannot hold as its column type is refused, naming the row and column', () => {
  assert.throws(() => binaryCopyOf([['a', 'b'], [1, Number.NaN], [0, 0]], TYPES, 2), /cannot COPY NaN as float8 \(row 2, column 2\)/);
  assert.throws(() => binaryCopyOf([['a'], [Infinity], [0]], TYPES, 1), /cannot COPY Infinity as float8 \(row 1, column 2\)/);
  assert.throws(() => binaryCopyOf([[7], [1], [0]], TYPES, 1), /cannot COPY a number as text \(row 1, column 1\)/);
  assert.throws(() => binaryCopyOf([['a'], ['1.5'], [0]], TYPES, 1), /cannot COPY 1.5 as float8/);
  assert.throws(() => binaryCopyOf([['a'], [1]], TYPES, 1), /2 columns but 3 types/);
});

test('an empty batch is a valid stream of no rows', async () => {
  await database.pool.query('truncate t');
  await database.copyBinary!('t', ['s', 'x', 'y'], binaryCopyOf([[], [], []], TYPES, 0));
  assert.equal((await database.pool.query('select count(*)::int as n from t')).rows[0].n, 0);
});
