import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Principal } from '../http/principal.ts';

export const API_TOKEN_HOURS = 8;
/** A patient's session is short: they manage one referral and go. */
export const PATIENT_TOKEN_HOURS = 1;

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

function newToken(hours: number) {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: sha256(token), expiresAt: new Date(Date.now() + hours * 3_600_000) };
}

/** A new random token (256 bits, URL-safe) for a staff account; only its hash is stored. */
export async function issueToken(db: Kysely<DB>, accountId: number, kind: 'api' | 'page', hours = API_TOKEN_HOURS): Promise<{ token: string; expiresAt: Date }> {
  const { token, tokenHash, expiresAt } = newToken(hours);
  await db.insertInto('auth_session').values({ token_hash: tokenHash, account_id: accountId, patient_ubrn: null, kind, expires_at: expiresAt, revoked_at: null }).execute();
  return { token, expiresAt };
}

/** A token for a patient signed in with their referral's UBRN and access code. */
export async function issuePatientToken(db: Kysely<DB>, ubrn: string, kind: 'api' | 'page', hours = PATIENT_TOKEN_HOURS): Promise<{ token: string; expiresAt: Date }> {
  const { token, tokenHash, expiresAt } = newToken(hours);
  await db.insertInto('auth_session').values({ token_hash: tokenHash, account_id: null, patient_ubrn: ubrn, kind, expires_at: expiresAt, revoked_at: null }).execute();
  return { token, expiresAt };
}

/** Who a token signs in, if it is current (and, for staff, the account active). */
export async function principalForToken(db: Kysely<DB>, token: string): Promise<Principal | null> {
  const row = await db
    .selectFrom('auth_session as s')
    .leftJoin('account as a', 'a.id', 's.account_id')
    .leftJoin('organisation as o', 'o.ods_code', 'a.organisation_ods_code')
    .select(['s.patient_ubrn', 'a.id', 'a.username', 'a.display_name', 'a.role', 'a.active', 'o.ods_code', 'o.name'])
    .where('s.token_hash', '=', sha256(token))
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', new Date())
    .executeTakeFirst();
  if (!row) return null;
  if (row.patient_ubrn !== null) return { kind: 'patient', role: 'patient', ubrn: row.patient_ubrn };
  if (row.id === null || !row.active || row.role === null || row.ods_code === null) return null;
  return {
    kind: 'staff',
    accountId: row.id,
    username: row.username!,
    displayName: row.display_name!,
    role: row.role,
    organisation: { odsCode: row.ods_code, name: row.name! },
  };
}

export async function revokeToken(db: Kysely<DB>, token: string): Promise<void> {
  await db.updateTable('auth_session').set({ revoked_at: new Date() }).where('token_hash', '=', sha256(token)).where('revoked_at', 'is', null).execute();
}
