// After a rejection, the referrer's two ways on: re-refer (choose the services of a new shortlist; the patient then
// chooses and books again) or close the referral with a reason. Closing is offered for any open referral.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { mayDo } from '../../domain/referral-status.ts';
import { explainRejectionClock } from '../../domain/rejection.ts';
import { ROLES, staffOf } from '../../http/access.ts';
import type { StaffPrincipal } from '../../http/principal.ts';
import { attempt, errorContext, type FieldError, foundOrNull, readForm, text } from '../../web/forms.ts';
import { notFoundPage, seeOther, sendPage } from '../../web/page.ts';
import { PAGE_WORDING } from '../../web/wording.ts';
import { clockOfReferral, getReferral } from '../queries.ts';
import { closeReferral, optionsToReRefer, reRefer } from '../re-refer.ts';
import type { ShortlistOption } from '../../shortlist/types.ts';
import type { Referral } from '../schemas.ts';
import { readShortlist } from './refer-forms.ts';
import { appointmentView, optionView, patientName } from './referral-view.ts';
import { READS, auditReads } from '../../http/read-audit.ts';

const page = { access: ROLES('referrer', 'referral-centre'), page: true, audit: READS('referral') } as const;

const ADDITION_FIELDS = { clinicalAddition: text(5001) };
const AdditionForm = z.object({
  clinicalAddition: z.string().max(5000, 'Clinical information to add must be 5,000 characters or fewer').transform((v) => v || null),
});

const CLOSE_FIELDS = { reason: text(501) };
const CloseForm = z.object({
  reason: z.string().min(1, 'Enter why you are closing the referral').max(500, 'Reason must be 500 characters or fewer'),
});

export function reReferPages(deps: Deps) {
  const { db } = deps.database;

  async function findReferral(staff: StaffPrincipal, ubrn: string): Promise<Referral | null> {
    return foundOrNull(() => getReferral(deps, staff, ubrn));
  }

  const reReferPage = async (request: FastifyRequest, reply: FastifyReply, referral: Referral, chosen: readonly string[] | null, errors: FieldError[], status = 200, clinicalAddition = '') => {
    const staff = staffOf(request);
    const found = await attempt(() => optionsToReRefer(deps, staff, referral.ubrn), { field: 'services', href: '#services' });
    const base = {
      title: 'Choose the services for the new shortlist',
      back: `/referrals/${referral.ubrn}`,
      ubrn: referral.ubrn,
      patientName: patientName(referral),
      clinicalAddition,
      specialty: referral.specialty.name,
      priority: referral.priority,
      rejection: referral.rejection ?? null,
      clockRule: referral.rejection
        ? explainRejectionClock(referral.rejection.reason, await clockOfReferral(db, referral.ubrn), PAGE_WORDING.staff)
        : null,
    };
    if (!found.ok) {
      return sendPage(request, reply, 'referral-re-refer.njk', { ...base, ...errorContext([...errors, ...found.errors]), options: [], offeredBefore: [] }, found.status);
    }
    const { answer, offeredBefore, preselected, rejectedServiceId } = found.value;
    const ticked = new Set(chosen ?? preselected);
    const item = (o: ShortlistOption) => ({ ...optionView(o), checked: ticked.has(o.service.id), rejectedIt: o.service.id === rejectedServiceId });
    return sendPage(request, reply, 'referral-re-refer.njk', {
      ...base,
      ...errorContext(errors),
      origin: answer.origin.postcode,
      eligibleCount: answer.eligibleCount,
      shortfall: answer.shortfall,
      leavesOutRejected: rejectedServiceId !== null,
      options: answer.options.map(item),
      offeredBefore: offeredBefore.map(item),
    }, status);
  };

  const closePage = (request: FastifyRequest, reply: FastifyReply, referral: Referral, values: { reason: string }, errors: FieldError[], status = 200) =>
    sendPage(request, reply, 'referral-close.njk', {
      title: 'Why are you closing this referral?',
      back: `/referrals/${referral.ubrn}`,
      ubrn: referral.ubrn,
      patientName: patientName(referral),
      appointment: appointmentView(referral),
      values,
      ...errorContext(errors),
    }, status);

  return async function (app: FastifyInstance) {
    app.get<{ Params: { ubrn: string } }>('/referrals/:ubrn/re-refer', { config: page }, async (request, reply) => {
      const referral = await findReferral(staffOf(request), request.params.ubrn);
      if (!referral) return notFoundPage(request, reply);
      if (!mayDo(referral.status, 'RETURN_TO_REFERRER')) return seeOther(reply, `/referrals/${referral.ubrn}`);
      return reReferPage(request, reply, referral, null, []);
    });

    app.post<{ Params: { ubrn: string } }>('/referrals/:ubrn/re-refer', { config: page }, async (request, reply) => {
      const staff = staffOf(request);
      const referral = await findReferral(staff, request.params.ubrn);
      if (!referral) return notFoundPage(request, reply);
      // Sent twice (a double click, a refresh): the first re-referred it.
      if (!mayDo(referral.status, 'RETURN_TO_REFERRER')) return seeOther(reply, `/referrals/${referral.ubrn}`);
      const offered = await attempt(() => optionsToReRefer(deps, staff, referral.ubrn), { field: 'services', href: '#services' });
      if (!offered.ok) return reReferPage(request, reply, referral, null, [], offered.status);
      const order = [...offered.value.answer.options, ...offered.value.offeredBefore].map((o) => o.service.id);
      const form = readShortlist(request.body, new Set(order));
      const addition = readForm(ADDITION_FIELDS, AdditionForm, request.body);
      if (!form.ok || !addition.ok) {
        const errors = [...(form.ok ? [] : form.errors.map((e) => ({ ...e, href: '#services' }))), ...(addition.ok ? [] : addition.errors)];
        return reReferPage(request, reply, referral, form.values.services, errors, 400, addition.values.clinicalAddition);
      }
      // Kept in the engine's order.
      const chosen = new Set(form.answer.services);
      const done = await attempt(() => reRefer(deps, staff, referral.ubrn, order.filter((id) => chosen.has(id)), addition.answer.clinicalAddition), { field: 'services', href: '#services' });
      if (!done.ok) return reReferPage(request, reply, referral, form.values.services, done.errors, done.status, addition.values.clinicalAddition);
      return seeOther(reply, `/referrals/${referral.ubrn}?done=re-referred`);
    });

    app.get<{ Params: { ubrn: string } }>('/referrals/:ubrn/close', { config: page }, async (request, reply) => {
      const referral = await findReferral(staffOf(request), request.params.ubrn);
      if (!referral) return notFoundPage(request, reply);
      if (!mayDo(referral.status, 'CANCEL_REFERRAL')) return seeOther(reply, `/referrals/${referral.ubrn}`);
      return closePage(request, reply, referral, { reason: '' }, []);
    });

    app.post<{ Params: { ubrn: string } }>('/referrals/:ubrn/close', { config: page }, async (request, reply) => {
      const staff = staffOf(request);
      const referral = await findReferral(staff, request.params.ubrn);
      if (!referral) return notFoundPage(request, reply);
      if (!mayDo(referral.status, 'CANCEL_REFERRAL')) return seeOther(reply, `/referrals/${referral.ubrn}`);
      const form = readForm(CLOSE_FIELDS, CloseForm, request.body);
      if (!form.ok) return closePage(request, reply, referral, form.values, form.errors, 400);
      const closed = await attempt(() => closeReferral(deps, staff, referral.ubrn, form.answer.reason), { field: 'reason' });
      if (!closed.ok) return closePage(request, reply, referral, form.values, closed.errors, closed.status);
      return seeOther(reply, `/referrals/${referral.ubrn}?done=closed`);
    });
  };
}

