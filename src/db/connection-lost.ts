// Which errors mean that the connection to the database broke under a query (the server killed, a failover, the
// network cut). pg passes the socket's own error on, with nothing to say it came from the database: a bare
// ECONNRESET could as well come from a call to another service (Notify, an identity provider), so the code alone is
// not enough (src/http/problem.ts). Errors are therefore marked where they leave pg on the way to Kysely.
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';

/** The socket errors of a connection that was there and is no more. */
const SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);
const lost = new WeakSet<object>();

/** Whether this error is the database connection breaking, as marked by `markingLostConnections`. */
export function isLostDatabaseConnection(error: unknown): boolean {
  return typeof error === 'object' && error !== null && lost.has(error);
}

const mark = (error: unknown): never => {
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof Error && typeof code === 'string' && SOCKET_CODES.has(code)) lost.add(error);
  throw error;
};

/** The pool as Kysely sees it, with the socket errors of its connections marked as the database's. */
export function markingLostConnections(pool: pg.Pool): PostgresPool {
  // One face per pg client: Kysely keeps its connection objects by the client it is handed.
  const faces = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const faceOf = (client: pg.PoolClient): PostgresPoolClient => {
    function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
    function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
    function query<R>(sqlOrCursor: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
      // Kysely streams through a cursor only when given one (openDatabase gives none); passed on as it is.
      if (typeof sqlOrCursor !== 'string') return client.query(sqlOrCursor as never) as PostgresCursor<R>;
      return (client.query(sqlOrCursor, parameters as unknown[]) as unknown as Promise<PostgresQueryResult<R>>).catch(mark);
    }
    const face: PostgresPoolClient = { query, release: () => client.release() };
    faces.set(client, face);
    return face;
  };
  return {
    async connect() {
      const client = await pool.connect().catch(mark);
      return faces.get(client) ?? faceOf(client);
    },
    end: () => pool.end(),
  };
}
