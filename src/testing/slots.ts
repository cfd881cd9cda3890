import type { Database } from '../db/database.ts';

let published = 0;

/** A free 30-minute slot of a service, `inDays` from now (negative: in the past); each a minute after the last. */
export async function publishTestSlot(database: Database, serviceId: string, inDays = 7): Promise<string> {
  const start = new Date(Date.now() + inDays * 86_400_000 + ++published * 60_000);
  const row = await database.db
    .insertInto('slot')
    .values({ service_id: serviceId, starts_at: start, ends_at: new Date(start.getTime() + 30 * 60_000), withdrawn_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
