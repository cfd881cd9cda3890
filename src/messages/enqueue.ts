// Writing a message to the outbox. Always called with the transaction that makes the change the message is about,
// so the message exists exactly when the change committed; the sending job picks it up afterwards.
import type { Transaction } from 'kysely';
import type { DB, MessageAudience, MessageChannel, MessageKind } from '../db/schema.ts';
import type { Personalisation } from './templates.ts';

export interface NewMessage {
  ubrn: string;
  kind: MessageKind;
  audience: MessageAudience;
  channel: MessageChannel;
  recipient: string;
  personalisation: Personalisation;
}

export async function enqueueMessage(trx: Transaction<DB>, message: NewMessage): Promise<void> {
  await trx
    .insertInto('outbox')
    .values({ ...message, personalisation: JSON.stringify(message.personalisation), claimed_until: null, last_error: null, sent_at: null, delivered_via: null, provider_reference: null })
    .execute();
}
