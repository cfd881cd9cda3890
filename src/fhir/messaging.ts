// BaRS (the Booking and Referral Standard) messages through $process-message: a booking-request message Bundle
// (MessageHeader first, event booking-request of https://fhir.nhs.uk/CodeSystem/message-events-bars; its focus
// the Appointment, with the Slot, ServiceRequest and Patient beside it) is booked through the same service as
// POST Appointment, and answered as the BaRS API specification answers $process-message
// (NHSDigital/booking-and-referral-fhir-api, specification/booking-and-referral.yaml): 200 with a booking-response
// message (MessageHeader.response naming the request's header, code ok, the booked Appointment its focus); every
// refusal, a taken slot (409 REC_CONFLICT) as much as a malformed message, a plain OperationOutcome with the
// refusal's status (its 4XX-BARS and 5XX-BARS responses), as every other FHIR route refuses.
import { randomUUID } from 'node:crypto';
import type { Appointment, Bundle, BundleEntry, MessageDefinition, MessageHeader, Resource } from '@medplum/fhirtypes';
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import type { Principal } from '../http/principal.ts';
import { badRequest, notFound, unprocessable } from '../http/problem.ts';
import type { ReadSubject } from '../http/read-audit.ts';
import { bookThroughFhir, idempotencyFor } from './appointment-service.ts';
import { asAppointment, type BookingAsked, bookingAsked } from './appointment-request.ts';
import { NHS_NUMBER_SYSTEM } from './extensions.ts';
import type { SearchRules } from './search-parameters.ts';

export const BARS_EVENTS = 'https://fhir.nhs.uk/CodeSystem/message-events-bars';

/** The events served, each with the one that answers it. */
const EVENTS = [
  { code: 'booking-request', display: 'Booking Request - Request', response: 'booking-response', responseDisplay: 'Booking Request - Response' },
] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** The MessageDefinition search takes no parameter: the few there are are listed whole. */
export const MESSAGE_DEFINITION_SEARCH: SearchRules = { served: [], data: 'public' };

/** The MessageDefinitions of what $process-message accepts and what it answers with. */
export function messageDefinitions(baseUrl: string, date: string): MessageDefinition[] {
  return EVENTS.flatMap((e) => {
    const url = (code: string) => `${baseUrl}/MessageDefinition/${code}`;
    const common = { status: 'active' as const, date, publisher: 'OpenChoice', experimental: false };
    const request: MessageDefinition = {
      resourceType: 'MessageDefinition',
      id: e.code,
      url: url(e.code),
      name: 'BookingRequest',
      title: e.display,
      ...common,
      description: 'Book a free slot for a referral: the Appointment (status proposed or booked) names one Slot and the referral\'s ServiceRequest (UBRN). The Patient, if sent, must carry the referral\'s NHS number.',
      eventCoding: { system: BARS_EVENTS, code: e.code, display: e.display },
      category: 'consequence',
      focus: [{ code: 'Appointment', min: 1, max: '1' }, { code: 'Slot', min: 0, max: '1' }, { code: 'ServiceRequest', min: 0, max: '1' }, { code: 'Patient', min: 0, max: '1' }],
      responseRequired: 'always',
      allowedResponse: [{ message: url(e.response), situation: 'The booking was made: ok with the booked Appointment. A refused booking is answered with an OperationOutcome and the refusal\'s HTTP status, not a message' }],
    };
    const response: MessageDefinition = {
      resourceType: 'MessageDefinition',
      id: e.response,
      url: url(e.response),
      name: 'BookingResponse',
      title: e.responseDisplay,
      ...common,
      description: 'The answer to a booking request that booked: MessageHeader.response names the request (code ok); its focus the booked Appointment.',
      eventCoding: { system: BARS_EVENTS, code: e.response, display: e.responseDisplay },
      category: 'notification',
      focus: [{ code: 'Appointment', min: 1, max: '1' }],
      responseRequired: 'never',
    };
    return [request, response];
  });
}

export function messageDefinition(baseUrl: string, date: string, id: string): MessageDefinition {
  const found = messageDefinitions(baseUrl, date).find((d) => d.id === id);
  if (!found) throw notFound(`There is no MessageDefinition ${id.slice(0, 64)}: GET MessageDefinition lists them.`);
  return found;
}

export interface BookingMessage {
  header: MessageHeader & { id: string };
  asked: BookingAsked;
  /** the NHS number the message's Patient carries, to hold against the referral's */
  nhsNumber: string | null;
}

/** A booking-request message read and checked: 400 for what is not a message, 422 for an event not served. */
export function readBookingMessage(body: unknown): BookingMessage {
  if (!isObject(body) || body.resourceType !== 'Bundle' || body.type !== 'message') {
    throw badRequest('$process-message takes a Bundle of type "message".', [{ field: 'Bundle.type', message: 'must be message' }]);
  }
  const entries = (Array.isArray(body.entry) ? body.entry : []) as BundleEntry[];
  const header = entries[0]?.resource;
  if (!header || header.resourceType !== 'MessageHeader') {
    throw badRequest('A message Bundle\'s first entry is its MessageHeader.', [{ field: 'Bundle.entry[0].resource', message: 'must be a MessageHeader' }]);
  }
  // The response names the request by its MessageHeader's id; BaRS's own examples leave that out and identify the
  // message by the Bundle's id, which then stands in.
  const id = header.id ?? (typeof body.id === 'string' ? body.id : undefined);
  if (!id || !FHIR_ID.test(id)) throw badRequest('The message needs an id (its MessageHeader\'s, or else the Bundle\'s), for the response to name.', [{ field: 'MessageHeader.id', message: 'is required' }]);
  const event = header.eventCoding;
  const served = EVENTS.find((e) => event?.system === BARS_EVENTS && event.code === e.code);
  if (!served) {
    const named = event ? `${event.system ?? ''}|${event.code ?? ''}` : 'no eventCoding';
    throw unprocessable(`This server processes ${EVENTS.map((e) => e.code).join(', ')} messages (${BARS_EVENTS}), not ${named.slice(0, 120)}: GET MessageDefinition lists them.`, [
      { field: 'MessageHeader.eventCoding', message: `must be ${BARS_EVENTS}|booking-request` },
    ]);
  }
  const resolve = (reference: string): Resource | undefined => entries.find((e) => e.fullUrl === reference || (e.resource && `${e.resource.resourceType}/${e.resource.id}` === reference))?.resource;
  const focus = header.focus?.map((f) => (f.reference ? resolve(f.reference) : undefined)).find((r) => r?.resourceType === 'Appointment');
  const appointment = focus ?? entries.find((e) => e.resource?.resourceType === 'Appointment')?.resource;
  if (!appointment) throw unprocessable('A booking request carries the Appointment to book (the MessageHeader\'s focus).', [{ field: 'MessageHeader.focus', message: 'must reference an Appointment in the Bundle' }]);
  // BaRS composes a booking's Appointment without basedOn; the referral is then the message's ServiceRequest.
  const referral = entries.find((e) => e.resource?.resourceType === 'ServiceRequest');
  const withReferral = appointment.resourceType === 'Appointment' && !appointment.basedOn && referral?.fullUrl ? { ...appointment, basedOn: [{ reference: referral.fullUrl }] } : appointment;
  const asked = bookingAsked(asAppointment(withReferral), ['proposed', 'booked', 'pending'], resolve);
  const patient = entries.find((e) => e.resource?.resourceType === 'Patient')?.resource;
  const nhsNumber = patient?.resourceType === 'Patient' ? patient.identifier?.find((i) => i.system === NHS_NUMBER_SYSTEM)?.value ?? null : null;
  return { header: { ...header, id }, asked, nhsNumber };
}

/**
 * Processes a message through the same service as POST Appointment and answers the booking with the response
 * message. What cannot be read, and a booking refused, are thrown: the platform answers them with the
 * OperationOutcome, as BaRS answers refusals.
 */
export async function processMessage(deps: Deps, principal: Principal, request: FastifyRequest, baseUrl: string): Promise<{ bundle: Bundle; subjects: ReadSubject[] }> {
  const message = readBookingMessage(request.body);
  // The message's own id is its idempotency key: a message sent again books once and gets the same answer.
  const idem = idempotencyFor(request, principal, `bars-message:${message.header.id}`);
  const outcome = await bookThroughFhir(deps, principal, message.asked, idem, { nhsNumber: message.nhsNumber });
  return { bundle: responseMessage(baseUrl, message.header, outcome.appointment), subjects: [outcome.subject] };
}

/** The response message: MessageHeader.response names the request (ok); the focus is the booked Appointment. */
export function responseMessage(baseUrl: string, request: MessageHeader & { id: string }, appointment: Appointment): Bundle {
  const served = EVENTS.find((e) => e.code === request.eventCoding?.code)!;
  const headerId = randomUUID();
  const focus: BundleEntry = { fullUrl: `${baseUrl}/Appointment/${appointment.id}`, resource: appointment };
  const header: MessageHeader = {
    resourceType: 'MessageHeader',
    id: headerId,
    eventCoding: { system: BARS_EVENTS, code: served.response, display: served.responseDisplay },
    source: { name: 'OpenChoice', endpoint: `${baseUrl}/$process-message` },
    ...(request.source?.endpoint ? { destination: [{ endpoint: request.source.endpoint, ...(request.source.name ? { name: request.source.name } : {}) }] } : {}),
    response: { identifier: request.id, code: 'ok' },
    focus: [{ reference: focus.fullUrl }],
  };
  return {
    resourceType: 'Bundle',
    id: randomUUID(),
    meta: { lastUpdated: new Date().toISOString() },
    identifier: { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${headerId}` },
    type: 'message',
    timestamp: new Date().toISOString(),
    entry: [{ fullUrl: `urn:uuid:${headerId}`, resource: header }, focus],
  };
}
