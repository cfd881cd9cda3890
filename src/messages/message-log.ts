// The local message log as staff may see it: what would have gone through GOV.UK Notify, newest first, with
// access codes masked and patients' names cut to initials (an administrator does not see patients' referrals).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { maskNames, maskRecipient } from './mask.ts';
import { maskAccessCodes, type Personalisation, versionOf } from './templates.ts';

export async function maskedMessageLog(db: Kysely<DB>, limit: number) {
  const rows = await db
    .selectFrom('message_log as m')
    .innerJoin('outbox as o', 'o.id', 'm.outbox_id')
    .leftJoin('referral as r', 'r.ubrn', 'm.ubrn')
    .select(['m.id', 'm.kind', 'm.audience', 'm.channel', 'm.recipient', 'm.ubrn', 'o.created_at', 'o.sent_at', 'm.subject', 'm.body', 'o.personalisation', 'r.patient_given_name', 'r.patient_family_name'])
    .orderBy('m.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((m) => ({
    id: m.id,
    kind: m.kind,
    audience: m.audience,
    channel: m.channel,
    recipient: maskRecipient(m.channel, m.recipient),
    ubrn: m.ubrn,
    createdAt: new Date(m.created_at).toISOString(),
    sentAt: m.sent_at ? new Date(m.sent_at).toISOString() : null,
    subject: m.subject,
    // The log is written without access codes; masked again here so this list can never show one.
    text: maskNames(maskAccessCodes(m.body), [m.patient_given_name, m.patient_family_name]),
    // The format the patient asked for, which the text alone does not show for large print.
    format: { version: versionOf(m.personalisation as Personalisation), largePrint: (m.personalisation as Personalisation).large_print === 'yes' },
  }));
}
