// The slot table's reads and writes. A slot is FREE when it is not withdrawn, starts in the future and holds
// no live appointment (the appointment table's unique index keeps at most one live appointment per slot).
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.ts';

export type SlotStatus = 'free' | 'booked' | 'withdrawn';

export interface SlotRow {
  id: string;
  service_id: string;
  starts_at: Date;
  ends_at: Date;
  status: SlotStatus;
}

/** Whether the slot aliased `sl` holds a live appointment. */
const booked = sql<boolean>`exists (select 1 from appointment a where a.slot_id = sl.id and a.cancelled_at is null)`;

/** A service's free slots starting in [from, to), earliest first; `from` is never before `now`. */
export function freeSlots(db: Kysely<DB>, serviceId: string, window: { from: Date; to: Date }, limit: number) {
  return db
    .selectFrom('slot as sl')
    .select(['sl.id', 'sl.starts_at', 'sl.ends_at'])
    .where('sl.service_id', '=', serviceId)
    .where('sl.starts_at', '>=', window.from)
    .where('sl.starts_at', '<', window.to)
    .where('sl.withdrawn_at', 'is', null)
    .where(sql<boolean>`not ${booked}`)
    .orderBy('sl.starts_at')
    .limit(limit)
    .execute();
}

/** Every slot of a service starting in [from, to), whatever its state, for the provider who runs it. */
export async function slotsWithStatus(db: Kysely<DB>, serviceId: string, window: { from: Date; to: Date }, limit: number): Promise<SlotRow[]> {
  const rows = await db
    .selectFrom('slot as sl')
    .select(['sl.id', 'sl.service_id', 'sl.starts_at', 'sl.ends_at', 'sl.withdrawn_at'])
    .select(booked.as('booked'))
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
      .select(booked.as('booked'))
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
    const live = await trx.selectFrom('appointment').select('id').where('slot_id', '=', slotId).where('cancelled_at', 'is', null).executeTakeFirst();
    if (live) return 'booked';
    if (slot.withdrawn_at !== null) return 'already-withdrawn';
    await trx.updateTable('slot').set({ withdrawn_at: sql`now()` }).where('id', '=', slotId).execute();
    return 'withdrawn';
  });
}

/** The start of the earliest free slot after `now` of each service given that has one. */
export async function earliestFreeStarts(db: Kysely<DB>, serviceIds: readonly string[], now: Date): Promise<Map<string, Date>> {
  if (serviceIds.length === 0) return new Map();
  // One index probe per service on slot (service_id, starts_at), walking forward past taken slots only.
  const result = await sql<{ id: string; starts_at: Date }>`
    select ids.id, f.starts_at
    from unnest(${[...serviceIds]}::text[]) as ids(id)
    cross join lateral (
      select sl.starts_at from slot sl
      where sl.service_id = ids.id and sl.starts_at > ${now} and sl.withdrawn_at is null
        and not exists (select 1 from appointment a where a.slot_id = sl.id and a.cancelled_at is null)
      order by sl.starts_at
      limit 1
    ) f`.execute(db);
  return new Map(result.rows.map((r) => [r.id, r.starts_at]));
}

/**
 * The start of the earliest free slot after `now` of every active, directly bookable service that has one:
 * one index probe per service, as above, for the whole directory at once.
 */
export async function earliestFreeStartsOfAll(db: Kysely<DB>, now: Date): Promise<Map<string, Date>> {
  const result = await sql<{ id: string; starts_at: Date }>`
    select sv.id, f.starts_at
    from service sv
    cross join lateral (
      select sl.starts_at from slot sl
      where sl.service_id = sv.id and sl.starts_at > ${now} and sl.withdrawn_at is null
        and not exists (select 1 from appointment a where a.slot_id = sl.id and a.cancelled_at is null)
      order by sl.starts_at
      limit 1
    ) f
    where sv.active and sv.directly_bookable`.execute(db);
  return new Map(result.rows.map((r) => [r.id, r.starts_at]));
}
