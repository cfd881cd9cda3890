// The one password check that both the API and the pages use: rate limits per username (tight) and per address
// (loose, see ./rate-limit.ts), the same answer whatever was wrong, and the failure recorded.
import type { Kysely } from 'kysely';
import type { DB, StaffRole } from '../db/schema.ts';
import { signInFailures } from '../http/metrics.ts';
import { verifyPassword } from './passwords.ts';
import { clearFailures, limitsReached, recordFailure, retryAfterSeconds, signInKeys, staffAccountKey } from './rate-limit.ts';
import { noteLimitsReached, type SignInWatch } from './security-events.ts';

export type PasswordSignIn =
  | { ok: true; accountId: number; role: StaffRole; organisation: { odsCode: string; name: string } }
  | { ok: false; retryAfterSeconds: number | null };

/** `watch` says where the attempt came from; a lockout it causes is a security event (./security-events.ts). */
export async function signInWithPassword(db: Kysely<DB>, username: string, password: string, watch: SignInWatch): Promise<PasswordSignIn> {
  const limited = signInKeys(staffAccountKey(username), watch.address);
  const keys = [limited.account, limited.address];
  const wait = await retryAfterSeconds(db, keys);
  if (wait > 0) return { ok: false, retryAfterSeconds: wait };
  const account = await db
    .selectFrom('account as a')
    .innerJoin('organisation as o', 'o.ods_code', 'a.organisation_ods_code')
    .select(['a.id', 'a.password_hash', 'a.role', 'a.active', 'o.ods_code', 'o.name'])
    .where((eb) => eb(eb.fn('lower', ['a.username']), '=', username.toLowerCase()))
    .executeTakeFirst();
  // An unknown or inactive account still costs a full password check, so timing tells nothing.
  const ok = await verifyPassword(account?.active ? account.password_hash : null, password);
  if (!account || !ok) {
    await recordFailure(db, keys);
    signInFailures.inc({ who: 'staff' });
    await noteLimitsReached(db, watch, limited, await limitsReached(db, keys));
    return { ok: false, retryAfterSeconds: null };
  }
  await clearFailures(db, [limited.account]);
  return { ok: true, accountId: account.id, role: account.role, organisation: { odsCode: account.ods_code, name: account.name } };
}
