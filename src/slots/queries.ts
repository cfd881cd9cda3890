// The slot table's reads and writes for the provider who runs the slots (what a free slot is: ./free-slots.ts).
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.ts';
import { holdsAppointment } from './free-slots.ts';

export type SlotStatus = 'free' | 'booked' | 'withdrawn';

export interface SlotRow {
  id: string;
  service_id: string;
  starts_at: Date;
  ends_at: Date;
  status: SlotStatus;
}

/** Every slot of a service starting in [from, to), whatever its state, for the provider who runs it. */
export async function slotsWithStatus(db: Kysely<DB>, serviceId: string, window: { from: Date; to: Date }, limit: number): Promise<SlotRow[]> {
  const rows = await db
    .selectFrom('slot as sl')
    .select(['sl.id', 'sl.service_id', 'sl.starts_at', 'sl.ends_at', 'sl.withdrawn_at'])
    .select(holdsAppointment('sl').as('booked'))
    .where('sl.service_id', '=', serviceId)
    .where('sl.starts_at', '>=', window.from)
    .where('sl.starts_at', '<', window.to)
    .orderBy('sl.starts_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, status: statusOf(r) }));
}

/**
 * What the provider sees: withdrawn wins (a withdrawn slot can't hold an appointment), then booked. A slot
 * in the past with no appointment is reported as free: it was, and nothing can book it now.
 */
function statusOf(r: { withdrawn_at: Date | null; booked: unknown }): SlotStatus {
  if (r.withdrawn_at !== null) return 'withdrawn';
  return r.booked === true ? 'booked' : 'free';
}

export interface NewSlot {
  start: Date;
  end: Date;
}

/**
 * Publishes slots in one statement, idempotent on (service, start): a slot that already starts then is left
 * as it is (even if withdrawn or of another length). Answers the rows now stored for those starts, each with
 * whether this call created it.
 */
export async function publishSlots(db: Kysely<DB>, serviceId: string, slots: readonly NewSlot[]): Promise<(SlotRow & { created: boolean })[]> {
  const starts = slots.map((s) => s.start.toISOString());
  const ends = slots.map((s) => s.end.toISOString());
  return db.transaction().execute(async (trx) => {
    const created = await sql<{ id: string }>`
      insert into slot (service_id, starts_at, ends_at)
      select ${serviceId}, s, e from unnest(${starts}::timestamptz[], ${ends}::timestamptz[]) as n(s, e)
      on conflict (service_id, starts_at) do nothing
      returning id`.execute(trx);
    const createdIds = new Set(created.rows.map((r) => r.id));
    const stored = await trx
      .selectFrom('slot as sl')
      .select(['sl.id', 'sl.service_id', 'sl.starts_at', 'sl.ends_at', 'sl.withdrawn_at'])
      .select(holdsAppointment('sl').as('booked'))
      .where('sl.service_id', '=', serviceId)
      .where('sl.starts_at', '=', sql<Date>`any(${starts}::timestamptz[])`)
      .orderBy('sl.starts_at')
      .execute();
    return stored.map((r) => ({ ...r, status: statusOf(r), created: createdIds.has(r.id) }));
  });
}

/** Published slots of a service that overlap [start, end) of any given slot but don't start at the same time. */
export async function overlappingSlots(db: Kysely<DB>, serviceId: string, slots: readonly NewSlot[]): Promise<{ starts_at: Date; ends_at: Date }[]> {
  if (slots.length === 0) return [];
  const starts = slots.map((s) => s.start.toISOString());
  const ends = slots.map((s) => s.end.toISOString());
  const result = await sql<{ starts_at: Date; ends_at: Date }>`
    select distinct sl.starts_at, sl.ends_at
    from unnest(${starts}::timestamptz[], ${ends}::timestamptz[]) as n(s, e)
    join slot sl on sl.service_id = ${serviceId} and sl.withdrawn_at is null
      and sl.starts_at < n.e and sl.ends_at > n.s and sl.starts_at <> n.s
    order by sl.starts_at
    limit 5`.execute(db);
  return result.rows;
}

export type WithdrawOutcome = 'withdrawn' | 'already-withdrawn' | 'booked' | 'missing';

/**
 * Withdraws a slot unless it holds a live appointment. The slot row is locked FOR UPDATE first: that waits
 * for any transaction booking it (inserting an appointment takes a KEY SHARE lock on the slot through the
 * foreign key), so the check that follows sees its appointment. A booking must likewise lock the slot
 * (FOR SHARE or stronger) before it checks `withdrawn_at`.
 */
export function withdrawFreeSlot(db: Kysely<DB>, slotId: string): Promise<WithdrawOutcome> {
  return db.transaction().execute(async (trx) => {
    const slot = await trx.selectFrom('slot').select(['id', 'withdrawn_at']).where('id', '=', slotId).forUpdate().executeTakeFirst();
    if (!slot) return 'missing';
    const { booked } = await trx.selectFrom('slot as sl').select(holdsAppointment('sl').as('booked')).where('sl.id', '=', slotId).executeTakeFirstOrThrow();
    if (booked) return 'booked';
    if (slot.withdrawn_at !== null) return 'already-withdrawn';
    await trx.updateTable('slot').set({ withdrawn_at: sql`now()` }).where('id', '=', slotId).execute();
    return 'withdrawn';
  });
}
