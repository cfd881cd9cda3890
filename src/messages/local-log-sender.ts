// The sender when GOV.UK Notify is not configured (development, the demo): it "sends" by writing what the
// recipient would read into message_log, which administrators can list (GET /api/v1/messages).
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { MessageSender, OutgoingMessage } from './sender.ts';
import { redact, render, withServiceAddress } from './templates.ts';

const REFERENCE_PREFIX = 'message_log:';

export class LocalLogSender implements MessageSender {
  readonly via = 'local';
  readonly #db: Kysely<DB>;
  readonly #publicUrl: string;

  /** `publicUrl`: the service's address (PUBLIC_URL), which every message to a patient gives. */
  constructor(db: Kysely<DB>, publicUrl: string) {
    this.#db = db;
    this.#publicUrl = publicUrl;
  }

  async send(message: OutgoingMessage): Promise<{ reference: string }> {
    // Claimed again after its copy was written but before its row was marked sent (the database lost between the two):
    // the copy in the log is its delivery, not a reason to write a second one.
    const earlier = await this.#db.selectFrom('outbox').select('provider_reference').where('id', '=', message.id).executeTakeFirst();
    if (earlier?.provider_reference?.startsWith(REFERENCE_PREFIX)) return { reference: earlier.provider_reference };
    // Rendered from the redacted fields: the log is kept, so it must never hold an access code.
    const { subject, body } = render(message.kind, message.channel, withServiceAddress(redact(message.personalisation), this.#publicUrl));
    // The copy and its reference on the outbox row in one statement, so that neither is ever there without the other.
    const row = await this.#db
      .with('logged', (db) =>
        db
          .insertInto('message_log')
          .values({ outbox_id: message.id, ubrn: message.ubrn, kind: message.kind, audience: message.audience, channel: message.channel, recipient: message.recipient, subject, body })
          .returning('id'),
      )
      .updateTable('outbox')
      .set({ provider_reference: sql<string>`${REFERENCE_PREFIX} || (select id from logged)` })
      .where('id', '=', message.id)
      .returning('provider_reference')
      .executeTakeFirstOrThrow();
    return { reference: row.provider_reference! };
  }
}
