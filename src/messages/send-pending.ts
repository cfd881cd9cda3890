// Sends what the outbox holds. A sender claims due rows in one statement (`for update skip locked`, so two
// senders, on one instance or many, never claim the same row), sends them outside any transaction (a slow
// Notify call must not hold locks, and PGlite runs one transaction at a time for everyone), then records the
// outcome. A row is claimed for a while (`claimed_until`) by a sender that holds a liveness lock: if the sender dies,
// its lock goes with its connection and the row is claimed again at once (else after claimed_until).
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.ts';
import { type MessageSender, type OutgoingMessage, PermanentSendError } from './sender.ts';
import { SENDER_LOCK_CLASS } from './sender-liveness.ts';
import { maskAccessCodes, type Personalisation, redact } from './templates.ts';

export interface SendOptions {
  /** Most rows claimed at once. */
  batch?: number;
  /** Attempts before a message fails for good. */
  maxAttempts?: number;
  /** Wait before the first retry; doubles with each further attempt, up to an hour. */
  retryBaseSeconds?: number;
  /** How long a claim lasts: longer than a send can take (Notify calls time out after 30 s). */
  claimSeconds?: number;
  /**
   * The sender's key while it holds its liveness lock (src/messages/sender-liveness.ts): rows it claims carry it, and
   * rows claimed by a sender whose lock is gone are claimed again at once. Without one, a claim lasts claimSeconds.
   */
  senderKey?: number | null;
  /**
   * Asked before each send: false once this sender's lock is lost (its connection cut while the process lives on),
   * when another sender may already have taken its claims over; the rest of the batch is then left to that one.
   */
  stillHoldsLock?: () => boolean;
}

export interface SendReport {
  sent: number;
  retrying: number;
  failed: number;
}

const MAX_BACKOFF_SECONDS = 3600;

/** Seconds to wait after a failed attempt `attempt` (1-based) before the next. */
export function backoffSeconds(attempt: number, baseSeconds: number): number {
  return Math.min(MAX_BACKOFF_SECONDS, baseSeconds * 2 ** (attempt - 1));
}

async function claim(db: Kysely<DB>, batch: number, claimSeconds: number, senderKey: number | null) {
  const { rows } = await sql<OutgoingMessage & { attempts: number }>`
    update outbox set status = 'sending', attempts = attempts + 1, claimed_until = now() + make_interval(secs => ${claimSeconds}), claimed_by = ${senderKey}
    where id in (
      select id from outbox
      where (status = 'pending' and next_attempt_at <= now())
         or (status = 'sending' and (claimed_until < now() or (claimed_by is not null and not exists (
              select 1 from pg_locks l
              where l.locktype = 'advisory' and l.classid = ${SENDER_LOCK_CLASS}::oid and l.objid = outbox.claimed_by::oid and l.objsubid = 2 and l.granted))))
      order by next_attempt_at, id
      limit ${batch}
      for update skip locked)
    returning id, ubrn, kind, audience, channel, recipient, personalisation, attempts`.execute(db);
  return rows.sort((a, b) => Number(a.id) - Number(b.id));
}

export async function sendPendingMessages(db: Kysely<DB>, sender: MessageSender, options: SendOptions = {}): Promise<SendReport> {
  const { batch = 20, maxAttempts = 5, retryBaseSeconds = 30, claimSeconds = 300, senderKey = null, stillHoldsLock = () => true } = options;
  const report: SendReport = { sent: 0, retrying: 0, failed: 0 };
  for (const message of await claim(db, batch, claimSeconds, senderKey)) {
    if (!stillHoldsLock()) break;
    // Once a row is done with, only the redacted personalisation is kept: the access code is not stored longer
    // than it takes to send it.
    const redacted = JSON.stringify(redact(message.personalisation as Personalisation));
    try {
      const { reference } = await sender.send(message);
      await db
        .updateTable('outbox')
        .set({ status: 'sent', sent_at: new Date(), delivered_via: sender.via, provider_reference: reference, personalisation: redacted, claimed_until: null, claimed_by: null, last_error: null })
        .where('id', '=', message.id)
        .execute();
      report.sent++;
    } catch (err) {
      // Kept for whoever looks into it; access codes masked in case a sender echoed one back.
      const error = maskAccessCodes(String((err as Error).message ?? err)).slice(0, 500);
      const giveUp = err instanceof PermanentSendError || message.attempts >= maxAttempts;
      await db
        .updateTable('outbox')
        .set(
          giveUp
            ? { status: 'failed', last_error: error, personalisation: redacted, claimed_until: null, claimed_by: null }
            : { status: 'pending', last_error: error, claimed_until: null, claimed_by: null, next_attempt_at: sql<Date>`now() + make_interval(secs => ${backoffSeconds(message.attempts, retryBaseSeconds)})` },
        )
        .where('id', '=', message.id)
        .execute();
      if (giveUp) report.failed++;
      else report.retrying++;
    }
  }
  return report;
}
