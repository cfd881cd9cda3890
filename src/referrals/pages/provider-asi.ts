// The provider's work on one appointment slot issue (ASI): the item (how to reach the patient, the contact-by date,
// the attempts so far and the referral's whole history), logging a contact attempt, and booking the patient into a
// free slot of one of its services (choose, confirm, booked) through the one booking path.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { attemptTimeProblem, CONTACT_METHODS, CONTACT_OUTCOMES, METHOD_WORDS, outcomeFits, OUTCOMES } from '../../domain/contact-attempts.ts';
import { londonDate } from '../../domain/dates.ts';
import { isUbrn } from '../../domain/ubrn.ts';
import { ROLES, staffOf } from '../../http/access.ts';
import { IDEMPOTENCY_KEY_REUSED } from '../../http/idempotency.ts';
import type { StaffPrincipal } from '../../http/principal.ts';
import { londonInstant } from '../../slots/london-time.ts';
import { attempt, errorContext, type FieldError, foundOrNull, type FormValues, oneOf, readForm, text } from '../../web/forms.ts';
import { notFoundPage, seeOther, sendPage } from '../../web/page.ts';
import { asiItem, type AsiItem, bookableServices } from '../asi-item.ts';
import { bookAppointment } from '../booking.ts';
import { staffNeedsRows } from '../communication-needs.ts';
import { recordContactAttempt } from '../contact-attempts.ts';
import { getReferral } from '../queries.ts';
import type { Referral } from '../schemas.ts';
import { STATUS_FOR_STAFF } from '../wording.ts';
import { pageBooking, readSlotChoice } from './booking-form.ts';
import { appointmentView, patientName } from './referral-view.ts';
import { READS, auditReads } from '../../http/read-audit.ts';

const page = { access: ROLES('provider'), page: true, audit: READS('referral') } as const;
/** Free appointments offered per service when booking the patient. */
const SLOTS_PER_SERVICE = 12;

const PREFERENCE_WORDS: Record<string, string> = { EMAIL: 'Email', TEXT: 'Text message', PHONE: 'Phone call', LETTER: 'Letter' };

const CONTACT_FIELDS = { time: text(10), method: text(20), outcome: text(30), note: text(1001) };
type ContactValues = FormValues<typeof CONTACT_FIELDS>;
const TIME = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/;

/** The contact attempt form: its time is today's, in UK time; blank is now. */
function contactForm(now: Date) {
  return z
    .object({
      time: z.string().refine((t) => t === '' || TIME.test(t), 'Enter the time as hours and minutes, for example 09:30'),
      method: oneOf(CONTACT_METHODS, 'Select how you tried to contact the patient'),
      outcome: oneOf(CONTACT_OUTCOMES, 'Select what happened'),
      note: z.string().max(1000, 'Note must be 1,000 characters or fewer'),
    })
    .transform(({ time, method, outcome, note }) => {
      const [, hh, mm] = TIME.exec(time) ?? [];
      const attemptedAt = hh && mm ? londonInstant(londonDate(now), `${hh.padStart(2, '0')}:${mm}`) : null;
      return { attemptedAt, method, outcome, note: note || null };
    })
    .superRefine(({ attemptedAt, method, outcome }, ctx) => {
      if (attemptedAt && attemptTimeProblem(attemptedAt, now)) ctx.addIssue({ code: 'custom', path: ['time'], message: 'The time must be earlier today, not later' });
      if (!outcomeFits(method, outcome)) {
        ctx.addIssue({ code: 'custom', path: ['outcome'], message: `"${OUTCOMES[outcome].words}" cannot follow a ${METHOD_WORDS[method].toLowerCase()}: select what happened` });
      }
    });
}

const CHOICE_FIELDS = { slotId: text(40) };

export function providerAsiPages(deps: Deps) {
  /** The referral as an ASI of the provider; null (shown as not found) for anything else. */
  async function findItem(staff: StaffPrincipal, ubrn: string): Promise<AsiItem | null> {
    if (!isUbrn(ubrn)) return null;
    return foundOrNull(() => asiItem(deps, staff, ubrn, londonDate()));
  }

  const itemPage = (request: FastifyRequest, reply: FastifyReply, item: AsiItem, logged: boolean) => {
    const { referral } = item;
    return sendPage(request, reply, 'provider-asi-item.njk', {
      title: patientName(referral),
      ubrn: referral.ubrn,
      item,
      logged,
      patient: referral.patient,
      needs: staffNeedsRows(referral.communicationNeeds),
      preferences: item.contactPreferences && {
        preferred: item.contactPreferences.preferred && PREFERENCE_WORDS[item.contactPreferences.preferred],
        support: item.contactPreferences.support,
        interpreterLanguage: item.contactPreferences.interpreterLanguage,
      },
      attempts: item.attempts,
      history: referral.history.map((h) => ({
        ...h,
        fromText: h.from ? STATUS_FOR_STAFF[h.from] : null,
        toText: STATUS_FOR_STAFF[h.to],
        changed: h.from !== h.to,
      })),
    });
  };

  const contactPage = (request: FastifyRequest, reply: FastifyReply, item: AsiItem, values: ContactValues, errors: FieldError[], status = 200) =>
    sendPage(request, reply, 'provider-asi-contact.njk', {
      title: 'Log a contact attempt',
      back: `/provider/asi/${item.referral.ubrn}`,
      ubrn: item.referral.ubrn,
      patientName: patientName(item.referral),
      patient: item.referral.patient,
      values,
      methods: CONTACT_METHODS.map((value) => ({ value, text: METHOD_WORDS[value], checked: value === values.method })),
      outcomes: CONTACT_OUTCOMES.map((value) => ({ value, text: OUTCOMES[value].words, checked: value === values.outcome })),
      ...errorContext(errors),
    }, status);

  const choosePage = async (request: FastifyRequest, reply: FastifyReply, item: AsiItem, errors: FieldError[], status = 200) => {
    const services = await bookableServices(deps, staffOf(request), item, SLOTS_PER_SERVICE);
    return sendPage(request, reply, 'provider-asi-book.njk', {
      title: 'Choose an appointment for the patient',
      back: `/provider/asi/${item.referral.ubrn}`,
      ubrn: item.referral.ubrn,
      patientName: patientName(item.referral),
      services,
      anySlots: services.some((s) => s.slots.length > 0),
      ...errorContext(errors),
    }, status);
  };

  /** The chosen slot, if it is still free at one of the services the provider may book the patient into. */
  async function chosenSlot(staff: StaffPrincipal, item: AsiItem, slotId: string) {
    const services = await bookableServices(deps, staff, item, SLOTS_PER_SERVICE);
    for (const s of services) {
      const slot = s.slots.find((x) => x.id === slotId);
      if (slot) return { slot, service: s.service };
    }
    return null;
  }

  const TAKEN: FieldError = { field: 'slotId', href: '#slot-choice', message: 'That appointment is no longer free. Choose another' };

  /** A referral the provider booked (or could see booked) at one of its services, for the booked page. */
  async function bookedHere(staff: StaffPrincipal, ubrn: string): Promise<Referral | null> {
    if (!isUbrn(ubrn)) return null;
    const referral = await foundOrNull(() => getReferral(deps, staff, ubrn));
    const at = referral?.shortlist.find((o) => o.service.id === referral.appointment?.serviceId);
    return referral && at?.service.provider.odsCode === staff.organisation.odsCode ? referral : null;
  }

  /**
   * A form posted for an item that is no longer an ASI: sent twice, or the patient booked by a colleague (or
   * themselves) a moment ago. The booking is what to show; anything else is not found.
   */
  async function goneOrNotFound(request: FastifyRequest<{ Params: { ubrn: string } }>, reply: FastifyReply, staff: StaffPrincipal) {
    const { ubrn } = request.params;
    if (await bookedHere(staff, ubrn)) return seeOther(reply, `/provider/asi/${ubrn}/booked`);
    return notFoundPage(request, reply);
  }

  return async function (app: FastifyInstance) {
    app.get<{ Params: { ubrn: string }; Querystring: { logged?: string } }>('/provider/asi/:ubrn', { config: page }, async (request, reply) => {
      const item = await findItem(staffOf(request), request.params.ubrn);
      if (!item) return notFoundPage(request, reply);
      return itemPage(request, reply, item, request.query.logged === '1');
    });

    app.get<{ Params: { ubrn: string } }>('/provider/asi/:ubrn/contact', { config: page }, async (request, reply) => {
      const item = await findItem(staffOf(request), request.params.ubrn);
      if (!item) return notFoundPage(request, reply);
      return contactPage(request, reply, item, { time: '', method: '', outcome: '', note: '' }, []);
    });

    app.post<{ Params: { ubrn: string } }>('/provider/asi/:ubrn/contact', { config: page }, async (request, reply) => {
      const staff = staffOf(request);
      const item = await findItem(staff, request.params.ubrn);
      if (!item) return goneOrNotFound(request, reply, staff);
      const now = new Date();
      // The radios' first items carry the fields' own ids, which the error summary links to.
      const form = readForm(CONTACT_FIELDS, contactForm(now), request.body);
      if (!form.ok) return contactPage(request, reply, item, form.values, form.errors, 400);
      const logged = await attempt(() => recordContactAttempt(deps, staff, item.referral.ubrn, form.answer, now), {
        field: 'method',
        fields: { attemptedAt: { field: 'time' }, outcome: { field: 'outcome' } },
      });
      if (!logged.ok) return contactPage(request, reply, item, form.values, logged.errors, logged.status);
      return seeOther(reply, `/provider/asi/${item.referral.ubrn}?logged=1`);
    });

    app.get<{ Params: { ubrn: string } }>('/provider/asi/:ubrn/book', { config: page }, async (request, reply) => {
      const item = await findItem(staffOf(request), request.params.ubrn);
      if (!item) return notFoundPage(request, reply);
      return choosePage(request, reply, item, []);
    });

    app.post<{ Params: { ubrn: string } }>('/provider/asi/:ubrn/book', { config: page }, async (request, reply) => {
      const staff = staffOf(request);
      const item = await findItem(staff, request.params.ubrn);
      if (!item) return goneOrNotFound(request, reply, staff);
      const form = readForm(CHOICE_FIELDS, z.object({ slotId: z.uuid('Select an appointment') }), request.body, { slotId: '#slot-choice' });
      if (!form.ok) return choosePage(request, reply, item, form.errors, 400);
      if (!(await chosenSlot(staff, item, form.answer.slotId))) return choosePage(request, reply, item, [TAKEN], 409);
      return seeOther(reply, `/provider/asi/${item.referral.ubrn}/book/check?slot=${encodeURIComponent(form.answer.slotId)}`);
    });

    app.get<{ Params: { ubrn: string }; Querystring: { slot?: string } }>('/provider/asi/:ubrn/book/check', { config: page }, async (request, reply) => {
      const staff = staffOf(request);
      const item = await findItem(staff, request.params.ubrn);
      if (!item) return notFoundPage(request, reply);
      const chosen = await chosenSlot(staff, item, String(request.query.slot ?? ''));
      if (!chosen) return choosePage(request, reply, item, [TAKEN], 409);
      return sendPage(request, reply, 'provider-asi-check.njk', {
        title: 'Check and book the appointment',
        back: `/provider/asi/${item.referral.ubrn}/book`,
        ubrn: item.referral.ubrn,
        patientName: patientName(item.referral),
        patient: item.referral.patient,
        slot: chosen.slot,
        service: chosen.service,
        // A new key for each form shown: sending this form twice books once.
        idempotencyKey: randomUUID(),
      });
    });

    app.post<{ Params: { ubrn: string } }>('/provider/asi/:ubrn/book/check', { config: page }, async (request, reply) => {
      const staff = staffOf(request);
      const ubrn = request.params.ubrn;
      const item = await findItem(staff, ubrn);
      if (!item) return goneOrNotFound(request, reply, staff);
      const form = readSlotChoice(request.body);
      if (!form.ok) return choosePage(request, reply, item, form.errors, 400);
      const { slotId, idempotencyKey } = form.answer;
      const booked = await attempt(() => bookAppointment(deps, staff, ubrn, slotId, pageBooking(staff, idempotencyKey, ubrn, slotId)), { field: 'slotId', href: '#slot-choice' });
      if (!booked.ok) {
        if (await bookedHere(staff, ubrn)) return seeOther(reply, `/provider/asi/${ubrn}/booked`);
        const fresh = (await findItem(staff, ubrn)) ?? item;
        const errors = booked.problem.title === IDEMPOTENCY_KEY_REUSED
          ? [{ field: 'slotId', href: '#slot-choice', message: 'This form was already sent with another appointment. Select an appointment again' }]
          : booked.errors;
        return choosePage(request, reply, fresh, errors, booked.status === 409 ? 409 : 422);
      }
      return seeOther(reply, `/provider/asi/${ubrn}/booked`);
    });

    app.get<{ Params: { ubrn: string } }>('/provider/asi/:ubrn/booked', { config: page }, async (request, reply) => {
      const referral = await bookedHere(staffOf(request), request.params.ubrn);
      if (!referral) return notFoundPage(request, reply);
      return sendPage(request, reply, 'provider-asi-booked.njk', {
        title: 'Appointment booked',
        ubrn: referral.ubrn,
        patientName: patientName(referral),
        appointment: appointmentView(referral),
        patient: referral.patient,
      });
    });
  };
}
