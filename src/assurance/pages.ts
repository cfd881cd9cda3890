// The self-assessment's pages under /commissioner/self-assessment: the periods, one period's items grouped by
// enabler, an item to rate with its evidence (text, links, documents), the reflections, the SRO, the sign-off, the
// history, a printable copy and a PDF for the board, NHS England's view of every ICB and the Greens offered as best
// practice. Wiring only: ./service.ts does the work. Documents come as multipart/form-data (read by
// src/web/multipart.ts with this context's own body limit) and go back only as downloads.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { icbChoicesFor } from '../choice/icb-scope.ts';
import type { Deps } from '../deps.ts';
import { londonDate } from '../domain/dates.ts';
import { CONTRARY_RULE, RATINGS, SCORING_KEY } from '../domain/self-assessment-items.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { badRequest, Problem } from '../http/problem.ts';
import { attempt, checkboxes, errorContext, type FieldError, readForm, sentence, text } from '../web/forms.ts';
import { boundaryOf, type FilePart, parseMultipart } from '../web/multipart.ts';
import { forbiddenPage, notFoundPage, seeOther, sendPage } from '../web/page.ts';
import { addViews } from '../web/render.ts';
import { ALLOWED_LABEL, ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_LABEL, checkAttachment, downloadDisposition } from './attachments.ts';
import { assessmentPdf } from './pdf.ts';
import {
  addAttachment, assessmentFor, attachmentContent, bestPractice, currentPeriod, historyFor, itemFor, LINK_MAX, nameSro, nationalView, OWNER_MAX, periodsFor,
  REASON_MAX, REFLECTION_MAX, removeAttachment, saveItem, saveReflections, signOff, SRO_FIELD_MAX, sroFor, TEXT_MAX, TEXTS_MAX,
} from './service.ts';
import { type HalfYear, readHalfYear } from '../domain/half-year.ts';
import { type ImprovementActionsPanel, NO_IMPROVEMENT_ACTIONS } from '../web/panels.ts';

/** The half-year a page was opened from (`?period=2026-H2`), to go back to it; null when none or not one. */
const periodAsked = (q: Record<string, unknown>): HalfYear | null => (typeof q.period === 'string' ? readHalfYear(q.period) : null);

const commissioner = { access: ROLES('commissioner', 'admin'), page: true } as const;
const admin = { access: ROLES('admin'), page: true } as const;
const BASE = '/commissioner/self-assessment';
const FILES = '__files';

const RATING_WORDS = { RED: 'Red', AMBER: 'Amber', GREEN: 'Green' } as const;

/** The evidence box holds one piece of text per paragraph (a blank line between), so what the API stored comes back as it was. */
const paragraphsOf = (text: string) => text.split(/\n[ \t]*\n/).map((p) => p.trim()).filter((p) => p.length > 0);
const ITEM_FIELDS = { rating: text(10), contrary: checkboxes(2), evidence: text((TEXT_MAX + 2) * TEXTS_MAX + 1), links: text(LINK_MAX * 20 + 40), owner: text(OWNER_MAX + 1), overruleReason: text(REASON_MAX + 1) };
const itemSchema = z.object({
  rating: z.union([z.enum(RATINGS as ['RED', 'AMBER', 'GREEN']), z.literal('NONE')], { error: 'Select a rating, or "Not rated yet"' }),
  contrary: z.array(z.string()),
  // One piece of evidence per paragraph, as the API keeps them (src/assurance/service.ts checks each piece).
  evidence: z.string().max((TEXT_MAX + 2) * TEXTS_MAX, `The evidence must be ${TEXTS_MAX} paragraphs of ${TEXT_MAX} characters or fewer`),
  links: z.string(),
  owner: z.string().max(OWNER_MAX, `The owner must be ${OWNER_MAX} characters or fewer`),
  overruleReason: z.string().max(REASON_MAX, `The reason must be ${REASON_MAX} characters or fewer`),
});
const SRO_FIELDS = { name: text(SRO_FIELD_MAX + 1), role: text(SRO_FIELD_MAX + 1), contact: text(SRO_FIELD_MAX + 1) };
const sroSchema = z.object({
  name: z.string().min(1, 'Enter the SRO\'s name').max(SRO_FIELD_MAX, `The name must be ${SRO_FIELD_MAX} characters or fewer`),
  role: z.string().min(1, 'Enter the SRO\'s role, like Chief Medical Officer').max(SRO_FIELD_MAX, `The role must be ${SRO_FIELD_MAX} characters or fewer`),
  contact: z.string().min(1, 'Enter how to contact the SRO, like an email address').max(SRO_FIELD_MAX, `The contact must be ${SRO_FIELD_MAX} characters or fewer`),
});
const REFLECTION_FIELDS = { answer1: text(REFLECTION_MAX + 1), answer2: text(REFLECTION_MAX + 1), answer3: text(REFLECTION_MAX + 1), answer4: text(REFLECTION_MAX + 1), answer5: text(REFLECTION_MAX + 1) };
const answer = (n: number) => z.string().max(REFLECTION_MAX, `Your answer to question ${n} must be ${REFLECTION_MAX} characters or fewer`);
const reflectionSchema = z.object({ answer1: answer(1), answer2: answer(2), answer3: answer(3), answer4: answer(4), answer5: answer(5) });

const icbOf = (request: FastifyRequest) => {
  const v = (request.query as Record<string, unknown>).icb;
  const one = Array.isArray(v) ? v[0] : v;
  return typeof one === 'string' && one.trim() ? one.trim().toUpperCase() : null;
};
const carry = (icb: string | null, first = '?') => (icb ? `${first}icb=${encodeURIComponent(icb)}` : '');

export function assurancePages(deps: Deps, improvementActions: ImprovementActionsPanel = NO_IMPROVEMENT_ACTIONS) {
  const db = deps.database.db;

  /** A 400 naming the ICB (an admin who has not chosen one) shows the picker; 403 and 404 their pages. */
  const refused = async (request: FastifyRequest, reply: FastifyReply, err: unknown) => {
    if (!(err instanceof Problem) || err.status >= 500) throw err;
    if (err.status === 403) return forbiddenPage(request, reply, err.detail);
    if (err.status === 404) return notFoundPage(request, reply);
    const staff = staffOf(request);
    return sendPage(request, reply, 'assessment-choose-icb.njk', {
      title: 'Self-assessment', back: '/commissioner', icbs: await icbChoicesFor(db, staff), action: request.url.split('?')[0],
      problem: sentence(err.detail), ...errorContext([{ field: err.errors?.[0]?.field ?? 'icb', href: `#${err.errors?.[0]?.field === 'period' ? 'period' : 'icb'}`, message: sentence(err.detail) }]),
    }, err.status);
  };
  const guarded = async <T>(request: FastifyRequest, reply: FastifyReply, load: () => Promise<T>, show: (v: T) => FastifyReply | Promise<FastifyReply>) => {
    let value: T;
    try {
      value = await load();
    } catch (err) {
      return refused(request, reply, err);
    }
    return show(value);
  };

  return async function (app: FastifyInstance) {
    addViews(new URL('./views', import.meta.url));
    // Documents: a body of at most twice the attachment limit is read, so a file somewhat too big is refused with
    // the error summary rather than a bare 413.
    app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: ATTACHMENT_MAX_BYTES * 2 + 64 * 1024 }, (request, body, done) => {
      const boundary = boundaryOf(request.headers['content-type']);
      if (!boundary) return done(Object.assign(new Error('multipart body without a boundary'), { statusCode: 400 }), undefined);
      try {
        const parts = parseMultipart(body as Buffer, boundary);
        done(null, { ...parts.fields, [FILES]: parts.files });
      } catch {
        done(Object.assign(new Error('the multipart body could not be read'), { statusCode: 400 }), undefined);
      }
    });

    app.get(BASE, { config: commissioner }, (request, reply) =>
      guarded(request, reply, () => periodsFor(db, staffOf(request), icbOf(request)), async (v) => sendPage(request, reply, 'assessment-periods.njk', {
        title: 'Self-assessment', back: `/commissioner${carry(icbOf(request))}`, view: v, icbParam: icbOf(request), carry: carry(icbOf(request)),
        icbs: await icbChoicesFor(db, staffOf(request)), isAdmin: staffOf(request).role === 'admin', ...errorContext([]),
      })));

    // NHS England's view and best practice come before the period's own pages (their paths are fixed words).
    app.get<{ Params: { period: string } }>(`${BASE}/:period/national`, { config: admin }, (request, reply) =>
      guarded(request, reply, () => nationalView(db, staffOf(request), request.params.period), (v) => sendPage(request, reply, 'assessment-national.njk', {
        title: `Every ICB's self-assessment, ${v.period.period}`, back: BASE, view: v, words: RATING_WORDS,
      })));

    app.get<{ Params: { period: string } }>(`${BASE}/:period/best-practice`, { config: commissioner }, (request, reply) => {
      const q = request.query as Record<string, unknown>;
      const item = typeof q.item === 'string' && q.item ? q.item : null;
      return guarded(request, reply, () => bestPractice(db, staffOf(request), request.params.period, item), (v) => sendPage(request, reply, 'assessment-best-practice.njk', {
        title: `Best practice from other ICBs, ${v.period.period}`, back: `${BASE}/${v.period.period}${carry(icbOf(request))}`, view: v,
      }));
    });

    app.get<{ Params: { period: string } }>(`${BASE}/:period`, { config: commissioner }, (request, reply) =>
      guarded(request, reply, () => assessmentFor(db, staffOf(request), request.params.period, icbOf(request)), (v) => {
        const q = request.query as Record<string, unknown>;
        return sendPage(request, reply, 'assessment.njk', {
          title: `Self-assessment ${v.period.period}`, back: `${BASE}${carry(icbOf(request))}`, view: v, words: RATING_WORDS, carry: carry(icbOf(request)), carryAmp: carry(icbOf(request), '&'),
          signedNow: q.signed === '1', isAdmin: staffOf(request).role === 'admin', current: currentPeriod(), ...errorContext([]),
        });
      }));

    app.post<{ Params: { period: string } }>(`${BASE}/:period/sign-off`, { config: commissioner }, async (request, reply) => {
      const done = await attempt(() => signOff(db, staffOf(request), request.params.period, icbOf(request)), { field: 'sign-off' });
      if (!done.ok && (done.status === 403 || done.status === 404 || done.problem.errors?.some((e) => e.field === 'icb' || e.field === 'period'))) return refused(request, reply, done.problem);
      if (!done.ok) {
        const v = await assessmentFor(db, staffOf(request), request.params.period, icbOf(request));
        return sendPage(request, reply, 'assessment.njk', {
          title: `Self-assessment ${v.period.period}`, back: `${BASE}${carry(icbOf(request))}`, view: v, words: RATING_WORDS, carry: carry(icbOf(request)), carryAmp: carry(icbOf(request), '&'),
          isAdmin: staffOf(request).role === 'admin', current: currentPeriod(), ...errorContext([{ field: 'sign-off', href: '#sign-off', message: sentence(done.problem.detail) }]),
        }, done.status);
      }
      return seeOther(reply, `${BASE}/${encodeURIComponent(request.params.period.toUpperCase())}?signed=1${carry(icbOf(request), '&')}#sign-off`);
    });

    app.get<{ Params: { period: string } }>(`${BASE}/:period/print`, { config: commissioner }, (request, reply) =>
      guarded(request, reply, () => assessmentFor(db, staffOf(request), request.params.period, icbOf(request)), (v) => sendPage(request, reply, 'assessment-print.njk', {
        title: `${v.icb.name}: self-assessment ${v.period.period}`, back: `${BASE}/${v.period.period}${carry(icbOf(request))}`, view: v, words: RATING_WORDS, carry: carry(icbOf(request)),
      })));

    app.get<{ Params: { period: string } }>(`${BASE}/:period/pdf`, { config: commissioner }, (request, reply) =>
      guarded(request, reply, () => assessmentFor(db, staffOf(request), request.params.period, icbOf(request)), async (v) => {
        const pdf = await assessmentPdf(v);
        return reply.type('application/pdf').header('content-disposition', downloadDisposition(`self-assessment-${v.icb.odsCode}-${v.period.period}.pdf`))
          .header('x-content-type-options', 'nosniff').header('cache-control', 'no-store').send(pdf);
      }));

    app.get<{ Params: { period: string } }>(`${BASE}/:period/history`, { config: commissioner }, (request, reply) =>
      guarded(request, reply, () => historyFor(db, staffOf(request), request.params.period, icbOf(request)), (v) => sendPage(request, reply, 'assessment-history.njk', {
        title: `Changes to the self-assessment, ${v.period.period}`, back: `${BASE}/${v.period.period}${carry(icbOf(request))}`, view: v, words: RATING_WORDS,
      })));

    // ---------------------------------------------------------------- the reflections
    const reflectionsPage = (request: FastifyRequest<{ Params: { period: string } }>, reply: FastifyReply, values: Record<string, string> | null, errors: FieldError[] = [], status = 200) =>
      guarded(request, reply, () => assessmentFor(db, staffOf(request), request.params.period, icbOf(request), { offered: false }), (v) => sendPage(request, reply, 'assessment-reflections.njk', {
        title: `Questions for reflection, ${v.period.period}`, back: `${BASE}/${v.period.period}${carry(icbOf(request))}`, view: v,
        values: values ?? Object.fromEntries(v.reflections.map((r, i) => [`answer${i + 1}`, r.answer])), action: `${BASE}/${v.period.period}/reflections${carry(icbOf(request))}`, ...errorContext(errors),
      }, status));
    app.get<{ Params: { period: string } }>(`${BASE}/:period/reflections`, { config: commissioner }, (request, reply) => reflectionsPage(request, reply, null));
    app.post<{ Params: { period: string } }>(`${BASE}/:period/reflections`, { config: commissioner }, async (request, reply) => {
      const form = readForm(REFLECTION_FIELDS, reflectionSchema, request.body);
      if (!form.ok) return reflectionsPage(request, reply, form.values, form.errors, 400);
      const answers = [form.answer.answer1, form.answer.answer2, form.answer.answer3, form.answer.answer4, form.answer.answer5];
      const done = await attempt(() => saveReflections(db, staffOf(request), request.params.period, answers, icbOf(request)), { field: 'answer1' });
      if (!done.ok) return refused(request, reply, done.problem);
      return seeOther(reply, `${BASE}/${encodeURIComponent(request.params.period.toUpperCase())}${carry(icbOf(request))}#reflections`);
    });

    // ---------------------------------------------------------------- the SRO
    const sroPage = (request: FastifyRequest, reply: FastifyReply, values: Record<string, string> | null, errors: FieldError[] = [], status = 200) =>
      guarded(request, reply, () => sroFor(db, staffOf(request), icbOf(request)), (v) => {
        const q = request.query as Record<string, unknown>;
        return sendPage(request, reply, 'assessment-sro.njk', {
          title: 'The senior responsible owner (SRO) for choice', back: periodAsked(q) ? `${BASE}/${periodAsked(q)}${carry(icbOf(request))}` : `${BASE}${carry(icbOf(request))}`,
          view: v, values: values ?? v.sro ?? { name: '', role: '', contact: '' }, action: request.url, saved: q.saved === '1', ...errorContext(errors),
        }, status);
      });
    app.get(`${BASE}/sro`, { config: commissioner }, (request, reply) => sroPage(request, reply, null));
    app.post(`${BASE}/sro`, { config: commissioner }, async (request, reply) => {
      const form = readForm(SRO_FIELDS, sroSchema, request.body);
      if (!form.ok) return sroPage(request, reply, form.values, form.errors, 400);
      const done = await attempt(() => nameSro(db, staffOf(request), form.answer, icbOf(request)), { field: 'name', fields: { name: { field: 'name' }, role: { field: 'role' }, contact: { field: 'contact' } } });
      if (!done.ok && done.errors.length === 0) return refused(request, reply, done.problem);
      if (!done.ok) return sroPage(request, reply, form.values, done.errors, done.status);
      const q = request.query as Record<string, unknown>;
      const period = periodAsked(q);
      return seeOther(reply, period ? `${BASE}/${period}${carry(icbOf(request))}#sro` : `${BASE}/sro?saved=1${carry(icbOf(request), '&')}`);
    });

    // ---------------------------------------------------------------- an item
    type ItemRequest = FastifyRequest<{ Params: { period: string; itemId: string } }>;
    const itemPage = (request: ItemRequest, reply: FastifyReply, values: Record<string, unknown> | null, errors: FieldError[] = [], status = 200) =>
      guarded(request, reply, async () => {
        const v = await itemFor(db, staffOf(request), request.params.period, request.params.itemId, icbOf(request));
        return { ...v, actionsHtml: await improvementActions(v.view.icb.odsCode, v.item.itemId, icbOf(request)) };
      }, (v) => {
        const i = v.item;
        const q = request.query as Record<string, unknown>;
        const vals = values ?? { rating: i.rating ?? (i.updatedAt ? 'NONE' : ''), contrary: i.contraryToLegalRights ? ['yes'] : [], evidence: i.texts.join('\n\n'), links: i.links.join('\n'), owner: i.owner ?? '', overruleReason: i.overruleReason ?? '' };
        const column = i.kind === 'MINIMUM_STANDARD' ? 'minimumStandard' : 'otherActions';
        const path = `${BASE}/${v.view.period.period}/items/${encodeURIComponent(i.itemId)}`;
        return sendPage(request, reply, 'assessment-item.njk', {
          title: `${i.itemId}: ${i.kind === 'MINIMUM_STANDARD' ? 'minimum standard' : 'action'}`, back: `${BASE}/${v.view.period.period}${carry(icbOf(request))}#item-${i.itemId}`,
          view: v.view, item: i, history: v.history, actionsHtml: v.actionsHtml, values: vals, words: RATING_WORDS, key: SCORING_KEY, contraryRule: CONTRARY_RULE,
          ratingItems: [
            ...RATINGS.map((r) => ({ value: r, text: RATING_WORDS[r], hint: { text: SCORING_KEY[r][column].join(' ') }, checked: vals.rating === r })),
            { divider: 'or' }, { value: 'NONE', text: 'Not rated yet', checked: vals.rating === 'NONE' },
          ],
          action: `${path}${carry(icbOf(request))}`, uploadAction: `${path}/attachments${carry(icbOf(request))}`, removeBase: `${BASE}/attachments`, carry: carry(icbOf(request)),
          saved: q.saved === '1', attached: q.attached === '1', removed: q.removed === '1', today: londonDate(), maxLabel: ATTACHMENT_MAX_LABEL, allowedLabel: ALLOWED_LABEL, ...errorContext(errors),
        }, status);
      });
    app.get<{ Params: { period: string; itemId: string } }>(`${BASE}/:period/items/:itemId`, { config: commissioner }, (request, reply) => itemPage(request, reply, null));
    app.post<{ Params: { period: string; itemId: string } }>(`${BASE}/:period/items/:itemId`, { config: commissioner }, async (request, reply) => {
      const form = readForm(ITEM_FIELDS, itemSchema, request.body, { rating: '#rating' });
      if (!form.ok) return itemPage(request, reply, form.values, form.errors, 400);
      const a = form.answer;
      const done = await attempt(() => saveItem(db, staffOf(request), request.params.period, request.params.itemId, {
        rating: a.rating === 'NONE' ? null : a.rating, contraryToLegalRights: a.contrary.includes('yes'), texts: paragraphsOf(a.evidence), links: a.links.split(/\s*\n\s*/),
        owner: a.owner, overruleReason: a.overruleReason,
      }, icbOf(request)), {
        field: 'rating', href: '#rating',
        fields: { evidence: { field: 'evidence' }, links: { field: 'links' }, owner: { field: 'owner' }, overruleReason: { field: 'overruleReason' } },
      });
      if (!done.ok && (done.status === 403 || done.status === 404)) return refused(request, reply, done.problem);
      if (!done.ok) return itemPage(request, reply, form.values, done.errors.length ? done.errors : [{ field: 'rating', href: '#rating', message: sentence(done.problem.detail) }], done.status);
      return seeOther(reply, `${BASE}/${encodeURIComponent(request.params.period.toUpperCase())}/items/${encodeURIComponent(request.params.itemId.toUpperCase())}?saved=1${carry(icbOf(request), '&')}`);
    });

    app.post<{ Params: { period: string; itemId: string } }>(`${BASE}/:period/items/:itemId/attachments`, { config: commissioner }, async (request, reply) => {
      const files = ((request.body as Record<string, unknown> | undefined)?.[FILES] as FilePart[] | undefined) ?? [];
      const file = files.find((f) => f.field === 'file');
      const done = await attempt(async () => {
        if (!file) throw badRequest('Select a document to attach.', [{ field: 'file', message: 'Select a document to attach' }]);
        return addAttachment(db, staffOf(request), request.params.period, request.params.itemId, checkAttachment(file.filename, file.data), icbOf(request));
      }, { field: 'file' });
      if (!done.ok && (done.status === 403 || done.status === 404)) return refused(request, reply, done.problem);
      if (!done.ok) {
        return itemPage(request, reply, null, [{ field: 'file', href: '#file', message: sentence(done.problem.detail) }], done.status);
      }
      return seeOther(reply, `${BASE}/${encodeURIComponent(request.params.period.toUpperCase())}/items/${encodeURIComponent(request.params.itemId.toUpperCase())}?attached=1${carry(icbOf(request), '&')}#attachments`);
    });

    app.get<{ Params: { id: string } }>(`${BASE}/attachments/:id`, { config: commissioner }, async (request, reply) => {
      let file;
      try {
        file = await attachmentContent(db, staffOf(request), request.params.id);
      } catch (err) {
        return refused(request, reply, err);
      }
      return reply.type(file.mediaType).header('content-disposition', downloadDisposition(file.fileName)).header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox").header('cache-control', 'no-store').send(file.content);
    });

    app.post<{ Params: { id: string } }>(`${BASE}/attachments/:id/remove`, { config: commissioner }, async (request, reply) => {
      let done;
      try {
        done = await removeAttachment(db, staffOf(request), request.params.id);
      } catch (err) {
        return refused(request, reply, err);
      }
      return seeOther(reply, `${BASE}/${done.period}/items/${encodeURIComponent(done.itemId)}?removed=1${carry(icbOf(request), '&')}#attachments`);
    });
  };
}
