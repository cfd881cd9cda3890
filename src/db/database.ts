import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import { markingLostConnections } from './connection-lost.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { SyncGroupedQueryQueue } from './pglite-query-queue.ts';
import type { DB } from './schema.ts';

// Return numeric and bigint columns as JS numbers: counts and waits here stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
// Keep `date` columns as 'YYYY-MM-DD' strings: they are calendar dates, not instants.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export type DatabaseKind = 'postgres' | 'pglite';

export interface Database {
  kind: DatabaseKind;
  pool: pg.Pool;
  db: Kysely<DB>;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
  /**
   * Embedded PGlite only: COPY rows given as CSV (text, or its UTF-8 bytes) into a table, on the one session PGlite
   * has, so inside the transaction a caller holds open on it. Several times faster than inserts for a bulk load (the
   * postcodes).
   */
  copyCsv?: (table: string, columns: readonly string[], csv: string | Uint8Array) => Promise<void>;
  /** Embedded PGlite only: as copyCsv, of rows in PostgreSQL's binary COPY format (src/importers/copy-binary.ts). */
  copyBinary?: (table: string, columns: readonly string[], data: Uint8Array) => Promise<void>;
}

/**
 * Opens the configured database. Both engines are reached through `pg`: in embedded mode PGlite is
 * served on a loopback port by pglite-socket, so every query, migration and job runs the same code.
 * PGlite serialises transactions across connections: never wait on another connection inside one.
 */
/** `onConnectionError` hears of each connection lost (for one line in the log); the pool carries on without it. */
export async function openDatabase(config: Config['database'], onConnectionError?: (err: Error) => void): Promise<Database> {
  if (config.kind === 'postgres') {
    return wrap('postgres', new pg.Pool({ connectionString: config.url, max: config.poolSize }), async () => {}, onConnectionError);
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  await mkdir(config.dataDir, { recursive: true });
  const unlock = await lockDataDir(config.dataDir);
  const lite = await PGlite.create(config.dataDir).catch(async (err: unknown) => {
    await unlock();
    throw err;
  });
  const server = new PGLiteSocketServer({ db: lite, host: '127.0.0.1', port: 0, maxConnections: config.poolSize + 2 + (config.otherClients ?? 0) });
  // Replace the socket server's message queue before any connection exists (see pglite-query-queue.ts).
  (server as unknown as { queryQueue: SyncGroupedQueryQueue }).queryQueue = new SyncGroupedQueryQueue(lite);
  await server.start();
  const port = listeningPort(server);
  const pool = new pg.Pool({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', max: config.poolSize });
  const database = wrap('pglite', pool, async () => {
    await server.stop();
    await lite.close();
    await unlock();
  }, onConnectionError);
  const copyFrom = (format: 'csv' | 'binary') => async (table: string, columns: readonly string[], data: string | Uint8Array) => {
    await lite.query(`copy ${table} (${columns.join(', ')}) from '/dev/blob' with (format ${format})`, [], { blob: new Blob([data as Uint8Array<ArrayBuffer> | string]) });
  };
  database.copyCsv = copyFrom('csv');
  database.copyBinary = copyFrom('binary');
  return database;
}

function listeningPort(server: object): number {
  // pglite-socket does not expose the bound port when asked for port 0; read it from its net.Server.
  const inner = (server as { server?: { address(): AddressInfo | string | null } }).server;
  const address = inner?.address();
  if (!address || typeof address === 'string') throw new Error('pglite-socket did not report a TCP port');
  return address.port;
}

function wrap(kind: DatabaseKind, pool: pg.Pool, closeEngine: () => Promise<void>, onConnectionError?: (err: Error) => void): Database {
  // A client that loses its connection must not crash the process: an idle one is reported by the pool (which
  // replaces it), a checked-out one by the client itself (57P01 on a restart or failover), where no listener means
  // an uncaught 'error' event. The query it was running fails on its own and its caller answers for it.
  const lost = (err: Error) => onConnectionError?.(err);
  pool.on('error', lost);
  pool.on('connect', (client) => client.on('error', lost));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: markingLostConnections(pool) }) });
  return {
    kind,
    pool,
    db,
    async ping() {
      try {
        await pool.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await db.destroy();
      await closeEngine();
    },
  };
}
