// The referral centre's pages: its home with the triage worklists (to triage, overdue, returned), one referral with
// its clinical summary and the patient's preferences, and the triage: the outcome first, then one page for what
// that outcome needs (the providers to offer; the advice; the community service; the reason to reject).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { londonDate } from '../domain/dates.ts';
import { FEWER_PROVIDERS_REASONS, MINIMUM_PROVIDERS } from '../domain/triage.ts';
import { isUbrn } from '../domain/ubrn.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { REJECTION_REASONS } from '../domain/rejection.ts';
import { TRIAGE_OUTCOME_FOR_STAFF } from '../referrals/wording.ts';
import { formatUbrn } from '../web/filters.ts';
import { attempt, errorContext, type FieldError, foundOrNull } from '../web/forms.ts';
import { notFoundPage, seeOther, sendPage } from '../web/page.ts';
import { NO_REFERRER_NOTICES, type ReferrerNotices } from '../web/panels.ts';
import { addViews } from '../web/render.ts';
import { type TriageCase, triageCase } from './case.ts';
import { OUTCOME_CHOICES, OUTCOME_PAGES, readAdvice, readConsultant, readOutcome, readRedirect, readReject } from './forms.ts';
import { providersIn, rankedOffer } from './offer.ts';
import { recordTriage } from './outcome.ts';
import type { TriageDecision } from './schemas.ts';
import { caseView, optionView } from './view.ts';
import { returnedByCentre, toTriage } from './worklist.ts';
import { READS, auditReads } from '../http/read-audit.ts';

const page = { access: ROLES('referral-centre'), page: true, audit: READS('referral') } as const;
export const CENTRE_HOME = '/referral-centre';
const LIST_LIMIT = 500;

type Params = { Params: { ubrn: string } };
type Values = Record<string, string | string[]>;

/** `notices`: the practice's ICB's prior-approval rules and capacity notices beside the providers offered (src/referral-notices). */
export function triagePages(deps: Deps, notices: ReferrerNotices = NO_REFERRER_NOTICES) {
  const { db } = deps.database;
  const referralUrl = (ubrn: string) => `${CENTRE_HOME}/referrals/${ubrn}`;

  /** The referral if the centre triages it; null (shown as not found) otherwise. */
  const findCase = (request: FastifyRequest<Params>): Promise<TriageCase | null> =>
    isUbrn(request.params.ubrn) ? foundOrNull(() => triageCase(deps, staffOf(request), request.params.ubrn)) : Promise.resolve(null);

  const context = (c: TriageCase) => caseView(c, londonDate(), deps.config.defaultMaxDistanceKm);

  const referralPage = (request: FastifyRequest, reply: FastifyReply, c: TriageCase, chosen: string, errors: FieldError[], status = 200) =>
    sendPage(request, reply, 'triage-referral.njk', {
      title: `Referral ${formatUbrn(c.referral.ubrn)}`,
      ...context(c),
      ...errorContext(errors),
      outcomeItems: OUTCOME_CHOICES.map((o) => ({ value: o.value, text: o.text, hint: { text: o.hint }, checked: o.value === chosen })),
    }, status);

  const consultantPage = async (request: FastifyRequest, reply: FastifyReply, c: TriageCase, values: Values | null, errors: FieldError[], status = 200) => {
    const ranked = await rankedOffer(deps, c);
    const ticked = new Set(values ? [values.services ?? []].flat() : ranked.proposed);
    const proposed = ranked.options.filter((o) => ranked.proposed.includes(o.service.id));
    const shown = await notices.shortlist(staffOf(request), c.referral.specialty, ranked.options.map((o) => ({ serviceId: o.service.id, providerOdsCode: o.service.provider.odsCode })), c.referral.referringOrganisation.odsCode);
    return sendPage(request, reply, 'triage-consultant.njk', {
      title: 'Which providers should the patient choose from?',
      back: referralUrl(c.referral.ubrn),
      ...context(c),
      ...errorContext(errors),
      minimum: MINIMUM_PROVIDERS,
      eligibleCount: ranked.answer.eligibleCount,
      providersProposed: providersIn(proposed),
      shortfall: ranked.answer.shortfall,
      items: ranked.options.map((o) => ({ ...optionView(o), checked: ticked.has(o.service.id), noticesHtml: shown.byService[o.service.id] ?? null })),
      noticesHtml: shown.above,
      reasonItems: [
        ...Object.entries(FEWER_PROVIDERS_REASONS).map(([value, text]) => ({ value, text, checked: values?.fewerProvidersReason === value })),
      ],
      note: values?.note ?? '',
    }, status);
  };

  const DETAIL_PAGES = {
    advice: { view: 'triage-advice.njk', title: 'What is your advice to the referrer?', read: readAdvice },
    redirect: { view: 'triage-redirect.njk', title: 'Which community service should the patient be referred to?', read: readRedirect },
    reject: { view: 'triage-reject.njk', title: 'Why is the referral rejected?', read: readReject },
  } as const;
  type DetailPage = keyof typeof DETAIL_PAGES;

  const detailPage = (request: FastifyRequest, reply: FastifyReply, which: DetailPage, c: TriageCase, values: Values, errors: FieldError[], status = 200) =>
    sendPage(request, reply, DETAIL_PAGES[which].view, {
      title: DETAIL_PAGES[which].title,
      back: referralUrl(c.referral.ubrn),
      ...context(c),
      ...errorContext(errors),
      values,
      reasonItems: Object.entries(REJECTION_REASONS).map(([value, text]) => ({ value, text, checked: values.reason === value })),
    }, status);

  /** Records the decision; on a refusal the page is shown again with the problem placed against its fields. */
  async function decide(request: FastifyRequest<Params>, reply: FastifyReply, c: TriageCase, decision: TriageDecision, again: (errors: FieldError[], status: number) => Promise<FastifyReply> | FastifyReply) {
    const done = await attempt(() => recordTriage(deps, staffOf(request), c.referral.ubrn, decision), {
      field: 'services',
      href: '#services',
      fields: { services: { href: '#services' }, fewerProvidersReason: { href: '#fewerProvidersReason' } },
    });
    if (!done.ok) return again(done.errors, done.status === 409 ? 409 : 422);
    return seeOther(reply, `${referralUrl(c.referral.ubrn)}?triaged=1`);
  }

  return async function (app: FastifyInstance) {
    addViews(new URL('./views', import.meta.url));

    app.get(CENTRE_HOME, { config: page }, async (request, reply) => {
      const staff = staffOf(request);
      const today = londonDate();
      const [inTime, overdue, returned] = await Promise.all([
        toTriage(db, staff, today, { overdue: false, limit: LIST_LIMIT }),
        toTriage(db, staff, today, { overdue: true, limit: LIST_LIMIT }),
        returnedByCentre(db, staff, LIST_LIMIT),
      ]);
      auditReads(request, [...inTime, ...overdue, ...returned]);
      return sendPage(request, reply, 'triage-home.njk', {
        title: 'Referral centre',
        toTriage: inTime,
        overdue,
        returned: returned.map((r) => ({ ...r, outcomeText: TRIAGE_OUTCOME_FOR_STAFF[r.outcome] })),
      });
    });

    app.get<Params>(`${CENTRE_HOME}/referrals/:ubrn`, { config: page }, async (request, reply) => {
      const c = await findCase(request);
      if (!c) return notFoundPage(request, reply);
      const triaged = (request.query as Record<string, unknown>).triaged === '1';
      return sendPage(request, reply, 'triage-referral.njk', {
        title: `Referral ${formatUbrn(c.referral.ubrn)}`,
        ...context(c),
        justTriaged: triaged,
        outcomeItems: OUTCOME_CHOICES.map((o) => ({ value: o.value, text: o.text, hint: { text: o.hint } })),
      });
    });

    // The outcome first; then the page for what it needs.
    app.post<Params>(`${CENTRE_HOME}/referrals/:ubrn/triage`, { config: page }, async (request, reply) => {
      const c = await findCase(request);
      if (!c) return notFoundPage(request, reply);
      const form = readOutcome(request.body);
      if (!form.ok) return referralPage(request, reply, c, form.values.outcome, form.errors, 400);
      return seeOther(reply, `${referralUrl(c.referral.ubrn)}/${OUTCOME_PAGES[form.answer.outcome]}`);
    });

    app.get<Params>(`${CENTRE_HOME}/referrals/:ubrn/consultant`, { config: page }, async (request, reply) => {
      const c = await findCase(request);
      if (!c) return notFoundPage(request, reply);
      if (c.referral.triage.outcome) return seeOther(reply, referralUrl(c.referral.ubrn));
      return consultantPage(request, reply, c, null, []);
    });
    app.post<Params>(`${CENTRE_HOME}/referrals/:ubrn/consultant`, { config: page }, async (request, reply) => {
      const c = await findCase(request);
      if (!c) return notFoundPage(request, reply);
      const ranked = await rankedOffer(deps, c);
      const form = readConsultant(request.body, new Set(ranked.options.map((o) => o.service.id)));
      if (!form.ok) return consultantPage(request, reply, c, form.values, form.errors, 400);
      const { services, fewerProvidersReason, note } = form.answer;
      return decide(request, reply, c, { outcome: 'NEEDS_CONSULTANT', services, fewerProvidersReason, note }, (errors, status) => consultantPage(request, reply, c, form.values, errors, status));
    });

    for (const which of Object.keys(DETAIL_PAGES) as DetailPage[]) {
      app.get<Params>(`${CENTRE_HOME}/referrals/:ubrn/${which}`, { config: page }, async (request, reply) => {
        const c = await findCase(request);
        if (!c) return notFoundPage(request, reply);
        if (c.referral.triage.outcome) return seeOther(reply, referralUrl(c.referral.ubrn));
        return detailPage(request, reply, which, c, {}, []);
      });
      app.post<Params>(`${CENTRE_HOME}/referrals/:ubrn/${which}`, { config: page }, async (request, reply) => {
        const c = await findCase(request);
        if (!c) return notFoundPage(request, reply);
        const form = DETAIL_PAGES[which].read(request.body);
        if (!form.ok) return detailPage(request, reply, which, c, form.values, form.errors, 400);
        const a = form.answer as Record<string, string | null>;
        const decision: TriageDecision =
          which === 'advice' ? { outcome: 'ADVICE', advice: a.advice! }
          : which === 'redirect' ? { outcome: 'REDIRECT', communityService: a.communityService!, note: a.note ?? null }
          : { outcome: 'REJECT', reason: a.reason as keyof typeof REJECTION_REASONS, note: a.note ?? null };
        return decide(request, reply, c, decision, (errors, status) => detailPage(request, reply, which, c, form.values, errors, status));
      });
    }
  };
}
