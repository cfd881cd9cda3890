// Patients can change their mind (Manage Your Referral, until they book): where distances are measured from, and
// what matters most. Each is its own page; each answer is checked there (a postcode that does not exist is refused
// on the page it is typed on, the error linking to the box) and the options are ranked afresh by changeSearch.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { parsePostcode } from '../../domain/postcode.ts';
import { patientOf, ROLES } from '../../http/access.ts';
import { SORT_CHOICES } from '../../shortlist/choices.ts';
import type { SortBy } from '../../shortlist/types.ts';
import { attempt, errorContext, type FieldError, oneOf, readForm, text } from '../../web/forms.ts';
import { seeOther, sendPage } from '../../web/page.ts';
import { changeSearch, currentSearch, mayChangeSearch } from '../change-search.ts';
import { withPatient } from '../least-data.ts';
import { getReferral } from '../queries.ts';
import { READS, auditReads } from '../../http/read-audit.ts';

const page = { access: ROLES('patient'), page: true, audit: READS('referral') } as const;

const POSTCODE_FIELDS = { origin: text(10), postcode: text(16) };
const PostcodeSchema = z
  .object({ origin: oneOf(['home', 'other'], 'Select where to measure distances from'), postcode: z.string() })
  .superRefine(({ origin, postcode }, ctx) => {
    if (origin !== 'other') return;
    const parsed = parsePostcode(postcode);
    const message = !postcode
      ? 'Enter the postcode to measure distances from'
      : !parsed
        ? 'Enter a real postcode, like LS1 4AP'
        : parsed.kind !== 'postcode'
          ? 'Enter the full postcode, like LS1 4AP'
          : null;
    if (message) ctx.addIssue({ code: 'custom', path: ['postcode'], message });
  }, { when: () => true })
  .transform(({ origin, postcode }) => ({ originPostcode: origin === 'other' ? postcode : null }));

const PRIORITY_FIELDS = { sortBy: text(20) };
const PrioritySchema = z.object({
  sortBy: z.string().transform((v, ctx): SortBy => SORT_CHOICES.find((c) => c.value === v)?.value ?? (ctx.addIssue({ code: 'custom', message: 'Select what matters most to you' }), z.NEVER)),
});

export function manageSearchPages(deps: Deps) {
  /** The patient's referral and how its options were ranked, or null when they can no longer be changed. */
  async function changeable(request: FastifyRequest) {
    const patient = patientOf(request);
    const referral = withPatient(await getReferral(deps, patient, patient.ubrn));
    if (!mayChangeSearch(referral.status) || referral.appointment) return null;
    return { patient, referral, search: await currentSearch(deps, patient.ubrn) };
  }

  const postcodePage = (request: FastifyRequest, reply: FastifyReply, home: string, values: { origin: string; postcode: string }, errors: FieldError[], status = 200) =>
    sendPage(request, reply, 'manage-search-postcode.njk', { title: 'Where should we measure distances from?', back: '/manage', home, values, ...errorContext(errors) }, status);

  const priorityPage = (request: FastifyRequest, reply: FastifyReply, sortBy: string, errors: FieldError[], status = 200) =>
    sendPage(request, reply, 'manage-search-priority.njk', {
      title: 'What matters most to you?',
      back: '/manage',
      items: SORT_CHOICES.map((c) => ({ value: c.value, text: c.text, hint: { text: c.hint }, checked: c.value === sortBy })),
      ...errorContext(errors),
    }, status);

  /** Ranks afresh; on success back to the options with a word that they changed. */
  async function rankAfresh(
    request: FastifyRequest,
    reply: FastifyReply,
    change: { originPostcode: string | null; sortBy: SortBy },
    field: 'postcode' | 'sortBy',
    onError: (errors: FieldError[], status: number) => FastifyReply,
  ) {
    const patient = patientOf(request);
    const placement = { field, href: `#${field}`, fields: { postcode: { field, href: `#${field}` } } };
    const changed = await attempt(() => changeSearch(deps, patient, patient.ubrn, change), placement);
    if (!changed.ok) {
      // Booked meanwhile (409): nothing left to change.
      if (changed.status === 409) return seeOther(reply, '/manage');
      return onError(changed.errors, changed.status === 400 ? 400 : 422);
    }
    return seeOther(reply, '/manage?options=updated');
  }

  return async function (app: FastifyInstance) {
    app.get('/manage/search/postcode', { config: page }, async (request, reply) => {
      const found = await changeable(request);
      if (!found) return seeOther(reply, '/manage');
      const { origin } = found.search;
      return postcodePage(request, reply, found.referral.patient.postcode, { origin: origin.home ? 'home' : 'other', postcode: origin.home ? '' : origin.postcode }, []);
    });
    app.post('/manage/search/postcode', { config: page }, async (request, reply) => {
      const found = await changeable(request);
      if (!found) return seeOther(reply, '/manage');
      const home = found.referral.patient.postcode;
      const form = readForm(POSTCODE_FIELDS, PostcodeSchema, request.body);
      if (!form.ok) return postcodePage(request, reply, home, form.values, form.errors, 400);
      return rankAfresh(request, reply, { originPostcode: form.answer.originPostcode, sortBy: found.search.sortBy }, 'postcode', (errors, status) =>
        postcodePage(request, reply, home, form.values, errors, status),
      );
    });

    app.get('/manage/search/priority', { config: page }, async (request, reply) => {
      const found = await changeable(request);
      if (!found) return seeOther(reply, '/manage');
      return priorityPage(request, reply, found.search.sortBy, []);
    });
    app.post('/manage/search/priority', { config: page }, async (request, reply) => {
      const found = await changeable(request);
      if (!found) return seeOther(reply, '/manage');
      const form = readForm(PRIORITY_FIELDS, PrioritySchema, request.body);
      if (!form.ok) return priorityPage(request, reply, '', form.errors, 400);
      const { origin } = found.search;
      return rankAfresh(request, reply, { originPostcode: origin.home ? null : origin.postcode, sortBy: form.answer.sortBy }, 'sortBy', (errors, status) =>
        priorityPage(request, reply, form.answer.sortBy, errors, status),
      );
    });
  };
}
