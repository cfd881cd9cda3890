// The provider's pages for the slots of each of its services: the next 12 weeks of slots, publishing a weekly
// pattern, and withdrawing a free slot.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import { isUuid } from '../domain/codes.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { attempt, errorContext, type FieldError, foundOrNull } from '../web/forms.ts';
import { notFoundPage, seeOther, sendPage } from '../web/page.ts';
import { addViews } from '../web/render.ts';
import type { EarliestSlotCache } from './earliest-slots.ts';
import { weeksAhead } from './instants.ts';
import { byLondonDay } from './london-time.ts';
import { WEEKDAYS, type Weekday } from './pattern.ts';
import { emptyPattern, type PatternValues, readPattern } from './pattern-form.ts';
import { slotsWithStatus } from './queries.ts';
import { ownService, publish, withdraw } from './service.ts';

const page = { access: ROLES('provider'), page: true } as const;
const MAX_SLOTS_SHOWN = 500;
const DAY_NAMES: Record<Weekday, string> = { MON: 'Monday', TUE: 'Tuesday', WED: 'Wednesday', THU: 'Thursday', FRI: 'Friday', SAT: 'Saturday', SUN: 'Sunday' };

type OwnService = Awaited<ReturnType<typeof ownService>>;
type SlotsQuery = { published?: string; existing?: string; withdrawn?: string };

export function slotPages(deps: { database: Database; earliestSlots: EarliestSlotCache }) {
  const { db } = deps.database;
  const slotsHref = (service: OwnService) => `/provider/services/${encodeURIComponent(service.id)}/slots`;

  /** A service the provider runs; null (shown as not found) for any other. */
  const own = (request: FastifyRequest, id: string) => foundOrNull(() => ownService(db, staffOf(request), id));

  const slotsPage = async (request: FastifyRequest<{ Querystring: SlotsQuery }>, reply: FastifyReply, service: OwnService, errors: FieldError[], status = 200) => {
    const { published, existing, withdrawn } = request.query;
    const slots = await slotsWithStatus(db, service.id, weeksAhead(), MAX_SLOTS_SHOWN);
    return sendPage(request, reply, 'provider-slots.njk', {
      title: service.name,
      back: '/provider',
      serviceId: service.id,
      bookable: service.directly_bookable,
      days: byLondonDay(slots),
      count: slots.length,
      published: /^\d+$/.test(String(published ?? '')) ? { created: Number(published), existing: Number(existing ?? 0) } : null,
      withdrawn: withdrawn === '1',
      ...errorContext(errors),
    }, status);
  };

  const publishPage = (request: FastifyRequest, reply: FastifyReply, service: OwnService, values: PatternValues, errors: FieldError[], status = 200) =>
    sendPage(request, reply, 'provider-publish.njk', {
      title: 'Publish appointment slots',
      back: slotsHref(service),
      serviceId: service.id,
      serviceName: service.name,
      values,
      ...errorContext(errors),
      dayItems: WEEKDAYS.map((d) => ({ value: d, text: DAY_NAMES[d], checked: values.days.includes(d) })),
    }, status);

  return async function (app: FastifyInstance) {
    addViews(new URL('./views', import.meta.url));

    app.get<{ Params: { id: string }; Querystring: SlotsQuery }>('/provider/services/:id/slots', { config: page }, async (request, reply) => {
      const service = await own(request, request.params.id);
      if (!service) return notFoundPage(request, reply);
      return slotsPage(request, reply, service, []);
    });

    app.post<{ Params: { id: string; slotId: string }; Querystring: SlotsQuery }>('/provider/services/:id/slots/:slotId/withdraw', { config: page }, async (request, reply) => {
      const service = await own(request, request.params.id);
      if (!service || !isUuid(request.params.slotId)) return notFoundPage(request, reply);
      const withdrawn = await attempt(async () => {
        const { serviceId } = await withdraw(db, staffOf(request), request.params.slotId);
        // Shortlists answered by this instance show the change at once.
        await deps.earliestSlots.refreshService(serviceId);
        return serviceId;
      }, { field: 'slots' });
      if (!withdrawn.ok) {
        if (withdrawn.status === 404) return notFoundPage(request, reply);
        return slotsPage(request, reply, service, withdrawn.errors, withdrawn.status);
      }
      if (withdrawn.value !== service.id) return notFoundPage(request, reply);
      return seeOther(reply, `${slotsHref(service)}?withdrawn=1`);
    });

    app.get<{ Params: { id: string } }>('/provider/services/:id/slots/publish', { config: page }, async (request, reply) => {
      const service = await own(request, request.params.id);
      if (!service) return notFoundPage(request, reply);
      return publishPage(request, reply, service, emptyPattern(), []);
    });

    app.post<{ Params: { id: string } }>('/provider/services/:id/slots/publish', { config: page }, async (request, reply) => {
      const service = await own(request, request.params.id);
      if (!service) return notFoundPage(request, reply);
      const form = readPattern(request.body);
      if (!form.ok) return publishPage(request, reply, service, form.values, form.errors, 400);
      const published = await attempt(async () => {
        const publication = await publish(db, service, form.answer, 'pattern');
        await deps.earliestSlots.refreshService(service.id);
        return publication;
      }, { field: 'times' });
      if (!published.ok) return publishPage(request, reply, service, form.values, published.errors, 422);
      return seeOther(reply, `${slotsHref(service)}?published=${published.value.created}&existing=${published.value.existing}`);
    });
  };
}
