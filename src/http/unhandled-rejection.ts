// What the process does with a promise rejection nobody handled. pg-boss 10 does not wait for its own writes that
// mark a job complete or failed (manager.js, onFetch), so when the database goes away just as a job ends, the
// rejection is unhandled and Node ends the process: on a failover, every instance at once (found by
// test/crash/postgres-restart.test.ts, once in about 200 restarts). A rejection that only says the database is
// unreachable is logged in one line and the service carries on (pg-boss runs the job again once its claim expires).
// Any other is thrown on, so Node ends the process as it would have: an unknown fault is not hidden.
import { isDatabaseUnreachable } from './problem.ts';

type Log = { warn(obj: object, msg: string): void };

export function whenUnhandledRejection(log: Log): (reason: unknown) => void {
  return (reason) => {
    if (!isDatabaseUnreachable(reason)) throw reason;
    log.warn({ code: (reason as { code?: string }).code }, `a background database call failed while the database was unreachable: ${(reason as Error).message}`);
  };
}
