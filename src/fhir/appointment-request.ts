// What a client asks of an Appointment, read from the FHIR it sends: which slot to book for which referral (create,
// and the booking-request message), and the one change an appointment may undergo, being cancelled (PATCH or PUT).
import type { Appointment, Reference, Resource } from '@medplum/fhirtypes';
import { normaliseUbrn } from '../domain/ubrn.ts';
import { badRequest, unprocessable } from '../http/problem.ts';
import { idOfReference } from './references.ts';
import { UBRN_SYSTEM } from './extensions.ts';

export interface BookingAsked {
  ubrn: string;
  slotId: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The body as an Appointment, or a 400: FHIR's answer to a body that is not the resource the URL names. */
export function asAppointment(body: unknown): Appointment {
  if (!isObject(body) || body.resourceType !== 'Appointment') {
    throw badRequest('Send an Appointment resource (resourceType "Appointment").', [{ field: 'resourceType', message: 'must be Appointment' }]);
  }
  return body as unknown as Appointment;
}

/** A resource of the same message Bundle that a reference points at (its entry's fullUrl), if any. */
export type Resolve = (reference: string) => Resource | undefined;

/**
 * The slot and referral a booking names: `slot` one Slot (Slot/{id}, or a Slot entry of the message), `basedOn` one
 * ServiceRequest (ServiceRequest/{ubrn}, the UBRN identifier, or a ServiceRequest entry carrying it). Anything else
 * it says (participants, times) is the slot's and the referral's to decide, so it is not read.
 */
export function bookingAsked(appointment: Appointment, statuses: readonly Appointment['status'][], resolve: Resolve = () => undefined): BookingAsked {
  if (!statuses.includes(appointment.status)) {
    throw unprocessable(`A booking is an Appointment with status ${statuses.join(' or ')}.`, [{ field: 'Appointment.status', message: `must be ${statuses.join(' or ')}` }]);
  }
  const slots = appointment.slot ?? [];
  if (slots.length !== 1) throw unprocessable('Name the one slot to book in Appointment.slot.', [{ field: 'Appointment.slot', message: 'must hold exactly one Slot reference' }]);
  const slotId = slotIdOf(slots[0]!, resolve);
  if (!slotId) throw unprocessable('Appointment.slot must reference a Slot: Slot/{id}.', [{ field: 'Appointment.slot[0]', message: 'must be Slot/{id}' }]);
  const basedOn = appointment.basedOn ?? [];
  if (basedOn.length !== 1) throw unprocessable('Name the referral in Appointment.basedOn: ServiceRequest/{ubrn}.', [{ field: 'Appointment.basedOn', message: 'must hold exactly one ServiceRequest reference' }]);
  const ubrn = ubrnOf(basedOn[0]!, resolve);
  if (!ubrn) throw unprocessable('Appointment.basedOn must reference the referral: ServiceRequest/{ubrn} or its UBRN identifier.', [{ field: 'Appointment.basedOn[0]', message: 'must be ServiceRequest/{ubrn}' }]);
  return { ubrn, slotId };
}

function slotIdOf(ref: Reference, resolve: Resolve): string | null {
  const entry = ref.reference ? resolve(ref.reference) : undefined;
  if (entry) return entry.resourceType === 'Slot' && entry.id ? entry.id : null;
  return ref.reference ? idOfReference(ref.reference, 'Slot') : null;
}

function ubrnOf(ref: Reference, resolve: Resolve): string | null {
  const entry = ref.reference ? resolve(ref.reference) : undefined;
  let candidate: string | undefined | null;
  if (entry) {
    if (entry.resourceType !== 'ServiceRequest') return null;
    candidate = entry.identifier?.find((i) => i.system === UBRN_SYSTEM)?.value ?? entry.id;
  } else if (ref.reference) {
    candidate = idOfReference(ref.reference, 'ServiceRequest');
  } else if (ref.identifier?.system === UBRN_SYSTEM) {
    candidate = ref.identifier.value;
  }
  if (!candidate) return null;
  const ubrn = normaliseUbrn(candidate);
  return /^\d{12}$/.test(ubrn) ? ubrn : null;
}

/** What changing an appointment may do: cancel it, with a reason if one is given. */
export interface Cancellation {
  reason: string | null;
}

const ALLOWED_CHANGE = 'The only change an Appointment may undergo is being cancelled: status "cancelled", with an optional cancelationReason.';

const reasonText = (value: unknown): string | null => {
  if (typeof value === 'string') return value;
  if (!isObject(value)) return null;
  const coding = Array.isArray(value.coding) ? (value.coding[0] as Record<string, unknown> | undefined) : undefined;
  const text = value.text ?? coding?.display ?? coding?.code;
  return typeof text === 'string' ? text : null;
};

function usableReason(text: string | null, field: string): string | null {
  if (text === null) return null;
  const trimmed = text.trim();
  if (trimmed.length === 0) return null;
  if (trimmed.length > 500) throw unprocessable('A cancellation reason is at most 500 characters.', [{ field, message: 'must be at most 500 characters' }]);
  return trimmed;
}

/**
 * A JSON Patch (RFC 6902) that cancels: replace (or add) /status with "cancelled", and optionally /cancelationReason
 * (a CodeableConcept) or /cancelationReason/text. Any other operation is a 422 saying what is allowed.
 */
export function cancellationFromPatch(body: unknown): Cancellation {
  if (!Array.isArray(body) || body.length === 0) {
    throw badRequest('Send a JSON Patch: an array of operations, e.g. [{ "op": "replace", "path": "/status", "value": "cancelled" }].', [{ field: 'body', message: 'must be a JSON Patch array' }]);
  }
  let cancels = false;
  let reason: string | null = null;
  body.forEach((op: unknown, i) => {
    const field = `[${i}]`;
    if (!isObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') throw badRequest('Each JSON Patch operation has an op and a path.', [{ field, message: 'must have op and path' }]);
    const settable = op.op === 'replace' || op.op === 'add';
    if (settable && op.path === '/status' && op.value === 'cancelled') cancels = true;
    else if (settable && op.path === '/cancelationReason' && reasonText(op.value) !== null) reason = usableReason(reasonText(op.value), `${field}.value`);
    else if (settable && op.path === '/cancelationReason/text' && typeof op.value === 'string') reason = usableReason(op.value, `${field}.value`);
    else throw unprocessable(`${ALLOWED_CHANGE} ${op.op} ${op.path.slice(0, 60)} is not.`, [{ field, message: 'may only set /status to "cancelled" or /cancelationReason' }]);
  });
  if (!cancels) throw unprocessable(`${ALLOWED_CHANGE} Replace /status with "cancelled".`, [{ field: 'status', message: 'must be set to "cancelled"' }]);
  return { reason };
}

/**
 * An update (PUT) that cancels: the Appointment as read, with status "cancelled" and optionally a cancelationReason;
 * what it says of the slot, referral and times must be what they are.
 */
export function cancellationFromUpdate(body: unknown, current: Appointment): Cancellation {
  const sent = asAppointment(body);
  if (sent.id !== undefined && sent.id !== current.id) throw badRequest('The Appointment\'s id must be the one in the URL.', [{ field: 'Appointment.id', message: `must be ${current.id}` }]);
  const differs = (field: 'start' | 'end') => sent[field] !== undefined && Date.parse(sent[field]!) !== Date.parse(current[field]!);
  const refsDiffer = (field: 'slot' | 'basedOn') => sent[field] !== undefined && JSON.stringify(sent[field]!.map((r) => r.reference)) !== JSON.stringify(current[field]!.map((r) => r.reference));
  const changed = [differs('start') && 'start', differs('end') && 'end', refsDiffer('slot') && 'slot', refsDiffer('basedOn') && 'basedOn'].filter((f): f is string => typeof f === 'string');
  if (changed.length > 0) throw unprocessable(`${ALLOWED_CHANGE} This update changes ${changed.join(', ')}.`, changed.map((f) => ({ field: `Appointment.${f}`, message: 'cannot be changed: book another slot instead' })));
  if (sent.status !== 'cancelled') throw unprocessable(`${ALLOWED_CHANGE} Send status "cancelled".`, [{ field: 'Appointment.status', message: 'must be "cancelled"' }]);
  return { reason: usableReason(reasonText(sent.cancelationReason), 'Appointment.cancelationReason') };
}
