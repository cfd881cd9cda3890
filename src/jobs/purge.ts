// Rows that only exist for a while: ended sessions (and the drafts they hold, by cascade), sign-ins started at an
// identity provider and never finished, and failed sign-ins older than any rate-limit window. Kept a day past
// their use, so an incident can still be looked into, then deleted. Kept answers to requests sent with an
// Idempotency-Key (a booking's, a referral's, whose sealed access code and refusal texts are the patient's) are kept
// for IDEMPOTENT_ANSWER_DAYS: a client retries within seconds or, offline over a weekend, within days.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { ACCOUNT_LIMIT, ADDRESS_LIMIT } from '../auth/rate-limit.ts';

export interface PurgeReport {
  sessions: number;
  pendingSignIns: number;
  signInFailures: number;
  idempotentAnswers: number;
}

export const IDEMPOTENT_ANSWER_DAYS = 7;

export async function purgeExpired(db: Kysely<DB>, now = new Date()): Promise<PurgeReport> {
  const dayAgo = new Date(now.getTime() - 86_400_000);
  const sessions = await db
    .deleteFrom('auth_session')
    .where((eb) => eb.or([eb('expires_at', '<', dayAgo), eb('revoked_at', '<', dayAgo)]))
    .executeTakeFirst();
  const pendingSignIns = await db.deleteFrom('oidc_pending').where('created_at', '<', dayAgo).executeTakeFirst();
  const signInFailures = await db
    .deleteFrom('sign_in_failure')
    .where(sql<boolean>`failed_at < ${now}::timestamptz - make_interval(secs => ${Math.max(ACCOUNT_LIMIT.windowSeconds, ADDRESS_LIMIT.windowSeconds)}) - interval '1 day'`)
    .executeTakeFirst();
  const idempotentAnswers = await db
    .deleteFrom('idempotent_request')
    .where('created_at', '<', new Date(now.getTime() - IDEMPOTENT_ANSWER_DAYS * 86_400_000))
    .executeTakeFirst();
  return {
    sessions: Number(sessions.numDeletedRows),
    idempotentAnswers: Number(idempotentAnswers.numDeletedRows),
    pendingSignIns: Number(pendingSignIns.numDeletedRows),
    signInFailures: Number(signInFailures.numDeletedRows),
  };
}

/**
 * The read audit's retention purge: rows read more than `years` ago, through the one function the table's trigger
 * lets delete (migration 034), which refuses fewer than six years.
 */
export async function purgeReadAudit(db: Kysely<DB>, years: number): Promise<{ readAuditRows: number }> {
  const { rows } = await sql<{ n: string }>`select purge_patient_read_audit(make_interval(years => ${years})) as n`.execute(db);
  return { readAuditRows: Number(rows[0]?.n ?? 0) };
}
