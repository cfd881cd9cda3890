// A provider's own mutual aid: its requests for help and offers of capacity, the forms that post them, and closing a
// request or withdrawing an offer.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { recordId } from '../../domain/codes.ts';
import { londonDate } from '../../domain/dates.ts';
import { ROLES, staffOf } from '../../http/access.ts';
import { listSpecialties } from '../../reference/queries.ts';
import { isStalePreview } from '../../http/preview.ts';
import { attempt, emptyDate, errorContext, type FieldError, foundOrNull, readForm, text } from '../../web/forms.ts';
import { notFoundPage, seeOther, sendPage } from '../../web/page.ts';
import { COMPLEXITY_TEXT, OFFER_PROBLEMS, type OfferFormValues, readOfferForm } from '../offer-form.ts';
import { readRequestForm, REQUEST_PROBLEMS, type RequestFormValues } from '../request-form.ts';
import { previewOfferWithdrawal, previewRequestClosing } from '../previews.ts';
import { closeRequest, createOffer, createRequest, ownMutualAid, ownServices, withdrawOffer } from '../service.ts';

const provider = { access: ROLES('provider'), page: true } as const;
const HOME = '/provider/mutual-aid';
const STALE = 'This changed since you checked it, so nothing was done. Check what will happen now, then confirm again';

/** The version of the check page a confirmation carries, or null when it carries none. */
function versionOf(body: unknown): string | null {
  const form = readForm({ previewVersion: text(64) }, z.object({ previewVersion: z.string().min(1) }), body);
  return form.ok ? form.answer.previewVersion : null;
}

const OUTCOMES = {
  requested: 'Your request for mutual aid was posted.',
  offered: 'Your offer of capacity was posted.',
  closed: 'The request was closed.',
  withdrawn: 'The offer was withdrawn.',
} as const;

export function providerAidPages(deps: Deps) {
  const specialties = () => listSpecialties(deps.database.db, { listedOnly: true });

  const requestPage = async (request: FastifyRequest, reply: FastifyReply, values: RequestFormValues, errors: readonly FieldError[] = [], status = 200) => {
    const choices = await specialties();
    return sendPage(request, reply, 'mutual-aid-request.njk', {
      title: 'Ask for mutual aid',
      back: HOME,
      values,
      ...errorContext(errors),
      specialtyItems: [{ value: '', text: 'Choose a specialty', selected: !values.specialty }, ...choices.map((s) => ({ value: s.code, text: s.name, selected: s.code === values.specialty }))],
    }, status);
  };

  const offerPage = async (request: FastifyRequest, reply: FastifyReply, values: OfferFormValues, errors: readonly FieldError[] = [], status = 200) => {
    const services = await ownServices(deps, staffOf(request));
    return sendPage(request, reply, 'mutual-aid-offer.njk', {
      title: 'Offer capacity',
      back: HOME,
      values,
      ...errorContext(errors),
      serviceItems: [{ value: '', text: 'Choose a service', selected: !values.serviceId }, ...services.map((s) => ({ value: s.id, text: `${s.specialty}: ${s.name}`, selected: s.id === values.serviceId }))],
      complexityItems: Object.entries(COMPLEXITY_TEXT).map(([value, text]) => ({ value, text, checked: value === values.complexity })),
    }, status);
  };

  /** The check page before closing a request (redirect: show it at its own address, for a post without a version). */
  const closeCheckPage = async (request: FastifyRequest, reply: FastifyReply, id: number, errors: FieldError[], status = 200, redirect = false) => {
    const preview = await foundOrNull(() => previewRequestClosing(deps.database.db, staffOf(request), id));
    if (!preview) return notFoundPage(request, reply);
    if (redirect) return seeOther(reply, `${HOME}/requests/${id}/close`);
    return sendPage(request, reply, 'mutual-aid-close-check.njk', { title: 'Close this request for mutual aid?', back: HOME, preview, ...errorContext(errors) }, status);
  };

  /** The check page before withdrawing an offer: the patients proposed into it who go back to the pool. */
  const withdrawCheckPage = async (request: FastifyRequest, reply: FastifyReply, id: number, errors: FieldError[], status = 200, redirect = false) => {
    const preview = await foundOrNull(() => previewOfferWithdrawal(deps.database.db, staffOf(request), id));
    if (!preview) return notFoundPage(request, reply);
    if (redirect) return seeOther(reply, `${HOME}/offers/${id}/withdraw`);
    return sendPage(request, reply, 'mutual-aid-withdraw-check.njk', { title: 'Withdraw this offer of capacity?', back: HOME, preview, ...errorContext(errors) }, status);
  };

  return async function (app: FastifyInstance) {
    app.get(HOME, { config: provider }, async (request, reply) => {
      const query = request.query as Record<string, string | undefined>;
      const outcome = (Object.keys(OUTCOMES) as (keyof typeof OUTCOMES)[]).find((key) => query[key]);
      const own = await ownMutualAid(deps, staffOf(request));
      return sendPage(request, reply, 'mutual-aid-own.njk', {
        title: 'Mutual aid',
        back: '/provider',
        outcome: outcome ? OUTCOMES[outcome] : null,
        problem: query.problem === 'offered' ? 'A patient has been offered a place from this capacity: wait for their answer before withdrawing it.' : null,
        requests: own.requests,
        offers: own.offers,
        complexityText: COMPLEXITY_TEXT,
      });
    });

    app.get(`${HOME}/requests/new`, { config: provider }, async (request, reply) =>
      requestPage(request, reply, { specialty: '', patients: '', neededBy: emptyDate(), constraints: '' }),
    );
    app.post(`${HOME}/requests/new`, { config: provider }, async (request, reply) => {
      const codes = new Set((await specialties()).map((s) => s.code));
      const form = readRequestForm(request.body, codes, londonDate());
      if (!form.ok) return requestPage(request, reply, form.values, form.errors, 400);
      const posted = await attempt(() => createRequest(deps, staffOf(request), form.answer), REQUEST_PROBLEMS);
      if (!posted.ok) return requestPage(request, reply, form.values, posted.errors, posted.status);
      return seeOther(reply, `${HOME}?requested=1`);
    });

    app.get(`${HOME}/offers/new`, { config: provider }, async (request, reply) =>
      offerPage(request, reply, { serviceId: '', capacityPerWeek: '', startsOn: emptyDate(), endsOn: emptyDate(), minAge: '', maxAge: '', complexity: '', notes: '' }),
    );
    app.post(`${HOME}/offers/new`, { config: provider }, async (request, reply) => {
      const staff = staffOf(request);
      const serviceIds = new Set((await ownServices(deps, staff)).map((s) => s.id));
      const form = readOfferForm(request.body, serviceIds, londonDate());
      if (!form.ok) return offerPage(request, reply, form.values, form.errors, 400);
      const posted = await attempt(() => createOffer(deps, staff, form.answer), OFFER_PROBLEMS);
      if (!posted.ok) return offerPage(request, reply, form.values, posted.errors, posted.status);
      return seeOther(reply, `${HOME}?offered=1`);
    });

    // Closing a request and withdrawing an offer each show a check page first; the POST carries the version of what
    // it showed, and without one (an old page, a hand-made post) starts again at the check page.
    app.get<{ Params: { id: string } }>(`${HOME}/requests/:id/close`, { config: provider }, async (request, reply) => {
      const id = recordId(request.params.id);
      if (id === null) return notFoundPage(request, reply);
      return closeCheckPage(request, reply, id, []);
    });

    app.post<{ Params: { id: string } }>(`${HOME}/requests/:id/close`, { config: provider }, async (request, reply) => {
      const id = recordId(request.params.id);
      if (id === null) return notFoundPage(request, reply);
      const version = versionOf(request.body);
      if (!version) return closeCheckPage(request, reply, id, [], 200, true);
      const closed = await attempt(() => closeRequest(deps, staffOf(request), id, version), { field: 'request' });
      if (!closed.ok && closed.status === 404) return notFoundPage(request, reply);
      if (!closed.ok && isStalePreview(closed.problem)) return closeCheckPage(request, reply, id, [{ field: 'preview', href: '#preview-summary', message: STALE }], 409);
      if (!closed.ok) throw closed.problem;
      return seeOther(reply, `${HOME}?closed=1`);
    });

    app.get<{ Params: { id: string } }>(`${HOME}/offers/:id/withdraw`, { config: provider }, async (request, reply) => {
      const id = recordId(request.params.id);
      if (id === null) return notFoundPage(request, reply);
      return withdrawCheckPage(request, reply, id, []);
    });

    app.post<{ Params: { id: string } }>(`${HOME}/offers/:id/withdraw`, { config: provider }, async (request, reply) => {
      const id = recordId(request.params.id);
      if (id === null) return notFoundPage(request, reply);
      const version = versionOf(request.body);
      if (!version) return withdrawCheckPage(request, reply, id, [], 200, true);
      const withdrawn = await attempt(() => withdrawOffer(deps, staffOf(request), id, version), { field: 'offer' });
      if (!withdrawn.ok && withdrawn.status === 404) return notFoundPage(request, reply);
      if (!withdrawn.ok && isStalePreview(withdrawn.problem)) return withdrawCheckPage(request, reply, id, [{ field: 'preview', href: '#preview-summary', message: STALE }], 409);
      // A patient has been offered a place from it: the page says to wait for their answer.
      if (!withdrawn.ok && withdrawn.status === 409) return seeOther(reply, `${HOME}?problem=offered`);
      if (!withdrawn.ok) throw withdrawn.problem;
      return seeOther(reply, `${HOME}?withdrawn=1`);
    });
  };
}
