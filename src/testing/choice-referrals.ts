// Test support for the commissioner's choice pages: many referrals, of several practices, providers and dates, made
// by copying one real referral (made through the API) row for row with a few columns changed, so every NOT NULL
// column is as the service writes it and the triggers of migration 018 make their choice facts as for any referral.
import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import type { FewerOptionsCode } from '../db/schema.ts';

export interface ReferralCopy {
  /** the London date the referral was made */
  madeOn: string;
  /** the referring GP practice (an organisation of kind GP_PRACTICE) */
  practice: string;
  optionsOffered: number;
  fewerOptionsCode?: FewerOptionsCode | null;
  patientChose?: boolean;
  paper?: boolean;
  /** the service it waits at (its provider is the provider of the figures); null for none */
  serviceId?: string | null;
  specialty?: string;
  /** deferred to the provider for want of a slot: a DEFERRED_TO_PROVIDER history entry */
  slotIssue?: boolean;
  /** rejected by the provider of serviceId */
  rejected?: boolean;
}

/** UBRNs of the copies: 12 digits starting 7000, which the demo's random ones (1–9 first) could take only by chance. */
export const copyUbrn = (i: number) => `7000${String(i).padStart(8, '0')}`;

/** Copies the referral `templateUbrn` once for each entry; returns the new UBRNs in order. */
export async function copyReferrals(database: Database, templateUbrn: string, copies: readonly ReferralCopy[], firstSerial = 1): Promise<string[]> {
  const columns = (await database.pool.query<{ column_name: string }>(
    `select column_name from information_schema.columns where table_schema = current_schema() and table_name = 'referral' order by ordinal_position`,
  )).rows.map((r) => r.column_name);
  const ubrns: string[] = [];
  for (const [i, c] of copies.entries()) {
    const ubrn = copyUbrn(firstSerial + i);
    const at = `${c.madeOn}T12:00:00+00:00`;
    const overrides: Record<string, unknown> = {
      ubrn, created_at: at, updated_at: at, referring_organisation_ods_code: c.practice, options_offered: c.optionsOffered,
      fewer_options_code: c.optionsOffered >= 1 && c.optionsOffered <= 4 ? (c.fewerOptionsCode ?? null) : null,
      patient_chose: c.patientChose ?? false, received_via: c.paper ? 'PAPER' : 'ELECTRONIC',
      current_service_id: c.serviceId ?? null, deferred_service_id: null, specialty_code: c.specialty ?? '110',
      status: c.rejected ? 'REJECTED' : 'NOT_BOOKED',
      rejected_at: c.rejected ? at : null, rejected_service_id: c.rejected ? (c.serviceId ?? null) : null, rejection_reason: c.rejected ? 'SERVICE_CANNOT_MEET_NEEDS' : null,
      rejected_by: c.rejected ? 'test' : null, transferred_from_ubrn: null,
    };
    const values: unknown[] = [templateUbrn];
    const select = columns.map((col) => {
      if (!Object.hasOwn(overrides, col)) return `"${col}"`;
      values.push(overrides[col]);
      return `$${values.length}${col === 'created_at' || col === 'updated_at' || col === 'rejected_at' ? '::timestamptz' : ''}`;
    });
    await database.pool.query(`insert into referral (${columns.map((c) => `"${c}"`).join(', ')}) select ${select.join(', ')} from referral where ubrn = $1`, values);
    if (c.slotIssue) {
      await database.pool.query(
        `insert into referral_event (ubrn, at, actor_kind, actor_label, from_status, to_status, reason) values ($1, $2::timestamptz, 'system', 'test', 'NOT_BOOKED', 'DEFERRED_TO_PROVIDER', 'No slot free')`,
        [ubrn, at],
      );
    }
    ubrns.push(ubrn);
  }
  return ubrns;
}

/**
 * Takes the demo's year of referral history (UBRNs beginning 0, src/demo/referral-history.ts) out of a test's own
 * copy of the demo database, for tests that count exactly the referrals they made. Referrals are never deleted by the
 * service, so the choice facts' triggers do not follow a delete: the facts and their rollup are rebuilt after it.
 */
export async function withoutDemoHistory(database: Database): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    await sql`set local openchoice.defer_choice_facts = 'on'`.execute(trx);
    await trx.deleteFrom('appointment').where('ubrn', 'like', '0%').execute();
    await trx.deleteFrom('referral').where('ubrn', 'like', '0%').execute();
    await sql`select refresh_choice_facts()`.execute(trx);
  });
}
