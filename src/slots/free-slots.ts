// What a free slot is, said once: not withdrawn, not yet started, and holding no live appointment (the appointment
// table's unique index keeps at most one live appointment per slot). Every list, count and "earliest" of free slots
// (the API's listing, the booking pages, deferring to a provider, the shortlist's earliest slot) asks here.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../db/schema.ts';
import { isUuid } from '../domain/codes.ts';

export interface FreeSlot {
  id: string;
  service_id: string;
  starts_at: Date;
  ends_at: Date;
}

/** Whether the slot aliased `slot` holds a live (not cancelled) appointment. */
export function holdsAppointment(slot: string): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from appointment a where a.slot_id = ${sql.ref(`${slot}.id`)} and a.cancelled_at is null)`;
}

/** Whether the slot aliased `slot` is free at `now`: not withdrawn, starting after `now`, and not booked. */
export function isFree(slot: string, now: Date): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(`${slot}.withdrawn_at`)} is null and ${sql.ref(`${slot}.starts_at`)} > ${now} and not ${holdsAppointment(slot)})`;
}

/** A service's free slots starting in [from, to), earliest first. */
export function freeSlots(db: Kysely<DB>, serviceId: string, window: { from: Date; to: Date }, limit: number, now = new Date()): Promise<FreeSlot[]> {
  return db
    .selectFrom('slot as sl')
    .select(['sl.id', 'sl.service_id', 'sl.starts_at', 'sl.ends_at'])
    .where('sl.service_id', '=', serviceId)
    .where('sl.starts_at', '>=', window.from)
    .where('sl.starts_at', '<', window.to)
    .where(isFree('sl', now))
    .orderBy('sl.starts_at')
    .limit(limit)
    .execute();
}

/** One slot, if it is free; null when it is not (booked, withdrawn, started) or there is no such slot. */
export async function freeSlot(db: Kysely<DB>, slotId: string, now = new Date()): Promise<FreeSlot | null> {
  if (!isUuid(slotId)) return null;
  const slot = await db
    .selectFrom('slot as sl')
    .select(['sl.id', 'sl.service_id', 'sl.starts_at', 'sl.ends_at'])
    .where('sl.id', '=', slotId)
    .where(isFree('sl', now))
    .executeTakeFirst();
  return slot ?? null;
}

/** How many free slots a service has (any time ahead). */
export async function countFreeSlots(db: Kysely<DB>, serviceId: string, now = new Date()): Promise<number> {
  const { n } = await db
    .selectFrom('slot as sl')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('sl.service_id', '=', serviceId)
    .where(isFree('sl', now))
    .executeTakeFirstOrThrow();
  return Number(n);
}

// The first free slots of one service, for a lateral join: one index probe on slot (service_id, starts_at), walking
// forward past taken slots only.
const firstFree = (serviceId: RawBuilder<unknown>, now: Date, limit: number) => sql`
  select sl.id, sl.starts_at, sl.ends_at from slot sl
  where sl.service_id = ${serviceId} and ${isFree('sl', now)}
  order by sl.starts_at
  limit ${limit}`;

/** The first `perService` free slots of each service given, earliest first; a service with none is left out. */
export async function freeSlotsOfServices(db: Kysely<DB>, serviceIds: readonly string[], perService: number, now = new Date()): Promise<Map<string, FreeSlot[]>> {
  const byService = new Map<string, FreeSlot[]>();
  if (serviceIds.length === 0) return byService;
  const result = await sql<FreeSlot>`
    select ids.id as service_id, f.id, f.starts_at, f.ends_at
    from unnest(${[...serviceIds]}::text[]) as ids(id)
    cross join lateral (${firstFree(sql.ref('ids.id'), now, perService)}) f
    order by f.starts_at`.execute(db);
  for (const slot of result.rows) byService.set(slot.service_id, [...(byService.get(slot.service_id) ?? []), slot]);
  return byService;
}

/** The start of the earliest free slot of each service given that has one. */
export async function earliestFreeStarts(db: Kysely<DB>, serviceIds: readonly string[], now: Date): Promise<Map<string, Date>> {
  const slots = await freeSlotsOfServices(db, serviceIds, 1, now);
  return new Map([...slots].map(([id, [first]]) => [id, first!.starts_at]));
}

/** The start of the earliest free slot of every active, directly bookable service that has one: the whole directory at once. */
export async function earliestFreeStartsOfAll(db: Kysely<DB>, now: Date): Promise<Map<string, Date>> {
  const result = await sql<{ id: string; starts_at: Date }>`
    select sv.id, f.starts_at
    from service sv
    cross join lateral (${firstFree(sql.ref('sv.id'), now, 1)}) f
    where sv.active and sv.directly_bookable`.execute(db);
  return new Map(result.rows.map((r) => [r.id, r.starts_at]));
}
