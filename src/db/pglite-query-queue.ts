// pglite-socket lets several `pg` connections share one PGlite, but its queue runs each protocol message on
// its own, so one connection's Parse/Bind/Execute can interleave with another's and the unnamed statement or
// portal of one is replaced by the other's ("bind message supplies 1 parameters…", "portal does not exist").
// This queue keeps each connection's extended-query messages together up to their Sync and runs them as one
// exclusive unit; and, as the original does, while a transaction is open it runs only that connection's work.
import type { PGlite } from '@electric-sql/pglite';

type OnData = (data: Uint8Array) => void;

interface Message {
  bytes: Uint8Array;
  onData: OnData;
}

interface Unit {
  handlerId: number;
  messages: Message[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

// Parse, Bind, Describe, Execute, Close, Flush: they wait for their Sync. Anything else (Sync, a simple Query,
// startup, Terminate) ends a unit.
const WAITS_FOR_SYNC = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));

export class SyncGroupedQueryQueue {
  readonly #db: PGlite;
  readonly #pending = new Map<number, Message[]>();
  #ready: Unit[] = [];
  #running = false;
  /** The connection whose transaction is open, if any. */
  #owner: number | null = null;

  constructor(db: PGlite) {
    this.#db = db;
  }

  /** Called by pglite-socket for each message of a connection, in order; resolves once it has been handled. */
  enqueue(handlerId: number, bytes: Uint8Array, onData: OnData): Promise<number> {
    const messages = this.#pending.get(handlerId) ?? [];
    messages.push({ bytes, onData });
    if (WAITS_FOR_SYNC.has(bytes[0]!)) {
      this.#pending.set(handlerId, messages);
      return Promise.resolve(0);
    }
    this.#pending.delete(handlerId);
    return new Promise((resolve, reject) => {
      this.#ready.push({ handlerId, messages, resolve: () => resolve(0), reject });
      void this.#drain();
    });
  }

  getQueueLength(): number {
    return this.#ready.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.#pending.delete(handlerId);
    this.#ready = this.#ready.filter((u) => {
      if (u.handlerId !== handlerId) return true;
      u.reject(new Error('Handler disconnected'));
      return false;
    });
  }

  /** A connection that closes inside its transaction must not leave it open for everyone else. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.#owner === handlerId && this.#db.isInTransaction()) {
      await this.#db.exec('rollback');
    }
    if (this.#owner === handlerId) this.#owner = null;
    void this.#drain();
  }

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      for (;;) {
        const inTransaction = this.#owner !== null && this.#db.isInTransaction();
        const i = inTransaction ? this.#ready.findIndex((u) => u.handlerId === this.#owner) : 0;
        if (i < 0 || this.#ready.length === 0) break; // wait for the transaction's owner to send more
        const [unit] = this.#ready.splice(i, 1);
        try {
          await this.#db.runExclusive(async () => {
            for (const m of unit!.messages) await this.#db.execProtocolRawStream(m.bytes, { onRawData: m.onData });
          });
          this.#owner = this.#db.isInTransaction() ? unit!.handlerId : null;
          unit!.resolve();
        } catch (err) {
          unit!.reject(err);
        }
      }
    } finally {
      this.#running = false;
    }
  }
}
