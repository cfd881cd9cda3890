// Manage Your Referral, once signed in: the patient compares the services offered, chooses one and an appointment,
// checks and books it; changes or cancels it; or, when the chosen service has no free appointment, asks the
// provider to contact them. The session holds the UBRN: no page takes a UBRN from the browser, so a patient only
// ever sees their own referral.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { mayDo, patientMayChoose } from '../../domain/referral-status.ts';
import { patientOf, ROLES } from '../../http/access.ts';
import { weeksAhead } from '../../slots/instants.ts';
import { byLondonDay } from '../../slots/london-time.ts';
import { earliestFreeStarts, freeSlot, freeSlots } from '../../slots/free-slots.ts';
import { attempt, errorContext, type FieldError, oneOfKeys, readForm, required, sentence, text } from '../../web/forms.ts';
import { notFoundPage, seeOther, sendPage } from '../../web/page.ts';
import type { ReferralPanel } from '../../web/panels.ts';
import { transportSupportByProvider, travelHelpContext } from '../../shortlist/travel-help.ts';
import { appointmentDetails } from '../appointment-details.ts';
import { currentSearch, mayChangeSearch } from '../change-search.ts';
import { bookAppointment, cancelAppointment, deferToProvider } from '../booking.ts';
import { whoToCall } from '../../messages/who-to-call.ts';
import { describeNeeds } from '../communication-needs.ts';
import { confirmationVersions } from '../letter.ts';
import { getReferral } from '../queries.ts';
import type { Referral } from '../schemas.ts';
import { STATUS_FOR_PATIENT } from '../wording.ts';
import { pageBooking, readBookingKey } from './booking-form.ts';
import { appointmentView, type Option, optionFor, optionView } from './referral-view.ts';
import { READS, auditReads } from '../../http/read-audit.ts';

const page = { access: ROLES('patient'), page: true, audit: READS('referral') } as const;

const MAX_SLOTS_SHOWN = 200;

/** Why a patient cancels: a fixed list, so the reason recorded in the history is plain. */
export const CANCEL_REASONS = {
  CANNOT_ATTEND: 'I cannot go at that date or time',
  NO_LONGER_NEEDED: 'I no longer need the appointment',
  ELSEWHERE: 'I want to go somewhere else',
  OTHER: 'Another reason',
} as const;

/** The reason recorded when the patient changes an appointment (the old one is cancelled, the new one booked). */
const CHANGE_REASON = 'The patient changed the appointment to another one';

const readCancelReason = (body: unknown) =>
  readForm({ reason: text(30) }, z.object({ reason: oneOfKeys(CANCEL_REASONS, 'Select why you are cancelling') }), body);

/** A service on the referral's shortlist, chosen with a radio or sent in a hidden field. */
const readService = (body: unknown, referral: Referral) =>
  readForm({ serviceId: text(100) }, z.object({ serviceId: z.string().refine((id) => optionFor(referral, id) !== undefined, 'Select where you would like to be seen') }), body);

const readSlot = (body: unknown) => readForm({ slotId: text(40) }, z.object({ slotId: required('Select an appointment') }), body, { slotId: '#slot-choice' });

export function managePages(deps: Deps, panels: { waiting: ReferralPanel; move: ReferralPanel }) {
  const { db } = deps.database;

  /** The signed-in patient's own referral: the UBRN comes from the session, never from the request. */
  const ownReferral = (request: FastifyRequest) => {
    const patient = patientOf(request);
    return getReferral(deps, patient, patient.ubrn);
  };

  /** One free slot of a shortlisted service, or null when it is not free or not one the patient was offered. */
  async function offeredFreeSlot(referral: Referral, slotId: string) {
    const slot = await freeSlot(db, slotId);
    const option = slot ? optionFor(referral, slot.service_id) : undefined;
    return slot && option ? { slot, option } : null;
  }
  type Offered = NonNullable<Awaited<ReturnType<typeof offeredFreeSlot>>>;

  const choosePage = (request: FastifyRequest, reply: FastifyReply, referral: Referral, errors: FieldError[], status = 200) =>
    sendPage(request, reply, 'manage-choose.njk', {
      title: referral.appointment ? 'Where would you like your new appointment?' : 'Where would you like to be seen?',
      back: '/manage',
      ...errorContext(errors),
      options: referral.shortlist.map(optionView),
    }, status);

  const slotsPage = async (request: FastifyRequest, reply: FastifyReply, referral: Referral, option: Option, errors: FieldError[], status = 200) => {
    const days = byLondonDay(await freeSlots(db, option.service.id, weeksAhead(), MAX_SLOTS_SHOWN));
    return sendPage(request, reply, 'manage-slots.njk', {
      title: days.length ? 'Choose an appointment' : 'There are no appointments to book at this service',
      back: '/manage/choose',
      option: optionView(option),
      days,
      canDefer: mayDo(referral.status, 'DEFER_TO_PROVIDER'),
      ...errorContext(errors),
    }, status);
  };

  const checkPage = (request: FastifyRequest, reply: FastifyReply, referral: Referral, { slot, option }: Offered, errors: FieldError[], status = 200) =>
    sendPage(request, reply, 'manage-check.njk', {
      title: 'Check your appointment before booking it',
      back: `/manage/services/${encodeURIComponent(option.service.id)}/slots`,
      slot,
      option: optionView(option),
      current: appointmentView(referral),
      // A new key for each form shown: sending this form twice books once.
      idempotencyKey: randomUUID(),
      ...errorContext(errors),
    }, status);

  const reasonPage = (request: FastifyRequest, reply: FastifyReply, chosen: string, errors: FieldError[], status = 200) =>
    sendPage(request, reply, 'manage-cancel.njk', {
      title: 'Why are you cancelling your appointment?',
      back: '/manage',
      ...errorContext(errors),
      items: Object.entries(CANCEL_REASONS).map(([value, text]) => ({ value, text, checked: value === chosen })),
    }, status);

  return async function (app: FastifyInstance) {
    // The referral and the services offered, side by side.
    app.get<{ Querystring: { options?: string } }>('/manage', { config: page }, async (request, reply) => {
      const referral = await ownReferral(request);
      const canChoose = patientMayChoose(referral.status);
      // Free appointments are shown only to a patient who may book one: beside "likely to be seen: not known" on
      // a pathway the hospital arranges, a free date the patient cannot have would contradict it.
      const [earliest, search, transport] = await Promise.all([
        canChoose ? earliestFreeStarts(db, referral.shortlist.map((o) => o.service.id), new Date()) : new Map<string, Date>(),
        currentSearch(deps, referral.ubrn),
        transportSupportByProvider(db, referral.shortlist.map((o) => o.service.provider.odsCode)),
      ]);
      const deferredTo = optionFor(referral, referral.deferral?.serviceId);
      return sendPage(request, reply, 'manage.njk', {
        title: 'Your referral',
        ubrn: referral.ubrn,
        status: STATUS_FOR_PATIENT[referral.status],
        specialty: referral.specialty.name,
        referrer: referral.referringOrganisation.name,
        referralDate: referral.rttClockStart,
        waitingPanel: await panels.waiting(patientOf(request), referral.ubrn),
        movePanel: await panels.move(patientOf(request), referral.ubrn),
        appointment: await appointmentDetails(deps, referral),
        deferral: referral.deferral ? { contactBy: referral.deferral.contactBy, service: deferredTo?.service.name ?? '', provider: deferredTo?.service.provider.name ?? '' } : null,
        canChoose,
        needs: referral.communicationNeeds ? sentence(describeNeeds(referral.communicationNeeds)) : null,
        needsSaved: (request.query as { needs?: string }).needs === 'saved',
        assessedBy: referral.status === 'AWAITING_TRIAGE' && referral.triage ? { name: referral.triage.assessmentService.name, dueOn: referral.triage.dueOn } : null,
        // Accepted with no appointment booked: the provider books it (a pathway from its waiting list, say).
        hospitalArranges: referral.status === 'ACCEPTED' && !referral.appointment,
        canChangeSearch: mayChangeSearch(referral.status) && !referral.appointment,
        optionsUpdated: request.query.options === 'updated',
        origin: search.origin,
        options: referral.shortlist.map((o) => ({
          ...optionView(o),
          earliestSlot: earliest.get(o.service.id) ?? null,
          reasons: o.reasons,
          transport: transport.get(o.service.provider.odsCode) ?? null,
        })),
        ...travelHelpContext(transport),
      });
    });

    // 1. Choose a service.
    app.get('/manage/choose', { config: page }, async (request, reply) => {
      const referral = await ownReferral(request);
      if (!patientMayChoose(referral.status)) return seeOther(reply, '/manage');
      return choosePage(request, reply, referral, []);
    });
    app.post('/manage/choose', { config: page }, async (request, reply) => {
      const referral = await ownReferral(request);
      if (!patientMayChoose(referral.status)) return seeOther(reply, '/manage');
      const form = readService(request.body, referral);
      if (!form.ok) return choosePage(request, reply, referral, form.errors, 400);
      return seeOther(reply, `/manage/services/${encodeURIComponent(form.answer.serviceId)}/slots`);
    });

    // 2. Pick an appointment at that service (or, with none free, ask the provider to contact you).
    app.get<{ Params: { serviceId: string } }>('/manage/services/:serviceId/slots', { config: page }, async (request, reply) => {
      const referral = await ownReferral(request);
      const option = optionFor(referral, request.params.serviceId);
      if (!option) return notFoundPage(request, reply);
      if (!patientMayChoose(referral.status)) return seeOther(reply, '/manage');
      return slotsPage(request, reply, referral, option, []);
    });
    app.post<{ Params: { serviceId: string } }>('/manage/services/:serviceId/slots', { config: page }, async (request, reply) => {
      const referral = await ownReferral(request);
      const option = optionFor(referral, request.params.serviceId);
      if (!option) return notFoundPage(request, reply);
      if (!patientMayChoose(referral.status)) return seeOther(reply, '/manage');
      const form = readSlot(request.body);
      if (!form.ok) return slotsPage(request, reply, referral, option, form.errors, 400);
      const found = await offeredFreeSlot(referral, form.answer.slotId);
      if (!found || found.option.service.id !== option.service.id) {
        return slotsPage(request, reply, referral, option, [{ field: 'slotId', href: '#slot-choice', message: 'That appointment is no longer free. Select another' }], 409);
      }
      return seeOther(reply, `/manage/check/${found.slot.id}`);
    });

    // 3. Check and book.
    app.get<{ Params: { slotId: string } }>('/manage/check/:slotId', { config: page }, async (request, reply) => {
      const referral = await ownReferral(request);
      if (referral.appointment?.slotId === request.params.slotId) return seeOther(reply, '/manage/booked');
      if (!patientMayChoose(referral.status)) return seeOther(reply, '/manage');
      const found = await offeredFreeSlot(referral, request.params.slotId);
      if (!found) return notFoundPage(request, reply);
      return checkPage(request, reply, referral, found, []);
    });
    app.post<{ Params: { slotId: string } }>('/manage/check/:slotId', { config: page }, async (request, reply) => {
      const patient = patientOf(request);
      const referral = await ownReferral(request);
      const { slotId } = request.params;
      // Sent twice (a double click, a refresh): the first one booked it.
      if (referral.appointment?.slotId === slotId) return seeOther(reply, '/manage/booked');
      if (!patientMayChoose(referral.status)) return seeOther(reply, '/manage');
      const found = await offeredFreeSlot(referral, slotId);
      if (!found) return notFoundPage(request, reply);
      const form = readBookingKey(request.body);
      if (!form.ok) return checkPage(request, reply, referral, found, form.errors, 400);
      // Changing: the old appointment is cancelled and the new one booked in one transaction, so a slot taken
      // meanwhile leaves the patient with the appointment they had.
      const changing = referral.appointment ? { changing: { reason: CHANGE_REASON } } : {};
      const booked = await attempt(
        () => bookAppointment(deps, patient, referral.ubrn, slotId, pageBooking(patient, form.answer.idempotencyKey, referral.ubrn, slotId), changing),
        { field: 'slotId', href: '#change-time' },
      );
      if (!booked.ok) {
        const fresh = await ownReferral(request);
        if (fresh.appointment?.slotId === slotId) return seeOther(reply, '/manage/booked');
        const unchanged = referral.appointment ? '. Your appointment has not changed' : '';
        return checkPage(request, reply, referral, found, booked.errors.map((e) => ({ ...e, message: `${e.message}${unchanged}` })), booked.status === 409 ? 409 : 422);
      }
      return seeOther(reply, '/manage/booked');
    });

    app.get('/manage/booked', { config: page }, async (request, reply) => {
      const referral = await ownReferral(request);
      const appointment = await appointmentDetails(deps, referral);
      if (!appointment) return seeOther(reply, '/manage');
      return sendPage(request, reply, 'manage-booked.njk', { title: 'Appointment booked', appointment, ubrn: referral.ubrn, confirmations: confirmationVersions('/manage/booked/confirmation.pdf') });
    });

    // No free appointment: ask the provider to contact the patient.
    app.post('/manage/defer', { config: page }, async (request, reply) => {
      const referral = await ownReferral(request);
      const form = readService(request.body, referral);
      if (!form.ok) return notFoundPage(request, reply);
      const option = optionFor(referral, form.answer.serviceId)!;
      if (referral.status === 'DEFERRED_TO_PROVIDER') return seeOther(reply, '/manage/deferred');
      const deferred = await attempt(() => deferToProvider(deps, patientOf(request), referral.ubrn, option.service.id), { field: 'slotId', href: '#slot-choice' });
      // Free appointments appeared meanwhile (or the referral can no longer be deferred): show what there is.
      if (!deferred.ok) return slotsPage(request, reply, referral, option, deferred.errors, 409);
      return seeOther(reply, '/manage/deferred');
    });
    app.get('/manage/deferred', { config: page }, async (request, reply) => {
      const referral = await ownReferral(request);
      if (!referral.deferral) return seeOther(reply, '/manage');
      const option = optionFor(referral, referral.deferral.serviceId);
      return sendPage(request, reply, 'manage-deferred.njk', {
        title: 'We have asked the provider to contact you',
        contactBy: referral.deferral.contactBy,
        service: option?.service.name ?? '',
        provider: option?.service.provider.name ?? '',
        ubrn: referral.ubrn,
        contact: await whoToCall(db, referral.ubrn),
      });
    });

    // Cancelling: why, then confirm.
    app.get<{ Querystring: { reason?: string } }>('/manage/cancel', { config: page }, async (request, reply) => {
      const referral = await ownReferral(request);
      if (!referral.appointment) return seeOther(reply, '/manage');
      return reasonPage(request, reply, String(request.query.reason ?? ''), []);
    });
    app.post('/manage/cancel', { config: page }, async (request, reply) => {
      const referral = await ownReferral(request);
      if (!referral.appointment) return seeOther(reply, '/manage');
      const form = readCancelReason(request.body);
      if (!form.ok) return reasonPage(request, reply, '', form.errors, 400);
      return seeOther(reply, `/manage/cancel/confirm?reason=${form.answer.reason}`);
    });
    app.get('/manage/cancel/confirm', { config: page }, async (request, reply) => {
      const referral = await ownReferral(request);
      const appointment = appointmentView(referral);
      if (!appointment) return seeOther(reply, '/manage');
      const form = readCancelReason(request.query);
      if (!form.ok) return seeOther(reply, '/manage/cancel');
      const { reason } = form.answer;
      return sendPage(request, reply, 'manage-cancel-confirm.njk', {
        title: 'Are you sure you want to cancel this appointment?',
        back: `/manage/cancel?reason=${reason}`,
        appointment,
        reason,
        reasonText: CANCEL_REASONS[reason],
      });
    });
    app.post('/manage/cancel/confirm', { config: page }, async (request, reply) => {
      const referral = await ownReferral(request);
      const form = readCancelReason(request.body);
      if (!form.ok) return seeOther(reply, '/manage/cancel');
      // Sent twice: the first one cancelled it.
      if (!referral.appointment) return seeOther(reply, referral.status === 'APPT_CANCELLED_BY_PATIENT' ? '/manage/cancelled' : '/manage');
      await cancelAppointment(deps, patientOf(request), referral.ubrn, `${CANCEL_REASONS[form.answer.reason]} (said by the patient)`);
      return seeOther(reply, '/manage/cancelled');
    });
    app.get('/manage/cancelled', { config: page }, async (request, reply) => {
      const referral = await ownReferral(request);
      if (referral.status !== 'APPT_CANCELLED_BY_PATIENT') return seeOther(reply, '/manage');
      return sendPage(request, reply, 'manage-cancelled.njk', { title: 'Appointment cancelled', ubrn: referral.ubrn });
    });
  };
}
