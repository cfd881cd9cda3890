// The referrer's worklist, one referral's page (with the waiting-time panel), and booking an appointment with the
// patient there and then.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { AWAITING_BOOKING, mayDo, type ReferralStatus } from '../../domain/referral-status.ts';
import { RETURNED_OUTCOMES } from '../../domain/triage.ts';
import { isUbrn } from '../../domain/ubrn.ts';
import { ROLES, staffOf } from '../../http/access.ts';
import { IDEMPOTENCY_KEY_REUSED } from '../../http/idempotency.ts';
import type { StaffPrincipal } from '../../http/principal.ts';
import { freeSlotsOfServices } from '../../slots/free-slots.ts';
import { formatUbrn } from '../../web/filters.ts';
import { attempt, errorContext, type FieldError, foundOrNull } from '../../web/forms.ts';
import { notFoundPage, seeOther, sendPage } from '../../web/page.ts';
import type { ReferralPanel } from '../../web/panels.ts';
import { bookAppointment } from '../booking.ts';
import { getReferral } from '../queries.ts';
import type { Referral } from '../schemas.ts';
import { STATUS_FOR_STAFF, TRIAGE_OUTCOME_FOR_STAFF } from '../wording.ts';
import { worklist, type WorklistItem } from '../worklist.ts';
import { pageBooking, readSlotChoice } from './booking-form.ts';
import { appointmentView, optionFor, optionView, patientName } from './referral-view.ts';

const page = { access: ROLES('referrer', 'referral-centre'), page: true } as const;
/** The worklist's sections, in the order the page shows them. */
const SECTIONS = { awaiting: AWAITING_BOOKING, triage: ['AWAITING_TRIAGE'], deferred: ['DEFERRED_TO_PROVIDER'], rejected: ['REJECTED'], booked: ['BOOKED'] } as const satisfies Record<string, readonly ReferralStatus[]>;
/** A rejected referral the referral assessment service sent back (advice, a redirection, a rejection), not a provider. */
const returnedFromTriage = (i: WorklistItem) => i.status === 'REJECTED' && !!i.triageOutcome && RETURNED_OUTCOMES.includes(i.triageOutcome);
const WORKLIST_LIMIT = 500;
/** Free appointments offered per service on the booking page. */
const SLOTS_PER_SERVICE = 6;

/** What the referral's page and the booked page show of it. */
function referralContext(referral: Referral) {
  const deferredTo = optionFor(referral, referral.deferral?.serviceId);
  return {
    title: `Referral ${formatUbrn(referral.ubrn)}`,
    ubrn: referral.ubrn,
    status: STATUS_FOR_STAFF[referral.status],
    // A referral the referral assessment service returned has no services to book at.
    canBook: mayDo(referral.status, 'BOOK') && referral.shortlist.length > 0,
    patientName: patientName(referral),
    specialty: referral.specialty.name,
    priority: referral.priority,
    rttClockStart: referral.rttClockStart,
    appointment: appointmentView(referral),
    deferral: referral.deferral ? { contactBy: referral.deferral.contactBy, service: deferredTo?.service.name ?? '' } : null,
    options: referral.shortlist.map(optionView),
    triage: referral.triage ? { ...referral.triage, outcomeText: referral.triage.outcome ? TRIAGE_OUTCOME_FOR_STAFF[referral.triage.outcome] : null } : null,
  };
}

export function referrerPages(deps: Deps, panels: { waiting: ReferralPanel }) {
  const { db } = deps.database;

  /** A referral the member of staff may see; null (shown as not found) for anything else. */
  async function findReferral(staff: StaffPrincipal, ubrn: string): Promise<Referral | null> {
    if (!isUbrn(ubrn)) return null;
    return foundOrNull(() => getReferral(deps, staff, ubrn));
  }

  const bookPage = async (request: FastifyRequest, reply: FastifyReply, referral: Referral, errors: FieldError[], status = 200) => {
    const free = await freeSlotsOfServices(db, referral.shortlist.map((o) => o.service.id), SLOTS_PER_SERVICE);
    const services = referral.shortlist.map((o) => ({ serviceId: o.service.id, name: o.service.name, site: o.service.site.name, slots: free.get(o.service.id) ?? [] }));
    return sendPage(request, reply, 'book.njk', {
      title: 'Choose an appointment',
      back: `/referrals/${referral.ubrn}`,
      ubrn: referral.ubrn,
      patientName: patientName(referral),
      services,
      anySlots: free.size > 0,
      // A new key for each form shown: sending this form twice books once.
      idempotencyKey: randomUUID(),
      ...errorContext(errors),
    }, status);
  };

  return async function (app: FastifyInstance) {
    app.get('/referrals', { config: page }, async (request, reply) => {
      const items = await worklist(db, staffOf(request), { statuses: Object.values(SECTIONS).flat(), limit: WORKLIST_LIMIT });
      const statusText = (i: WorklistItem) => (returnedFromTriage(i) ? TRIAGE_OUTCOME_FOR_STAFF[i.triageOutcome!] : STATUS_FOR_STAFF[i.status]);
      const section = (statuses: readonly ReferralStatus[], also: (i: WorklistItem) => boolean = () => true) =>
        items.filter((i) => statuses.includes(i.status) && also(i)).map((i: WorklistItem) => ({ ...i, statusText: statusText(i) }));
      return sendPage(request, reply, 'referrals.njk', {
        title: 'Referrals',
        awaiting: section(SECTIONS.awaiting),
        triage: section(SECTIONS.triage),
        returned: section(SECTIONS.rejected, returnedFromTriage),
        deferred: section(SECTIONS.deferred),
        rejected: section(SECTIONS.rejected, (i) => !returnedFromTriage(i)),
        booked: section(SECTIONS.booked),
      });
    });

    app.get<{ Params: { ubrn: string } }>('/referrals/:ubrn', { config: page }, async (request, reply) => {
      const referral = await findReferral(staffOf(request), request.params.ubrn);
      if (!referral) return notFoundPage(request, reply);
      return sendPage(request, reply, 'referral.njk', { ...referralContext(referral), waitingPanel: await panels.waiting(staffOf(request), referral.ubrn) });
    });

    app.get<{ Params: { ubrn: string } }>('/referrals/:ubrn/book', { config: page }, async (request, reply) => {
      const referral = await findReferral(staffOf(request), request.params.ubrn);
      if (!referral) return notFoundPage(request, reply);
      if (referral.status === 'BOOKED') return seeOther(reply, `/referrals/${referral.ubrn}/booked`);
      return bookPage(request, reply, referral, []);
    });

    app.post<{ Params: { ubrn: string } }>('/referrals/:ubrn/book', { config: page }, async (request, reply) => {
      const staff = staffOf(request);
      const referral = await findReferral(staff, request.params.ubrn);
      if (!referral) return notFoundPage(request, reply);
      const form = readSlotChoice(request.body);
      if (!form.ok) return bookPage(request, reply, referral, form.errors, 400);
      const { slotId, idempotencyKey } = form.answer;
      const booked = await attempt(() => bookAppointment(deps, staff, referral.ubrn, slotId, pageBooking(staff, idempotencyKey, referral.ubrn, slotId)), { field: 'slotId', href: '#slot-choice' });
      if (!booked.ok) {
        const fresh = (await findReferral(staff, referral.ubrn)) ?? referral;
        if (fresh.status === 'BOOKED') return seeOther(reply, `/referrals/${referral.ubrn}/booked`);
        const errors = booked.problem.title === IDEMPOTENCY_KEY_REUSED
          ? [{ field: 'slotId', href: '#slot-choice', message: 'This form was already sent with another appointment. Select an appointment again' }]
          : booked.errors;
        return bookPage(request, reply, fresh, errors, booked.status === 409 ? 409 : 422);
      }
      return seeOther(reply, `/referrals/${referral.ubrn}/booked`);
    });

    app.get<{ Params: { ubrn: string } }>('/referrals/:ubrn/booked', { config: page }, async (request, reply) => {
      const referral = await findReferral(staffOf(request), request.params.ubrn);
      if (!referral) return notFoundPage(request, reply);
      if (!referral.appointment) return seeOther(reply, `/referrals/${referral.ubrn}`);
      return sendPage(request, reply, 'booked.njk', { ...referralContext(referral), title: 'Appointment booked' });
    });
  };
}
