// Staff accounts locked by their sign-in limit (./rate-limit.ts), as administrators see and unlock them. A lock
// lifts by itself when the window passes; an administrator lifts it early for a user who has proved who they are
// some other way, so that a guesser who locks someone out cannot keep them out of their work all day.
import { sql, type Kysely } from 'kysely';
import type { DB, StaffRole } from '../db/schema.ts';
import { notFound } from '../http/problem.ts';
import { ACCOUNT_LIMIT, clearFailures, retryAfterSeconds, staffAccountKey } from './rate-limit.ts';
import { recordSecurityEvent, type SecurityLog } from './security-events.ts';

export interface LockedAccount {
  username: string;
  displayName: string;
  role: StaffRole;
  organisation: { odsCode: string; name: string };
  failures: number;
  /** When the lock lifts by itself. */
  lockedUntil: Date;
}

/** Existing accounts over their limit now, the latest locked first. Locks on unknown usernames lock nobody out. */
export async function lockedAccounts(db: Kysely<DB>): Promise<LockedAccount[]> {
  const { maxFailures, windowSeconds } = ACCOUNT_LIMIT;
  const rows = await db
    .selectFrom('sign_in_failure as f')
    // staffAccountKey's shape, in SQL.
    .innerJoin('account as a', (join) => join.on(sql<boolean>`f.key = 'user:' || lower(a.username)`))
    .innerJoin('organisation as o', 'o.ods_code', 'a.organisation_ods_code')
    .select(['a.username', 'a.display_name', 'a.role', 'o.ods_code', 'o.name'])
    .select((eb) => [eb.fn.countAll<string>().as('failures'), eb.fn.max('f.failed_at').as('last_failed_at')])
    .where(sql<boolean>`f.failed_at > now() - make_interval(secs => ${windowSeconds})`)
    .groupBy(['a.username', 'a.display_name', 'a.role', 'o.ods_code', 'o.name'])
    .having((eb) => eb.fn.countAll(), '>=', maxFailures)
    .orderBy('last_failed_at', 'desc')
    .execute();
  const locked: LockedAccount[] = [];
  for (const r of rows) {
    // The same reckoning as the sign-in itself, so the page never promises a time the sign-in does not keep.
    const wait = await retryAfterSeconds(db, [{ key: staffAccountKey(r.username), limit: ACCOUNT_LIMIT }]);
    if (wait <= 0) continue;
    locked.push({
      username: r.username,
      displayName: r.display_name,
      role: r.role,
      organisation: { odsCode: r.ods_code, name: r.name },
      failures: Number(r.failures),
      lockedUntil: new Date(Date.now() + wait * 1000),
    });
  }
  return locked;
}

export interface Unlocked {
  username: string;
  /** False when the account was not locked: nothing was changed and no event recorded. */
  wasLocked: boolean;
}

/**
 * Lifts an account's lock (its failures are forgotten; its address's count is not, so this cannot be used to
 * spray guesses from one place) and records who did it. 404 for a username that is no account.
 */
export async function unlockAccount(db: Kysely<DB>, log: SecurityLog, admin: { accountId: number; username: string }, username: string): Promise<Unlocked> {
  const account = await db
    .selectFrom('account')
    .select('username')
    .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
    .executeTakeFirst();
  if (!account) throw notFound(`There is no account ${username}.`);
  const key = { key: staffAccountKey(account.username), limit: ACCOUNT_LIMIT };
  const wasLocked = (await retryAfterSeconds(db, [key])) > 0;
  if (!wasLocked) return { username: account.username, wasLocked };
  await clearFailures(db, [key]);
  await recordSecurityEvent(db, log, {
    kind: 'ACCOUNT_UNLOCKED',
    account: account.username.toLowerCase(),
    addressHash: null,
    actorAccountId: admin.accountId,
    detail: `unlocked by ${admin.username}`,
  });
  return { username: account.username, wasLocked };
}
