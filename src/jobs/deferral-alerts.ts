// The daily deferral job: reminds providers of deferrals whose contact-by date is near, and escalates those
// that are overdue. Each alert is recorded in deferral_alert in the same transaction as its message, under the
// referral's row lock, so running the job twice on a day, or on several instances at once, raises nothing twice.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { daysLeft } from '../domain/contact-by.ts';
// The history says the date as the pages do; the provider's email keeps the message's own style, with the weekday.
import { formatDate as writtenDate } from '../domain/dates.ts';
import { enqueueMessage } from '../messages/enqueue.ts';
import { formatDate } from '../messages/patient-messages.ts';
import { noteInHistory } from '../referrals/history.ts';

export interface AlertOptions {
  /** The day to act for, 'YYYY-MM-DD' (London); tests choose it. */
  today: string;
  /** Remind when this many days or fewer are left. */
  reminderDaysBefore: number;
  /** Where alerts go for a provider without a provider_contact row. */
  fallbackEmail: string;
  /** An overdue referral is escalated again after this many days while still overdue. */
  reescalateAfterDays?: number;
}

export interface AlertReport {
  reminded: number;
  escalated: number;
}

export const SYSTEM_ACTOR = 'deferral job';

/** A calendar date `days` after another, both 'YYYY-MM-DD'. */
function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export async function raiseDeferralAlerts(db: Kysely<DB>, options: AlertOptions): Promise<AlertReport> {
  const { today, reminderDaysBefore } = options;
  const due = await db
    .selectFrom('referral')
    .select(['ubrn'])
    .where('status', '=', 'DEFERRED_TO_PROVIDER')
    .where('contact_by', '<=', addDays(today, reminderDaysBefore))
    .orderBy('contact_by')
    .execute();
  const report: AlertReport = { reminded: 0, escalated: 0 };
  // One short transaction per referral: PGlite runs one transaction at a time for every connection.
  for (const { ubrn } of due) {
    const outcome = await db.transaction().execute((trx) => alertFor(trx, ubrn, options));
    if (outcome) report[outcome]++;
  }
  return report;
}

async function alertFor(trx: Transaction<DB>, ubrn: string, options: AlertOptions): Promise<'reminded' | 'escalated' | null> {
  const { today, reminderDaysBefore, reescalateAfterDays = 7 } = options;
  const r = await trx
    .selectFrom('referral as r')
    .innerJoin('service as s', 's.id', 'r.deferred_service_id')
    .leftJoin('provider_contact as pc', 'pc.ods_code', 's.provider_ods_code')
    .select(['r.status', 'r.contact_by', 's.name as service', 'pc.asi_email'])
    .where('r.ubrn', '=', ubrn)
    .forUpdate('r')
    .executeTakeFirst();
  // Acted on since the list was read.
  if (!r || r.status !== 'DEFERRED_TO_PROVIDER' || !r.contact_by) return null;
  const left = daysLeft(r.contact_by, today);
  const kind = left < 0 ? 'ESCALATION' : left <= reminderDaysBefore ? 'REMINDER' : null;
  if (!kind) return null;

  // A reminder once per deferral; an escalation once, then again every few days while it stays overdue.
  let earlier = trx.selectFrom('deferral_alert').select('on_date').where('ubrn', '=', ubrn).where('kind', '=', kind).where('contact_by', '=', r.contact_by);
  if (kind === 'ESCALATION') earlier = earlier.where('on_date', '>', addDays(today, -reescalateAfterDays));
  if (await earlier.executeTakeFirst()) return null;
  const recorded = await trx
    .insertInto('deferral_alert')
    .values({ ubrn, kind, contact_by: r.contact_by, on_date: today })
    .onConflict((oc) => oc.doNothing())
    .returning('ubrn')
    .executeTakeFirst();
  if (!recorded) return null;

  const to = { ubrn, audience: 'provider' as const, channel: 'email' as const, recipient: r.asi_email ?? options.fallbackEmail };
  const fields = { ubrn, service: r.service, contact_by: formatDate(r.contact_by) };
  if (kind === 'REMINDER') {
    await enqueueMessage(trx, { ...to, kind: 'CONTACT_BY_REMINDER', personalisation: { ...fields, days_left: left } });
    return 'reminded';
  }
  await enqueueMessage(trx, { ...to, kind: 'DEFERRAL_OVERDUE', personalisation: { ...fields, days_overdue: -left } });
  await noteInHistory(trx, ubrn, { kind: 'system', label: SYSTEM_ACTOR }, `Escalated: the provider was to contact the patient by ${writtenDate(r.contact_by)} and is ${-left} day${left === -1 ? '' : 's'} overdue`);
  return 'escalated';
}
