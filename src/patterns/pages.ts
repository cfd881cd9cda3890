// The pages of referral patterns that moved: the flagged patterns of the ICB and period with a funnel plot, and one
// pattern with its weekly series and the form to record what the ICB found. Wiring only: ./service.ts does the work.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { icbChoicesFor } from '../choice/icb-scope.ts';
import type { Deps } from '../deps.ts';
import type { PatternFindingStatus } from '../db/schema.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { Problem } from '../http/problem.ts';
import { attempt, errorContext, type FieldError, readForm, sentence, text } from '../web/forms.ts';
import { forbiddenPage, notFoundPage, seeOther, sendPage } from '../web/page.ts';
import { addViews } from '../web/render.ts';
import { funnelPlotSvg } from './funnel-plot.ts';
import { CLOSING, FINDING_STATUSES, NOTE_MAX, type PeriodQuery, patternFor, patternsFor, recordFinding } from './service.ts';

const commissioner = { access: ROLES('commissioner', 'admin'), page: true } as const;
const PATTERNS = '/commissioner/patterns';
/** The patterns that did not move shown on the list: the most unusual; a specialty narrows them. */
const STEADY_SHOWN = 50;

const FINDING_FIELDS = { status: text(20), note: text(NOTE_MAX + 1) };
const RECORDABLE = ['REVIEWING', 'EXPLAINED', 'ACTION_TAKEN', 'NOT_A_CONCERN'] as const;
const findingSchema = z
  .object({
    status: z.enum(RECORDABLE, { error: 'Select where the ICB stands on this pattern' }),
    note: z.string().max(NOTE_MAX, `Your note must be ${NOTE_MAX} characters or fewer`),
  })
  .superRefine((v, ctx) => {
    if ((CLOSING as readonly string[]).includes(v.status) && v.note.length === 0) ctx.addIssue({ code: 'custom', path: ['note'], message: 'Enter what the ICB found: a note is needed to close a pattern' });
  });

const queryOf = (request: FastifyRequest): PeriodQuery => {
  const q = request.query as Record<string, unknown>;
  const one = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined);
  return { from: one(q.from), to: one(q.to), icb: one(q.icb), specialty: one(q.specialty), provider: one(q.provider) };
};
/** The query string that keeps the period (and the admin's ICB) on every link. */
const carried = (q: PeriodQuery, period?: { from: string; to: string }) => {
  const p = new URLSearchParams();
  if (q.icb) p.set('icb', q.icb);
  if (period) {
    p.set('from', period.from);
    p.set('to', period.to);
  }
  const s = p.toString();
  return s ? `?${s}` : '';
};

export function patternPages(deps: Deps) {
  const db = deps.database.db;

  /** A problem of the query (a bad date, an admin with no ICB chosen) shown on the list page; a 403 as the forbidden page. */
  const refused = async (request: FastifyRequest, reply: FastifyReply, err: unknown, query: PeriodQuery) => {
    if (!(err instanceof Problem) || err.status >= 500) throw err;
    if (err.status === 403) return forbiddenPage(request, reply, err.detail);
    if (err.status === 404) return notFoundPage(request, reply);
    const errors: FieldError[] = (err.errors ?? [{ field: 'from', message: err.detail }]).map((e) => ({ field: e.field, href: `#${e.field}`, message: `${labelOf(e.field)} ${e.message}` }));
    const staff = staffOf(request);
    return sendPage(request, reply, 'patterns-list.njk', {
      title: 'Referral patterns that moved',
      back: '/commissioner',
      query,
      icbs: await icbChoicesFor(db, staff),
      view: null,
      problem: sentence(err.detail),
      ...errorContext(errors),
    }, err.status);
  };

  return async function (app: FastifyInstance) {
    addViews(new URL('./views', import.meta.url));

    app.get(PATTERNS, { config: commissioner }, async (request, reply) => {
      const query = queryOf(request);
      let view;
      try {
        view = await patternsFor(db, staffOf(request), query, { steadyShown: STEADY_SHOWN });
      } catch (err) {
        return refused(request, reply, err, query);
      }
      return sendPage(request, reply, 'patterns-list.njk', {
        title: 'Referral patterns that moved',
        back: `/commissioner${carried(query)}`,
        query,
        icbs: view.icbs,
        view,
        carry: carried(query, view.period),
        funnelSvg: view.funnel ? funnelPlotSvg(view.funnel, { id: 'funnel', specialtyName: view.funnel.specialtyName, providerName: view.funnel.providerName, names: view.funnel.names }) : null,
        ...errorContext([]),
      });
    });

    const patternPage = async (request: FastifyRequest<{ Params: { key: string } }>, reply: FastifyReply, values: { status: string; note: string }, errors: readonly FieldError[] = [], status = 200) => {
      const query = queryOf(request);
      let view;
      try {
        view = await patternFor(db, staffOf(request), request.params.key, query);
      } catch (err) {
        if (err instanceof Problem && err.status === 404) return notFoundPage(request, reply);
        return refused(request, reply, err, query);
      }
      const carry = carried(query, view.period);
      return sendPage(request, reply, 'patterns-one.njk', {
        title: `${view.pattern.practiceName}: ${view.pattern.specialtyName} to ${view.pattern.providerName}`,
        back: `${PATTERNS}${carry}`,
        view,
        carry,
        formAction: `${PATTERNS}/${encodeURIComponent(request.params.key.toUpperCase())}${carry}`,
        recorded: (request.query as Record<string, unknown>).recorded === '1',
        values,
        statusItems: RECORDABLE.map((value) => ({ value, text: FINDING_STATUSES[value as PatternFindingStatus], checked: value === values.status })),
        ...errorContext(errors),
      }, status);
    };

    app.get<{ Params: { key: string } }>(`${PATTERNS}/:key`, { config: commissioner }, (request, reply) => patternPage(request, reply, { status: '', note: '' }));

    app.post<{ Params: { key: string } }>(`${PATTERNS}/:key`, { config: commissioner }, async (request, reply) => {
      const form = readForm(FINDING_FIELDS, findingSchema, request.body);
      if (!form.ok) return patternPage(request, reply, form.values, form.errors, 400);
      const query = queryOf(request);
      const done = await attempt(() => recordFinding(db, staffOf(request), request.params.key, query, form.answer), {
        field: 'status',
        fields: { status: { field: 'status', label: 'Status' }, note: { field: 'note', label: 'Your note' } },
      });
      if (!done.ok && done.status === 404) return notFoundPage(request, reply);
      if (!done.ok && done.status === 403) return forbiddenPage(request, reply, done.problem.detail);
      if (!done.ok) return patternPage(request, reply, form.values, done.errors, done.status);
      const carry = carried(query, query.from && query.to ? { from: query.from, to: query.to } : undefined);
      return seeOther(reply, `${PATTERNS}/${encodeURIComponent(request.params.key.toUpperCase())}${carry ? `${carry}&` : '?'}recorded=1#finding`);
    });
  };
}

function labelOf(field: string): string {
  return field === 'from' ? 'The start of the period' : field === 'to' ? 'The end of the period' : field === 'icb' ? 'The ICB' : field === 'specialty' ? 'The specialty' : 'The value';
}
