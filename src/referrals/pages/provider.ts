// The provider's pages for referrals: its home (what waits for it, and its services), the referrals booked or
// deferred at its services to accept or reject with a reason (and any referral it may see, in any state, with the
// actions its state allows), and the appointment slot issue (ASI) worklist.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { londonDate } from '../../domain/dates.ts';
import { isUbrn } from '../../domain/ubrn.ts';
import { ROLES, staffOf } from '../../http/access.ts';
import type { StaffPrincipal } from '../../http/principal.ts';
import { servicesRunBy } from '../../slots/service.ts';
import { formatUbrn } from '../../web/filters.ts';
import { attempt, errorContext, type FieldError, type FormValues, foundOrNull, oneOfKeys, readForm, text } from '../../web/forms.ts';
import { notFoundPage, seeOther, sendPage } from '../../web/page.ts';
import { staffNeedsRows } from '../communication-needs.ts';
import { deferralsForProvider } from '../deferrals.ts';
import { getReferral } from '../queries.ts';
import { REJECTION_REASONS, reviewReferral } from '../review.ts';
import { countToReview, isToReview, referralsToReview } from '../review-worklist.ts';
import type { Referral } from '../schemas.ts';
import { historyView, optionFor, patientName } from './referral-view.ts';
import { STATUS_FOR_STAFF } from '../wording.ts';
import { mayDo } from '../../domain/referral-status.ts';
import { READS, auditReads } from '../../http/read-audit.ts';

const page = { access: ROLES('provider'), page: true, audit: READS('referral') } as const;
const LIST_LIMIT = 500;

const REJECT_FIELDS = { reason: text(40), note: text(1001) };
type RejectValues = FormValues<typeof REJECT_FIELDS>;
const RejectForm = z.object({
  reason: oneOfKeys(REJECTION_REASONS, 'Select why you are rejecting the referral'),
  note: z.string().max(1000, 'Note must be 1,000 characters or fewer').transform((note) => note || null),
});

export function providerPages(deps: Deps) {
  const { db } = deps.database;

  /** A referral the provider may see, in any state; null (shown as not found) for any other. */
  async function findVisible(staff: StaffPrincipal, ubrn: string): Promise<Referral | null> {
    if (!isUbrn(ubrn)) return null;
    return foundOrNull(() => getReferral(deps, staff, ubrn));
  }

  /** Whether the provider may accept or reject it now: its state allows it, and it is booked at or deferred to one of its services. */
  const mayReview = async (staff: StaffPrincipal, referral: Referral) =>
    mayDo(referral.status, 'ACCEPT') && mayDo(referral.status, 'REJECT') && (await isToReview(db, staff, referral.ubrn));

  /**
   * Runs `review` on the referral to accept or reject; the page not found for one the provider may not see, and the
   * referral's own page for one no longer to review (a second click, another member of staff got there first).
   */
  async function whileToReview(request: FastifyRequest<{ Params: { ubrn: string } }>, reply: FastifyReply, review: (staff: StaffPrincipal, referral: Referral) => Promise<FastifyReply>) {
    const staff = staffOf(request);
    const referral = await findVisible(staff, request.params.ubrn);
    if (!referral) return notFoundPage(request, reply);
    if (!(await mayReview(staff, referral))) return seeOther(reply, `/provider/referrals/${referral.ubrn}`);
    return review(staff, referral);
  }

  const referralPage = async (request: FastifyRequest, reply: FastifyReply, referral: Referral, errors: FieldError[], status = 200) =>
    sendPage(request, reply, 'provider-referral.njk', {
      title: `Referral ${formatUbrn(referral.ubrn)}`,
      referral,
      statusText: STATUS_FOR_STAFF[referral.status],
      canReview: await mayReview(staffOf(request), referral),
      patientName: patientName(referral),
      needs: staffNeedsRows(referral.communicationNeeds),
      service: optionFor(referral, referral.appointment?.serviceId ?? referral.deferral?.serviceId)?.service.name ?? '',
      history: historyView(referral),
      ...errorContext(errors),
    }, status);

  const rejectPage = (request: FastifyRequest, reply: FastifyReply, referral: Referral, values: RejectValues, errors: FieldError[], status = 200) =>
    sendPage(request, reply, 'provider-reject.njk', {
      title: 'Why are you rejecting this referral?',
      back: `/provider/referrals/${referral.ubrn}`,
      ubrn: referral.ubrn,
      patientName: patientName(referral),
      values,
      ...errorContext(errors),
      items: Object.entries(REJECTION_REASONS).map(([value, text]) => ({ value, text, checked: value === values.reason })),
    }, status);

  return async function (app: FastifyInstance) {
    app.get('/provider', { config: page }, async (request, reply) => {
      const staff = staffOf(request);
      const [services, toReview, asi] = await Promise.all([
        servicesRunBy(db, staff, LIST_LIMIT),
        countToReview(db, staff),
        deferralsForProvider(db, staff.organisation.odsCode, londonDate()),
      ]);
      return sendPage(request, reply, 'provider-home.njk', {
        title: staff.organisation.name,
        toReview,
        asi: asi.length,
        overdue: asi.filter((d) => d.overdue).length,
        services,
      });
    });

    app.get<{ Querystring: { accepted?: string; rejected?: string } }>('/provider/referrals', { config: page }, async (request, reply) => {
      const { accepted = '', rejected = '' } = request.query;
      const done = isUbrn(String(accepted)) ? { outcome: 'accepted', ubrn: accepted } : isUbrn(String(rejected)) ? { outcome: 'rejected', ubrn: rejected } : null;
      const rows = await referralsToReview(db, staffOf(request), LIST_LIMIT);
      auditReads(request, rows);
      return sendPage(request, reply, 'provider-referrals.njk', { title: 'Referrals to review', done, rows });
    });

    app.get<{ Params: { ubrn: string } }>('/provider/referrals/:ubrn', { config: page }, async (request, reply) => {
      const referral = await findVisible(staffOf(request), request.params.ubrn);
      if (!referral) return notFoundPage(request, reply);
      return referralPage(request, reply, referral, []);
    });

    app.post<{ Params: { ubrn: string } }>('/provider/referrals/:ubrn/accept', { config: page }, async (request, reply) =>
      whileToReview(request, reply, async (staff, referral) => {
        const accepted = await attempt(() => reviewReferral(deps, staff, referral.ubrn, 'ACCEPT', null, null), { field: 'review', href: '#accept' });
        if (!accepted.ok) return referralPage(request, reply, referral, accepted.errors, accepted.status);
        return seeOther(reply, `/provider/referrals?accepted=${referral.ubrn}`);
      }));

    app.get<{ Params: { ubrn: string } }>('/provider/referrals/:ubrn/reject', { config: page }, async (request, reply) =>
      whileToReview(request, reply, async (_staff, referral) => rejectPage(request, reply, referral, { reason: '', note: '' }, [])));

    app.post<{ Params: { ubrn: string } }>('/provider/referrals/:ubrn/reject', { config: page }, async (request, reply) =>
      whileToReview(request, reply, async (staff, referral) => {
        const form = readForm(REJECT_FIELDS, RejectForm, request.body);
        if (!form.ok) return rejectPage(request, reply, referral, form.values, form.errors, 400);
        const { reason, note } = form.answer;
        const rejected = await attempt(() => reviewReferral(deps, staff, referral.ubrn, 'REJECT', reason, note), { field: 'reason' });
        if (!rejected.ok) return rejectPage(request, reply, referral, form.values, rejected.errors, rejected.status);
        return seeOther(reply, `/provider/referrals?rejected=${referral.ubrn}`);
      }));

    app.get('/provider/asi', { config: page }, async (request, reply) => {
      const staff = staffOf(request);
      const rows = await deferralsForProvider(db, staff.organisation.odsCode, londonDate());
      auditReads(request, rows);
      return sendPage(request, reply, 'provider-asi.njk', { title: 'Appointment slot issues', rows });
    });
  };
}
