// The survey's pages: the patient's, public and reached only by the link in their invitation (no sign-in, no
// patient data shown), and the ICB's results. Wiring only: the form is read here, the rest is the service's.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { icbChoicesFor, icbInScope, icbPickerItems } from '../choice/icb-scope.ts';
import type { Deps } from '../deps.ts';
import { londonDate } from '../domain/dates.ts';
import { PUBLIC, ROLES, staffOf } from '../http/access.ts';
import { attempt, errorContext, type FieldError, oneOf, readForm, text } from '../web/forms.ts';
import { forbiddenPage, seeOther, sendPage } from '../web/page.ts';
import { addViews } from '../web/render.ts';
import { halfYearOf, parseHalfYear } from '../domain/half-year.ts';
import { AGREEMENT, COMMENT_MAX, FACTS, STATEMENTS, YES_NO } from './questions.ts';
import { answerSurvey, type LinkState, surveyLinkState } from './responses.ts';
import { surveyResults } from './results.ts';
import { resultsView } from './view-model.ts';

const patientPage = { access: PUBLIC('a patient answers the survey from the link in their invitation, without signing in'), page: true } as const;
const commissioner = { access: ROLES('commissioner', 'admin'), page: true } as const;

const AGREEMENT_VALUES = AGREEMENT.map((a) => a.value) as [string, ...string[]];
const YES_NO_VALUES = YES_NO.map((a) => a.value) as [string, ...string[]];

// Each question as the form reads it: by its short name, with the message the error summary shows.
const FIELDS = {
  ...Object.fromEntries(STATEMENTS.map((q) => [q.name, text(40)])),
  ...Object.fromEntries(FACTS.map((q) => [q.name, text(40)])),
  // Read a little past the limit, so a comment too long is refused with a message rather than cut without one.
  comment: text(COMMENT_MAX + 100),
};
const SCHEMA = z.object({
  ...Object.fromEntries(STATEMENTS.map((q, i) => [q.name, oneOf(AGREEMENT_VALUES, `Select how far you agree with statement ${i + 1}, or "Does not apply to me"`)])),
  ...Object.fromEntries(FACTS.map((q) => [q.name, oneOf(YES_NO_VALUES, q.field === 'aware_of_right' ? 'Select whether you knew of your legal right to choose' : 'Select whether you were offered a choice of hospital or service')])),
  comment: z.string().max(COMMENT_MAX, `Your comment must be ${COMMENT_MAX.toLocaleString('en-GB')} characters or fewer`),
});

const UNAVAILABLE: Record<Exclude<LinkState, 'OPEN'>, { status: number; title: string; message: string }> = {
  USED: { status: 410, title: 'This survey has already been answered', message: 'The link in your invitation works once, and the answers to it have been saved. Thank you for taking part.' },
  EXPIRED: { status: 410, title: 'This survey link has expired', message: 'The link in your invitation worked for 30 days, and that time has passed. Thank you for your interest.' },
  UNKNOWN: { status: 404, title: 'This survey link does not work', message: 'Check that you copied the whole link from your invitation. If it still does not work, it is not a survey link we sent.' },
};

export function surveyPages(deps: Deps) {
  const db = deps.database.db;

  const questionsContext = (values: Record<string, string>, errors: readonly FieldError[]) => ({
    statements: STATEMENTS.map((q, i) => ({ ...q, number: i + 1, items: AGREEMENT.map((a) => ({ value: a.value, text: a.text, checked: values[q.name] === a.value })) })),
    facts: FACTS.map((q) => ({ ...q, items: YES_NO.map((a) => ({ value: a.value, text: a.text, checked: values[q.name] === a.value })) })),
    comment: values.comment ?? '',
    commentMax: COMMENT_MAX,
    ...errorContext(errors),
  });

  const unavailable = (request: FastifyRequest, reply: FastifyReply, state: Exclude<LinkState, 'OPEN'>) => {
    const u = UNAVAILABLE[state];
    return sendPage(request, reply, 'survey-unavailable.njk', { title: u.title, message: u.message }, u.status);
  };

  const resultsPage = async (request: FastifyRequest, reply: FastifyReply, values: { half: string; icb: string }, extra: object, errors: readonly FieldError[], status: number) => {
    const staff = staffOf(request);
    const icbs = await icbChoicesFor(db, staff);
    return sendPage(request, reply, 'survey-results.njk', {
      title: 'Patient survey of meaningful choice',
      back: '/commissioner',
      values,
      admin: staff.role === 'admin',
      icbItems: icbPickerItems(icbs, values.icb),
      ...errorContext(errors),
      ...extra,
    }, status);
  };

  return async function (app: FastifyInstance) {
    addViews(new URL('./views', import.meta.url));

    app.get('/survey/thank-you', { config: { access: PUBLIC('says a patient’s survey answers were saved'), page: true } }, async (request, reply) =>
      sendPage(request, reply, 'survey-thanks.njk', { title: 'Thank you: your answers have been saved' }),
    );

    app.get<{ Params: { token: string } }>('/survey/:token', { config: patientPage }, async (request, reply) => {
      const state = await surveyLinkState(db, request.params.token);
      if (state !== 'OPEN') return unavailable(request, reply, state);
      return sendPage(request, reply, 'survey-questions.njk', { title: 'Were you given a choice of where to be seen?', action: request.url.split('?')[0], ...questionsContext({}, []) });
    });

    app.post<{ Params: { token: string } }>('/survey/:token', { config: patientPage }, async (request, reply) => {
      const { token } = request.params;
      const state = await surveyLinkState(db, token);
      if (state !== 'OPEN') return unavailable(request, reply, state);
      const form = readForm(FIELDS, SCHEMA, request.body);
      if (!form.ok) {
        return sendPage(request, reply, 'survey-questions.njk', { title: 'Were you given a choice of where to be seen?', action: request.url.split('?')[0], ...questionsContext(form.values as Record<string, string>, form.errors) }, 400);
      }
      const a = form.answer as Record<string, string>;
      const saved = await answerSurvey(db, token, {
        discussed_options: a.discussed, offered_choice_of_where: a.offered, offered_alternative: a.alternative, information_accessible: a.information, time_to_consider: a.time,
        aware_of_right: a.aware, recalls_offer: a.recall, comment: a.comment ? a.comment : null,
      } as Parameters<typeof answerSurvey>[2], londonDate());
      if (saved !== 'SAVED') return unavailable(request, reply, saved);
      return seeOther(reply, '/survey/thank-you');
    });

    app.get('/commissioner/survey', { config: commissioner }, async (request, reply) => {
      const staff = staffOf(request);
      const today = londonDate();
      const q = (request.query ?? {}) as Record<string, unknown>;
      const values = { half: typeof q.half === 'string' ? q.half.slice(0, 20) : '', icb: typeof q.icb === 'string' ? q.icb.slice(0, 10) : '' };
      const half = values.half ? parseHalfYear(values.half, today) : { ok: true as const, half: halfYearOf(today) };
      if (!half.ok) return resultsPage(request, reply, values, {}, [{ field: 'half', href: '#half', message: half.message }], 400);
      const scoped = await attempt(() => icbInScope(db, staff, values.icb || null), { field: 'icb' });
      if (!scoped.ok && scoped.status === 403) return forbiddenPage(request, reply, scoped.problem.detail);
      if (!scoped.ok) return resultsPage(request, reply, values, {}, scoped.errors, scoped.status);
      // Comments are the ICB's own: its commissioners see them, NHS England's admins do not.
      const showComments = staff.role === 'commissioner';
      const results = await surveyResults(db, scoped.value.odsCode, half.half, { comments: showComments });
      return resultsPage(request, reply, { ...values, half: half.half }, { icb: scoped.value, results: resultsView(results), showComments }, [], 200);
    });
  };
}
