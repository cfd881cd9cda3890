// How a message leaves the service: through GOV.UK Notify when it is configured, otherwise into the local
// message log. The outbox job does not care which.
import type { NewMessage } from './enqueue.ts';

/** A message from the outbox: what was enqueued, with its row id. */
export interface OutgoingMessage extends NewMessage {
  id: number;
}

export interface MessageSender {
  readonly via: 'notify' | 'local';
  /** Sends one message; answers the delivery's own reference. Throws to have it retried later. */
  send(message: OutgoingMessage): Promise<{ reference: string }>;
}

/** A failure that trying again cannot fix (a rejected address, a missing template): the message fails at once. */
export class PermanentSendError extends Error {
  override name = 'PermanentSendError';
}
