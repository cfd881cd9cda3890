// A database connection reset under a query (PostgreSQL killed, a failover cutting the network) is recognised as the
// database being unreachable, so the request answers 503, not 500 with a stack; the same code from elsewhere is
// not (issue 12: found by test/crash/postgres-restart.test.ts, where SIGKILLed servers gave 500s).
import assert from 'node:assert/strict';
import { createServer, type Socket, connect } from 'node:net';
import { test } from 'node:test';
import { sql } from 'kysely';
import { isDatabaseUnreachable } from '../http/problem.ts';
import { TEST_DATABASE_URL } from '../testing/database-server.ts';
import { openDatabase } from './database.ts';
import { isLostDatabaseConnection } from './connection-lost.ts';

/** A TCP relay to the test PostgreSQL server whose connections can be reset, as a killed server's are. */
async function resettableRelay(target: URL) {
  const sockets = new Set<Socket>();
  let resetOnAccept = false;
  const server = createServer((downstream) => {
    if (resetOnAccept) return downstream.resetAndDestroy();
    const upstream = connect(Number(target.port || 5432), target.hostname);
    sockets.add(downstream);
    downstream.on('close', () => {
      sockets.delete(downstream);
      upstream.destroy(); // the server then sees its client gone, as after a real reset
    });
    downstream.on('error', () => {});
    upstream.on('error', () => downstream.destroy());
    downstream.pipe(upstream).pipe(downstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    resetAll() {
      for (const s of sockets) s.resetAndDestroy();
    },
    refuseFromNowOn() {
      resetOnAccept = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test('a query whose connection is reset, and a connection reset as it opens, count as the database unreachable', { timeout: 30_000 }, async (t) => {
  const target = new URL(TEST_DATABASE_URL);
  const relay = await resettableRelay(target);
  const url = new URL(TEST_DATABASE_URL);
  url.port = String(relay.port);
  url.pathname = '/postgres';
  const lost: Error[] = [];
  const database = await openDatabase({ kind: 'postgres', url: url.href, poolSize: 2 }, (err) => lost.push(err));
  t.after(async () => {
    await database.close().catch(() => {});
    await relay.close();
  });

  assert.equal((await sql<{ one: number }>`select 1 as one`.execute(database.db)).rows[0]?.one, 1);
  const running = sql`select pg_sleep(10)`.execute(database.db);
  await new Promise((r) => setTimeout(r, 200));
  relay.resetAll();
  const midQuery = await running.then(() => null, (err: unknown) => err);
  assert.equal((midQuery as { code?: string } | null)?.code, 'ECONNRESET');
  assert.equal(isLostDatabaseConnection(midQuery), true);
  assert.equal(isDatabaseUnreachable(midQuery), true, 'a reset under a query: 503');

  relay.refuseFromNowOn();
  const atConnect = await sql`select 1`.execute(database.db).then(() => null, (err: unknown) => err);
  assert.equal((atConnect as { code?: string } | null)?.code, 'ECONNRESET');
  assert.equal(isDatabaseUnreachable(atConnect), true, 'a reset while connecting: 503');

  // The same code from anything but a database connection is not taken for the database.
  const elsewhere = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  assert.equal(isDatabaseUnreachable(elsewhere), false);
});
