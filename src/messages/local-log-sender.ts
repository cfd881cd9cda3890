// The sender when GOV.UK Notify is not configured (development, the demo): it "sends" by writing what the
// recipient would read into message_log, which administrators can list (GET /api/v1/messages).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { MessageSender, OutgoingMessage } from './sender.ts';
import { redact, render, withServiceAddress } from './templates.ts';

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
    // Rendered from the redacted fields: the log is kept, so it must never hold an access code.
    const { subject, body } = render(message.kind, message.channel, withServiceAddress(redact(message.personalisation), this.#publicUrl));
    const row = await this.#db
      .insertInto('message_log')
      .values({
        outbox_id: message.id,
        ubrn: message.ubrn,
        kind: message.kind,
        audience: message.audience,
        channel: message.channel,
        recipient: message.recipient,
        subject,
        body,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { reference: `message_log:${row.id}` };
  }
}
