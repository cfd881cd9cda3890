import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';

/**
 * A stop function for a process that serves `app`: it finishes requests in flight, closes the database and
 * exits 0; if that takes longer than `graceMs` it exits 1. Calling it again does nothing. `alsoStop` (the
 * background jobs) is stopped after the app and before the database, which its work still needs.
 */
export function gracefulStop(app: FastifyInstance, database: Database, graceMs: number, alsoStop?: () => Promise<void>): (reason: string) => Promise<void> {
  let stopping = false;
  return async (reason) => {
    if (stopping) return;
    stopping = true;
    app.log.info(`${reason}: finishing requests in flight, then stopping`);
    const force = setTimeout(() => process.exit(1), graceMs).unref();
    try {
      await app.close();
      await alsoStop?.();
      await database.close();
    } finally {
      clearTimeout(force);
      process.exit(0);
    }
  };
}
