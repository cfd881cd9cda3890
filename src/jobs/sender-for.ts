import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { LocalLogSender } from '../messages/local-log-sender.ts';
import { createNotifyClient, NotifySender } from '../messages/notify-sender.ts';
import type { MessageSender } from '../messages/sender.ts';

/** GOV.UK Notify when configured, else the local message log. */
export function senderFor(config: Config, database: Database): MessageSender {
  const delivery = config.messages.delivery;
  return delivery.via === 'notify' ? new NotifySender(createNotifyClient(delivery.apiKey), delivery.templates, config.publicUrl) : new LocalLogSender(database.db, config.publicUrl);
}
