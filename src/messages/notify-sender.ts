// The sender through GOV.UK Notify (notifications-node-client). Notify keeps the sent copy and reports delivery;
// our outbox keeps Notify's notification id.
import { NotifyClient } from 'notifications-node-client';
import type { MessageChannel, MessageKind } from '../db/schema.ts';
import { type MessageSender, type OutgoingMessage, PermanentSendError } from './sender.ts';
import { versionOf, withServiceAddress } from './templates.ts';

type Sent = Promise<{ data: { id: string } }>;
type Options = { personalisation?: Record<string, string | number>; reference?: string };

/** The part of NotifyClient used here, so tests can pass a fake and never reach Notify. */
export interface NotifyClientLike {
  sendEmail(templateId: string, emailAddress: string, options: Options): Sent;
  sendSms(templateId: string, phoneNumber: string, options: Options): Sent;
  sendLetter(templateId: string, options: Options): Sent;
}

/** Template ids by 'KIND:channel', e.g. 'BOOKING_CONFIRMATION:email', and by version: 'BOOKING_CONFIRMATION:email:welsh'. */
export type NotifyTemplates = Readonly<Record<string, string>>;

export const templateKey = (kind: MessageKind, channel: MessageChannel, version?: string) => `${kind}:${channel}${version ? `:${version}` : ''}`;

// Without a limit a request that hangs would hold its outbox row past its claim; see send-pending.ts.
const REQUEST_TIMEOUT_MS = 30_000;

export function createNotifyClient(apiKey: string): NotifyClientLike {
  const client = new NotifyClient(apiKey);
  const rest = (client as unknown as { apiClient: { restClient: (o: object) => unknown } }).apiClient.restClient;
  client.setClient(((options: object) => rest({ ...options, timeout: REQUEST_TIMEOUT_MS })) as never);
  return client as unknown as NotifyClientLike;
}

export class NotifySender implements MessageSender {
  readonly via = 'notify';
  readonly #client: NotifyClientLike;
  readonly #templates: NotifyTemplates;
  readonly #publicUrl: string;

  /** `publicUrl`: the service's address (PUBLIC_URL), sent as the `manage_link` field. */
  constructor(client: NotifyClientLike, templates: NotifyTemplates, publicUrl: string) {
    this.#client = client;
    this.#templates = templates;
    this.#publicUrl = publicUrl;
  }

  /**
   * The template for the version the patient asked for; the standard one when no such version is set up, since a
   * letter in English is better than none (the easy read and Welsh words are in ./easy-read-templates.ts and
   * ./welsh-templates.ts, for copying into Notify).
   */
  #templateFor(message: OutgoingMessage): string | undefined {
    const version = versionOf(message.personalisation);
    return (version === 'standard' ? undefined : this.#templates[templateKey(message.kind, message.channel, version)]) ?? this.#templates[templateKey(message.kind, message.channel)];
  }

  async send(message: OutgoingMessage): Promise<{ reference: string }> {
    const templateId = this.#templateFor(message);
    if (!templateId) throw new PermanentSendError(`No Notify template for ${templateKey(message.kind, message.channel)} (set NOTIFY_TEMPLATE_IDS)`);
    // Our reference names the outbox row only: Notify shows it to its users, so nothing of the patient.
    const reference = `outbox-${message.id}`;
    try {
      const answer = await this.#dispatch(templateId, message, reference);
      return { reference: answer.data.id };
    } catch (err) {
      throw describeNotifyError(err);
    }
  }

  #dispatch(templateId: string, message: OutgoingMessage, reference: string): Sent {
    const personalisation = withServiceAddress(message.personalisation, this.#publicUrl);
    switch (message.channel) {
      case 'email':
        return this.#client.sendEmail(templateId, message.recipient, { personalisation, reference });
      case 'sms':
        return this.#client.sendSms(templateId, message.recipient, { personalisation, reference });
      case 'letter': {
        const lines = message.recipient.split('\n').filter((l) => l.trim() !== '');
        // Notify needs 3 to 7 address lines ending with the postcode.
        if (lines.length < 3) throw new PermanentSendError(`A letter needs at least 3 address lines; this one has ${lines.length}`);
        const address = Object.fromEntries(lines.slice(0, 7).map((line, i) => [`address_line_${i + 1}`, line]));
        return this.#client.sendLetter(templateId, { personalisation: { ...personalisation, ...address }, reference });
      }
    }
  }
}

/**
 * Notify's answer as an error we can keep: its status and error codes, never the request (which holds the
 * personalisation). A 400 is a message Notify will never accept; anything else (429, 5xx, the network) may pass later.
 */
function describeNotifyError(err: unknown): Error {
  if (err instanceof PermanentSendError) return err;
  const response = (err as { response?: { status?: number; data?: { errors?: { error?: string; message?: string }[] } } }).response;
  if (!response?.status) return new Error(`Notify unreachable: ${(err as { code?: string }).code ?? (err as Error).message ?? 'unknown error'}`);
  const detail = (response.data?.errors ?? []).map((e) => `${e.error ?? 'Error'}: ${e.message ?? ''}`).join('; ');
  const text = `Notify answered ${response.status}${detail ? `: ${detail}` : ''}`;
  return response.status === 400 ? new PermanentSendError(text) : new Error(text);
}
