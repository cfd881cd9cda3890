// The referrer's worklist (every referral the organisation made, searched, filtered by state and paged), one
// referral's page (with the waiting-time panel, a rejection's reason and the ways on: ./re-refer.ts), and booking an
// appointment with the patient there and then.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { mayDo } from '../../domain/referral-status.ts';
import { isUbrn } from '../../domain/ubrn.ts';
import { ROLES, staffOf } from '../../http/access.ts';
import { IDEMPOTENCY_KEY_REUSED } from '../../http/idempotency.ts';
import type { StaffPrincipal } from '../../http/principal.ts';
import { freeSlotsOfServices } from '../../slots/free-slots.ts';
import { formatUbrn } from '../../web/filters.ts';
import { attempt, errorContext, type FieldError, foundOrNull } from '../../web/forms.ts';
import { notFoundPage, seeOther, sendPage } from '../../web/page.ts';
import { NO_REFERRER_NOTICES, type ReferralPanel, type ReferrerNotices } from '../../web/panels.ts';
import { bookAppointment } from '../booking.ts';
import { staffNeedsRows } from '../communication-needs.ts';
import { getReferral } from '../queries.ts';
import type { Referral } from '../schemas.ts';
import { STATUS_FOR_STAFF, TRIAGE_OUTCOME_FOR_STAFF } from '../wording.ts';
import { pageBooking, readSlotChoice } from './booking-form.ts';
import { readWorklistQuery, worklistView } from './worklist-view.ts';
import { appointmentView, historyView, optionFor, optionView, patientName } from './referral-view.ts';
import { READS, auditReads } from '../../http/read-audit.ts';

const page = { access: ROLES('referrer', 'referral-centre'), page: true, audit: READS('referral') } as const;
/** Free appointments offered per service on the booking page. */
const SLOTS_PER_SERVICE = 6;

/** What the referral's page and the booked page show of it. */
function referralContext(referral: Referral) {
  const deferredTo = optionFor(referral, referral.deferral?.serviceId);
  return {
    title: `Referral ${formatUbrn(referral.ubrn)}`,
    ubrn: referral.ubrn,
    status: STATUS_FOR_STAFF[referral.status],
    // A rejected referral is re-referred first, so the patient chooses again from a new shortlist; one the referral
    // assessment service returned has no services to book at.
    canBook: mayDo(referral.status, 'BOOK') && !mayDo(referral.status, 'RETURN_TO_REFERRER') && referral.shortlist.length > 0,
    patientName: patientName(referral),
    needs: staffNeedsRows(referral.communicationNeeds),
    specialty: referral.specialty.name,
    priority: referral.priority,
    rttClockStart: referral.rttClockStart,
    appointment: appointmentView(referral),
    deferral: referral.deferral ? { contactBy: referral.deferral.contactBy, service: deferredTo?.service.name ?? '' } : null,
    options: referral.shortlist.map(optionView),
    rejection: referral.rejection ?? null,
    canReRefer: mayDo(referral.status, 'RETURN_TO_REFERRER'),
    canClose: mayDo(referral.status, 'CANCEL_REFERRAL'),
    history: historyView(referral),
    triage: referral.triage ? { ...referral.triage, outcomeText: referral.triage.outcome ? TRIAGE_OUTCOME_FOR_STAFF[referral.triage.outcome] : null } : null,
  };
}

/** What the page says was just done, from the address the browser was sent to. */
const DONE: Record<string, string> = {
  're-referred': 'Referral sent again with a new shortlist. The patient can now choose and book.',
  closed: 'Referral closed.',
};

export function referrerPages(deps: Deps, panels: { waiting: ReferralPanel; notices?: ReferrerNotices }) {
  const { db } = deps.database;

  /** A referral the member of staff may see; null (shown as not found) for anything else. */
  async function findReferral(staff: StaffPrincipal, ubrn: string, visibility: { reported?: boolean } = {}): Promise<Referral | null> {
    if (!isUbrn(ubrn)) return null;
    return foundOrNull(() => getReferral(deps, staff, ubrn, visibility));
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
      const view = await worklistView(deps, staffOf(request), '/referrals', readWorklistQuery(request.query));
      if (view.lastPage) return seeOther(reply, view.lastPage);
      auditReads(request, view.rows);
      return sendPage(request, reply, 'referrals.njk', { title: 'Referrals', worklist: view, noticesHtml: await (panels.notices ?? NO_REFERRER_NOTICES).worklist(staffOf(request)) });
    });

    app.get<{ Params: { ubrn: string } }>('/referrals/:ubrn', { config: page }, async (request, reply) => {
      const staff = staffOf(request);
      const referral = await findReferral(staff, request.params.ubrn, { reported: true });
      if (!referral) return notFoundPage(request, reply);
      const asked = String((request.query as { done?: unknown }).done ?? '');
      const done = Object.hasOwn(DONE, asked) ? DONE[asked] : null;
      // A practice reads a pathway a provider reported as its patient's, and acts on none of it: it did not refer.
      const reportedBy = referral.referringOrganisation.odsCode !== staff.organisation.odsCode && referral.registeredPracticeSource === 'REPORTED_BY_PROVIDER' ? referral.registeredPracticeReportedBy : null;
      if (reportedBy) return sendPage(request, reply, 'referral.njk', { ...referralContext(referral), canBook: false, canReRefer: false, canClose: false, reportedBy, done: null, waitingPanel: null });
      return sendPage(request, reply, 'referral.njk', { ...referralContext(referral), done, waitingPanel: await panels.waiting(staff, referral.ubrn) });
    });

    app.get<{ Params: { ubrn: string } }>('/referrals/:ubrn/book', { config: page }, async (request, reply) => {
      const referral = await findReferral(staffOf(request), request.params.ubrn);
      if (!referral) return notFoundPage(request, reply);
      if (referral.status === 'BOOKED') return seeOther(reply, `/referrals/${referral.ubrn}/booked`);
      // Rejected: re-referred first (its page offers that), so the old shortlist is not booked from.
      if (mayDo(referral.status, 'RETURN_TO_REFERRER')) return seeOther(reply, `/referrals/${referral.ubrn}`);
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
