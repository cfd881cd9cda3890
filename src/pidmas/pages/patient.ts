// Asking to move provider (PIDMAS), in the patient's pages at /manage/move: whether they may ask (each rule
// explained), one question a page (how far they would travel, dates they cannot go, support, how to contact them),
// check your answers, then the request's status, withdrawing it, and answering an offer to move.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { explainEligibility } from '../../domain/pidmas-eligibility.ts';
import { pidmasMayOptIn, pidmasMayWithdraw } from '../../domain/pidmas-status.ts';
import type { TravelLimit } from '../../domain/travel-limits.ts';
import { patientOf, ROLES } from '../../http/access.ts';
import { type Moved, sendMovedPage } from '../../waiting/moved-page.ts';
import { draftPart } from '../../web/drafts.ts';
import { attempt, checkboxes, errorContext, type FieldError, oneOf, oneOfKeys, readForm, text } from '../../web/forms.ts';
import { journey } from '../../web/journeys.ts';
import { seeOther, sendPage } from '../../web/page.ts';
import { PAGE_WORDING } from '../../web/wording.ts';
import { CONTACT_CHOICES, type Contact, RULE_TITLES, STATUS_FOR_PATIENT, type Support, SUPPORT_CHOICES, supportAsked, TRAVEL_CHOICES } from '../choices.ts';
import { answerOffer, contactUnavailable, optIn, type PidmasView, pidmasView, withdrawRequest } from '../service.ts';
import { READS } from '../../http/read-audit.ts';

const patientPage = { access: ROLES('patient'), page: true, audit: READS('referral') } as const;

/** The answers so far, kept in the session's draft until the request is sent. */
interface MoveAnswers {
  travel?: TravelLimit;
  unavailableDates?: string;
  support?: { kinds: Support[]; language: string };
  contact?: Contact;
}
type Answered = Required<MoveAnswers>;

/** The patient's answer to an offer, kept for its confirmation (an accepted one moved the referral). */
interface OfferAnswer {
  decision: 'ACCEPT' | 'DECLINE';
  moved: Moved | null;
  previousUbrn: string;
}

const MOVE = journey('/manage/move', '/manage/move', ['travel', 'dates', 'support', 'contact'], {
  travel: (m: MoveAnswers) => m.travel !== undefined,
  dates: (m) => m.unavailableDates !== undefined,
  support: (m) => m.support !== undefined,
  contact: (m) => m.contact !== undefined,
});
const complete = (m: MoveAnswers): m is Answered => MOVE.complete(m);

/** The patient may fill in the form (again): eligible, waiting somewhere, and not asked already. */
const mayAsk = (view: PidmasView) => view.eligibility.eligible && view.currentProvider !== null && pidmasMayOptIn(view.request?.status ?? null);

// ---------------------------------------------------------------- the forms

const TRAVEL = { fields: { travel: text(20) }, schema: z.object({ travel: oneOfKeys(TRAVEL_CHOICES, 'Select how far you would be willing to travel') }) };
const DATES = { fields: { unavailableDates: text(2000) }, schema: z.object({ unavailableDates: z.string().max(1000, 'Dates you cannot go must be 1000 characters or fewer') }) };
const SUPPORT = {
  fields: { support: checkboxes(), interpreterLanguage: text(200) },
  schema: z
    .object({
      support: z.array(z.string()).transform((kinds) => [...new Set(kinds.filter((k): k is Support => Object.hasOwn(SUPPORT_CHOICES, k)))]),
      interpreterLanguage: z.string(),
    })
    .superRefine(({ support, interpreterLanguage }, ctx) => {
      if (support.includes('INTERPRETER') && !interpreterLanguage) ctx.addIssue({ code: 'custom', path: ['interpreterLanguage'], message: 'Enter the language you need an interpreter for' });
      else if (interpreterLanguage.length > 100) ctx.addIssue({ code: 'custom', path: ['interpreterLanguage'], message: 'Language must be 100 characters or fewer' });
    }),
};
const CONTACT = { fields: { contact: text(20) }, schema: z.object({ contact: oneOfKeys(CONTACT_CHOICES, 'Select how we should contact you') }) };
const OFFER = { fields: { decision: text(10) }, schema: z.object({ decision: oneOf(['ACCEPT', 'DECLINE'], 'Select whether you accept the offer to move') }) };

export function patientMovePages(deps: Deps) {
  const { db } = deps.database;
  const ownView = (request: FastifyRequest) => {
    const patient = patientOf(request);
    return pidmasView(deps, patient, patient.ubrn);
  };
  const answersOf = (request: FastifyRequest) => draftPart<MoveAnswers>(db, request, 'move');
  const offerAnswerOf = (request: FastifyRequest) => draftPart<OfferAnswer>(db, request, 'offerAnswer');

  /** Where the patient stands: whether they may ask, the request and its status, and an offer to answer. */
  const statusPage = (request: FastifyRequest, reply: FastifyReply, view: PidmasView, errors: readonly FieldError[] = [], status = 200) => {
    const q = view.request!;
    const offer = view.offer && view.offer.status === 'OFFERED' && q.status === 'OFFERED' ? view.offer : null;
    return sendPage(request, reply, 'pidmas-status.njk', {
      title: offer ? 'A provider can see you sooner' : 'Your request to move provider',
      back: '/manage',
      status: STATUS_FOR_PATIENT[q.status],
      statusCode: q.status,
      outcome: q.outcome,
      live: pidmasMayWithdraw(q.status),
      mayAskAgain: mayAsk(view),
      answers: q.travel
        ? {
            travel: TRAVEL_CHOICES[q.travel],
            dates: q.unavailableDates || 'None given',
            support: supportAsked(q.supportNeeded, q.interpreterLanguage),
            contact: q.contactPreference ? CONTACT_CHOICES[q.contactPreference as Contact] ?? q.contactPreference : 'Not given',
          }
        : null,
      offer,
      ...errorContext(errors),
    }, status);
  };

  /** A question: asked only while the patient may ask; the answers so far, and how to keep a new one and go on. */
  const question = async (request: FastifyRequest, reply: FastifyReply) => {
    const view = await ownView(request);
    if (!mayAsk(view)) return null;
    const draft = answersOf(request);
    const answers = (await draft.read()) ?? {};
    const answer = async (next: MoveAnswers) => {
      await draft.write(next);
      return seeOther(reply, MOVE.next(next));
    };
    return { view, answers, answer };
  };
  type Question = NonNullable<Awaited<ReturnType<typeof question>>>;
  /** A question's page: without the right to ask, back to the start. */
  const asked = (handle: (request: FastifyRequest, reply: FastifyReply, q: Question) => Promise<FastifyReply>) => async (request: FastifyRequest, reply: FastifyReply) => {
    const q = await question(request, reply);
    return q ? handle(request, reply, q) : seeOther(reply, '/manage/move');
  };

  /** A question answered by choosing one option. */
  const choicePage = (template: string, title: string, step: 'travel' | 'contact', choices: Record<string, string>) =>
    (request: FastifyRequest, reply: FastifyReply, chosen: string, errors: readonly FieldError[] = [], status = 200) =>
      sendPage(request, reply, template, {
        title,
        back: MOVE.back(step),
        items: Object.entries(choices).map(([value, text]) => ({ value, text, checked: value === chosen })),
        ...errorContext(errors),
      }, status);
  const travelPage = choicePage('pidmas-travel.njk', 'How far would you be willing to travel for your care?', 'travel', TRAVEL_CHOICES);
  const contactPage = choicePage('pidmas-contact.njk', 'How should we contact you about moving?', 'contact', CONTACT_CHOICES);
  const datesPage = (request: FastifyRequest, reply: FastifyReply, value: string, errors: readonly FieldError[] = [], status = 200) =>
    sendPage(request, reply, 'pidmas-dates.njk', { title: 'Are there any dates when you cannot go to an appointment?', back: MOVE.back('dates'), value, ...errorContext(errors) }, status);
  const supportPage = (request: FastifyRequest, reply: FastifyReply, kinds: readonly string[], language: string, errors: readonly FieldError[] = [], status = 200) =>
    sendPage(request, reply, 'pidmas-support.njk', {
      title: 'Do you need any support to get to your appointments?',
      back: MOVE.back('support'),
      kinds,
      language,
      choices: SUPPORT_CHOICES,
      ...errorContext(errors),
    }, status);
  const checkPage = (request: FastifyRequest, reply: FastifyReply, view: PidmasView, m: Answered, errors: readonly FieldError[] = [], status = 200) =>
    sendPage(request, reply, 'pidmas-check.njk', {
      title: 'Check your answers before asking to move',
      back: MOVE.back('check'),
      currentProvider: view.currentProvider?.name ?? '',
      travel: TRAVEL_CHOICES[m.travel],
      dates: m.unavailableDates || 'None',
      support: supportAsked(m.support.kinds, m.support.language),
      contact: CONTACT_CHOICES[m.contact],
      ...errorContext(errors),
    }, status);

  return async function (app: FastifyInstance) {
    app.get('/manage/move', { config: patientPage }, async (request, reply) => {
      const view = await ownView(request);
      if (view.request && view.request.status !== 'INVITED') return statusPage(request, reply, view);
      return sendPage(request, reply, 'pidmas-start.njk', {
        title: 'Ask to move to another provider',
        back: '/manage',
        eligible: view.eligibility.eligible,
        noProvider: view.currentProvider === null,
        currentProvider: view.currentProvider?.name ?? null,
        thresholdWeeks: view.thresholdWeeks,
        weeksWaited: view.weeksWaited,
        mayAsk: mayAsk(view),
        rules: explainEligibility(view.eligibility, PAGE_WORDING.patient).rules.map((r) => ({ ...r, name: RULE_TITLES[r.rule] })),
      });
    });
    app.post('/manage/move/start', { config: patientPage }, async (request, reply) => {
      if (!mayAsk(await ownView(request))) return seeOther(reply, '/manage/move');
      await answersOf(request).write({});
      return seeOther(reply, MOVE.next({}));
    });

    app.get('/manage/move/travel', { config: patientPage }, asked(async (request, reply, q) => travelPage(request, reply, q.answers.travel ?? '')));
    app.post('/manage/move/travel', { config: patientPage }, asked(async (request, reply, q) => {
      const form = readForm(TRAVEL.fields, TRAVEL.schema, request.body);
      if (!form.ok) return travelPage(request, reply, '', form.errors, 400);
      return q.answer({ ...q.answers, travel: form.answer.travel });
    }));

    app.get('/manage/move/dates', { config: patientPage }, asked(async (request, reply, q) => datesPage(request, reply, q.answers.unavailableDates ?? '')));
    app.post('/manage/move/dates', { config: patientPage }, asked(async (request, reply, q) => {
      const form = readForm(DATES.fields, DATES.schema, request.body);
      if (!form.ok) return datesPage(request, reply, form.values.unavailableDates, form.errors, 400);
      return q.answer({ ...q.answers, unavailableDates: form.answer.unavailableDates });
    }));

    app.get('/manage/move/support', { config: patientPage }, asked(async (request, reply, q) =>
      supportPage(request, reply, q.answers.support?.kinds ?? [], q.answers.support?.language ?? '')));
    app.post('/manage/move/support', { config: patientPage }, asked(async (request, reply, q) => {
      const form = readForm(SUPPORT.fields, SUPPORT.schema, request.body);
      if (!form.ok) return supportPage(request, reply, form.values.support, form.values.interpreterLanguage, form.errors, 400);
      const { support: kinds, interpreterLanguage } = form.answer;
      return q.answer({ ...q.answers, support: { kinds, language: kinds.includes('INTERPRETER') ? interpreterLanguage : '' } });
    }));

    app.get('/manage/move/contact', { config: patientPage }, asked(async (request, reply, q) => contactPage(request, reply, q.answers.contact ?? '')));
    app.post('/manage/move/contact', { config: patientPage }, asked(async (request, reply, q) => {
      const form = readForm(CONTACT.fields, CONTACT.schema, request.body);
      if (!form.ok) return contactPage(request, reply, '', form.errors, 400);
      // Checked here, where it is answered: an email with no email address on the referral would reach nobody.
      const unreachable = contactUnavailable(form.answer.contact, q.view.contactDetails);
      if (unreachable) return contactPage(request, reply, form.answer.contact, [{ field: 'contact', href: '#contact', message: unreachable }], 400);
      return q.answer({ ...q.answers, contact: form.answer.contact });
    }));

    app.get('/manage/move/check', { config: patientPage }, asked(async (request, reply, q) => {
      if (!complete(q.answers)) return seeOther(reply, MOVE.next(q.answers));
      return checkPage(request, reply, q.view, q.answers);
    }));
    // Sent twice: the first one sent it, and the patient may no longer ask.
    app.post('/manage/move/check', { config: patientPage }, asked(async (request, reply, q) => {
      const m = q.answers;
      if (!complete(m)) return seeOther(reply, MOVE.next(m));
      const sent = await attempt(
        () => optIn(deps, patientOf(request), {
          travel: m.travel,
          unavailableDates: m.unavailableDates,
          supportNeeded: m.support.kinds,
          interpreterLanguage: m.support.kinds.includes('INTERPRETER') ? m.support.language : null,
          contactPreference: m.contact,
        }, PAGE_WORDING.patient),
        { field: 'request', href: '#check-answers' },
      );
      if (!sent.ok) return checkPage(request, reply, q.view, m, sent.errors, sent.status === 409 ? 409 : 422);
      await answersOf(request).clear();
      return seeOther(reply, '/manage/move/sent');
    }));
    app.get('/manage/move/sent', { config: patientPage }, async (request, reply) => {
      const view = await ownView(request);
      if (view.request?.status !== 'OPTED_IN') return seeOther(reply, '/manage/move');
      return sendPage(request, reply, 'pidmas-sent.njk', {
        title: 'Your request to move has been sent',
        currentProvider: view.currentProvider?.name ?? 'your hospital',
        outcome: view.request.outcome,
      });
    });

    // Withdrawing: confirm first; the patient keeps their place.
    app.get('/manage/move/withdraw', { config: patientPage }, async (request, reply) => {
      const view = await ownView(request);
      if (!pidmasMayWithdraw(view.request?.status ?? null)) return seeOther(reply, '/manage/move');
      return sendPage(request, reply, 'pidmas-withdraw.njk', { title: 'Are you sure you want to withdraw your request to move?', back: '/manage/move' });
    });
    app.post('/manage/move/withdraw', { config: patientPage }, async (request, reply) => {
      const view = await ownView(request);
      if (view.request?.status === 'WITHDRAWN') return seeOther(reply, '/manage/move/withdrawn');
      if (!pidmasMayWithdraw(view.request?.status ?? null)) return seeOther(reply, '/manage/move');
      await withdrawRequest(deps, patientOf(request));
      return seeOther(reply, '/manage/move/withdrawn');
    });
    app.get('/manage/move/withdrawn', { config: patientPage }, async (request, reply) => {
      const view = await ownView(request);
      if (view.request?.status !== 'WITHDRAWN') return seeOther(reply, '/manage/move');
      return sendPage(request, reply, 'pidmas-withdrawn.njk', { title: 'Request withdrawn', outcome: view.request.outcome });
    });

    // Answering an offer to move.
    app.post('/manage/move/offer', { config: patientPage }, async (request, reply) => {
      const patient = patientOf(request);
      const view = await ownView(request);
      const kept = offerAnswerOf(request);
      if (view.request?.status !== 'OFFERED') {
        // Sent twice: the first one answered it (and, accepted, the session moved with the pathway).
        const last = await kept.read();
        if (last && (last.moved?.ubrn === patient.ubrn || last.previousUbrn === patient.ubrn)) return seeOther(reply, '/manage/move/answered');
        return seeOther(reply, '/manage/move');
      }
      const form = readForm(OFFER.fields, OFFER.schema, request.body);
      if (!form.ok) return statusPage(request, reply, view, form.errors, 400);
      const { decision } = form.answer;
      const answered = await attempt(() => answerOffer(deps, patient, decision), { field: 'decision' });
      if (!answered.ok) return statusPage(request, reply, await ownView(request), answered.errors, 409);
      const a = answered.value;
      await kept.write({
        decision,
        previousUbrn: patient.ubrn,
        moved: a.status === 'ACCEPTED' ? { previousUbrn: a.previousUbrn, ubrn: a.ubrn, accessCode: a.accessCode, service: a.service, provider: view.offer!.provider } : null,
      });
      return seeOther(reply, '/manage/move/answered');
    });
    app.get('/manage/move/answered', { config: patientPage }, async (request, reply) => {
      const patient = patientOf(request);
      const kept = offerAnswerOf(request);
      const a = await kept.read();
      if (!a || (a.moved ? a.moved.ubrn !== patient.ubrn : a.previousUbrn !== patient.ubrn)) return seeOther(reply, '/manage/move');
      if (!a.moved) return sendPage(request, reply, 'pidmas-declined.njk', { title: 'You declined the offer', ubrn: a.previousUbrn });
      // The access code is shown once; it is also in the letter sent by post.
      if (a.moved.accessCode) await kept.write({ ...a, moved: { ...a.moved, accessCode: null } });
      return sendMovedPage(request, reply, a.moved, { patient: true, pidmas: true });
    });
  };
}
