// Booking, reading and cancelling through FHIR, each through the JSON API's own service: bookAppointment and
// cancelAppointment (src/referrals/booking.ts) with their roles, rules and one-winner guarantee; who may read an
// appointment is who may read its referral (visibleReferrals), and whether they see the patient, least data's rule.
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Appointment } from '@medplum/fhirtypes';
import type { Deps } from '../deps.ts';
import { isUuid } from '../domain/codes.ts';
import { type IdempotencyContext, idempotencyOf } from '../http/idempotency.ts';
import type { Principal } from '../http/principal.ts';
import { badRequest, notFound, Problem, unprocessable } from '../http/problem.ts';
import type { ReadSubject } from '../http/read-audit.ts';
import { bookAppointment, cancelAppointment } from '../referrals/booking.ts';
import { patientVisibleTo } from '../referrals/least-data.ts';
import { liveAppointment, visibleReferrals } from '../referrals/queries.ts';
import { appointmentResource, versionOf } from './appointment.ts';
import { appointmentById, appointmentsOfReferral, type AppointmentRow } from './appointment-queries.ts';
import type { BookingAsked, Cancellation } from './appointment-request.ts';
import { oneSearchValue, type Query, referenceParameter, type SearchRules } from './search-parameters.ts';

export interface Shown {
  appointments: Appointment[];
  /** who they show, for the read audit */
  subjects: ReadSubject[];
}

/** The referral if the principal may read it, with the patient's NHS number when they may see the patient. */
async function readableReferral(deps: Deps, principal: Principal, ubrn: string): Promise<{ ubrn: string; nhsNumber: string | null } | null> {
  const { db } = deps.database;
  // To read, as the JSON API's GET /referrals/{ubrn}: a practice also reads what a provider reports as its patients'.
  const referral = await visibleReferrals(db, principal, { reported: true }).select(['r.ubrn', 'r.patient_nhs_number']).where('r.ubrn', '=', ubrn).executeTakeFirst();
  if (!referral) return null;
  const seen = await patientVisibleTo(db, principal, [ubrn]);
  return { ubrn, nhsNumber: seen.has(ubrn) ? referral.patient_nhs_number : null };
}

const NOT_FOUND = (id: string) => notFound(`There is no Appointment ${id.slice(0, 64)} that you can see.`);

/** The appointment row and its resource if the principal may read its referral; 404 otherwise, telling nothing. */
async function readable(deps: Deps, principal: Principal, id: string): Promise<{ row: AppointmentRow; appointment: Appointment; subject: ReadSubject }> {
  const row = await appointmentById(deps.database.db, id);
  const referral = row ? await readableReferral(deps, principal, row.ubrn) : null;
  if (!row || !referral) throw NOT_FOUND(id);
  return { row, appointment: appointmentResource(row, referral.nhsNumber), subject: { ubrn: row.ubrn, nhsNumber: referral.nhsNumber } };
}

export async function readAppointment(deps: Deps, principal: Principal, id: string): Promise<Shown> {
  const { appointment, subject } = await readable(deps, principal, id);
  return { appointments: [appointment], subjects: [subject] };
}

/** What the Appointment search reads: it shows patients' appointments, so any other parameter is refused by default. */
export const APPOINTMENT_SEARCH: SearchRules = { served: ['based-on', 'status'], data: 'patient' };

/** Appointments of one referral (`based-on=ServiceRequest/{ubrn}`), live and cancelled; none for a referral not readable. */
export async function searchAppointments(deps: Deps, principal: Principal, query: Query): Promise<Shown> {
  const basedOn = oneSearchValue(query, 'based-on');
  if (basedOn === undefined) throw badRequest('Name the referral: based-on=ServiceRequest/{ubrn}.', [{ field: 'based-on', message: 'is required' }]);
  const ubrn = referenceParameter(basedOn, 'ServiceRequest', 'based-on');
  const status = oneSearchValue(query, 'status');
  if (status !== undefined && status !== 'booked' && status !== 'cancelled') throw badRequest('status must be booked or cancelled.', [{ field: 'status', message: 'must be booked or cancelled' }]);
  const referral = await readableReferral(deps, principal, ubrn);
  if (!referral) return { appointments: [], subjects: [] };
  const appointments = (await appointmentsOfReferral(deps.database.db, ubrn)).map((row) => appointmentResource(row, referral.nhsNumber)).filter((a) => status === undefined || a.status === status);
  return { appointments, subjects: appointments.length > 0 ? [{ ubrn, nhsNumber: referral.nhsNumber }] : [] };
}

/**
 * The request's idempotency: its Idempotency-Key, held to the JSON API's rules, when it sends one; otherwise
 * `fallbackKey` (a message's own id), or a new key so the booking is simply a new one. The scope and fingerprint
 * are idempotencyOf's, whichever key is used.
 */
export function idempotencyFor(request: FastifyRequest, principal: Principal, fallbackKey?: string): IdempotencyContext {
  if (request.headers['idempotency-key'] !== undefined) return idempotencyOf(request, principal);
  const keyed = { method: request.method, url: request.url, body: request.body, headers: { 'idempotency-key': fallbackKey ?? `fhir-${randomUUID()}` } };
  return idempotencyOf(keyed as unknown as FastifyRequest, principal);
}

/** `If-None-Exist: based-on=ServiceRequest/{ubrn}`: the referral named, whose live appointment would answer instead. */
export function ifNoneExistReferral(request: FastifyRequest): string | null {
  const header = request.headers['if-none-exist'];
  if (header === undefined) return null;
  const params = new URLSearchParams(String(header));
  const names = [...new Set(params.keys())];
  const basedOn = params.getAll('based-on');
  if (names.length !== 1 || basedOn.length !== 1) {
    throw badRequest('If-None-Exist may name one search: based-on=ServiceRequest/{ubrn} (the referral\'s booked appointment).', [{ field: 'If-None-Exist', message: 'must be based-on=ServiceRequest/{ubrn}' }]);
  }
  return referenceParameter(basedOn[0]!, 'ServiceRequest', 'If-None-Exist based-on');
}

/** The referral's live appointment, if the principal may read the referral. */
async function existingBooking(deps: Deps, principal: Principal, ubrn: string): Promise<Appointment | null> {
  const referral = await readableReferral(deps, principal, ubrn);
  const live = referral ? await liveAppointment(deps.database.db, ubrn) : undefined;
  return live ? (await readable(deps, principal, live.id)).appointment : null;
}

export interface BookingOutcome {
  /** 201 booked now (or an Idempotency-Key's first answer given again); 200 the existing one If-None-Exist found */
  status: 200 | 201;
  appointment: Appointment;
  subject: ReadSubject;
}

/** Books the slot for the referral through the JSON API's booking service, honouring If-None-Exist. */
export async function bookThroughFhir(
  deps: Deps,
  principal: Principal,
  asked: BookingAsked,
  idem: IdempotencyContext,
  options: { ifNoneExist?: string | null; nhsNumber?: string | null } = {},
): Promise<BookingOutcome> {
  const ifNoneExist = options.ifNoneExist ?? null;
  const found = async () => {
    const existing = ifNoneExist ? await existingBooking(deps, principal, ifNoneExist) : null;
    return existing ? { status: 200 as const, appointment: existing, subject: { ubrn: ifNoneExist, nhsNumber: participantNhsNumber(existing) } } : null;
  };
  const before = await found();
  if (before) return before;
  // A message that names the patient must name the referral's: a booking never lands on someone else's referral.
  if (options.nhsNumber) {
    const referral = await readableReferral(deps, principal, asked.ubrn);
    if (referral?.nhsNumber && referral.nhsNumber !== options.nhsNumber) {
      throw unprocessable('The Patient\'s NHS number is not the referral\'s.', [{ field: 'Patient.identifier', message: 'must be the NHS number of the referral\'s patient' }]);
    }
  }
  // The booking service reads the slot id as a uuid; anything else is no slot.
  if (!isUuid(asked.slotId)) throw notFound(`There is no slot ${asked.slotId} to book.`);
  try {
    const answer = await bookAppointment(deps, principal, asked.ubrn, asked.slotId, idem);
    const { appointment, subject } = await readable(deps, principal, answer.body.appointment.id);
    return { status: 201, appointment, subject };
  } catch (err) {
    // Two conditional creates for one referral at once: the loser finds the winner's appointment, as it asked to.
    const meanwhile = err instanceof Problem && err.status === 409 ? await found() : null;
    if (meanwhile) return meanwhile;
    throw err;
  }
}

const participantNhsNumber = (a: Appointment) => a.participant?.find((p) => p.actor?.type === 'Patient')?.actor?.identifier?.value ?? null;

/**
 * Cancels the appointment through the JSON API's cancel service (the slot is free again), if `version` (If-Match)
 * is the one it has: 412 otherwise. Cancelling one already cancelled changes nothing.
 */
export async function cancelThroughFhir(deps: Deps, principal: Principal, id: string, change: Cancellation, version: string | null): Promise<Shown> {
  const { row } = await readable(deps, principal, id);
  if (version !== null && version !== versionOf(row)) {
    throw new Problem(412, 'Precondition failed', `The Appointment has changed since version ${version}: it is now version ${versionOf(row)}. Read it again and decide.`);
  }
  // The appointment's own id goes with the cancel: if it was cancelled and the referral rebooked since the check
  // above, the service refuses (409) rather than cancel the new appointment.
  // The appointment's own id goes with the cancel: if it was cancelled and the referral rebooked since the check
  // above, the service refuses (409) rather than cancel the new appointment.
  if (row.cancelled_at === null) await cancelAppointment(deps, principal, row.ubrn, change.reason ?? 'No reason given (cancelled through the FHIR interface)', { appointmentId: row.id });
  return readAppointment(deps, principal, id);
}

/** The current resource, for an update to compare against. */
export async function currentAppointment(deps: Deps, principal: Principal, id: string): Promise<Appointment> {
  return (await readable(deps, principal, id)).appointment;
}
