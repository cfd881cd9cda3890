// The waiting-too-long pages for providers: PIDMAS invitations (with a printable letter) and clinical validation.
// (The DMAS pages have moved to src/mutual-aid/pages.ts.)
import type { Deps } from '../deps.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffPrincipal } from '../http/principal.ts';
import { londonDate } from '../domain/dates.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { Problem } from '../http/problem.ts';
import { invitationCandidates, invitePatient, NOT_SUITABLE_REASONS, type NotSuitableReason, validateRequest, validationWorklist } from '../pidmas/service.ts';
import { formatDate, formatDateTime, plural } from './filters.ts';
import { seeOther, sendPage } from './page.ts';
import { errorFor, errorList, type FieldError } from './referral-form.ts';
import { formatUbrn } from './referral-pages.ts';
import { field, sentence, type Body } from './form-fields.ts';

const provider = { access: ROLES('provider'), page: true } as const;

const statusText = (s: string) => {
  const t = s.replaceAll('_', ' ').toLowerCase();
  return t.charAt(0).toUpperCase() + t.slice(1);
};
const isNotSuitableReason = (v: string): v is NotSuitableReason => Object.hasOwn(NOT_SUITABLE_REASONS, v);
const TRAVEL_TEXT: Record<string, string> = { '50_MILES': 'Up to 50 miles', '100_MILES': 'Up to 100 miles', ANYWHERE: 'Anywhere in England' };
const SUPPORT_TEXT: Record<string, string> = { TRANSPORT: 'Transport', INTERPRETER: 'An interpreter', ADVOCACY: 'An advocate' };

export function mutualAidPages(deps: Deps) {
  const { database } = deps;
  const { db } = database;
  const notFoundHere = (request: FastifyRequest, reply: FastifyReply) => sendPage(request, reply, 'not-found.njk', { title: 'Page not found' }, 404);
  const idOf = (raw: string) => (/^\d{1,9}$/.test(raw) ? Number(raw) : null);

  return async function (app: FastifyInstance) {
    // ------------------------------------------------------------ PIDMAS: invitations
    const candidatesPage = async (request: FastifyRequest, reply: FastifyReply, errors: FieldError[], status = 200) => {
      const staff = staffOf(request);
      const candidates = await invitationCandidates(deps, staff);
      return sendPage(request, reply, 'provider-pidmas.njk', {
        title: 'Patients who may ask to move provider',
        back: '/provider',
        thresholdWeeks: deps.config.pidmas.thresholdWeeks,
        errors,
        errorList: errorList(errors),
        rows: candidates.map((c) => ({
          ubrn: c.ubrn,
          formattedUbrn: formatUbrn(c.ubrn),
          patient: c.patientName,
          specialty: c.specialty,
          weeks: plural(c.weeksWaited, 'week'),
          eligible: c.eligibility.eligible,
          failed: c.eligibility.rules.filter((r) => !r.passed).map((r) => r.explanation),
          status: c.requestStatus ? statusText(c.requestStatus) : 'Not asked yet',
          canInvite: c.eligibility.eligible && (c.requestStatus === null || c.requestStatus === 'INVITED'),
          invited: c.requestStatus === 'INVITED',
          error: errors.find((e) => e.field === `invite-${c.ubrn}`)?.message ?? null,
        })),
      }, status);
    };
    app.get('/provider/pidmas', { config: provider }, async (request, reply) => candidatesPage(request, reply, []));
    app.post('/provider/pidmas/invitations', { config: provider }, async (request, reply) => {
      const staff = staffOf(request);
      const ubrn = field((request.body ?? {}) as Body, 'ubrn', 20).replace(/\s/g, '');
      if (!/^\d{12}$/.test(ubrn)) return notFoundHere(request, reply);
      let invited;
      try {
        invited = await invitePatient(deps, staff, ubrn);
      } catch (err) {
        if (!(err instanceof Problem) || err.status >= 500) throw err;
        if (err.status === 404) return notFoundHere(request, reply);
        return candidatesPage(request, reply, [{ field: `invite-${ubrn}`, href: `#invite-${ubrn}`, message: sentence(err.detail) }], err.status);
      }
      const r = await db
        .selectFrom('referral as r')
        .innerJoin('specialty as sp', 'sp.code', 'r.specialty_code')
        .select(['r.patient_given_name', 'r.patient_family_name', 'sp.name as specialty'])
        .where('r.ubrn', '=', ubrn)
        .executeTakeFirstOrThrow();
      // The access code is shown on this page only: answered to the POST, never stored for a later GET.
      return sendPage(request, reply, 'provider-pidmas-invited.njk', {
        title: 'Invitation sent',
        patientName: `${r.patient_given_name} ${r.patient_family_name}`,
        specialty: r.specialty,
        provider: staff.organisation.name,
        thresholdWeeks: deps.config.pidmas.thresholdWeeks,
        ubrn: formatUbrn(invited.ubrn),
        rawUbrn: invited.ubrn,
        accessCode: invited.accessCode,
        date: formatDate(londonDate()),
        manageUrl: `${deps.config.publicUrl}/manage`,
      });
    });

    // ------------------------------------------------------------ PIDMAS: clinical validation
    type Decision = { suitable: string; reason: string };
    const validationPage = async (request: FastifyRequest, reply: FastifyReply, failed: { id: number; values: Decision; errors: FieldError[] } | null, status = 200) => {
      const query = request.query as { validated?: string; outcome?: string };
      const items = await validationWorklist(deps, staffOf(request));
      const errors = failed?.errors ?? [];
      return sendPage(request, reply, 'provider-pidmas-validation.njk', {
        title: 'Requests to move: clinical validation',
        back: '/provider',
        done: idOf(String(query.validated ?? '')) !== null ? { suitable: query.outcome === 'suitable' } : null,
        errors,
        errorList: errorList(errors),
        items: items.map((q) => {
          const mine = failed?.id === q.id ? failed : null;
          return {
            id: q.id,
            ubrn: formatUbrn(q.ubrn),
            patient: q.patientName,
            specialty: q.specialty,
            weeks: plural(q.weeksWaited, 'week'),
            travel: q.travel ? TRAVEL_TEXT[q.travel] ?? q.travel : 'Not given',
            support: q.supportNeeded.length ? q.supportNeeded.map((s) => SUPPORT_TEXT[s] ?? s).join(', ') : 'None',
            unavailable: q.unavailableDates || 'None given',
            optedIn: formatDateTime(q.optedInAt),
            err: { suitable: mine ? errorFor(mine.errors, 'suitable') : undefined, reason: mine ? errorFor(mine.errors, 'reason') : undefined },
            suitableItems: [
              { value: 'yes', text: 'Yes, suitable to move', checked: mine?.values.suitable === 'yes' },
              { value: 'no', text: 'No, not suitable', checked: mine?.values.suitable === 'no' },
            ],
            reasonItems: Object.entries(NOT_SUITABLE_REASONS).map(([value, text]) => ({ value, text, checked: mine?.values.reason === value })),
          };
        }),
      }, status);
    };
    app.get('/provider/pidmas/validation', { config: provider }, async (request, reply) => validationPage(request, reply, null));
    app.post<{ Params: { id: string } }>('/provider/pidmas/validation/:id', { config: provider }, async (request, reply) => {
      const id = idOf(request.params.id);
      if (id === null) return notFoundHere(request, reply);
      const body = (request.body ?? {}) as Body;
      const values = { suitable: field(body, 'suitable', 4), reason: field(body, 'reason', 40) };
      const errors: FieldError[] = [];
      if (values.suitable !== 'yes' && values.suitable !== 'no') errors.push({ field: 'suitable', href: `#suitable-${id}`, message: 'Select whether the patient is suitable to move' });
      else if (values.suitable === 'no' && !isNotSuitableReason(values.reason)) errors.push({ field: 'reason', href: `#reason-${id}`, message: 'Select why the patient is not suitable to move' });
      if (errors.length > 0) return validationPage(request, reply, { id, values, errors }, 400);
      const suitable = values.suitable === 'yes';
      try {
        await validateRequest(deps, staffOf(request), id, { suitable, reason: !suitable && isNotSuitableReason(values.reason) ? values.reason : null });
      } catch (err) {
        if (!(err instanceof Problem) || err.status >= 500) throw err;
        if (err.status === 404) return notFoundHere(request, reply);
        return validationPage(request, reply, { id, values, errors: [{ field: 'suitable', href: `#suitable-${id}`, message: sentence(err.detail) }] }, err.status);
      }
      return seeOther(reply, `/provider/pidmas/validation?validated=${id}&outcome=${suitable ? 'suitable' : 'not-suitable'}`);
    });
  };
}
