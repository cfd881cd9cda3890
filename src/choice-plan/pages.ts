// The choice plan's pages. For the ICB's commissioners (an admin names the ICB with icb=): the plan with its
// ambition, summary and improvement actions (overdue ones flagged), an action's page with its progress notes,
// publishing, the comments to moderate and answer, and "you said, we did". For the public, with no sign-in: the
// published plan, its approved comments and answers, and the form to comment. Wiring only: the services do the work.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type Icb, icbChoicesFor, icbInScope } from '../choice/icb-scope.ts';
import type { Deps } from '../deps.ts';
import { ACTION_STATUSES, COMMENT_MAX, EMAIL_MAX, NAME_MAX } from '../domain/choice-plan.ts';
import { ASSESSMENT_ITEMS } from '../domain/self-assessment-items.ts';
import { PUBLIC, ROLES, staffOf } from '../http/access.ts';
import { Problem } from '../http/problem.ts';
import { attempt, calendarDate, checkboxes, dateInput, type DateParts, emptyDate, errorContext, type FieldError, oneOfKeys, pathId, readForm, sentence, text } from '../web/forms.ts';
import { forbiddenPage, notFoundPage, seeOther, sendPage } from '../web/page.ts';
import { addViews } from '../web/render.ts';
import { ANSWER_MAX, answerComment, commentsFor, countAttempt, moderateComment, REASON_MAX, submitComment } from './comments.ts';
import { publicPlan } from './public-plan.ts';
import { type ActionInput, actionFor, addAction, addNote, CHANGE_MAX, changesFor, NOTE_MAX, planFor, publishPlan, recordChange, saveAmbition, TEXT_MAX, TITLE_MAX, updateAction } from './service.ts';

const commissioner = { access: ROLES('commissioner', 'admin'), page: true } as const;
const PLAN = '/commissioner/choice-plan';

// ---------------------------------------------------------------- forms

const AMBITION_FIELDS = { ambition: text(TEXT_MAX + 100), summary: text(TEXT_MAX + 100) };
const ambitionSchema = z.object({
  ambition: z.string().max(TEXT_MAX, `The three-year ambition must be ${TEXT_MAX.toLocaleString('en-GB')} characters or fewer`),
  summary: z.string().max(TEXT_MAX, `The plain-English summary must be ${TEXT_MAX.toLocaleString('en-GB')} characters or fewer`),
});

const ACTION_FIELDS = { title: text(TITLE_MAX + 50), description: text(TEXT_MAX + 100), owner: text(TITLE_MAX + 50), due: dateInput(), status: text(20), itemIds: checkboxes(40) };
const actionSchema = z.object({
  title: z.string().min(1, 'Enter a title for the action').max(TITLE_MAX, `The title must be ${TITLE_MAX} characters or fewer`),
  description: z.string().max(TEXT_MAX, `The description must be ${TEXT_MAX.toLocaleString('en-GB')} characters or fewer`),
  owner: z.string().min(1, 'Enter who owns the action').max(TITLE_MAX, `The owner must be ${TITLE_MAX} characters or fewer`),
  due: calendarDate({ empty: 'Enter the date the action is due', invalid: 'The due date must be a real date, like 31 3 2027' }),
  status: oneOfKeys(ACTION_STATUSES, 'Select where the action stands'),
  itemIds: z.array(z.string()).min(1, 'Select at least one self-assessment item the action improves'),
});

const NOTE_FIELDS = { note: text(NOTE_MAX + 100) };
const noteSchema = z.object({ note: z.string().min(1, 'Enter the progress note').max(NOTE_MAX, `The note must be ${NOTE_MAX.toLocaleString('en-GB')} characters or fewer`) });

const CHANGE_FIELDS = { youSaid: text(CHANGE_MAX + 100), weDid: text(CHANGE_MAX + 100) };
const changeSchema = z.object({
  youSaid: z.string().min(1, 'Enter what people said').max(CHANGE_MAX, `What people said must be ${CHANGE_MAX.toLocaleString('en-GB')} characters or fewer`),
  weDid: z.string().min(1, 'Enter what the ICB did because of it').max(CHANGE_MAX, `What the ICB did must be ${CHANGE_MAX.toLocaleString('en-GB')} characters or fewer`),
});

const MODERATE_FIELDS = { decision: text(20), reason: text(REASON_MAX + 100) };
const moderateSchema = z.object({ decision: z.enum(['APPROVE', 'REJECT'], { error: 'Select whether to show the comment or reject it' }), reason: z.string().max(REASON_MAX, `The reason must be ${REASON_MAX} characters or fewer`) })
  .superRefine((v, ctx) => {
    if (v.decision === 'REJECT' && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Enter why the comment is rejected' });
  });
const ANSWER_FIELDS = { answer: text(ANSWER_MAX + 100) };
const answerSchema = z.object({ answer: z.string().min(1, 'Enter the answer').max(ANSWER_MAX, `The answer must be ${ANSWER_MAX.toLocaleString('en-GB')} characters or fewer`) });

// The public form reads past each limit so that too long is refused with a message, never cut without one.
const COMMENT_FIELDS = { comment: text(COMMENT_MAX + 500), name: text(NAME_MAX + 100), wantsAnswerByEmail: text(10), email: text(EMAIL_MAX + 100), website: text(200) };

const ITEM_ROWS = ASSESSMENT_ITEMS.map((i) => ({ id: i.id, text: i.text.length > 140 ? `${i.text.slice(0, 137)}…` : i.text }));

const emptyAction = { title: '', description: '', owner: '', due: emptyDate(), status: 'NOT_STARTED', itemIds: [] as string[] };
type ActionValues = { title: string; description: string; owner: string; due: DateParts; status: string; itemIds: string[] };

const partsOf = (iso: string): DateParts => ({ year: iso.slice(0, 4), month: String(Number(iso.slice(5, 7))), day: String(Number(iso.slice(8, 10))) });
// No row has -1: an address without a number is answered as one that names no action or comment (404).
const idOf = (raw: string): number => pathId(raw) ?? -1;

// ---------------------------------------------------------------- whose plan

type Scope = { icb: Icb; icbParam: string | null; icbs: Icb[] };

/** ?icb= for an admin's links and forms, nothing for a commissioner's. */
const withIcb = (path: string, scope: Scope, extra: Record<string, string> = {}) => {
  const q = new URLSearchParams({ ...(scope.icbParam ? { icb: scope.icbParam } : {}), ...extra }).toString();
  return q ? `${path}?${q}` : path;
};

export function choicePlanPages(deps: Deps) {
  const db = deps.database.db;
  const secret = deps.config.accessCodeSecret;

  /** The ICB in scope, or the reply already sent: forbidden for another ICB, the picker for an admin with none. */
  const scopeOf = async (request: FastifyRequest, reply: FastifyReply): Promise<Scope | FastifyReply> => {
    const staff = staffOf(request);
    const q = (request.query ?? {}) as Record<string, unknown>;
    const requested = typeof q.icb === 'string' ? q.icb.slice(0, 10) : null;
    const icbs = await icbChoicesFor(db, staff);
    try {
      const icb = await icbInScope(db, staff, requested);
      return { icb, icbs, icbParam: staff.role === 'admin' ? icb.odsCode : null };
    } catch (err) {
      if (!(err instanceof Problem) || err.status >= 500) throw err;
      if (err.status === 403) return forbiddenPage(request, reply, err.detail);
      const missing = staff.role === 'admin' && !requested?.trim();
      const errors: FieldError[] = missing ? [] : [{ field: 'icb', href: '#icb', message: sentence(err.detail) }];
      return sendPage(request, reply, 'choice-choose-icb.njk', { title: 'Choice plan: choose an ICB', action: PLAN, icbs, ...errorContext(errors) }, missing ? 200 : err.status);
    }
  };
  const isReply = (s: Scope | FastifyReply): s is FastifyReply => !('icb' in s);

  const planPage = async (request: FastifyRequest, reply: FastifyReply, scope: Scope, extra: { values?: Record<string, string>; errors?: readonly FieldError[]; status?: number } = {}) => {
    const plan = await planFor(db, scope.icb);
    const q = (request.query ?? {}) as Record<string, unknown>;
    return sendPage(request, reply, 'choice-plan.njk', {
      title: 'Choice plan', backHref: withIcb('/commissioner', scope), scope, plan,
      values: extra.values ?? { ambition: plan.ambition, summary: plan.summary, youSaid: '', weDid: '' },
      changes: await changesFor(db, scope.icb.odsCode),
      done: typeof q.done === 'string' ? q.done : null,
      href: { ambition: withIcb(`${PLAN}/ambition`, scope), publish: withIcb(`${PLAN}/publish`, scope), newAction: withIcb(`${PLAN}/actions/new`, scope), comments: withIcb(`${PLAN}/comments`, scope), changes: withIcb(`${PLAN}/changes`, scope), public: `/icbs/${scope.icb.odsCode}/choice-plan` },
      actionHref: Object.fromEntries(plan.actions.map((a) => [a.id, withIcb(`${PLAN}/actions/${a.id}`, scope)])),
      ...errorContext(extra.errors ?? []),
    }, extra.status ?? 200);
  };

  const actionFormPage = (request: FastifyRequest, reply: FastifyReply, scope: Scope, values: ActionValues, action: string, title: string, errors: readonly FieldError[] = [], status = 200, extra: object = {}) =>
    sendPage(request, reply, 'choice-plan-action.njk', {
      title, backHref: withIcb(PLAN, scope), scope, values, formAction: action,
      statusItems: Object.entries(ACTION_STATUSES).map(([value, t]) => ({ value, text: t, checked: value === values.status })),
      itemItems: ITEM_ROWS.map((i) => ({ value: i.id, text: `${i.id}: ${i.text}`, checked: values.itemIds.includes(i.id) })),
      ...errorContext(errors), ...extra,
    }, status);

  const oneActionPage = async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, scope: Scope, values?: ActionValues, errors: readonly FieldError[] = [], status = 200, note = '') => {
    const found = await attempt(() => actionFor(db, scope.icb, idOf(request.params.id)), { field: 'title' });
    if (!found.ok) return notFoundPage(request, reply);
    const { action, notes } = found.value;
    const q = (request.query ?? {}) as Record<string, unknown>;
    const shown = values ?? { title: action.title, description: action.description, owner: action.owner, due: partsOf(action.dueOn), status: action.status, itemIds: action.items.map((i) => i.id) };
    const self = withIcb(`${PLAN}/actions/${action.id}`, scope);
    return actionFormPage(request, reply, scope, shown, self, action.title, errors, status, {
      action, notes, noteValue: note, noteAction: withIcb(`${PLAN}/actions/${action.id}/notes`, scope), done: typeof q.done === 'string' ? q.done : null,
    });
  };

  const readAction = (body: unknown) => {
    const form = readForm(ACTION_FIELDS, actionSchema, body);
    if (!form.ok) return form;
    const a = form.answer;
    const input: ActionInput = { title: a.title, description: a.description, owner: a.owner, dueOn: a.due, status: a.status, itemIds: a.itemIds };
    return { ok: true as const, values: form.values, input };
  };
  const ACTION_PLACEMENT = { field: 'title', fields: { title: {}, description: {}, owner: {}, dueOn: { field: 'due', href: '#due-day', label: 'The due date' }, status: {}, itemIds: { label: 'The items' } } };

  const commentsPage = async (request: FastifyRequest, reply: FastifyReply, scope: Scope, forId: number | null = null, values: Record<string, string> = {}, errors: readonly FieldError[] = [], status = 200) => {
    const comments = await commentsFor(db, scope.icb);
    const q = (request.query ?? {}) as Record<string, unknown>;
    return sendPage(request, reply, 'choice-plan-comments.njk', {
      title: 'Comments on the choice plan', backHref: withIcb(PLAN, scope), scope,
      pending: comments.filter((c) => c.status === 'PENDING'), approved: comments.filter((c) => c.status === 'APPROVED'), rejected: comments.filter((c) => c.status === 'REJECTED'),
      forId, values, done: typeof q.done === 'string' ? q.done : null,
      moderateHref: Object.fromEntries(comments.map((c) => [c.id, withIcb(`${PLAN}/comments/${c.id}/moderate`, scope)])),
      answerHref: Object.fromEntries(comments.map((c) => [c.id, withIcb(`${PLAN}/comments/${c.id}/answer`, scope)])),
      ...errorContext(errors),
    }, status);
  };

  // ------------------------------------------------------------ the public page

  const publicPage = async (request: FastifyRequest<{ Params: { odsCode: string } }>, reply: FastifyReply, values: Record<string, string> = {}, errors: readonly FieldError[] = [], status = 200, extra: object = {}) => {
    const plan = await publicPlan(db, request.params.odsCode);
    if (!plan) return notFoundPage(request, reply);
    return sendPage(request, reply, 'choice-plan-public.njk', {
      title: `${plan.icb.name}: our plan for patient choice`, plan, values,
      commentAction: `/icbs/${plan.icb.odsCode}/choice-plan/comments#comment-form`, commentMax: COMMENT_MAX,
      ...errorContext(errors), ...extra,
    }, status);
  };

  return async function (app: FastifyInstance) {
    addViews(new URL('./views', import.meta.url));

    app.get(PLAN, { config: commissioner }, async (request, reply) => {
      const scope = await scopeOf(request, reply);
      if (isReply(scope)) return scope;
      return planPage(request, reply, scope);
    });

    app.post(`${PLAN}/ambition`, { config: commissioner }, async (request, reply) => {
      const scope = await scopeOf(request, reply);
      if (isReply(scope)) return scope;
      const form = readForm(AMBITION_FIELDS, ambitionSchema, request.body);
      if (!form.ok) return planPage(request, reply, scope, { values: { ...form.values, youSaid: '', weDid: '' }, errors: form.errors, status: 400 });
      const done = await attempt(() => saveAmbition(db, staffOf(request), scope.icb, form.answer), { field: 'ambition', fields: { ambition: {}, summary: {} } });
      if (!done.ok) return planPage(request, reply, scope, { values: { ...form.values, youSaid: '', weDid: '' }, errors: done.errors, status: done.status });
      return seeOther(reply, withIcb(PLAN, scope, { done: 'ambition' }));
    });

    app.post(`${PLAN}/publish`, { config: commissioner }, async (request, reply) => {
      const scope = await scopeOf(request, reply);
      if (isReply(scope)) return scope;
      const done = await attempt(() => publishPlan(db, staffOf(request), scope.icb), { field: 'publish', fields: { ambition: { label: 'The three-year ambition' }, summary: { label: 'The plain-English summary' } } });
      if (!done.ok) return planPage(request, reply, scope, { errors: done.errors, status: done.status });
      return seeOther(reply, withIcb(PLAN, scope, { done: 'published' }));
    });

    app.post(`${PLAN}/changes`, { config: commissioner }, async (request, reply) => {
      const scope = await scopeOf(request, reply);
      if (isReply(scope)) return scope;
      const plan = await planFor(db, scope.icb);
      const values = { ambition: plan.ambition, summary: plan.summary };
      const form = readForm(CHANGE_FIELDS, changeSchema, request.body);
      if (!form.ok) return planPage(request, reply, scope, { values: { ...values, ...form.values }, errors: form.errors, status: 400 });
      const done = await attempt(() => recordChange(db, staffOf(request), scope.icb, form.answer), { field: 'youSaid', fields: { youSaid: {}, weDid: {} } });
      if (!done.ok) return planPage(request, reply, scope, { values: { ...values, ...form.values }, errors: done.errors, status: done.status });
      return seeOther(reply, `${withIcb(PLAN, scope, { done: 'change' })}#changes`);
    });

    app.get(`${PLAN}/actions/new`, { config: commissioner }, async (request, reply) => {
      const scope = await scopeOf(request, reply);
      if (isReply(scope)) return scope;
      // From a self-assessment item's page (`?item=2.3`): the action starts out improving that item.
      const asked = (request.query as Record<string, unknown>).item;
      const item = typeof asked === 'string' ? ASSESSMENT_ITEMS.find((i) => i.id === asked.trim().toUpperCase()) : undefined;
      return actionFormPage(request, reply, scope, item ? { ...emptyAction, itemIds: [item.id] } : emptyAction, withIcb(`${PLAN}/actions`, scope), 'Add an improvement action');
    });

    app.post(`${PLAN}/actions`, { config: commissioner }, async (request, reply) => {
      const scope = await scopeOf(request, reply);
      if (isReply(scope)) return scope;
      const read = readAction(request.body);
      const action = withIcb(`${PLAN}/actions`, scope);
      if (!read.ok) return actionFormPage(request, reply, scope, read.values, action, 'Add an improvement action', read.errors, 400);
      const done = await attempt(() => addAction(db, staffOf(request), scope.icb, read.input), ACTION_PLACEMENT);
      if (!done.ok) return actionFormPage(request, reply, scope, read.values, action, 'Add an improvement action', done.errors, done.status);
      return seeOther(reply, withIcb(`${PLAN}/actions/${done.value}`, scope, { done: 'added' }));
    });

    app.get<{ Params: { id: string } }>(`${PLAN}/actions/:id`, { config: commissioner }, async (request, reply) => {
      const scope = await scopeOf(request, reply);
      if (isReply(scope)) return scope;
      return oneActionPage(request, reply, scope);
    });

    app.post<{ Params: { id: string } }>(`${PLAN}/actions/:id`, { config: commissioner }, async (request, reply) => {
      const scope = await scopeOf(request, reply);
      if (isReply(scope)) return scope;
      const read = readAction(request.body);
      if (!read.ok) return oneActionPage(request, reply, scope, read.values, read.errors, 400);
      const done = await attempt(() => updateAction(db, staffOf(request), scope.icb, idOf(request.params.id), read.input), ACTION_PLACEMENT);
      if (!done.ok && done.status === 404) return notFoundPage(request, reply);
      if (!done.ok) return oneActionPage(request, reply, scope, read.values, done.errors, done.status);
      return seeOther(reply, withIcb(`${PLAN}/actions/${idOf(request.params.id)}`, scope, { done: 'saved' }));
    });

    app.post<{ Params: { id: string } }>(`${PLAN}/actions/:id/notes`, { config: commissioner }, async (request, reply) => {
      const scope = await scopeOf(request, reply);
      if (isReply(scope)) return scope;
      const form = readForm(NOTE_FIELDS, noteSchema, request.body);
      if (!form.ok) return oneActionPage(request, reply, scope, undefined, form.errors, 400, form.values.note);
      const done = await attempt(() => addNote(db, staffOf(request), scope.icb, idOf(request.params.id), form.answer.note), { field: 'note', fields: { note: {} } });
      if (!done.ok && done.status === 404) return notFoundPage(request, reply);
      if (!done.ok) return oneActionPage(request, reply, scope, undefined, done.errors, done.status, form.values.note);
      return seeOther(reply, `${withIcb(`${PLAN}/actions/${idOf(request.params.id)}`, scope, { done: 'note' })}#notes`);
    });

    app.get(`${PLAN}/comments`, { config: commissioner }, async (request, reply) => {
      const scope = await scopeOf(request, reply);
      if (isReply(scope)) return scope;
      return commentsPage(request, reply, scope);
    });

    app.post<{ Params: { id: string } }>(`${PLAN}/comments/:id/moderate`, { config: commissioner }, async (request, reply) => {
      const scope = await scopeOf(request, reply);
      if (isReply(scope)) return scope;
      const id = idOf(request.params.id);
      const form = readForm(MODERATE_FIELDS, moderateSchema, request.body, { decision: `#decision-${id}`, reason: `#reason-${id}` });
      if (!form.ok) return commentsPage(request, reply, scope, id, form.values, form.errors, 400);
      const a = form.answer;
      const done = await attempt(() => moderateComment(db, staffOf(request), scope.icb, id, a.decision === 'APPROVE' ? { approve: true } : { approve: false, reason: a.reason }),
        { field: 'decision', href: `#decision-${id}`, fields: { reason: { href: `#reason-${id}`, label: 'The reason' } } });
      if (!done.ok && done.status === 404) return notFoundPage(request, reply);
      if (!done.ok) return commentsPage(request, reply, scope, id, form.values, done.errors, done.status);
      return seeOther(reply, withIcb(`${PLAN}/comments`, scope, { done: a.decision === 'APPROVE' ? 'approved' : 'rejected' }));
    });

    app.post<{ Params: { id: string } }>(`${PLAN}/comments/:id/answer`, { config: commissioner }, async (request, reply) => {
      const scope = await scopeOf(request, reply);
      if (isReply(scope)) return scope;
      const id = idOf(request.params.id);
      const form = readForm(ANSWER_FIELDS, answerSchema, request.body, { answer: `#answer-${id}` });
      if (!form.ok) return commentsPage(request, reply, scope, id, form.values, form.errors, 400);
      const done = await attempt(() => answerComment(db, staffOf(request), scope.icb, id, form.answer.answer), { field: 'answer', href: `#answer-${id}`, fields: { answer: { href: `#answer-${id}`, label: 'The answer' } } });
      if (!done.ok && done.status === 404) return notFoundPage(request, reply);
      if (!done.ok) return commentsPage(request, reply, scope, id, form.values, done.errors, done.status);
      return seeOther(reply, withIcb(`${PLAN}/comments`, scope, { done: 'answered' }));
    });

    // ------------------------------------------------------------ public

    app.get<{ Params: { odsCode: string } }>('/icbs/:odsCode/choice-plan', { config: { access: PUBLIC('the ICB publishes its choice plan for everyone to read'), page: true } }, (request, reply) => publicPage(request, reply));

    app.get<{ Params: { odsCode: string } }>('/icbs/:odsCode/choice-plan/comment-sent', { config: { access: PUBLIC('tells a member of the public their comment was received'), page: true } }, async (request, reply) => {
      const plan = await publicPlan(db, request.params.odsCode);
      if (!plan) return notFoundPage(request, reply);
      return sendPage(request, reply, 'choice-plan-comment-sent.njk', { title: 'Your comment has been sent', plan });
    });

    app.post<{ Params: { odsCode: string } }>('/icbs/:odsCode/choice-plan/comments', { config: { access: PUBLIC('members of the public comment on the ICB\'s plan without an account'), page: true } }, async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const values = Object.fromEntries(Object.entries(COMMENT_FIELDS).map(([name, read]) => [name, read(body, name)])) as Record<keyof typeof COMMENT_FIELDS, string>;
      const typed = { comment: values.comment, name: values.name, email: values.email, wantsAnswerByEmail: values.wantsAnswerByEmail };
      const plan = await publicPlan(db, request.params.odsCode);
      if (!plan) return notFoundPage(request, reply);
      const sent = `/icbs/${plan.icb.odsCode}/choice-plan/comment-sent`;
      const flood = await attempt(() => countAttempt(db, secret, request.ip), { field: 'comment' });
      if (!flood.ok) {
        if (flood.status === 429) reply.header('retry-after', flood.problem.headers['retry-after'] ?? '600');
        const minutes = Math.max(1, Math.ceil(Number(flood.problem.headers['retry-after'] ?? 600) / 60));
        return publicPage(request, reply, typed, [{ field: 'comment', href: '#comment', message: `Too many comments have been sent from your connection. Wait ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}, then send your comment again: it is still in the box below` }], flood.status, { flooded: { minutes } });
      }
      // The honeypot: a field hidden from people, that only a robot fills in. It is told the comment was sent.
      if (values.website) return seeOther(reply, sent);
      const done = await attempt(() => submitComment(db, plan.icb.odsCode, { comment: values.comment, name: values.name, email: values.email, wantsAnswerByEmail: values.wantsAnswerByEmail === 'yes' }),
        { field: 'comment', fields: { comment: {}, name: {}, email: {} } });
      if (!done.ok && done.status === 404) return publicPage(request, reply, typed, done.errors, 404);
      if (!done.ok) return publicPage(request, reply, typed, done.errors, done.status);
      return seeOther(reply, sent);
    });
  };
}

