// Booking over FHIR (issue 13): Slot and Schedule search and read, Appointment book, read, search and cancel, and
// BaRS booking messages through $process-message. Wiring only: the rules are the JSON API's services'.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { PUBLIC, ROLES } from '../http/access.ts';
import { auditReads, READS } from '../http/read-audit.ts';
import { asAppointment, bookingAsked, cancellationFromPatch, cancellationFromUpdate } from './appointment-request.ts';
import { APPOINTMENT_SEARCH, bookThroughFhir, cancelThroughFhir, currentAppointment, idempotencyFor, ifNoneExistReferral, readAppointment, searchAppointments } from './appointment-service.ts';
import { ifMatchVersion, searchset, sendResource } from './bundle.ts';
import type { SearchParamDeclaration } from './interactions.ts';
import { MESSAGE_DEFINITION_SEARCH, messageDefinition, messageDefinitions, processMessage } from './messaging.ts';
import { SLOTS_AHEAD_WEEKS } from '../slots/instants.ts';
import { MAX_FREE_SLOTS, MAX_WINDOW_WEEKS } from '../slots/listing-limits.ts';
import { searchQuery } from './search-parameters.ts';
import { DEFAULT_SLOT_COUNT, readSchedule, readSlot, SCHEDULE_SEARCH, searchFreeSlots, searchSchedules, SLOT_SEARCH, slotSearchset } from './slot-search.ts';

const SP = 'http://hl7.org/fhir/SearchParameter/';
const SLOT_PARAMS: SearchParamDeclaration[] = [
  { name: 'status', type: 'token', definition: `${SP}Slot-status`, documentation: 'free (the default; only free slots are searched)' },
  { name: 'schedule', type: 'reference', definition: `${SP}Slot-schedule`, documentation: 'Schedule/{HealthcareService id}' },
  { name: 'schedule.actor', type: 'reference', documentation: 'chained: schedule.actor:HealthcareService={id}, the service whose slots to search' },
  { name: 'start', type: 'date', definition: `${SP}Slot-start`, documentation: `eq, ge, gt, le or lt a date (a London day) or an instant; twice for a range; default the next ${SLOTS_AHEAD_WEEKS} weeks, at most ${MAX_WINDOW_WEEKS}` },
  { name: '_count', type: 'number', documentation: `slots a page holds, 1 to ${MAX_FREE_SLOTS} (default ${DEFAULT_SLOT_COUNT}); a next link follows when there are more` },
];
const APPOINTMENT_PARAMS: SearchParamDeclaration[] = [
  { name: 'based-on', type: 'reference', definition: `${SP}Appointment-based-on`, documentation: 'ServiceRequest/{ubrn}: the referral\'s appointments, booked and cancelled' },
  { name: 'status', type: 'token', definition: `${SP}Appointment-status`, documentation: 'booked or cancelled' },
];

// Booking and cancelling admit whom the JSON API's POST and DELETE /api/v1/referrals/{ubrn}/appointment admit;
// reading whom its GET /api/v1/referrals/{ubrn} admits.
const BOOKERS = ROLES('patient', 'referrer', 'referral-centre', 'provider');
const READERS = ROLES('referrer', 'referral-centre', 'provider', 'patient');
/** Booking and cancelling answer with the referral's appointment: audited as reads of the referral and its booking. */
const BOOKING = { access: BOOKERS, audit: READS('referral', 'booking') };
const hidden = { hide: true };

type IdParams = { Params: { id: string } };

/** A cancel, by PATCH or by PUT (update): the same access, audit and rule, only what the client sends differs. */
const cancelRoute = (interaction: 'patch' | 'update', sent: string) => ({
  config: { ...BOOKING, fhir: { resource: 'Appointment', interaction, documentation: `Cancel: ${sent}; If-Match with the ETag read. Nothing else may change.` } },
  schema: hidden,
});

export function bookingRoutes(fhir: FastifyInstance, deps: Deps, baseUrl: string): void {
  const started = new Date().toISOString();

  fhir.get('/Slot', {
    config: { access: PUBLIC('free slots of listed services are part of the public directory, as GET /api/v1/services/{id}/slots'), fhir: { resource: 'Slot', interaction: 'search-type', searchParams: SLOT_PARAMS } },
    schema: hidden,
  }, async (request) => slotSearchset(baseUrl, request, await searchFreeSlots(deps, searchQuery(request, SLOT_SEARCH))));

  fhir.get<IdParams>('/Slot/:id', {
    config: { access: PUBLIC('a listed service\'s published slot, free or busy, as the public listing implies'), fhir: { resource: 'Slot', interaction: 'read' } },
    schema: hidden,
  }, async (request, reply) => sendResource(reply, await readSlot(deps, request.params.id)));

  fhir.get('/Schedule', {
    config: {
      access: PUBLIC('a listed service\'s schedule of published slots is part of the public directory'),
      fhir: { resource: 'Schedule', interaction: 'search-type', searchParams: [{ name: 'actor', type: 'reference', definition: `${SP}Schedule-actor`, documentation: 'HealthcareService/{id}: that service\'s one Schedule' }] },
    },
    schema: hidden,
  }, async (request) => searchset(baseUrl, request, await searchSchedules(deps, searchQuery(request, SCHEDULE_SEARCH))));

  fhir.get<IdParams>('/Schedule/:id', {
    config: { access: PUBLIC('a listed service\'s schedule of published slots is part of the public directory'), fhir: { resource: 'Schedule', interaction: 'read', documentation: 'id: the HealthcareService id' } },
    schema: hidden,
  }, async (request, reply) => sendResource(reply, await readSchedule(deps, request.params.id)));

  fhir.post('/Appointment', {
    config: {
      ...BOOKING,
      fhir: { resource: 'Appointment', interaction: 'create', conditionalCreate: true, documentation: 'Book: status booked, slot [Slot/{id}], basedOn [ServiceRequest/{ubrn}]. If-None-Exist: based-on=ServiceRequest/{ubrn} answers the referral\'s booked appointment (200) instead of booking again; an Idempotency-Key gives its first answer again.' },
    },
    schema: hidden,
  }, async (request, reply) => {
    const principal = request.principal!;
    const asked = bookingAsked(asAppointment(request.body), ['booked']);
    const outcome = await bookThroughFhir(deps, principal, asked, idempotencyFor(request, principal), { ifNoneExist: ifNoneExistReferral(request) });
    auditReads(request, [outcome.subject]);
    reply.header('location', `${baseUrl}/Appointment/${outcome.appointment.id}`);
    return sendResource(reply, outcome.appointment, outcome.status);
  });

  fhir.get<IdParams>('/Appointment/:id', {
    config: { access: READERS, audit: READS('referral'), fhir: { resource: 'Appointment', interaction: 'read' } },
    schema: hidden,
  }, async (request, reply) => {
    const shown = await readAppointment(deps, request.principal!, request.params.id);
    auditReads(request, shown.subjects);
    return sendResource(reply, shown.appointments[0]!);
  });

  fhir.get('/Appointment', {
    config: { access: READERS, audit: READS('referral'), fhir: { resource: 'Appointment', interaction: 'search-type', searchParams: APPOINTMENT_PARAMS } },
    schema: hidden,
  }, async (request) => {
    const shown = await searchAppointments(deps, request.principal!, searchQuery(request, APPOINTMENT_SEARCH));
    auditReads(request, shown.subjects);
    return searchset(baseUrl, request, shown.appointments);
  });

  const cancelled = async (request: FastifyRequest<IdParams>, reply: FastifyReply, change: Parameters<typeof cancelThroughFhir>[3]) => {
    const shown = await cancelThroughFhir(deps, request.principal!, request.params.id, change, ifMatchVersion(request));
    auditReads(request, shown.subjects);
    return sendResource(reply, shown.appointments[0]!);
  };

  fhir.patch<IdParams>('/Appointment/:id', cancelRoute('patch', 'JSON Patch replace /status with "cancelled" (and optionally /cancelationReason)'),
    async (request, reply) => cancelled(request, reply, cancellationFromPatch(request.body)));

  fhir.put<IdParams>('/Appointment/:id', cancelRoute('update', 'the Appointment as read with status "cancelled" (and optionally a cancelationReason)'), async (request, reply) => {
    const current = await currentAppointment(deps, request.principal!, request.params.id);
    return cancelled(request, reply, cancellationFromUpdate(request.body, current));
  });

  fhir.post('/$process-message', {
    config: {
      ...BOOKING,
      fhir: {
        operation: 'process-message',
        definition: 'http://hl7.org/fhir/OperationDefinition/MessageHeader-process-message',
        level: 'system',
        documentation: 'BaRS booking-request messages (https://fhir.nhs.uk/CodeSystem/message-events-bars), answered with a booking-response message when booked, and with an OperationOutcome (its HTTP status the refusal\'s, e.g. 409 REC_CONFLICT for a slot taken) when not, as BaRS answers; GET MessageDefinition lists them',
      },
    },
    schema: hidden,
  }, async (request) => {
    const answer = await processMessage(deps, request.principal!, request, baseUrl);
    auditReads(request, answer.subjects);
    return answer.bundle;
  });

  fhir.get('/MessageDefinition', {
    config: { access: PUBLIC('what messages this server processes is public, as its CapabilityStatement is'), fhir: { resource: 'MessageDefinition', interaction: 'search-type' } },
    schema: hidden,
  }, async (request) => {
    searchQuery(request, MESSAGE_DEFINITION_SEARCH);
    return searchset(baseUrl, request, messageDefinitions(baseUrl, started));
  });

  fhir.get<IdParams>('/MessageDefinition/:id', {
    config: { access: PUBLIC('what messages this server processes is public, as its CapabilityStatement is'), fhir: { resource: 'MessageDefinition', interaction: 'read' } },
    schema: hidden,
  }, async (request, reply) => sendResource(reply, messageDefinition(baseUrl, started, request.params.id)));
}
