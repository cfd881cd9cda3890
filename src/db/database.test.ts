import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from './database.ts';
import { migrate } from './migrate.ts';

test('embedded PGlite: concurrent queries on several connections, transactions and migrations', { timeout: 120_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'openchoice-pglite-'));
  const database = await openDatabase({ kind: 'pglite', dataDir: dir, poolSize: 4 });
  try {
    assert.equal(database.kind, 'pglite');
    assert.ok((await migrate(database.pool)).length >= 2);
    // Different statement shapes with different parameter counts, interleaved across connections: each
    // connection's extended-protocol messages (Parse, Bind, Execute, Sync) must run together.
    const shapes = [
      (i: number) => database.pool.query('select $1::int as a', [i]),
      (i: number) => database.pool.query('select $1::int + $2::int as a', [i, 0]),
      (i: number) => database.pool.query('select $1::int + $2::int + $3::int as a', [i, 0, 0]),
      (i: number) => database.pool.query({ text: 'select $1::int as a', values: [i], rowMode: 'array' }),
    ];
    const answers = await Promise.all(
      Array.from({ length: 400 }, async (_, i) => {
        const r = await shapes[i % shapes.length]!(i);
        return Array.isArray(r.rows[0]) ? r.rows[0][0] : r.rows[0].a;
      }),
    );
    assert.deepEqual(answers, Array.from({ length: 400 }, (_, i) => i));

    // A transaction on one connection sees its own writes while other connections keep querying.
    await database.pool.query('create table t (x int)');
    const client = await database.pool.connect();
    await client.query('begin');
    await client.query('insert into t values ($1)', [1]);
    const others = Promise.all(Array.from({ length: 20 }, (_, i) => database.pool.query('select $1::int as a', [i])));
    assert.equal((await client.query('select count(*)::int as n from t')).rows[0].n, 1);
    await client.query('commit');
    client.release();
    assert.equal((await others).length, 20);
    assert.equal((await database.pool.query('select count(*)::int as n from t')).rows[0].n, 1);
    assert.equal(await database.ping(), true);

    // A second opener of the same folder is refused, plainly, while the first holds it.
    await assert.rejects(openDatabase({ kind: 'pglite', dataDir: dir, poolSize: 1 }), /in use by process \d+.*DATABASE_URL/s);
  } finally {
    await database.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('PostgreSQL: a checked-out connection terminated by the server (a restart, a failover) does not end the process', { timeout: 60_000 }, async (t) => {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const lost: Error[] = [];
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 3 }, (err) => lost.push(err));
  t.after(() => database.close());
  const client = await database.pool.connect();
  const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
  // Terminated while checked out and idle: pg emits 'error' on the client itself, which without a listener is an
  // uncaught exception that ends this test process.
  await database.pool.query('select pg_terminate_backend($1)', [pid]);
  for (let i = 0; i < 50 && lost.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(lost.length >= 1, 'the lost connection is reported');
  assert.match(lost[0]!.message, /terminat/i);
  client.release(lost[0]);
  assert.equal((await database.pool.query('select 1 as one')).rows[0].one, 1, 'the pool carries on with a new connection');
});
