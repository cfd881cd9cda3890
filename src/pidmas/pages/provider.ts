// PIDMAS for the provider's staff: the patients who have waited past the threshold, each with whether they may ask
// to move (inviting one sends a new access code and shows the letter to print, once), and the requests to move
// waiting for clinical validation.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { recordId } from '../../domain/codes.ts';
import { londonDate } from '../../domain/dates.ts';
import { failedRules } from '../../domain/pidmas-eligibility.ts';
import { pidmasMayInvite } from '../../domain/pidmas-status.ts';
import { isUbrn, normaliseUbrn } from '../../domain/ubrn.ts';
import { ROLES, staffOf } from '../../http/access.ts';
import { attempt, errorContext, type FieldError, oneOf, readForm, text } from '../../web/forms.ts';
import { notFoundPage, seeOther, sendPage } from '../../web/page.ts';
import { PAGE_WORDING } from '../../web/wording.ts';
import { READS, auditReads } from '../../http/read-audit.ts';
import { type Support, SUPPORT_FOR_STAFF, TRAVEL_CHOICES } from '../choices.ts';
import { invitationCandidates, invitationLetter, invitePatient, NOT_SUITABLE_REASONS, type NotSuitableReason, validateRequest, validationWorklist } from '../service.ts';

const provider = { access: ROLES('provider'), page: true, audit: READS('requests') } as const;

const INVITE = { fields: { ubrn: text(20) }, schema: z.object({ ubrn: z.string().transform(normaliseUbrn).refine(isUbrn) }) };

const isNotSuitableReason = (v: string): v is NotSuitableReason => Object.hasOwn(NOT_SUITABLE_REASONS, v);
const DECISION_FIELDS = { suitable: text(4), reason: text(40) };
const DecisionSchema = z
  .object({ suitable: oneOf(['yes', 'no'], 'Select whether the patient is suitable to move'), reason: z.string() })
  .superRefine(({ suitable, reason }, ctx) => {
    if (suitable === 'no' && !isNotSuitableReason(reason)) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Select why the patient is not suitable to move' });
  })
  .transform(({ suitable, reason }) => ({ suitable: suitable === 'yes', reason: suitable === 'no' && isNotSuitableReason(reason) ? reason : null }));

/** A decision that could not be saved: on which request, what was chosen, and why not. */
interface Refused {
  id: number;
  values: { suitable: string; reason: string };
  errors: readonly FieldError[];
}

export function providerPidmasPages(deps: Deps) {
  const candidatesPage = async (request: FastifyRequest, reply: FastifyReply, errors: readonly FieldError[] = [], status = 200) => {
    const candidates = await invitationCandidates(deps, staffOf(request));
    auditReads(request, candidates);
    return sendPage(request, reply, 'provider-pidmas.njk', {
      title: 'Patients who may ask to move provider',
      back: '/provider',
      thresholdWeeks: deps.config.pidmas.thresholdWeeks,
      ...errorContext(errors),
      rows: candidates.map((c) => ({
        ubrn: c.ubrn,
        patient: c.patientName,
        specialty: c.specialty,
        weeksWaited: c.weeksWaited,
        eligible: c.eligibility.eligible,
        failed: failedRules(c.eligibility, PAGE_WORDING.staff),
        requestStatus: c.requestStatus,
        canInvite: c.eligibility.eligible && pidmasMayInvite(c.requestStatus),
        invited: c.requestStatus === 'INVITED',
        error: errors.find((e) => e.field === `invite-${c.ubrn}`)?.message ?? null,
      })),
    }, status);
  };

  const validationPage = async (request: FastifyRequest, reply: FastifyReply, refused: Refused | null = null, status = 200) => {
    const query = request.query as { validated?: string; outcome?: string };
    const items = await validationWorklist(deps, staffOf(request));
    auditReads(request, items);
    return sendPage(request, reply, 'provider-pidmas-validation.njk', {
      title: 'Requests to move: clinical validation',
      back: '/provider',
      done: recordId(String(query.validated ?? '')) !== null ? { suitable: query.outcome === 'suitable' } : null,
      ...errorContext(refused?.errors ?? []),
      items: items.map((q) => {
        const mine = refused?.id === q.id ? refused : null;
        return {
          ...q,
          travel: q.travel ? TRAVEL_CHOICES[q.travel] : 'Not given',
          support: q.supportNeeded.length ? q.supportNeeded.map((s) => SUPPORT_FOR_STAFF[s as Support] ?? s).join(', ') : 'None',
          unavailable: q.unavailableDates || 'None given',
          err: errorContext(mine?.errors ?? []).err,
          suitableItems: [
            { value: 'yes', text: 'Yes, suitable to move', checked: mine?.values.suitable === 'yes' },
            { value: 'no', text: 'No, not suitable', checked: mine?.values.suitable === 'no' },
          ],
          reasonItems: Object.entries(NOT_SUITABLE_REASONS).map(([value, text]) => ({ value, text, checked: mine?.values.reason === value })),
        };
      }),
    }, status);
  };

  return async function (app: FastifyInstance) {
    // ------------------------------------------------------------ invitations
    app.get('/provider/pidmas', { config: provider }, async (request, reply) => candidatesPage(request, reply));
    app.post('/provider/pidmas/invitations', { config: provider }, async (request, reply) => {
      const staff = staffOf(request);
      const form = readForm(INVITE.fields, INVITE.schema, request.body);
      if (!form.ok) return notFoundPage(request, reply);
      const { ubrn } = form.answer;
      const invited = await attempt(() => invitePatient(deps, staff, ubrn, PAGE_WORDING.staff), { field: `invite-${ubrn}` });
      if (!invited.ok) return invited.status === 404 ? notFoundPage(request, reply) : candidatesPage(request, reply, invited.errors, invited.status);
      // The access code is shown on this page only: answered to the POST, never stored for a later GET.
      return sendPage(request, reply, 'provider-pidmas-invited.njk', {
        title: 'Invitation sent',
        ...(await invitationLetter(deps, staff, ubrn)),
        provider: staff.organisation.name,
        thresholdWeeks: deps.config.pidmas.thresholdWeeks,
        ubrn,
        accessCode: invited.value.accessCode,
        today: londonDate(),
        manageUrl: `${deps.config.publicUrl}/manage`,
      });
    });

    // ------------------------------------------------------------ clinical validation
    app.get('/provider/pidmas/validation', { config: provider }, async (request, reply) => validationPage(request, reply));
    app.post<{ Params: { id: string } }>('/provider/pidmas/validation/:id', { config: provider }, async (request, reply) => {
      const id = recordId(request.params.id);
      if (id === null) return notFoundPage(request, reply);
      const form = readForm(DECISION_FIELDS, DecisionSchema, request.body, { suitable: `#suitable-${id}`, reason: `#reason-${id}` });
      if (!form.ok) return validationPage(request, reply, { id, values: form.values, errors: form.errors }, 400);
      const decision = form.answer;
      const saved = await attempt(() => validateRequest(deps, staffOf(request), id, decision), { field: 'suitable', href: `#suitable-${id}` });
      if (!saved.ok) {
        if (saved.status === 404) return notFoundPage(request, reply);
        return validationPage(request, reply, { id, values: form.values, errors: saved.errors }, saved.status);
      }
      return seeOther(reply, `/provider/pidmas/validation?validated=${id}&outcome=${decision.suitable ? 'suitable' : 'not-suitable'}`);
    });
  };
}
