// Booking a referral's appointment, cancelling it, and deferring to the provider when no slot is free. Each runs in one transaction that locks the referral row first, so two changes to one
// referral happen one after the other, and each is checked against the state machine and kept in history.
import type { Deps } from '../deps.ts';
import type { Transaction } from 'kysely';
import { actorLabel, type Principal } from '../http/principal.ts';
import type { DB } from '../db/schema.ts';
import { CONTACT_WITHIN_DAYS, contactByDate } from '../domain/contact-by.ts';
import { formatDate, formatDateTime, londonDate } from '../domain/dates.ts';
import { enqueueBookingConfirmation, enqueueCancellation, enqueueDeferralNotice } from '../messages/patient-messages.ts';
import { mayDo, type ReferralStatus } from '../domain/referral-status.ts';
import { type IdempotencyContext, type IdempotentAnswer, isSameKeyAnsweredMeanwhile, keepAnswer, storedAnswer } from '../http/idempotency.ts';
import { conflict, forbidden, notFound, unprocessable } from '../http/problem.ts';
import { countFreeSlots } from '../slots/free-slots.ts';
import { type AppointmentView, toAppointmentView } from './appointment-view.ts';
import { changeStatus } from './history.ts';
import { liveAppointment, type LockedReferral, lockVisibleReferral } from './queries.ts';

const UNIQUE_VIOLATION = '23505';


function isUniqueViolation(err: unknown, constraint: string): boolean {
  return (err as { code?: string }).code === UNIQUE_VIOLATION && (err as { constraint?: string }).constraint === constraint;
}

export interface Booked {
  status: ReferralStatus;
  appointment: AppointmentView;
}

/**
 * Books a free slot of a shortlisted service. The database's unique index makes a second booking of the slot
 * fail whatever the concurrency; that failure is the 409 "slot taken".
 */
export async function bookAppointment(
  deps: Deps,
  principal: Principal,
  ubrn: string,
  slotId: string,
  idem: IdempotencyContext,
  options: { changing?: { reason: string }; patientChose?: boolean } = {},
): Promise<IdempotentAnswer<Booked>> {
  refuseProviderSayingPatientChose(principal, options.patientChose);
  try {
    return await deps.database.db.transaction().execute(async (trx) => {
      const referral = await lockVisibleReferral(trx, principal, ubrn);
      // Looked up after taking the lock: a request with the same key that got there first has committed by now.
      const earlier = await storedAnswer<Booked>(trx, idem);
      if (earlier) return earlier;
      const provider = principal.kind === 'staff' && principal.role === 'provider' ? principal.organisation.odsCode : null;
      if (provider) await assertProviderMayBook(trx, provider, referral);
      const slot = await trx
        .selectFrom('slot as s')
        .innerJoin('service as sv', 'sv.id', 's.service_id')
        .leftJoin('referral_option as o', (j) => j.onRef('o.service_id', '=', 's.service_id').on('o.ubrn', '=', ubrn))
        .select(['s.id', 's.service_id', 's.starts_at', 's.ends_at', 's.withdrawn_at', 'o.rank', 'sv.provider_ods_code'])
        .where('s.id', '=', slotId)
        // Locked until commit, so a provider cannot withdraw the slot between this check and the booking.
        .forShare('s')
        .executeTakeFirst();
      if (!slot || slot.withdrawn_at !== null) throw notFound(`There is no slot ${slotId} to book.`);
      if (slot.rank === null) throw unprocessable('That slot is at a service that is not on this referral\'s shortlist.', [{ field: 'slotId', message: 'Choose a slot of a shortlisted service' }]);
      if (provider && slot.provider_ods_code !== provider) {
        throw unprocessable('A provider books the patient into one of its own services.', [{ field: 'slotId', message: 'Choose a slot of one of your own services' }]);
      }
      if (new Date(slot.starts_at).getTime() <= Date.now()) throw conflict('That slot has already started.');
      // Changing an appointment: the old one is cancelled in this same transaction, so if the new slot cannot be
      // booked everything rolls back and the patient keeps the appointment they had.
      const current = options.changing ? await liveAppointment(trx, ubrn) : undefined;
      if (current) {
        const cancelled = await cancelLive(trx, referral, current, principal, options.changing!.reason);
        referral.status = cancelled;
      }
      const status = await changeStatus(trx, referral, 'BOOK', principal, `Appointment booked for ${formatDateTime(new Date(slot.starts_at))}`, {
        deferred_service_id: null,
        contact_by: null,
        ...(principal.kind === 'patient' || options.patientChose ? { patient_chose: true } : {}),
      });
      const appointment = await trx
        .insertInto('appointment')
        .values({ ubrn, slot_id: slot.id, service_id: slot.service_id, starts_at: slot.starts_at, ends_at: slot.ends_at, booked_by: actorLabel(principal), booked_by_patient: principal.kind === 'patient' })
        .returning(['id', 'service_id', 'slot_id', 'starts_at', 'ends_at'])
        .executeTakeFirstOrThrow();
      await enqueueBookingConfirmation(trx, ubrn, appointment.id);
      const answer = { status: 201, body: { status, appointment: toAppointmentView(appointment) } };
      await keepAnswer(trx, idem, answer);
      return answer;
    });
  } catch (err) {
    if (isUniqueViolation(err, 'appointment_one_per_slot')) throw conflict('That slot has just been booked by someone else. Choose another.');
    if (isSameKeyAnsweredMeanwhile(err)) {
      // The same key arrived twice at once: the other request has committed its answer; give that one.
      return deps.database.db.transaction().execute(async (trx) => (await storedAnswer<Booked>(trx, idem))!);
    }
    throw err;
  }
}

/**
 * Cancels the live appointment; the slot is free again. Who cancels decides the status the referral takes.
 * `appointmentId`: the appointment the caller means (one named by its id, as FHIR names it), checked under the
 * referral's lock. Without it, a cancel and rebook by someone else between the caller's look and this lock would
 * have the caller cancel the new appointment. A mismatch is 409, not 412: the caller's request conflicts with the
 * referral's current state (its live appointment is another), and 412 answers only a precondition the caller put
 * in a header (If-Match, RFC 9110 15.5.13), which a caller of this service need not have sent.
 */
export async function cancelAppointment(deps: Deps, principal: Principal, ubrn: string, reason: string, options: { appointmentId?: string } = {}) {
  return deps.database.db.transaction().execute(async (trx) => {
    const referral = await lockVisibleReferral(trx, principal, ubrn);
    const appointment = await liveAppointment(trx, ubrn);
    if (!appointment) throw conflict('This referral has no appointment to cancel.');
    if (options.appointmentId !== undefined && appointment.id !== options.appointmentId) {
      throw conflict('That appointment is no longer this referral\'s live appointment: it was cancelled and another booked meanwhile. Read the referral again.');
    }
    if (principal.kind === 'staff' && principal.role === 'provider') {
      await assertProviderOf(trx, principal.organisation.odsCode, appointment.service_id);
    }
    const status = await cancelLive(trx, referral, appointment, principal, reason);
    await enqueueCancellation(trx, ubrn, appointment.id);
    return { status };
  });
}

/** Cancels the live appointment within the caller's transaction; who cancels decides the status. */
async function cancelLive(trx: Transaction<DB>, referral: LockedReferral, appointment: { id: string }, principal: Principal, reason: string): Promise<ReferralStatus> {
  const action = principal.kind === 'staff' && principal.role === 'provider' ? 'CANCEL_APPOINTMENT_BY_PROVIDER' : 'CANCEL_APPOINTMENT_BY_PATIENT';
  const status = await changeStatus(trx, referral, action, principal, `Appointment cancelled: ${reason}`);
  await trx
    .updateTable('appointment')
    .set({ cancelled_at: new Date(), cancelled_by: actorLabel(principal), cancel_reason: reason })
    .where('id', '=', appointment.id)
    .execute();
  return status;
}

/**
 * A provider books for a patient only when the referral is deferred to one of its services (the appointment slot
 * issue it must work); otherwise the choice is the patient's. A referral whose state allows no booking at all (just
 * booked by someone else) goes on to the state machine's 409, so the loser of a race hears "already booked".
 */
async function assertProviderMayBook(trx: Transaction<DB>, odsCode: string, referral: LockedReferral): Promise<void> {
  if (referral.status === 'DEFERRED_TO_PROVIDER') return assertProviderOf(trx, odsCode, referral.deferred_service_id);
  if (mayDo(referral.status, 'BOOK')) throw forbidden('A provider may book only a referral deferred to one of its services.');
}

export async function assertProviderOf(trx: Transaction<DB>, odsCode: string, serviceId: string | null): Promise<void> {
  const service = serviceId ? await trx.selectFrom('service').select('provider_ods_code').where('id', '=', serviceId).executeTakeFirst() : undefined;
  if (service?.provider_ods_code !== odsCode) {
    throw forbidden('Only the provider of the booked or deferred service may do this.');
  }
}

/**
 * The referrer (or referral centre) booking or deferring with the patient records that the patient chose the service
 * (a choice measure); a provider cannot say that the patient chose the provider itself.
 */
function refuseProviderSayingPatientChose(principal: Principal, patientChose: boolean | undefined) {
  if (patientChose && principal.kind === 'staff' && principal.role === 'provider') {
    throw unprocessable('A provider cannot record that the patient chose its service: the referrer records it with the patient.', [{ field: 'patientChose', message: 'must be left out by a provider' }]);
  }
}

/**
 * With no free slot to book, the referral goes to the provider, who must contact the patient by a date set by
 * its priority. Offered only when the service really has no free slot, so deferral cannot become a way round
 * booking.
 */
export async function deferToProvider(deps: Deps, principal: Principal, ubrn: string, serviceId: string, options: { patientChose?: boolean } = {}) {
  refuseProviderSayingPatientChose(principal, options.patientChose);
  return deps.database.db.transaction().execute(async (trx) => {
    const referral = await lockVisibleReferral(trx, principal, ubrn);
    const onShortlist = await trx.selectFrom('referral_option').select('rank').where('ubrn', '=', ubrn).where('service_id', '=', serviceId).executeTakeFirst();
    if (!onShortlist) throw unprocessable('That service is not on this referral\'s shortlist.', [{ field: 'serviceId', message: 'Choose a shortlisted service' }]);
    const free = await countFreeSlots(trx, serviceId);
    if (free > 0) throw conflict(`That service has ${free} free slot${free === 1 ? '' : 's'}: book one instead of deferring.`);
    const contactBy = contactByDate(londonDate(), referral.priority, CONTACT_WITHIN_DAYS);
    const status = await changeStatus(trx, referral, 'DEFER_TO_PROVIDER', principal, `No free slot: deferred to the provider, who must contact the patient by ${formatDate(contactBy)}`, {
      deferred_service_id: serviceId,
      contact_by: contactBy,
      ...(principal.kind === 'patient' || options.patientChose ? { patient_chose: true } : {}),
    });
    await enqueueDeferralNotice(trx, ubrn);
    return { status, contactBy };
  });
}

