// The slot reads the FHIR Slot and Schedule need beyond the JSON API's listing: one slot with its state, and the
// span a service has published. What a free slot is stays in src/slots/free-slots.ts.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { isUuid } from '../domain/codes.ts';
import { isFree } from '../slots/free-slots.ts';

export interface SlotWithState {
  id: string;
  service_id: string;
  starts_at: Date;
  ends_at: Date;
  free: boolean;
}

/** One published (not withdrawn) slot, and whether it is free now; null for a withdrawn slot or none. */
export async function publishedSlot(db: Kysely<DB>, slotId: string, now = new Date()): Promise<SlotWithState | null> {
  if (!isUuid(slotId)) return null;
  const row = await db
    .selectFrom('slot as sl')
    .select(['sl.id', 'sl.service_id', 'sl.starts_at', 'sl.ends_at'])
    .select(isFree('sl', now).as('free'))
    .where('sl.id', '=', slotId)
    .where('sl.withdrawn_at', 'is', null)
    .executeTakeFirst();
  return row ? { ...row, free: row.free === true } : null;
}

/**
 * From the first to the last published slot still to come (not withdrawn, not yet over), booked or free: the
 * Schedule's planning horizon. Null when the service has published none.
 */
export async function publishedSpan(db: Kysely<DB>, serviceId: string, now = new Date()): Promise<{ start: Date; end: Date } | null> {
  const row = await db
    .selectFrom('slot as sl')
    .select((eb) => [eb.fn.min('sl.starts_at').as('start'), eb.fn.max('sl.ends_at').as('end')])
    .where('sl.service_id', '=', serviceId)
    .where('sl.withdrawn_at', 'is', null)
    .where('sl.ends_at', '>', now)
    .executeTakeFirst();
  return row?.start && row.end ? { start: new Date(row.start as Date), end: new Date(row.end as Date) } : null;
}

