// The rules for publishing, listing and withdrawing slots; the routes stay thin.
import type { Kysely } from 'kysely';
import type { StaffPrincipal } from '../http/principal.ts';
import type { DB } from '../db/schema.ts';
import { conflict, notFound, type FieldProblem, unprocessable } from '../http/problem.ts';
import { isoInstant, WEEK_MS } from './instants.ts';
import { type NewSlot, overlappingSlots, publishSlots, type SlotStatus, withdrawFreeSlot } from './queries.ts';

export const MIN_SLOT_MINUTES = 5;
export const MAX_SLOT_MINUTES = 240;
/** How far ahead a provider may publish. */
export const MAX_WEEKS_AHEAD = 52;
/** The most slots one publication may hold (26 weeks of a busy weekly pattern). */
export const MAX_SLOTS_PER_PUBLICATION = 2000;

export interface SlotView {
  id: string;
  start: string;
  end: string;
  status: SlotStatus;
}

export const toSlotView = (r: { id: string; starts_at: Date; ends_at: Date; status: SlotStatus }): SlotView => ({
  id: r.id,
  start: isoInstant(r.starts_at),
  end: isoInstant(r.ends_at),
  status: r.status,
});

/** A service run by the caller's organisation; anything else is 404, so other providers learn nothing. */
export async function ownService(db: Kysely<DB>, staff: StaffPrincipal, serviceId: string) {
  const service = await db
    .selectFrom('service')
    .select(['id', 'name', 'directly_bookable'])
    .where('id', '=', serviceId)
    .where('provider_ods_code', '=', staff.organisation.odsCode)
    .executeTakeFirst();
  if (!service) throw notFound(`Your organisation runs no service with id "${serviceId.slice(0, 100)}".`);
  return service;
}

/** The active services the caller's organisation runs, by specialty and name: where it publishes slots. */
export function servicesRunBy(db: Kysely<DB>, staff: StaffPrincipal, limit: number) {
  return db
    .selectFrom('service as s')
    .innerJoin('specialty as sp', 'sp.code', 's.specialty_code')
    .select(['s.id', 's.name', 'sp.name as specialty', 's.directly_bookable'])
    .where('s.provider_ods_code', '=', staff.organisation.odsCode)
    .where('s.active', '=', true)
    .orderBy('sp.name')
    .orderBy('s.name')
    .limit(limit)
    .execute();
}

/**
 * Checks slots before they are published: whole minutes, a sensible length, in the future and within a
 * year, not overlapping each other. `field(i, 'start')` names the field a problem is reported against.
 */
export function slotProblems(slots: readonly NewSlot[], now: Date, field: (i: number, part: 'start' | 'end') => string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const latest = now.getTime() + MAX_WEEKS_AHEAD * WEEK_MS;
  slots.forEach((s, i) => {
    const minutes = (s.end.getTime() - s.start.getTime()) / 60_000;
    if (s.start.getTime() % 60_000 !== 0) problems.push({ field: field(i, 'start'), message: 'must be a whole minute' });
    if (s.end.getTime() % 60_000 !== 0) problems.push({ field: field(i, 'end'), message: 'must be a whole minute' });
    if (s.start <= now) problems.push({ field: field(i, 'start'), message: `must be in the future (${isoInstant(s.start)} has passed)` });
    else if (s.start.getTime() > latest) problems.push({ field: field(i, 'start'), message: `must be within ${MAX_WEEKS_AHEAD} weeks` });
    if (minutes <= 0) problems.push({ field: field(i, 'end'), message: 'must be after start' });
    else if (minutes < MIN_SLOT_MINUTES || minutes > MAX_SLOT_MINUTES) {
      problems.push({ field: field(i, 'end'), message: `must be ${MIN_SLOT_MINUTES} to ${MAX_SLOT_MINUTES} minutes after start` });
    }
  });
  if (problems.length > 0) return problems;
  // Two slots of one clinic can't overlap; the same start twice is one slot asked for twice.
  const order = slots.map((_, i) => i).sort((a, b) => slots[a]!.start.getTime() - slots[b]!.start.getTime());
  for (let k = 1; k < order.length; k++) {
    const [prev, next] = [slots[order[k - 1]!]!, slots[order[k]!]!];
    if (next.start.getTime() !== prev.start.getTime() && next.start < prev.end) {
      problems.push({ field: field(order[k]!, 'start'), message: `overlaps the slot from ${isoInstant(prev.start)} to ${isoInstant(prev.end)}` });
    }
  }
  return problems;
}

/** Which field of a weekly pattern a problem with its i-th slot belongs to (for slotProblems). */
export function patternField(slots: readonly NewSlot[], now: Date): (i: number, part: 'start' | 'end') => 'from' | 'times' | 'minutes' {
  return (i, part) => (part === 'end' ? 'minutes' : slots[i]!.start <= now ? 'from' : 'times');
}

export interface Publication {
  created: number;
  existing: number;
  slots: SlotView[];
}

/**
 * Publishes slots for a service the caller runs. Idempotent on the start: a slot that already starts then
 * counts as existing and is left as it is. Refused with 422 when a slot overlaps a published one that
 * starts at another time.
 */
export async function publish(db: Kysely<DB>, service: { id: string; directly_bookable: boolean }, slots: NewSlot[], field: string): Promise<Publication> {
  if (!service.directly_bookable) {
    throw unprocessable('This service is not directly bookable: patients are referred to it without a slot.', [
      { field: 'serviceId', message: 'is not directly bookable' },
    ]);
  }
  const clashes = await overlappingSlots(db, service.id, slots);
  if (clashes.length > 0) {
    const list = clashes.map((c) => `${isoInstant(c.starts_at)}–${isoInstant(c.ends_at)}`).join(', ');
    throw unprocessable(`Some slots overlap slots already published at other times: ${list}.`, [{ field, message: `overlaps published slots (${list})` }]);
  }
  const stored = await publishSlots(db, service.id, slots);
  const created = stored.filter((s) => s.created).length;
  return { created, existing: stored.length - created, slots: stored.map(toSlotView) };
}

/**
 * Withdraws a free slot of a service the caller runs (again is fine): 404 for anyone else's, 409 when it is
 * booked. Answers the slot's service.
 */
export async function withdraw(db: Kysely<DB>, staff: StaffPrincipal, slotId: string): Promise<{ serviceId: string }> {
  const owned = await db
    .selectFrom('slot as sl')
    .innerJoin('service as sv', 'sv.id', 'sl.service_id')
    .select('sl.service_id')
    .where('sl.id', '=', slotId)
    .where('sv.provider_ods_code', '=', staff.organisation.odsCode)
    .executeTakeFirst();
  if (!owned) throw notFound(`Your organisation has no slot with id "${slotId}".`);
  const outcome = await withdrawFreeSlot(db, slotId);
  if (outcome === 'booked') {
    throw conflict('The slot holds an appointment: cancel or move the appointment before withdrawing the slot.');
  }
  if (outcome === 'missing') throw notFound(`Your organisation has no slot with id "${slotId}".`);
  return { serviceId: owned.service_id };
}
