import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

export interface RateLimit {
  /** Failures allowed per key within the window before further attempts are refused. */
  maxFailures: number;
  windowSeconds: number;
}

export const SIGN_IN_LIMIT: RateLimit = { maxFailures: 5, windowSeconds: 15 * 60 };

/** Seconds until the busiest of the keys may try again, or 0 if none is over its limit. */
export async function retryAfterSeconds(db: Kysely<DB>, keys: string[], limit: RateLimit): Promise<number> {
  const rows = await db
    .selectFrom('sign_in_failure')
    .select(['key', (eb) => eb.fn.countAll<number>().as('failures'), (eb) => eb.fn.min('failed_at').as('oldest')])
    .where('key', 'in', keys)
    .where(sql<boolean>`failed_at > now() - make_interval(secs => ${limit.windowSeconds})`)
    .groupBy('key')
    .execute();
  let wait = 0;
  for (const r of rows) {
    if (Number(r.failures) < limit.maxFailures) continue;
    const freesAt = new Date(r.oldest as Date).getTime() + limit.windowSeconds * 1000;
    wait = Math.max(wait, Math.ceil((freesAt - Date.now()) / 1000));
  }
  return Math.max(wait, 0);
}

export async function recordFailure(db: Kysely<DB>, keys: string[]): Promise<void> {
  await db.insertInto('sign_in_failure').values(keys.map((key) => ({ key }))).execute();
}

export async function clearFailures(db: Kysely<DB>, keys: string[]): Promise<void> {
  await db.deleteFrom('sign_in_failure').where('key', 'in', keys).execute();
}
