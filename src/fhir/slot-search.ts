// Slot search, Slot read and Schedule read/search over the JSON API's services: the listed directory (its cache)
// says which services exist, src/slots/ says which slots are free.
import type { FastifyRequest } from 'fastify';
import type { Bundle, Schedule, Slot } from '@medplum/fhirtypes';
import type { Deps } from '../deps.ts';
import { badRequest, notFound } from '../http/problem.ts';
import { freeSlots } from '../slots/free-slots.ts';
import { SLOTS_AHEAD_WEEKS } from '../slots/instants.ts';
import { MAX_FREE_SLOTS, MAX_WINDOW_WEEKS } from '../slots/listing-limits.ts';
import { searchset } from './bundle.ts';
import { countParameter, oneSearchValue, type Query, referenceParameter, type SearchRules } from './search-parameters.ts';
import { scheduleResource, type ServiceFacts, slotResource } from './slot.ts';
import { slotWindow } from './slot-dates.ts';
import { publishedSlot, publishedSpan } from './slot-queries.ts';

export const DEFAULT_SLOT_COUNT = 100;

/** What the Slot search reads; free slots of listed services are public, so others are ignored by default. */
export const SLOT_SEARCH: SearchRules = { served: ['status', 'schedule', 'schedule.actor', 'schedule.actor:HealthcareService', 'start', '_count'], data: 'public' };
export const SCHEDULE_SEARCH: SearchRules = { served: ['actor', 'actor:HealthcareService'], data: 'public' };

async function listedService(deps: Deps, id: string): Promise<ServiceFacts | null> {
  return (await deps.directory.current()).byId.get(id)?.row ?? null;
}

/** The service a Slot search names, by its schedule or the schedule's actor (both may be given if they agree). */
function serviceOfSlotSearch(query: Query): string {
  const bySchedule = oneSearchValue(query, 'schedule');
  const byActor = oneSearchValue(query, 'schedule.actor:HealthcareService') ?? oneSearchValue(query, 'schedule.actor');
  const ids = [
    bySchedule === undefined ? undefined : referenceParameter(bySchedule, 'Schedule', 'schedule'),
    byActor === undefined ? undefined : referenceParameter(byActor, 'HealthcareService', 'schedule.actor:HealthcareService'),
  ].filter((id): id is string => id !== undefined);
  if (ids.length === 0) {
    throw badRequest('Name the service whose slots to search: schedule.actor:HealthcareService={id} or schedule=Schedule/{id}.', [
      { field: 'schedule.actor:HealthcareService', message: 'is required (or schedule)' },
    ]);
  }
  if (ids.length === 2 && ids[0] !== ids[1]) throw badRequest('schedule and schedule.actor name different services.', [{ field: 'schedule', message: 'names another service than schedule.actor' }]);
  return ids[0]!;
}

/**
 * A listed service's free slots starting in the window asked for, earliest first, at most `_count` of them and
 * `more` when there were more. Only free slots can be searched for: which are booked is the provider's to see.
 */
export async function searchFreeSlots(deps: Deps, query: Query, now = new Date()): Promise<{ slots: Slot[]; more: boolean }> {
  const status = oneSearchValue(query, 'status');
  if (status !== undefined && status !== 'free') {
    throw badRequest('Only free slots can be searched for here (status=free): which are busy is for the provider, in GET /api/v1/services/{id}/slots/all.', [
      { field: 'status', message: 'must be free' },
    ]);
  }
  const serviceId = serviceOfSlotSearch(query);
  const starts = query.start === undefined ? [] : [query.start].flat().map(String);
  const window = slotWindow(starts, { now, defaultWeeks: SLOTS_AHEAD_WEEKS, maxWeeks: MAX_WINDOW_WEEKS });
  const count = countParameter(query, { fallback: DEFAULT_SLOT_COUNT, min: 1, max: MAX_FREE_SLOTS });
  const service = await listedService(deps, serviceId);
  // As any FHIR search: a service that is not listed has no slots to find.
  if (!service) return { slots: [], more: false };
  // Free means bookable: never a slot that has already started, whatever the window.
  const from = window.from < now ? now : window.from;
  if (window.to <= from) return { slots: [], more: false };
  const found = await freeSlots(deps.database.db, service.id, { from, to: window.to }, count + 1, now);
  return { slots: found.slice(0, count).map((s) => slotResource(s, 'free', service)), more: found.length > count };
}

/** The searchset of a Slot search: when there were more, no total it did not count, and a next page after this one's last slot. */
export function slotSearchset(baseUrl: string, request: FastifyRequest, { slots, more }: { slots: Slot[]; more: boolean }): Bundle {
  const bundle = searchset(baseUrl, request, slots);
  if (!more) return bundle;
  delete bundle.total;
  const next = new URLSearchParams(request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '');
  next.append('start', `gt${slots.at(-1)!.start}`);
  bundle.link!.push({ relation: 'next', url: `${baseUrl}/Slot?${next.toString()}` });
  return bundle;
}

/** One slot of a listed service, free or busy; 404 for a withdrawn slot, another's or none. */
export async function readSlot(deps: Deps, slotId: string): Promise<Slot> {
  const slot = await publishedSlot(deps.database.db, slotId);
  const service = slot ? await listedService(deps, slot.service_id) : null;
  if (!slot || !service) throw notFound(`There is no published slot ${slotId.slice(0, 64)} of a listed service.`);
  return slotResource(slot, slot.free ? 'free' : 'busy', service);
}

export async function readSchedule(deps: Deps, serviceId: string): Promise<Schedule> {
  const service = await listedService(deps, serviceId);
  if (!service) throw notFound(`There is no listed service with id "${serviceId.slice(0, 100)}", so no Schedule of it.`);
  return scheduleResource(service, await publishedSpan(deps.database.db, service.id));
}

/** Schedules by actor: one per listed service named (none for a service not listed). */
export async function searchSchedules(deps: Deps, query: Query): Promise<Schedule[]> {
  const actor = oneSearchValue(query, 'actor') ?? oneSearchValue(query, 'actor:HealthcareService');
  if (actor === undefined) throw badRequest('Name the service: actor=HealthcareService/{id}.', [{ field: 'actor', message: 'is required' }]);
  const service = await listedService(deps, referenceParameter(actor, 'HealthcareService', 'actor'));
  return service ? [scheduleResource(service, await publishedSpan(deps.database.db, service.id))] : [];
}
