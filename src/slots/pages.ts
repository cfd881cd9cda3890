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
import { isStalePreview } from '../http/preview.ts';
import { type CancelAsProvider, type DayRange, previewWithdrawal, withdrawDays } from './withdrawal.ts';
import { emptyWithdrawal, readConfirmation, readWithdrawalForm, type WithdrawalValues } from './withdrawal-form.ts';
import { londonDate } from '../domain/dates.ts';
import { daysBetween } from '../domain/rtt-clock.ts';

const page = { access: ROLES('provider'), page: true } as const;
const MAX_SLOTS_SHOWN = 500;
const STALE_MESSAGE = 'The slots on these days changed since you checked them, so nothing was withdrawn. Check what will happen now, then confirm again';
const DAY_NAMES: Record<Weekday, string> = { MON: 'Monday', TUE: 'Tuesday', WED: 'Wednesday', THU: 'Thursday', FRI: 'Friday', SAT: 'Saturday', SUN: 'Sunday' };

type OwnService = Awaited<ReturnType<typeof ownService>>;
type SlotsQuery = { published?: string; existing?: string; withdrawn?: string; days?: string; cancelled?: string };

export function slotPages(deps: { database: Database; earliestSlots: EarliestSlotCache }, { cancelAppointment }: { cancelAppointment: CancelAsProvider }) {
  const { db } = deps.database;
  const slotsHref = (service: OwnService) => `/provider/services/${encodeURIComponent(service.id)}/slots`;

  /** A service the provider runs; null (shown as not found) for any other. */
  const own = (request: FastifyRequest, id: string) => foundOrNull(() => ownService(db, staffOf(request), id));

  const slotsPage = async (request: FastifyRequest<{ Querystring: SlotsQuery }>, reply: FastifyReply, service: OwnService, errors: FieldError[], status = 200) => {
    const { published, existing, withdrawn, days, cancelled } = request.query;
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
      withdrawnDays: /^\d+$/.test(String(days ?? '')) ? { slots: Number(days), cancelled: Number(/^\d+$/.test(String(cancelled ?? '')) ? cancelled : 0) } : null,
      ...errorContext(errors),
    }, status);
  };

  const withdrawDaysPage = (request: FastifyRequest, reply: FastifyReply, service: OwnService, values: WithdrawalValues, errors: FieldError[], status = 200) =>
    sendPage(request, reply, 'provider-withdraw-days.njk', {
      title: 'Withdraw a day or a range of days',
      back: slotsHref(service),
      serviceId: service.id,
      serviceName: service.name,
      values,
      ...errorContext(errors),
    }, status);

  /** The check page: what withdrawing these days will do, with the button that confirms exactly that. */
  const checkPage = async (request: FastifyRequest, reply: FastifyReply, service: OwnService, range: DayRange, reason: string, errors: FieldError[], status = 200) => {
    const preview = await previewWithdrawal(db, service.id, range, londonDate());
    return sendPage(request, reply, 'provider-withdraw-days-confirm.njk', {
      title: preview.booked.length > 0 ? 'Cancel these appointments and withdraw the slots?' : 'Withdraw the slots?',
      back: `${slotsHref(service)}/withdraw-days`,
      serviceId: service.id,
      serviceName: service.name,
      preview,
      dayCount: daysBetween(range.from, range.to) + 1,
      reason,
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

    app.get<{ Params: { id: string } }>('/provider/services/:id/slots/withdraw-days', { config: page }, async (request, reply) => {
      const service = await own(request, request.params.id);
      if (!service) return notFoundPage(request, reply);
      return withdrawDaysPage(request, reply, service, emptyWithdrawal(), []);
    });

    // The answers, checked: the confirmation page lists what will happen, the patients affected first.
    app.post<{ Params: { id: string } }>('/provider/services/:id/slots/withdraw-days', { config: page }, async (request, reply) => {
      const service = await own(request, request.params.id);
      if (!service) return notFoundPage(request, reply);
      const form = readWithdrawalForm(request.body);
      if (!form.ok) return withdrawDaysPage(request, reply, service, form.values, form.errors, 400);
      const { reason, ...range } = form.answer;
      return checkPage(request, reply, service, range, reason, []);
    });

    app.post<{ Params: { id: string } }>('/provider/services/:id/slots/withdraw-days/confirm', { config: page }, async (request, reply) => {
      const service = await own(request, request.params.id);
      if (!service) return notFoundPage(request, reply);
      const form = readConfirmation(request.body);
      // The hidden answers were changed by hand: start again.
      if (!form.ok) return seeOther(reply, `${slotsHref(service)}/withdraw-days`);
      const { reason, previewVersion, ...range } = form.answer;
      const staff = staffOf(request);
      const done = await attempt(
        () => withdrawDays(db, service.id, range, reason, (ubrn, why) => cancelAppointment(staff, ubrn, why), londonDate(), { version: previewVersion }),
        { field: 'from', href: '#from-day' },
      );
      // Something changed since the check page (a patient booked, a slot was withdrawn): nothing was done; show
      // what would happen now and ask again.
      if (!done.ok && isStalePreview(done.problem)) {
        return checkPage(request, reply, service, range, reason, [{ field: 'affected', href: '#withdrawal-summary', message: STALE_MESSAGE }], 409);
      }
      if (!done.ok) return withdrawDaysPage(request, reply, service, emptyWithdrawal(), done.errors, done.status);
      await deps.earliestSlots.refreshService(service.id);
      return seeOther(reply, `${slotsHref(service)}?days=${done.value.withdrawn}&cancelled=${done.value.cancelled.length}`);
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
