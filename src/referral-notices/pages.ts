// The pages where the ICB writes what referrers and patients see of its assurance: its prior-approval rules
// (/commissioner/prior-approval), capacity notices (/commissioner/capacity-notices, and /provider/capacity-notices
// for provider staff about their own services) and its transport support policy (/commissioner/transport).
// Commissioners write for their own ICB; an admin chooses one (icb=). Wiring only: ./service.ts does the work.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { listIcbs } from '../choice/icb-scope.ts';
import type { Icb } from '../choice/icb-scope.ts';
import type { Deps } from '../deps.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { Problem } from '../http/problem.ts';
import { listSpecialties } from '../reference/queries.ts';
import { attempt, errorContext, type FieldError, type ProblemPlacement, sentence } from '../web/forms.ts';
import { forbiddenPage, notFoundPage, seeOther, sendPage } from '../web/page.ts';
import { addViews } from '../web/render.ts';
import {
  dateParts, emptyNotice, emptyRule, emptyTransport, type NoticeValues, readEndForm, readNoticeForm, readRuleForm, readTransportForm, type RuleValues, type TransportValues,
} from './forms.ts';
import {
  createPriorApprovalRule, endPriorApprovalRule, getPriorApprovalRule, getTransportPolicy, icbFor, listCapacityNotices, listPriorApprovalRules, NOTICE_KINDS,
  type Poster, postCapacityNotice, saveTransportPolicy, servicesOf, updatePriorApprovalRule, withdrawCapacityNotice,
} from './service.ts';

const commissioner = { access: ROLES('commissioner', 'admin'), page: true } as const;
const provider = { access: ROLES('provider'), page: true } as const;

export const PRIOR_APPROVAL = '/commissioner/prior-approval';
export const NOTICES = '/commissioner/capacity-notices';
export const PROVIDER_NOTICES = '/provider/capacity-notices';
export const TRANSPORT = '/commissioner/transport';

const icbParam = (request: FastifyRequest): string | null => {
  const v = ((request.query ?? {}) as Record<string, unknown>).icb;
  const one = Array.isArray(v) ? v[0] : v;
  return typeof one === 'string' && one.trim() ? one.trim().toUpperCase() : null;
};
/** A path keeping an admin's ICB. */
const keep = (path: string, icb: string | null, extra = '') => `${path}${icb ? `?icb=${encodeURIComponent(icb)}${extra ? `&${extra}` : ''}` : extra ? `?${extra}` : ''}`;

const RULE_PLACEMENT: ProblemPlacement = {
  field: 'criteria',
  fields: {
    specialty: { label: 'The specialty' }, procedure: { label: 'The procedure' }, criteria: { label: 'The criteria' }, howToApply: { label: 'How to apply' },
    startsOn: { href: '#startsOn-day', label: 'The start date' }, endsOn: { href: '#endsOn-day', label: 'The end date' },
  },
};
const NOTICE_PLACEMENT: ProblemPlacement = {
  field: 'title',
  fields: {
    kind: { label: 'The kind of notice' }, specialty: { label: 'The specialty' }, provider: { label: 'The provider' }, service: { label: 'The service' },
    title: { label: 'The title' }, body: { label: 'The notice' }, startsOn: { href: '#startsOn-day', label: 'The start date' }, endsOn: { href: '#endsOn-day', label: 'The end date' },
  },
};
const TRANSPORT_PLACEMENT: ProblemPlacement = {
  field: 'summary',
  fields: {
    summary: { label: 'The summary' }, whoCanGetHelp: { label: 'Who can get help' }, howToGetHelp: { label: 'How to ask for help' },
    phone: { label: 'The phone number' }, linkUrl: { label: 'The web address' }, linkText: { label: 'The words of the link' },
  },
};

export function referralNoticePages(deps: Deps) {
  const db = deps.database.db;
  const specialties = async () => (await listSpecialties(db)).map(({ code, name }) => ({ code, name }));
  const specialtyItems = (all: { code: string; name: string }[], selected: string) => [
    { value: '', text: 'Choose a specialty', selected: !selected },
    ...all.map((s) => ({ value: s.code, text: `${s.name} (${s.code})`, selected: s.code === selected })),
  ];
  const kindItems = (selected: string) => Object.entries(NOTICE_KINDS).map(([value, text]) => ({ value, text, checked: value === selected }));

  /** The ICB the page is for, or the reply already sent: the forbidden page, or an admin's picker. */
  async function icbOf(request: FastifyRequest, reply: FastifyReply, action: string, title: string): Promise<Icb | FastifyReply> {
    const staff = staffOf(request);
    try {
      return await icbFor(db, staff, icbParam(request));
    } catch (err) {
      if (!(err instanceof Problem) || err.status >= 500) throw err;
      if (err.status === 403) return forbiddenPage(request, reply, err.detail);
      const missing = staff.role === 'admin' && !icbParam(request);
      const errors: FieldError[] = missing ? [] : [{ field: 'icb', href: '#icb', message: sentence(err.detail) }];
      return sendPage(request, reply, 'choice-choose-icb.njk', { title, action, icbs: await listIcbs(db), ...errorContext(errors) }, missing ? 200 : err.status);
    }
  }
  const isIcb = (x: Icb | FastifyReply): x is Icb => 'odsCode' in x;
  const adminIcb = (request: FastifyRequest, icb: Icb) => (staffOf(request).role === 'admin' ? icb.odsCode : null);

  return async function (app: FastifyInstance) {
    addViews(new URL('./views', import.meta.url));

    // ------------------------------------------------------------ prior approval

    app.get(PRIOR_APPROVAL, { config: commissioner }, async (request, reply) => {
      const icb = await icbOf(request, reply, PRIOR_APPROVAL, 'Prior approval: choose an ICB');
      if (!isIcb(icb)) return icb;
      const a = adminIcb(request, icb);
      const saved = ((request.query ?? {}) as Record<string, unknown>).saved === '1';
      return sendPage(request, reply, 'prior-approval-list.njk', {
        title: 'Prior approval before referral', icb, icbParam: a, saved,
        rules: await listPriorApprovalRules(db, icb.odsCode), newHref: keep(`${PRIOR_APPROVAL}/new`, a), editHref: (id: number) => keep(`${PRIOR_APPROVAL}/${id}`, a),
      });
    });

    const rulePage = async (request: FastifyRequest, reply: FastifyReply, icb: Icb, id: number | null, values: RuleValues, errors: FieldError[], status = 200, endValues = dateParts(null), endErrors: FieldError[] = []) => {
      const a = adminIcb(request, icb);
      const rule = id === null ? null : await getPriorApprovalRule(db, icb.odsCode, id);
      return sendPage(request, reply, 'prior-approval-rule.njk', {
        title: id === null ? 'Add a prior-approval rule' : 'Change a prior-approval rule', icb, rule, values,
        ...errorContext([...errors, ...endErrors]), endErr: errorContext(endErrors).err, endValues,
        specialtyItems: specialtyItems(await specialties(), values.specialty),
        action: keep(id === null ? `${PRIOR_APPROVAL}/new` : `${PRIOR_APPROVAL}/${id}`, a), endAction: id === null ? null : keep(`${PRIOR_APPROVAL}/${id}/end`, a), back: keep(PRIOR_APPROVAL, a),
      }, status);
    };
    const ruleValues = (r: Awaited<ReturnType<typeof getPriorApprovalRule>>): RuleValues => ({
      specialty: r.specialty, procedure: r.procedure ?? '', criteria: r.criteria, howToApply: r.howToApply, startsOn: dateParts(r.startsOn), endsOn: dateParts(r.endsOn),
    });
    const ruleId = (request: FastifyRequest) => Number((request.params as { id: string }).id);
    /** The rule of the page's ICB, or null when it has none by that id (then the page is not found). */
    const ruleOf = async (icb: Icb, id: number) => {
      try {
        return await getPriorApprovalRule(db, icb.odsCode, id);
      } catch (err) {
        if (err instanceof Problem && err.status === 404) return null;
        throw err;
      }
    };

    app.get(`${PRIOR_APPROVAL}/new`, { config: commissioner }, async (request, reply) => {
      const icb = await icbOf(request, reply, `${PRIOR_APPROVAL}/new`, 'Prior approval: choose an ICB');
      if (!isIcb(icb)) return icb;
      return rulePage(request, reply, icb, null, emptyRule(), []);
    });
    app.post(`${PRIOR_APPROVAL}/new`, { config: commissioner }, async (request, reply) => {
      const icb = await icbOf(request, reply, `${PRIOR_APPROVAL}/new`, 'Prior approval: choose an ICB');
      if (!isIcb(icb)) return icb;
      const form = readRuleForm(request.body, new Set((await specialties()).map((s) => s.code)));
      if (!form.ok) return rulePage(request, reply, icb, null, form.values, form.errors, 400);
      const done = await attempt(() => createPriorApprovalRule(db, staffOf(request), icb.odsCode, form.answer), RULE_PLACEMENT);
      if (!done.ok) return rulePage(request, reply, icb, null, form.values, done.errors, done.status);
      return seeOther(reply, keep(PRIOR_APPROVAL, adminIcb(request, icb), 'saved=1'));
    });
    app.get(`${PRIOR_APPROVAL}/:id`, { config: commissioner }, async (request, reply) => {
      const icb = await icbOf(request, reply, PRIOR_APPROVAL, 'Prior approval: choose an ICB');
      if (!isIcb(icb)) return icb;
      const rule = await ruleOf(icb, ruleId(request));
      if (!rule) return notFoundPage(request, reply);
      return rulePage(request, reply, icb, rule.id, ruleValues(rule), [], 200, dateParts(rule.endsOn));
    });
    app.post(`${PRIOR_APPROVAL}/:id`, { config: commissioner }, async (request, reply) => {
      const icb = await icbOf(request, reply, PRIOR_APPROVAL, 'Prior approval: choose an ICB');
      if (!isIcb(icb)) return icb;
      const rule = await ruleOf(icb, ruleId(request));
      if (!rule) return notFoundPage(request, reply);
      const form = readRuleForm(request.body, new Set((await specialties()).map((s) => s.code)));
      if (!form.ok) return rulePage(request, reply, icb, rule.id, form.values, form.errors, 400, dateParts(rule.endsOn));
      const done = await attempt(() => updatePriorApprovalRule(db, icb.odsCode, rule.id, form.answer), RULE_PLACEMENT);
      if (!done.ok) return rulePage(request, reply, icb, rule.id, form.values, done.errors, done.status, dateParts(rule.endsOn));
      return seeOther(reply, keep(PRIOR_APPROVAL, adminIcb(request, icb), 'saved=1'));
    });
    app.post(`${PRIOR_APPROVAL}/:id/end`, { config: commissioner }, async (request, reply) => {
      const icb = await icbOf(request, reply, PRIOR_APPROVAL, 'Prior approval: choose an ICB');
      if (!isIcb(icb)) return icb;
      const rule = await ruleOf(icb, ruleId(request));
      if (!rule) return notFoundPage(request, reply);
      const form = readEndForm(request.body);
      const asEnd = (errors: FieldError[]) => errors.map((e) => ({ ...e, field: 'endRule', href: '#endRule-day' }));
      if (!form.ok) return rulePage(request, reply, icb, rule.id, ruleValues(rule), [], 400, form.values.endsOn, asEnd(form.errors));
      const done = await attempt(() => endPriorApprovalRule(db, icb.odsCode, rule.id, form.answer.endsOn), { field: 'endsOn', fields: { endsOn: { label: 'The last day' } } });
      if (!done.ok) return rulePage(request, reply, icb, rule.id, ruleValues(rule), [], done.status, form.values.endsOn, asEnd(done.errors));
      return seeOther(reply, keep(PRIOR_APPROVAL, adminIcb(request, icb), 'saved=1'));
    });

    // ------------------------------------------------------------ capacity notices (the ICB's, and a provider's own)

    type NoticeSide = { poster: Poster; icb: Icb | null; base: string; icbParam: string | null };
    const noticeList = async (request: FastifyRequest, reply: FastifyReply, side: NoticeSide) => sendPage(request, reply, 'capacity-notices.njk', {
      title: 'Capacity notices', icb: side.icb, provider: side.poster.by === 'PROVIDER' ? staffOf(request).organisation : null,
      saved: ((request.query ?? {}) as Record<string, unknown>).saved === '1',
      notices: await listCapacityNotices(db, side.poster), newHref: keep(`${side.base}/new`, side.icbParam),
      withdrawAction: (id: number) => keep(`${side.base}/${id}/withdraw`, side.icbParam),
      back: side.poster.by === 'ICB' ? keep('/commissioner', side.icbParam) : '/provider',
    });
    const noticeForm = async (request: FastifyRequest, reply: FastifyReply, side: NoticeSide, values: NoticeValues, errors: FieldError[], status = 200) => sendPage(request, reply, 'capacity-notice-new.njk', {
      title: 'Post a capacity notice', icb: side.icb, values, ...errorContext(errors),
      forProvider: side.poster.by === 'PROVIDER' ? staffOf(request).organisation : null,
      services: side.poster.by === 'PROVIDER' ? await servicesOf(db, side.poster.odsCode) : [],
      specialtyItems: specialtyItems(await specialties(), values.specialty), kindItems: kindItems(values.kind),
      action: keep(`${side.base}/new`, side.icbParam), back: keep(side.base, side.icbParam),
    }, status);
    const postNotice = async (request: FastifyRequest, reply: FastifyReply, side: NoticeSide) => {
      const form = readNoticeForm(request.body, new Set((await specialties()).map((s) => s.code)));
      if (!form.ok) return noticeForm(request, reply, side, form.values, form.errors, 400);
      const done = await attempt(() => postCapacityNotice(db, staffOf(request), side.poster, form.answer), NOTICE_PLACEMENT);
      if (!done.ok) return noticeForm(request, reply, side, form.values, done.errors, done.status);
      return seeOther(reply, keep(side.base, side.icbParam, 'saved=1'));
    };
    const withdraw = async (request: FastifyRequest, reply: FastifyReply, side: NoticeSide) => {
      const done = await attempt(() => withdrawCapacityNotice(db, side.poster, Number((request.params as { id: string }).id)), { field: 'notice' });
      if (!done.ok) return notFoundPage(request, reply);
      return seeOther(reply, keep(side.base, side.icbParam, 'saved=1'));
    };
    const icbSide = async (request: FastifyRequest, reply: FastifyReply): Promise<NoticeSide | FastifyReply> => {
      const icb = await icbOf(request, reply, NOTICES, 'Capacity notices: choose an ICB');
      if (!isIcb(icb)) return icb;
      return { poster: { by: 'ICB', icbCode: icb.odsCode }, icb, base: NOTICES, icbParam: adminIcb(request, icb) };
    };
    const providerSide = (request: FastifyRequest): NoticeSide => ({ poster: { by: 'PROVIDER', odsCode: staffOf(request).organisation.odsCode }, icb: null, base: PROVIDER_NOTICES, icbParam: null });
    const isSide = (x: NoticeSide | FastifyReply): x is NoticeSide => 'poster' in x;

    app.get(NOTICES, { config: commissioner }, async (request, reply) => {
      const side = await icbSide(request, reply);
      return isSide(side) ? noticeList(request, reply, side) : side;
    });
    app.get(`${NOTICES}/new`, { config: commissioner }, async (request, reply) => {
      const side = await icbSide(request, reply);
      return isSide(side) ? noticeForm(request, reply, side, emptyNotice(), []) : side;
    });
    app.post(`${NOTICES}/new`, { config: commissioner }, async (request, reply) => {
      const side = await icbSide(request, reply);
      return isSide(side) ? postNotice(request, reply, side) : side;
    });
    app.post(`${NOTICES}/:id/withdraw`, { config: commissioner }, async (request, reply) => {
      const side = await icbSide(request, reply);
      return isSide(side) ? withdraw(request, reply, side) : side;
    });
    app.get(PROVIDER_NOTICES, { config: provider }, (request, reply) => noticeList(request, reply, providerSide(request)));
    app.get(`${PROVIDER_NOTICES}/new`, { config: provider }, (request, reply) => noticeForm(request, reply, providerSide(request), emptyNotice(), []));
    app.post(`${PROVIDER_NOTICES}/new`, { config: provider }, (request, reply) => postNotice(request, reply, providerSide(request)));
    app.post(`${PROVIDER_NOTICES}/:id/withdraw`, { config: provider }, (request, reply) => withdraw(request, reply, providerSide(request)));

    // ------------------------------------------------------------ the transport support policy

    const transportPage = async (request: FastifyRequest, reply: FastifyReply, icb: Icb, values: TransportValues, errors: FieldError[], status = 200) => {
      const a = adminIcb(request, icb);
      return sendPage(request, reply, 'transport-policy.njk', {
        title: 'Transport support policy', icb, values, ...errorContext(errors),
        saved: ((request.query ?? {}) as Record<string, unknown>).saved === '1',
        action: keep(TRANSPORT, a), back: keep('/commissioner', a),
      }, status);
    };
    app.get(TRANSPORT, { config: commissioner }, async (request, reply) => {
      const icb = await icbOf(request, reply, TRANSPORT, 'Transport support: choose an ICB');
      if (!isIcb(icb)) return icb;
      const policy = await getTransportPolicy(db, icb.odsCode);
      return transportPage(request, reply, icb, policy ?? emptyTransport(), []);
    });
    app.post(TRANSPORT, { config: commissioner }, async (request, reply) => {
      const icb = await icbOf(request, reply, TRANSPORT, 'Transport support: choose an ICB');
      if (!isIcb(icb)) return icb;
      const form = readTransportForm(request.body);
      if (!form.ok) return transportPage(request, reply, icb, form.values, form.errors, 400);
      const done = await attempt(() => saveTransportPolicy(db, staffOf(request), icb, form.answer), TRANSPORT_PLACEMENT);
      if (!done.ok) return transportPage(request, reply, icb, form.values, done.errors, done.status);
      return seeOther(reply, keep(TRANSPORT, adminIcb(request, icb), 'saved=1'));
    });
  };
}
