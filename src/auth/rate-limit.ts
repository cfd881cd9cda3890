// Failed sign-ins are counted per key within a window. An account (or a patient's UBRN) is limited tightly: it is
// what a guesser aims at. An address only loosely: on a shared NHS network a whole practice signs in from one
// address, and one person's typos must not lock the others out; the loose limit still stops a spray of guesses
// across many accounts from one place. The address is the socket's, or the client's as a trusted proxy reports it
// (TRUSTED_PROXIES, see src/config.ts).
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

export interface RateLimit {
  /** Failures allowed per key within the window before further attempts are refused. */
  maxFailures: number;
  windowSeconds: number;
}

/** Per account (staff username) or per UBRN (patients). */
export const ACCOUNT_LIMIT: RateLimit = { maxFailures: 5, windowSeconds: 15 * 60 };
/** Per address: a practice's worth of mistakes, not one person's. */
export const ADDRESS_LIMIT: RateLimit = { maxFailures: 100, windowSeconds: 15 * 60 };

/** A key counted under its own limit. */
export interface LimitedKey {
  key: string;
  limit: RateLimit;
}

/** The key a staff account's failures are counted under, whatever the case of the username typed. */
export const staffAccountKey = (username: string): string => `user:${username.toLowerCase()}`;

/** The keys one sign-in is counted under: the account it names (`user:…` or `ubrn:…`) and the caller's address. */
export function signInKeys(account: string, address: string): { account: LimitedKey; address: LimitedKey } {
  return { account: { key: account, limit: ACCOUNT_LIMIT }, address: { key: `address:${address}`, limit: ADDRESS_LIMIT } };
}

/** Seconds until the busiest of the keys may try again, or 0 if none is over its limit. */
export async function retryAfterSeconds(db: Kysely<DB>, keys: readonly LimitedKey[]): Promise<number> {
  const longest = Math.max(...keys.map((k) => k.limit.windowSeconds));
  const rows = await db
    .selectFrom('sign_in_failure')
    .select(['key', 'failed_at'])
    .where('key', 'in', keys.map((k) => k.key))
    .where(sql<boolean>`failed_at > now() - make_interval(secs => ${longest})`)
    .orderBy('failed_at', 'desc')
    .execute();
  let wait = 0;
  for (const { key, limit } of keys) {
    const windowStart = Date.now() - limit.windowSeconds * 1000;
    // Newest first: the attempt that frees a place is the maxFailures-th newest within the window.
    const recent = rows.filter((r) => r.key === key && new Date(r.failed_at).getTime() > windowStart);
    if (recent.length < limit.maxFailures) continue;
    const freesAt = new Date(recent[limit.maxFailures - 1]!.failed_at).getTime() + limit.windowSeconds * 1000;
    wait = Math.max(wait, Math.ceil((freesAt - Date.now()) / 1000));
  }
  return Math.max(wait, 0);
}

export async function recordFailure(db: Kysely<DB>, keys: readonly LimitedKey[]): Promise<void> {
  await db.insertInto('sign_in_failure').values(keys.map(({ key }) => ({ key }))).execute();
}

/**
 * The keys whose limit the failure just recorded has reached: exactly maxFailures within the window, so that a
 * lockout is noticed once, by the failure that caused it (attempts over the limit are refused before counting).
 * Two failures racing past the limit together may both count one more and neither be the one: that lockout goes
 * unrecorded, which is the price of not serialising every sign-in of an account; the limit itself still holds.
 */
export async function limitsReached(db: Kysely<DB>, keys: readonly LimitedKey[]): Promise<LimitedKey[]> {
  const reached: LimitedKey[] = [];
  for (const limited of keys) {
    const row = await db
      .selectFrom('sign_in_failure')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('key', '=', limited.key)
      .where(sql<boolean>`failed_at > now() - make_interval(secs => ${limited.limit.windowSeconds})`)
      .executeTakeFirstOrThrow();
    if (Number(row.n) === limited.limit.maxFailures) reached.push(limited);
  }
  return reached;
}

export async function clearFailures(db: Kysely<DB>, keys: readonly LimitedKey[]): Promise<void> {
  await db.deleteFrom('sign_in_failure').where('key', 'in', keys.map(({ key }) => key)).execute();
}

/** "Try again in 14 minutes": whole minutes, rounded up so that nobody is told to try too soon. */
export function tryAgainIn(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return `Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}
