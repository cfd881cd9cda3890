import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Database } from '../db/database.ts';
import type { DirectoryCache } from '../directory/snapshot.ts';
import { isCalendarDate, londonDate } from '../domain/dates.ts';
import { PUBLIC, ROLES, staffOf } from '../http/access.ts';
import { notFound, unprocessable } from '../http/problem.ts';
import { PreviewVersionField } from '../http/preview.ts';
import { ProblemSchema } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import type { EarliestSlotCache } from './earliest-slots.ts';
import { isoInstant, SLOTS_AHEAD_WEEKS, windowOf } from './instants.ts';
import { CLOCK_TIME, expandPattern, WEEKDAYS } from './pattern.ts';
import { freeSlots } from './free-slots.ts';
import { MAX_FREE_SLOTS, MAX_WINDOW_WEEKS } from './listing-limits.ts';
import { slotsWithStatus } from './queries.ts';
import { type CancelAsProvider, MAX_WITHDRAWAL_DAYS, previewWithdrawal, withdrawDays, type WithdrawalPreview } from './withdrawal.ts';
import { MAX_SLOT_MINUTES, MAX_SLOTS_PER_PUBLICATION, MIN_SLOT_MINUTES, ownService, patternField, publish, slotProblems, toSlotView, withdraw } from './service.ts';

const MAX_PROVIDER_SLOTS = 2000;

const calendarDate = z.string().refine(isCalendarDate, 'must be a date, YYYY-MM-DD');
const instant = z.iso.datetime({ offset: true, error: 'must be an instant with a zone, e.g. 2026-12-01T09:00:00Z' });
const dateOrInstant = z.union([calendarDate, instant], { error: 'must be a date (YYYY-MM-DD) or an instant with a zone' });

const WindowQuery = z.object({
  from: dateOrInstant.optional().describe('a London date (from its midnight) or an instant; default now'),
  to: dateOrInstant.optional().describe('a London date (to the end of that day) or an instant; default 12 weeks after from'),
});

const ServiceParams = z.object({ id: z.string().max(100) });

const FreeSlot = z.object({ id: z.string(), start: z.string(), end: z.string(), status: z.literal('free') });
const Slot = z.object({ id: z.string(), start: z.string(), end: z.string(), status: z.enum(['free', 'booked', 'withdrawn']) });

const londonTime = z.string().regex(CLOCK_TIME, 'must be a London time, HH:MM');

// One object with both keys optional rather than a union, so a mistake inside either is reported against its field.
const PublishBody = z
  .strictObject({
    slots: z.array(z.strictObject({ start: instant, end: instant })).min(1).max(500).optional(),
    pattern: z
      .strictObject({
        from: calendarDate.describe('the first London date'),
        weeks: z.number().int().min(1).max(26),
        days: z.array(z.enum(WEEKDAYS)).min(1).max(7),
        times: z.array(londonTime).min(1).max(48).describe('Europe/London wall-clock start times'),
        minutes: z.number().int().min(MIN_SLOT_MINUTES).max(MAX_SLOT_MINUTES),
      })
      .optional(),
  })
  .refine((b) => (b.slots === undefined) !== (b.pattern === undefined), 'send either { slots: [ { start, end } ] } or { pattern: { from, weeks, days, times, minutes } }');

const PublishAnswer = z.object({ created: z.number().int(), existing: z.number().int(), slots: z.array(Slot) });

const providerAccess = { access: ROLES('provider') };

const WithdrawalQuery = z.object({
  from: calendarDate.describe('the first London date'),
  to: calendarDate.describe(`the last London date, included (at most ${MAX_WITHDRAWAL_DAYS} days)`),
});
const WithdrawalBody = z.strictObject({
  ...WithdrawalQuery.shape,
  reason: z.string().trim().min(1, 'must not be empty').max(500).describe('what the patients whose appointments are cancelled are told'),
  previewVersion: PreviewVersionField.optional().describe('the previewVersion of POST …/withdrawal/preview for the same days: required when appointments would be cancelled; refused (409) when what would change differs'),
});
const Affected = z.object({ ubrn: z.string(), patientName: z.string(), start: z.string(), end: z.string() });
const WithdrawalPreviewAnswer = z.object({ from: z.string(), to: z.string(), freeSlots: z.number().int(), appointments: z.array(Affected), previewVersion: z.string() });
const previewAnswer = (p: WithdrawalPreview) => ({ ...p.range, freeSlots: p.free, appointments: p.booked.map(affected), previewVersion: p.version });
const affected = (a: { ubrn: string; patientName: string; startsAt: Date; endsAt: Date }) => ({ ubrn: a.ubrn, patientName: a.patientName, start: isoInstant(a.startsAt), end: isoInstant(a.endsAt) });

export function slotRoutes(
  { database, directory, earliestSlots: earliest }: { database: Database; directory: DirectoryCache; earliestSlots: EarliestSlotCache },
  { cancelAppointment }: { cancelAppointment: CancelAsProvider },
) {
  const { db } = database;

  return async function (app: FastifyInstance) {
    const api = app as ZodApp;

    api.get(
      '/services/:id/slots',
      {
        config: { access: PUBLIC('free slots of listed services are part of the public directory') },
        schema: {
          tags: ['directory'],
          summary: `Free slots of a listed service, earliest first (at most ${MAX_FREE_SLOTS})`,
          params: ServiceParams,
          querystring: WindowQuery,
          response: { 200: z.object({ slots: z.array(FreeSlot) }), 400: ProblemSchema, 404: ProblemSchema },
        },
      },
      async (request) => {
        const { id } = request.params;
        if (!(await directory.current()).byId.has(id)) throw notFound(`There is no listed service with id "${id.slice(0, 100)}".`);
        const now = new Date();
        const window = windowOf(request.query, { defaultFrom: now, defaultWeeks: SLOTS_AHEAD_WEEKS, maxWeeks: MAX_WINDOW_WEEKS });
        // Free means bookable: never a slot that has already started, whatever the window.
        const from = window.from < now ? now : window.from;
        const slots = window.to <= from ? [] : await freeSlots(db, id, { from, to: window.to }, MAX_FREE_SLOTS);
        return { slots: slots.map((s) => ({ ...toSlotView({ ...s, status: 'free' }), status: 'free' as const })) };
      },
    );

    api.get(
      '/services/:id/slots/all',
      {
        config: providerAccess,
        schema: {
          tags: ['slots'],
          summary: `Every slot of a service the caller's organisation runs, free, booked or withdrawn (at most ${MAX_PROVIDER_SLOTS})`,
          params: ServiceParams,
          querystring: WindowQuery,
          response: { 200: z.object({ slots: z.array(Slot) }), 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
        },
      },
      async (request) => {
        const service = await ownService(db, staffOf(request), request.params.id);
        const window = windowOf(request.query, { defaultFrom: new Date(), defaultWeeks: SLOTS_AHEAD_WEEKS, maxWeeks: MAX_WINDOW_WEEKS });
        return { slots: (await slotsWithStatus(db, service.id, window, MAX_PROVIDER_SLOTS)).map(toSlotView) };
      },
    );

    api.post(
      '/services/:id/slots',
      {
        config: providerAccess,
        schema: {
          tags: ['slots'],
          summary: 'Publish slots, listed or as a weekly pattern (idempotent on each start)',
          params: ServiceParams,
          body: PublishBody,
          response: { 201: PublishAnswer, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 422: ProblemSchema },
        },
      },
      async (request, reply) => {
        const service = await ownService(db, staffOf(request), request.params.id);
        const { slots: listed, pattern } = request.body;
        const now = new Date();
        const slots = listed ? listed.map((s) => ({ start: new Date(s.start), end: new Date(s.end) })) : expandPattern(pattern!);
        const problems = listed ? slotProblems(slots, now, (i, part) => `slots[${i}].${part}`) : patternProblems(slots, now);
        if (problems.length > 0) throw unprocessable('Some slots can\'t be published.', problems);
        const published = await publish(db, service, slots, listed ? 'slots' : 'pattern');
        await earliest.refreshService(service.id);
        return reply.code(201).send(published);
      },
    );

    api.get(
      '/services/:id/slots/withdrawal',
      {
        config: providerAccess,
        schema: {
          tags: ['slots'],
          summary: 'What withdrawing these days of slots would do: the free slots withdrawn and the appointments cancelled',
          params: ServiceParams,
          querystring: WithdrawalQuery,
          response: {
            200: WithdrawalPreviewAnswer,
            400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 422: ProblemSchema,
          },
        },
      },
      async (request) => {
        const service = await ownService(db, staffOf(request), request.params.id);
        return previewAnswer(await previewWithdrawal(db, service.id, request.query, londonDate()));
      },
    );

    api.post(
      '/services/:id/slots/withdrawal/preview',
      {
        config: providerAccess,
        schema: {
          tags: ['slots'],
          summary: 'Preview of POST …/slots/withdrawal with the same body: what it would withdraw and cancel, changing nothing; confirm with its previewVersion',
          params: ServiceParams,
          body: WithdrawalBody,
          response: {
            200: WithdrawalPreviewAnswer,
            400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 422: ProblemSchema,
          },
        },
      },
      async (request) => {
        const service = await ownService(db, staffOf(request), request.params.id);
        const { from, to } = request.body;
        return previewAnswer(await previewWithdrawal(db, service.id, { from, to }, londonDate()));
      },
    );

    api.post(
      '/services/:id/slots/withdrawal',
      {
        config: providerAccess,
        schema: {
          tags: ['slots'],
          summary: 'Withdraw every slot of these days: free ones at once; booked ones after cancelling the appointment (the patient is told)',
          params: ServiceParams,
          body: WithdrawalBody,
          response: {
            200: z.object({ from: z.string(), to: z.string(), withdrawn: z.number().int(), cancelled: z.array(Affected) }),
            400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema,
          },
        },
      },
      async (request) => {
        const staff = staffOf(request);
        const service = await ownService(db, staff, request.params.id);
        const { reason, previewVersion, ...range } = request.body;
        const requiredFrom = `/api/v1/services/${encodeURIComponent(service.id)}/slots/withdrawal/preview`;
        const outcome = await withdrawDays(db, service.id, range, reason, (ubrn, why) => cancelAppointment(staff, ubrn, why), londonDate(), { version: previewVersion, requiredFrom });
        await earliest.refreshService(service.id);
        return { ...outcome.range, withdrawn: outcome.withdrawn, cancelled: outcome.cancelled.map(affected) };
      },
    );

    api.delete(
      '/slots/:slotId',
      {
        config: providerAccess,
        schema: {
          tags: ['slots'],
          summary: 'Withdraw a free slot of a service the caller\'s organisation runs',
          params: z.object({ slotId: z.uuid('must be a slot id') }),
          response: { 204: z.null(), 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (request, reply) => {
        const { serviceId } = await withdraw(db, staffOf(request), request.params.slotId);
        await earliest.refreshService(serviceId);
        return reply.code(204).send(null);
      },
    );
  };
}

/** A pattern's problems, named against the pattern's own fields rather than slots it stands for. */
function patternProblems(slots: { start: Date; end: Date }[], now: Date) {
  if (slots.length === 0) return [{ field: 'pattern.days', message: 'none of these days fall within the weeks given' }];
  if (slots.length > MAX_SLOTS_PER_PUBLICATION) {
    return [{ field: 'pattern', message: `stands for ${slots.length} slots; publish at most ${MAX_SLOTS_PER_PUBLICATION} at a time` }];
  }
  const field = patternField(slots, now);
  return slotProblems(slots, now, (i, part) => `pattern.${field(i, part)}`)
    .filter((p, i, all) => all.findIndex((q) => q.field === p.field) === i); // one problem per field is enough
}
