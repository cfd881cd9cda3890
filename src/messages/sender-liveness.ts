// Whether an outbox sender is alive, as the database sees it: each sender holds a session-level advisory lock on
// a connection of its own for as long as it runs. PostgreSQL drops the lock the moment that connection ends (the
// process killed, the machine gone), so another instance can take over the dead sender's claimed rows within seconds
// (src/messages/send-pending.ts) instead of waiting out the claim. (In embedded mode there is one process and its
// PGlite: the lock lives as long as the process does.)
import pg from 'pg';

/** The advisory lock class of outbox senders (pg_locks.classid); the key (objid) is the sender's. */
export const SENDER_LOCK_CLASS = 20299;

export interface SenderLiveness {
  /** This sender's key while its lock is held; null while it is being (re)taken. */
  readonly key: number | null;
  stop(): Promise<void>;
}

type Log = { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };

const randomKey = () => 1 + Math.floor(Math.random() * 0x7ffffffe);

/** Takes a sender lock on a connection of its own, and takes a new one if that connection is lost. */
export async function startSenderLiveness(pool: pg.Pool, log: Log, retryMs = 2000): Promise<SenderLiveness> {
  const options = pool.options;
  let key: number | null = null;
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;

  const take = async (): Promise<void> => {
    const c = new pg.Client(options.connectionString
      ? { connectionString: options.connectionString, application_name: 'openchoice-outbox-sender' }
      : { host: options.host, port: options.port, user: options.user, password: options.password as string | undefined, database: options.database, application_name: 'openchoice-outbox-sender' });
    c.on('error', (err) => {
      // The lock went with the connection: claim nothing until a new one is held.
      log.warn({ code: (err as { code?: string }).code }, `outbox sender lost its lock connection: ${err.message}`);
      lost(c);
    });
    c.on('end', () => lost(c));
    await c.connect();
    for (;;) {
      const candidate = randomKey();
      const { rows } = await c.query<{ ok: boolean }>('select pg_try_advisory_lock($1, $2) as ok', [SENDER_LOCK_CLASS, candidate]);
      if (rows[0]?.ok) {
        client = c;
        key = candidate;
        return;
      }
    }
  };
  const lost = (c: pg.Client) => {
    if (client !== c) return;
    client = null;
    key = null;
    schedule();
  };
  const schedule = () => {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = null;
      take().catch((err: Error) => {
        log.warn({ code: (err as { code?: string }).code }, `outbox sender could not take its lock: ${err.message}`);
        schedule();
      });
    }, retryMs);
    retry.unref();
  };

  try {
    await take();
  } catch (err) {
    log.warn({ code: (err as { code?: string }).code }, `outbox sender could not take its lock: ${(err as Error).message}`);
    schedule();
  }
  return {
    get key() {
      return key;
    },
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = null;
      key = null;
      if (c) {
        await c.query('select pg_advisory_unlock_all()').catch(() => {});
        await c.end().catch(() => {});
      }
    },
  };
}
