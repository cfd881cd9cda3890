// Manage Your Referral: the patient signs in with the reference number (UBRN), access code and date of birth
// from their letter, compares the services offered, chooses one and an appointment, checks and books it;
// changes or cancels it; or, when the chosen service has no free appointment, asks the provider to contact them.
// The session holds the UBRN: no page takes a UBRN from the browser, so a patient only ever sees their own referral.
import type { Deps } from '../deps.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash, randomUUID } from 'node:crypto';
import { revokeToken } from '../auth/sessions.ts';
import { normaliseUbrn } from '../domain/ubrn.ts';
import { patientOf, PUBLIC, ROLES } from '../http/access.ts';
import { Problem } from '../http/problem.ts';
import { bookAppointment, cancelAppointment, deferToProvider } from '../referrals/booking.ts';
import { signInPatient } from '../referrals/patient-sign-in.ts';
import type { Referral } from '../referrals/schemas.ts';
import { getReferral } from '../referrals/queries.ts';
import { earliestFreeStarts, freeSlots } from '../slots/queries.ts';
import { formatDate, formatDateTime, formatGbp, formatKm, formatMiles, formatWeeks } from './filters.ts';
import { seeOther, sendPage } from './page.ts';
import { errorFor, errorList, type FieldError, readDateOfBirth } from './referral-form.ts';
import { formatUbrn } from './referral-pages.ts';
import { clearSessionCookie, sessionToken, setSessionCookie } from './session.ts';
import type { ReferralPanel } from './panels.ts';
import { field, sentence, type Body } from './form-fields.ts';

const patientPage = { access: ROLES('patient'), page: true } as const;

/** Free appointments are offered this far ahead (as the demo data and the API's default window). */
const SLOT_WEEKS = 12;
const MAX_SLOTS_SHOWN = 200;

const STATUS_TEXT: Record<string, string> = {
  NOT_BOOKED: 'Not booked yet: choose a service and an appointment',
  BOOKED: 'Appointment booked',
  DEFERRED_TO_PROVIDER: 'Waiting for the provider to contact you',
  AWAITING_TRIAGE: 'Being assessed',
  ACCEPTED: 'Accepted by the provider',
  REJECTED: 'Returned to your referrer',
  APPT_CANCELLED_BY_PATIENT: 'Appointment cancelled: choose another',
  APPT_CANCELLED_BY_PROVIDER: 'Appointment cancelled by the provider: choose another',
  DID_NOT_ATTEND: 'Appointment missed: choose another',
  CANCELLED: 'Referral cancelled',
  TRANSFERRED: 'Moved to another provider',
};
/** Statuses in which the patient may choose (or change) an appointment on these pages. */
const CAN_CHOOSE = ['NOT_BOOKED', 'BOOKED', 'APPT_CANCELLED_BY_PATIENT', 'APPT_CANCELLED_BY_PROVIDER', 'DID_NOT_ATTEND'];
/** Statuses from which the referral may be deferred to the provider (the state machine's rule). */
const CAN_DEFER = ['NOT_BOOKED', 'APPT_CANCELLED_BY_PATIENT', 'APPT_CANCELLED_BY_PROVIDER', 'DID_NOT_ATTEND'];

/** Why a patient cancels: a fixed list, so the reason recorded in the history is plain. */
export const CANCEL_REASONS = {
  CANNOT_ATTEND: 'I cannot go at that date or time',
  NO_LONGER_NEEDED: 'I no longer need the appointment',
  ELSEWHERE: 'I want to go somewhere else',
  OTHER: 'Another reason',
} as const;
type CancelReason = keyof typeof CANCEL_REASONS;
const isCancelReason = (v: string): v is CancelReason => Object.hasOwn(CANCEL_REASONS, v);

/** The reason recorded when the patient changes an appointment (the old one is cancelled, the new one booked). */
const CHANGE_REASON = 'The patient changed the appointment to another one';
const NOT_RECOGNISED = 'We could not find a referral with those details. Check the reference number, access code and date of birth against your letter';

const TIME = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: '2-digit', hour12: true, timeZone: 'Europe/London' });
const DAY = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
/** '9:00am' in UK time. */
export function formatTime(d: Date): string {
  return TIME.format(d).replace(/\s/g, '').toLowerCase();
}
/** 'Tuesday 1 December 2026' in UK time. */
export function formatDay(d: Date): string {
  const parts = Object.fromEntries(DAY.formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}`;
}

/** Slots grouped by UK day, in order: what the slot page shows. */
export function slotsByDay(slots: readonly { id: string; starts_at: Date; ends_at: Date }[]) {
  const days: { day: string; slots: { id: string; text: string }[] }[] = [];
  for (const s of slots) {
    const day = formatDay(new Date(s.starts_at));
    const text = `${formatTime(new Date(s.starts_at))} to ${formatTime(new Date(s.ends_at))}`;
    const last = days.at(-1);
    if (last?.day === day) last.slots.push({ id: s.id, text });
    else days.push({ day, slots: [{ id: s.id, text }] });
  }
  return days;
}

type Option = Referral['shortlist'][number];
const siteText = (o: Option) => `${o.service.site.name}${o.service.site.postcode ? `, ${o.service.site.postcode}` : ''}`;

export function managePages(deps: Deps, panels: { waiting: ReferralPanel; move: ReferralPanel }) {
  const { db } = deps.database;
  const { config } = deps;

  /** The signed-in patient's own referral: the UBRN comes from the session, never from the request. */
  const ownReferral = (request: FastifyRequest) => {
    const patient = patientOf(request);
    return getReferral(deps, patient, patient.ubrn);
  };
  const shortlisted = (referral: Referral, serviceId: string) => referral.shortlist.find((o) => o.service.id === serviceId);
  const notFoundHere = (request: FastifyRequest, reply: FastifyReply) => sendPage(request, reply, 'not-found.njk', { title: 'Page not found' }, 404);
  const window = () => {
    const from = new Date();
    return { from, to: new Date(from.getTime() + SLOT_WEEKS * 7 * 86_400_000) };
  };
  /** One free slot of a shortlisted service, or null when it is not free (booked, withdrawn, started) or not theirs. */
  async function freeSlot(referral: Referral, slotId: string) {
    if (!/^[0-9a-f-]{36}$/i.test(slotId)) return null;
    const slot = await db
      .selectFrom('slot as s')
      .select(['s.id', 's.service_id', 's.starts_at', 's.ends_at'])
      .where('s.id', '=', slotId)
      .where('s.withdrawn_at', 'is', null)
      .where('s.starts_at', '>', new Date())
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('appointment as a').select('a.id').whereRef('a.slot_id', '=', 's.id').where('a.cancelled_at', 'is', null))))
      .executeTakeFirst();
    const option = slot ? shortlisted(referral, slot.service_id) : undefined;
    if (!slot || !option) return null;
    return { slot, option };
  }
  function appointmentView(referral: Referral) {
    const a = referral.appointment;
    if (!a) return null;
    const option = shortlisted(referral, a.serviceId);
    return {
      when: formatDateTime(a.start),
      date: formatDay(new Date(a.start)),
      time: `${formatTime(new Date(a.start))} to ${formatTime(new Date(a.end))}`,
      service: option?.service.name ?? '',
      provider: option?.service.provider.name ?? '',
      site: option ? siteText(option) : '',
    };
  }

  return async function (app: FastifyInstance) {
    // Signing in.
    const signInPage = (request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors: FieldError[], status = 200) =>
      sendPage(request, reply, 'manage-sign-in.njk', {
        title: 'Manage your referral',
        values,
        errors,
        errorList: errorList(errors),
        err: { ubrn: errorFor(errors, 'ubrn'), accessCode: errorFor(errors, 'accessCode'), dob: errorFor(errors, 'dob') },
        dobErrorField: errors.find((e) => e.field === 'dob')?.href.slice(5) ?? null,
        nhsLoginEnabled: deps.config.nhsLogin !== null,
      }, status);

    app.get('/manage/sign-in', { config: { access: PUBLIC('the patient sign-in form'), page: true } }, async (request, reply) => {
      if (request.principal?.kind === 'patient') return seeOther(reply, '/manage');
      return signInPage(request, reply, { ubrn: '', accessCode: '', dobDay: '', dobMonth: '', dobYear: '' }, []);
    });

    app.post('/manage/sign-in', { config: { access: PUBLIC('how a patient signs in, with the UBRN and access code from their letter'), page: true } }, async (request, reply) => {
      const body = (request.body ?? {}) as Body;
      // The access code is never shown again on the page.
      const values = { ubrn: field(body, 'ubrn', 20), accessCode: '', dobDay: field(body, 'dob[day]', 4), dobMonth: field(body, 'dob[month]', 4), dobYear: field(body, 'dob[year]', 6) };
      const accessCode = field(body, 'accessCode', 20).replace(/\s/g, '');
      const errors: FieldError[] = [];
      const ubrn = normaliseUbrn(values.ubrn);
      if (!values.ubrn) errors.push({ field: 'ubrn', href: '#ubrn', message: 'Enter your reference number (UBRN)' });
      else if (!/^\d{12}$/.test(ubrn)) errors.push({ field: 'ubrn', href: '#ubrn', message: 'Reference number must be 12 numbers, like 1234 5678 9012' });
      if (!accessCode) errors.push({ field: 'accessCode', href: '#accessCode', message: 'Enter your access code' });
      const dateOfBirth = readDateOfBirth({ day: values.dobDay, month: values.dobMonth, year: values.dobYear }, 'your', errors);
      if (errors.length > 0) return signInPage(request, reply, values, errors, 400);

      const result = await signInPatient(deps, { ubrn, accessCode, dateOfBirth }, request.ip, 'page');
      if (result.outcome === 'too-many') {
        reply.header('retry-after', String(result.retryAfterSeconds));
        const minutes = Math.ceil(result.retryAfterSeconds / 60);
        return signInPage(request, reply, values, [{ field: 'ubrn', href: '#ubrn', message: `Too many attempts to sign in. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}` }], 429);
      }
      if (result.outcome === 'not-recognised') return signInPage(request, reply, values, [{ field: 'ubrn', href: '#ubrn', message: NOT_RECOGNISED }], 401);
      // A new session on every sign-in (never one chosen by the browser); any earlier one is ended.
      const previous = sessionToken(request);
      if (previous) await revokeToken(db, previous);
      setSessionCookie(config, request, reply, result.token, result.expiresAt);
      return seeOther(reply, '/manage');
    });

    app.post('/manage/sign-out', { config: patientPage }, async (request, reply) => {
      await revokeToken(db, sessionToken(request)!);
      clearSessionCookie(config, request, reply);
      return seeOther(reply, '/signed-out');
    });

    // The referral and the services offered, side by side.
    app.get('/manage', { config: patientPage }, async (request, reply) => {
      const referral = await ownReferral(request);
      const ids = referral.shortlist.map((o) => o.service.id);
      const earliest = await earliestFreeStarts(db, ids, new Date());
      const deferredTo = referral.deferral ? shortlisted(referral, referral.deferral.serviceId) : undefined;
      return sendPage(request, reply, 'manage.njk', {
        title: 'Your referral',
        ubrnText: formatUbrn(referral.ubrn),
        status: STATUS_TEXT[referral.status] ?? referral.status,
        specialty: referral.specialty.name,
        referrer: referral.referringOrganisation.name,
        referralDate: formatDate(referral.rttClockStart),
        waitingPanel: await panels.waiting(patientOf(request), referral.ubrn),
        movePanel: await panels.move(patientOf(request), referral.ubrn),
        appointment: appointmentView(referral),
        deferral: referral.deferral ? { contactBy: formatDate(referral.deferral.contactBy), service: deferredTo?.service.name ?? '', provider: deferredTo?.service.provider.name ?? '' } : null,
        canChoose: CAN_CHOOSE.includes(referral.status),
        options: referral.shortlist.map((o) => {
          const first = earliest.get(o.service.id);
          return {
            serviceId: o.service.id,
            name: o.service.name,
            provider: o.service.provider.name,
            site: siteText(o),
            wait: o.indicativeWaitWeeks === null ? 'Not published' : formatWeeks(o.indicativeWaitWeeks),
            distance: `${formatMiles(o.distanceMiles)} (${formatKm(o.distanceKm)})`,
            travelCost: formatGbp(o.travel.estimatedCostGbp),
            earliestSlot: first ? formatDateTime(first.toISOString()) : 'No free appointments',
            reasons: o.reasons,
          };
        }),
      });
    });

    // 1. Choose a service.
    const choosePage = (request: FastifyRequest, reply: FastifyReply, referral: Referral, chosen: string, errors: FieldError[], status = 200) =>
      sendPage(request, reply, 'manage-choose.njk', {
        title: referral.appointment ? 'Where would you like your new appointment?' : 'Where would you like to be seen?',
        back: '/manage',
        errors,
        errorList: errorList(errors),
        err: { serviceId: errorFor(errors, 'serviceId') },
        items: referral.shortlist.map((o) => ({
          value: o.service.id,
          text: o.service.name,
          hint: { text: `${o.service.provider.name}. ${siteText(o)}. Wait ${o.indicativeWaitWeeks === null ? 'not published' : formatWeeks(o.indicativeWaitWeeks)}, ${formatMiles(o.distanceMiles)} away` },
          checked: o.service.id === chosen,
        })),
      }, status);
    app.get('/manage/choose', { config: patientPage }, async (request, reply) => {
      const referral = await ownReferral(request);
      if (!CAN_CHOOSE.includes(referral.status)) return seeOther(reply, '/manage');
      return choosePage(request, reply, referral, '', []);
    });
    app.post('/manage/choose', { config: patientPage }, async (request, reply) => {
      const referral = await ownReferral(request);
      if (!CAN_CHOOSE.includes(referral.status)) return seeOther(reply, '/manage');
      const serviceId = field((request.body ?? {}) as Body, 'serviceId');
      if (!serviceId || !shortlisted(referral, serviceId)) {
        return choosePage(request, reply, referral, '', [{ field: 'serviceId', href: '#serviceId', message: 'Select where you would like to be seen' }], 400);
      }
      return seeOther(reply, `/manage/services/${encodeURIComponent(serviceId)}/slots`);
    });

    // 2. Pick an appointment at that service (or, with none free, ask the provider to contact you).
    const slotsPage = async (request: FastifyRequest, reply: FastifyReply, referral: Referral, option: Option, errors: FieldError[], status = 200) => {
      const days = slotsByDay(await freeSlots(db, option.service.id, window(), MAX_SLOTS_SHOWN));
      return sendPage(request, reply, 'manage-slots.njk', {
        title: days.length ? 'Choose an appointment' : 'There are no appointments to book at this service',
        back: '/manage/choose',
        serviceId: option.service.id,
        service: option.service.name,
        provider: option.service.provider.name,
        site: siteText(option),
        days,
        canDefer: CAN_DEFER.includes(referral.status),
        errors,
        errorList: errorList(errors),
        err: { slotId: errorFor(errors, 'slotId') },
      }, status);
    };
    app.get<{ Params: { serviceId: string } }>('/manage/services/:serviceId/slots', { config: patientPage }, async (request, reply) => {
      const referral = await ownReferral(request);
      const option = shortlisted(referral, request.params.serviceId);
      if (!option) return notFoundHere(request, reply);
      if (!CAN_CHOOSE.includes(referral.status)) return seeOther(reply, '/manage');
      return slotsPage(request, reply, referral, option, []);
    });
    app.post<{ Params: { serviceId: string } }>('/manage/services/:serviceId/slots', { config: patientPage }, async (request, reply) => {
      const referral = await ownReferral(request);
      const option = shortlisted(referral, request.params.serviceId);
      if (!option) return notFoundHere(request, reply);
      if (!CAN_CHOOSE.includes(referral.status)) return seeOther(reply, '/manage');
      const slotId = field((request.body ?? {}) as Body, 'slotId', 40);
      if (!slotId) return slotsPage(request, reply, referral, option, [{ field: 'slotId', href: '#slot-choice', message: 'Select an appointment' }], 400);
      const found = await freeSlot(referral, slotId);
      if (!found || found.option.service.id !== option.service.id) {
        return slotsPage(request, reply, referral, option, [{ field: 'slotId', href: '#slot-choice', message: 'That appointment is no longer free. Select another' }], 409);
      }
      return seeOther(reply, `/manage/check/${slotId}`);
    });

    // 3. Check and book.
    const checkPage = (request: FastifyRequest, reply: FastifyReply, referral: Referral, found: NonNullable<Awaited<ReturnType<typeof freeSlot>>>, errors: FieldError[], status = 200) =>
      sendPage(request, reply, 'manage-check.njk', {
        title: 'Check your appointment before booking it',
        back: `/manage/services/${encodeURIComponent(found.option.service.id)}/slots`,
        slotId: found.slot.id,
        serviceId: found.option.service.id,
        service: found.option.service.name,
        provider: found.option.service.provider.name,
        site: siteText(found.option),
        date: formatDay(new Date(found.slot.starts_at)),
        time: `${formatTime(new Date(found.slot.starts_at))} to ${formatTime(new Date(found.slot.ends_at))}`,
        current: appointmentView(referral),
        // A new key for each form shown: sending this form twice books once.
        idempotencyKey: randomUUID(),
        errors,
        errorList: errorList(errors),
      }, status);
    app.get<{ Params: { slotId: string } }>('/manage/check/:slotId', { config: patientPage }, async (request, reply) => {
      const referral = await ownReferral(request);
      if (referral.appointment?.slotId === request.params.slotId) return seeOther(reply, '/manage/booked');
      if (!CAN_CHOOSE.includes(referral.status)) return seeOther(reply, '/manage');
      const found = await freeSlot(referral, request.params.slotId);
      if (!found) return notFoundHere(request, reply);
      return checkPage(request, reply, referral, found, []);
    });
    app.post<{ Params: { slotId: string } }>('/manage/check/:slotId', { config: patientPage }, async (request, reply) => {
      const patient = patientOf(request);
      const referral = await ownReferral(request);
      const { slotId } = request.params;
      // Sent twice (a double click, a refresh): the first one booked it.
      if (referral.appointment?.slotId === slotId) return seeOther(reply, '/manage/booked');
      if (!CAN_CHOOSE.includes(referral.status)) return seeOther(reply, '/manage');
      const found = await freeSlot(referral, slotId);
      if (!found) return notFoundHere(request, reply);
      const body = (request.body ?? {}) as Body;
      const key = field(body, 'idempotencyKey', 64);
      const again = (message: string, status: number) => checkPage(request, reply, referral, found, [{ field: 'slotId', href: '#change-time', message }], status);
      if (!/^[\w-]{8,64}$/.test(key)) return again('The form was out of date. Check the appointment and book it again', 400);
      try {
        // Changing: the old appointment is cancelled and the new one booked in one transaction, so a slot taken
        // meanwhile leaves the patient with the appointment they had.
        await bookAppointment(
          deps,
          patient,
          referral.ubrn,
          slotId,
          {
            scope: `patient:${patient.ubrn}`,
            key: `web:${key}`,
            requestHash: createHash('sha256').update(`POST /referrals/${referral.ubrn}/appointment\n${slotId}`).digest('hex'),
          },
          referral.appointment ? { changing: { reason: CHANGE_REASON } } : {},
        );
      } catch (err) {
        if (!(err instanceof Problem) || err.status >= 500) throw err;
        const fresh = await ownReferral(request);
        if (fresh.appointment?.slotId === slotId) return seeOther(reply, '/manage/booked');
        return again(`${sentence(err.detail)}${referral.appointment ? '. Your appointment has not changed' : ''}`, err.status === 409 ? 409 : 422);
      }
      return seeOther(reply, '/manage/booked');
    });

    app.get('/manage/booked', { config: patientPage }, async (request, reply) => {
      const referral = await ownReferral(request);
      const appointment = appointmentView(referral);
      if (!appointment) return seeOther(reply, '/manage');
      return sendPage(request, reply, 'manage-booked.njk', { title: 'Appointment booked', appointment, ubrnText: formatUbrn(referral.ubrn) });
    });

    // No free appointment: ask the provider to contact the patient.
    app.post('/manage/defer', { config: patientPage }, async (request, reply) => {
      const patient = patientOf(request);
      const referral = await ownReferral(request);
      const serviceId = field((request.body ?? {}) as Body, 'serviceId');
      const option = shortlisted(referral, serviceId);
      if (!option) return notFoundHere(request, reply);
      if (referral.status === 'DEFERRED_TO_PROVIDER') return seeOther(reply, '/manage/deferred');
      try {
        await deferToProvider(deps, patient, referral.ubrn, serviceId);
      } catch (err) {
        if (!(err instanceof Problem) || err.status >= 500) throw err;
        // Free appointments appeared meanwhile (or the referral can no longer be deferred): show what there is.
        return slotsPage(request, reply, referral, option, [{ field: 'slotId', href: '#slot-choice', message: sentence(err.detail) }], 409);
      }
      return seeOther(reply, '/manage/deferred');
    });
    app.get('/manage/deferred', { config: patientPage }, async (request, reply) => {
      const referral = await ownReferral(request);
      if (!referral.deferral) return seeOther(reply, '/manage');
      const option = shortlisted(referral, referral.deferral.serviceId);
      return sendPage(request, reply, 'manage-deferred.njk', {
        title: 'We have asked the provider to contact you',
        contactBy: formatDate(referral.deferral.contactBy),
        service: option?.service.name ?? '',
        provider: option?.service.provider.name ?? '',
        ubrnText: formatUbrn(referral.ubrn),
      });
    });

    // Cancelling: why, then confirm.
    const reasonPage = (request: FastifyRequest, reply: FastifyReply, chosen: string, errors: FieldError[], status = 200) =>
      sendPage(request, reply, 'manage-cancel.njk', {
        title: 'Why are you cancelling your appointment?',
        back: '/manage',
        errors,
        errorList: errorList(errors),
        err: { reason: errorFor(errors, 'reason') },
        items: Object.entries(CANCEL_REASONS).map(([value, text]) => ({ value, text, checked: value === chosen })),
      }, status);
    app.get<{ Querystring: { reason?: string } }>('/manage/cancel', { config: patientPage }, async (request, reply) => {
      const referral = await ownReferral(request);
      if (!referral.appointment) return seeOther(reply, '/manage');
      return reasonPage(request, reply, String(request.query.reason ?? ''), []);
    });
    app.post('/manage/cancel', { config: patientPage }, async (request, reply) => {
      const referral = await ownReferral(request);
      if (!referral.appointment) return seeOther(reply, '/manage');
      const reason = field((request.body ?? {}) as Body, 'reason', 30);
      if (!isCancelReason(reason)) return reasonPage(request, reply, '', [{ field: 'reason', href: '#reason', message: 'Select why you are cancelling' }], 400);
      return seeOther(reply, `/manage/cancel/confirm?reason=${reason}`);
    });
    app.get<{ Querystring: { reason?: string } }>('/manage/cancel/confirm', { config: patientPage }, async (request, reply) => {
      const referral = await ownReferral(request);
      const appointment = appointmentView(referral);
      if (!appointment) return seeOther(reply, '/manage');
      const reason = String(request.query.reason ?? '');
      if (!isCancelReason(reason)) return seeOther(reply, '/manage/cancel');
      return sendPage(request, reply, 'manage-cancel-confirm.njk', {
        title: 'Are you sure you want to cancel this appointment?',
        back: `/manage/cancel?reason=${reason}`,
        appointment,
        reason,
        reasonText: CANCEL_REASONS[reason],
      });
    });
    app.post('/manage/cancel/confirm', { config: patientPage }, async (request, reply) => {
      const referral = await ownReferral(request);
      const reason = field((request.body ?? {}) as Body, 'reason', 30);
      if (!isCancelReason(reason)) return seeOther(reply, '/manage/cancel');
      // Sent twice: the first one cancelled it.
      if (!referral.appointment) return seeOther(reply, referral.status === 'APPT_CANCELLED_BY_PATIENT' ? '/manage/cancelled' : '/manage');
      await cancelAppointment(deps, patientOf(request), referral.ubrn, `${CANCEL_REASONS[reason]} (said by the patient)`);
      return seeOther(reply, '/manage/cancelled');
    });
    app.get('/manage/cancelled', { config: patientPage }, async (request, reply) => {
      const referral = await ownReferral(request);
      if (referral.status !== 'APPT_CANCELLED_BY_PATIENT') return seeOther(reply, '/manage');
      return sendPage(request, reply, 'manage-cancelled.njk', { title: 'Appointment cancelled', ubrnText: formatUbrn(referral.ubrn) });
    });
  };
}
