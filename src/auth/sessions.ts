import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { StaffPrincipal } from './principal.ts';

export const API_TOKEN_HOURS = 8;

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new random token (256 bits, URL-safe) for the account; only its hash is stored. */
export async function issueToken(db: Kysely<DB>, accountId: number, kind: 'api' | 'page', hours = API_TOKEN_HOURS): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + hours * 3_600_000);
  await db.insertInto('auth_session').values({ token_hash: sha256(token), account_id: accountId, kind, expires_at: expiresAt, revoked_at: null }).execute();
  return { token, expiresAt };
}

/** The signed-in account a token belongs to, if the token is current and the account active. */
export async function principalForToken(db: Kysely<DB>, token: string): Promise<StaffPrincipal | null> {
  const row = await db
    .selectFrom('auth_session as s')
    .innerJoin('account as a', 'a.id', 's.account_id')
    .innerJoin('organisation as o', 'o.ods_code', 'a.organisation_ods_code')
    .select(['a.id', 'a.username', 'a.display_name', 'a.role', 'o.ods_code', 'o.name'])
    .where('s.token_hash', '=', sha256(token))
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', new Date())
    .where('a.active', '=', true)
    .executeTakeFirst();
  if (!row) return null;
  return {
    kind: 'staff',
    accountId: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    organisation: { odsCode: row.ods_code, name: row.name },
  };
}

export async function revokeToken(db: Kysely<DB>, token: string): Promise<void> {
  await db.updateTable('auth_session').set({ revoked_at: new Date() }).where('token_hash', '=', sha256(token)).where('revoked_at', 'is', null).execute();
}
