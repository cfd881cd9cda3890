// Waiting too long, in the pages. For the patient (signed in at /manage): their waiting time, the 18-week faster
// alternative (choose one, check, confirmation with the new reference number), and PIDMAS (ask to move provider:
// eligibility rule by rule, one question per page, check your answers, then the request's status, withdrawing it,
// and answering an offer). For the referrer: the same waiting time and the faster alternative on their referral page.
// The services (src/waiting, src/pidmas) decide everything; these pages only ask and show.
import type { Deps } from '../deps.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../http/principal.ts';
import type { TravelLimit } from '../db/schema.ts';
import { patientOf, ROLES, staffOf } from '../http/access.ts';
import { Problem } from '../http/problem.ts';
import { answerOffer, CONTACT_PREFERENCES, optIn, type PidmasView, pidmasView, SUPPORT_KINDS, withdrawRequest } from '../pidmas/service.ts';
import { getReferral } from '../referrals/queries.ts';
import { type Alternative, type AlternativesAnswer, chooseAlternative, findAlternatives } from '../waiting/alternatives.ts';
import { loadDraft, saveDraft } from './drafts.ts';
import type { Draft } from './form-fields.ts';
import { formatDate, formatKm, formatMiles, formatWeeks } from './filters.ts';
import { seeOther, sendPage } from './page.ts';
import { errorFor, errorList, type FieldError } from './form-fields.ts';
import { formatUbrn } from './filters.ts';
import { sendLetter } from '../referrals/letter.ts';
import { sessionHash, sessionToken } from './session.ts';
import { field, sentence, type Body } from './form-fields.ts';

const patientPage = { access: ROLES('patient'), page: true } as const;
const referrerPage = { access: ROLES('referrer', 'referral-centre'), page: true } as const;

function fields(body: Body, name: string): string[] {
  const v = body[name];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}
/** The services write dates as 2026-04-30; the pages say 30 April 2026. */
export const plainDates = (text: string) => text.replace(/\b\d{4}-\d{2}-\d{2}\b/g, (d) => formatDate(d));

// ---------------------------------------------------------------- drafts

export const TRAVEL_CHOICES: Record<TravelLimit, string> = { '50_MILES': 'Up to 50 miles', '100_MILES': 'Up to 100 miles', ANYWHERE: 'Anywhere in England' };
type Support = (typeof SUPPORT_KINDS)[number];
type Contact = (typeof CONTACT_PREFERENCES)[number];
export const SUPPORT_CHOICES: Record<Support, string> = { TRANSPORT: 'Help with transport', INTERPRETER: 'An interpreter', ADVOCACY: 'An advocate, or someone to help me speak up' };
export const CONTACT_CHOICES: Record<Contact, string> = { EMAIL: 'Email', TEXT: 'Text message', PHONE: 'Phone call', LETTER: 'Letter' };
const isTravel = (v: string): v is TravelLimit => Object.hasOwn(TRAVEL_CHOICES, v);
const isSupport = (v: string): v is Support => Object.hasOwn(SUPPORT_CHOICES, v);
const isContact = (v: string): v is Contact => Object.hasOwn(CONTACT_CHOICES, v);

interface MoveAnswers {
  travel?: TravelLimit;
  unavailableDates?: string;
  support?: { kinds: Support[]; language: string };
  contact?: Contact;
}
/** What a move or a faster alternative made: shown on its confirmation (the access code from here only). */
interface Moved {
  previousUbrn: string;
  ubrn: string;
  accessCode: string | null;
  service: string;
  provider: string;
}
interface WaitingDraft extends Draft {
  move?: MoveAnswers;
  /** the patient's or referrer's last faster alternative */
  faster?: Moved;
  /** the patient's answer to an offer to move */
  offerAnswer?: { decision: 'ACCEPT' | 'DECLINE'; moved: Moved | null; previousUbrn: string };
}

// ---------------------------------------------------------------- the waiting-time summary

// ---------------------------------------------------------------- views of alternatives and offers

function alternativeItem(a: Alternative, chosen: string) {
  const site = `${a.service.site.name}${a.service.site.postcode ? `, ${a.service.site.postcode}` : ''}`;
  return {
    value: a.service.id,
    html: `${escapeHtml(a.service.name)}<br><span class="oc-secondary">${escapeHtml(a.service.provider.name)}</span>`,
    hint: {
      html:
        `${escapeHtml(site)}. ${formatMiles(a.distanceMiles)} away. Expected to see you by <strong>${formatDate(a.expectedBy)}</strong>` +
        (a.soonerByWeeks === null ? '' : `, about ${formatWeeks(a.soonerByWeeks)} sooner`) +
        (a.reasons.length ? `<ul class="nhsuk-list nhsuk-list--bullet nhsuk-u-font-size-16 nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0">${a.reasons.map((r) => `<li>${escapeHtml(plainDates(r))}</li>`).join('')}</ul>` : ''),
    },
    checked: a.service.id === chosen,
  };
}
function alternativeRows(a: Alternative) {
  return {
    service: a.service.name,
    provider: a.service.provider.name,
    site: `${a.service.site.name}${a.service.site.postcode ? `, ${a.service.site.postcode}` : ''}`,
    distance: `${formatMiles(a.distanceMiles)} (${formatKm(a.distanceKm)})`,
    expectedBy: formatDate(a.expectedBy),
    sooner: a.soonerByWeeks === null ? 'Not known' : `About ${formatWeeks(a.soonerByWeeks)}`,
  };
}
function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const RULE_NAMES: Record<string, string> = {
  ROUTINE: 'Routine referral',
  CONSULTANT_LED: 'Consultant-led care',
  WAITED_LONG_ENOUGH: 'How long you have waited',
  ADULT: 'Aged 18 or over',
  NO_DATE_SOON: 'No date in the next 8 weeks',
  NOT_TERTIARY: 'Not a specialist (tertiary) referral',
  GP_IN_ENGLAND: 'GP practice in England',
};
const PIDMAS_STATUS_TEXT: Record<string, string> = {
  INVITED: 'Invited to ask',
  OPTED_IN: 'Sent: your hospital team is checking it',
  VALIDATED: 'Looking for a provider who can see you sooner',
  PROPOSED: 'Looking for a provider who can see you sooner',
  OFFERED: 'A provider can see you sooner',
  NO_MATCH: 'No provider found yet',
  NOT_SUITABLE: 'Not suitable to move',
  ACCEPTED: 'Moved',
  DECLINED: 'You declined the offer',
  WITHDRAWN: 'Withdrawn',
};
const LIVE = ['OPTED_IN', 'VALIDATED', 'PROPOSED', 'OFFERED', 'NO_MATCH'];
/** A patient may fill in the form again: never asked, only invited, or after withdrawing or declining. */
const MAY_ASK = (view: PidmasView) => view.eligibility.eligible && view.currentProvider !== null && (view.request === null || ['INVITED', 'WITHDRAWN', 'DECLINED'].includes(view.request.status));

const MOVE_STEPS = ['travel', 'dates', 'support', 'contact'] as const;
type MoveStep = (typeof MOVE_STEPS)[number];
const MOVE_DONE: Record<MoveStep, (m: MoveAnswers) => boolean> = {
  travel: (m) => m.travel !== undefined,
  dates: (m) => m.unavailableDates !== undefined,
  support: (m) => m.support !== undefined,
  contact: (m) => m.contact !== undefined,
};
const nextMovePath = (m: MoveAnswers) => {
  const step = MOVE_STEPS.find((s) => !MOVE_DONE[s](m));
  return step ? `/manage/move/${step}` : '/manage/move/check';
};
const moveBack = (step: MoveStep | 'check') => {
  const i = step === 'check' ? MOVE_STEPS.length : MOVE_STEPS.indexOf(step);
  return i === 0 ? '/manage/move' : `/manage/move/${MOVE_STEPS[i - 1]}`;
};

export function waitingPages(deps: Deps) {
  const { db } = deps.database;

  async function draftOf(request: FastifyRequest): Promise<{ draft: WaitingDraft; save: (d: WaitingDraft) => Promise<void> }> {
    const hash = sessionHash(sessionToken(request)!);
    return { draft: (await loadDraft(db, hash)) as WaitingDraft, save: (d) => saveDraft(db, hash, d) };
  }
  const notFoundHere = (request: FastifyRequest, reply: FastifyReply) => sendPage(request, reply, 'not-found.njk', { title: 'Page not found' }, 404);
  const moved = (m: Awaited<ReturnType<typeof chooseAlternative>>): Moved => ({
    previousUbrn: m.previousUbrn,
    ubrn: m.ubrn,
    accessCode: m.accessCode,
    service: m.service.name,
    provider: m.service.provider.name,
  });

  /** The faster-alternative pages, for the patient (base /manage/faster) and the referrer (/referrals/:ubrn/faster). */
  const fasterPage = (request: FastifyRequest, reply: FastifyReply, found: AlternativesAnswer, base: string, back: string, patient: boolean, chosen: string, errors: FieldError[], status = 200) =>
    sendPage(request, reply, 'waiting-faster.njk', {
      title: !found.pathway.mayAskForAlternative
        ? 'You cannot ask for a faster alternative yet'
        : found.alternatives.length === 0
          ? 'There are no faster alternatives at the moment'
          : patient ? 'Choose a faster alternative' : 'Choose a faster alternative for the patient',
      back,
      action: base,
      patient,
      mayAsk: found.pathway.mayAskForAlternative,
      explanation: plainDates(found.pathway.explanation),
      weeksWaited: formatWeeks(found.pathway.weeksWaited),
      breachDate: formatDate(found.pathway.breachDate),
      forecast: found.pathway.forecastFirstAppointment ? formatDate(found.pathway.forecastFirstAppointment) : null,
      items: found.alternatives.map((a) => alternativeItem(a, chosen)),
      errors,
      errorList: errorList(errors),
      err: { serviceId: errorFor(errors, 'serviceId') },
    }, status);

  const confirmPage = (request: FastifyRequest, reply: FastifyReply, choice: Alternative, base: string, patient: boolean, errors: FieldError[], status = 200) =>
    sendPage(request, reply, 'waiting-faster-confirm.njk', {
      title: patient ? 'Check before your referral moves' : 'Check before the referral moves',
      back: `${base}?serviceId=${encodeURIComponent(choice.service.id)}`,
      action: `${base}/confirm`,
      changeHref: `${base}?serviceId=${encodeURIComponent(choice.service.id)}`,
      serviceId: choice.service.id,
      patient,
      choice: alternativeRows(choice),
      errors,
      errorList: errorList(errors),
    }, status);

  /** Chooses (after a check page) and moves the pathway; the answer goes in the draft for the confirmation. */
  async function choose(request: FastifyRequest, reply: FastifyReply, ubrn: string, base: string, done: string, patient: boolean) {
    const serviceId = field((request.body ?? {}) as Body, 'serviceId', 200);
    const principal = request.principal!;
    const { draft, save } = await draftOf(request);
    // Sent twice: the first one moved it.
    if (draft.faster?.previousUbrn === ubrn) return seeOther(reply, done);
    const found = await findAlternatives(deps, principal, ubrn);
    const choice = found.alternatives.find((a) => a.service.id === serviceId);
    if (!choice) return seeOther(reply, base);
    let answer;
    try {
      answer = await chooseAlternative(deps, principal, ubrn, serviceId);
    } catch (err) {
      if (!(err instanceof Problem) || err.status >= 500) throw err;
      return confirmPage(request, reply, choice, base, patient, [{ field: 'serviceId', href: '#check-alternative', message: sentence(err.detail) }], err.status === 409 ? 409 : 422);
    }
    await save({ ...draft, faster: moved(answer) });
    return seeOther(reply, done);
  }

  return async function (app: FastifyInstance) {
    // ------------------------------------------------------------ the patient's faster alternative
    app.get<{ Querystring: { serviceId?: string } }>('/manage/faster', { config: patientPage }, async (request, reply) => {
      const patient = patientOf(request);
      const found = await findAlternatives(deps, patient, patient.ubrn);
      return fasterPage(request, reply, found, '/manage/faster', '/manage', true, String(request.query.serviceId ?? ''), []);
    });
    app.post('/manage/faster', { config: patientPage }, async (request, reply) => {
      const patient = patientOf(request);
      const found = await findAlternatives(deps, patient, patient.ubrn);
      const serviceId = field((request.body ?? {}) as Body, 'serviceId', 200);
      if (!found.alternatives.some((a) => a.service.id === serviceId)) {
        return fasterPage(request, reply, found, '/manage/faster', '/manage', true, '', [{ field: 'serviceId', href: '#serviceId', message: 'Select where you would like to be seen' }], 400);
      }
      return seeOther(reply, `/manage/faster/confirm?serviceId=${encodeURIComponent(serviceId)}`);
    });
    app.get<{ Querystring: { serviceId?: string } }>('/manage/faster/confirm', { config: patientPage }, async (request, reply) => {
      const patient = patientOf(request);
      const found = await findAlternatives(deps, patient, patient.ubrn);
      const choice = found.alternatives.find((a) => a.service.id === String(request.query.serviceId ?? ''));
      if (!choice) return seeOther(reply, '/manage/faster');
      return confirmPage(request, reply, choice, '/manage/faster', true, []);
    });
    app.post('/manage/faster/confirm', { config: patientPage }, async (request, reply) => {
      const patient = patientOf(request);
      return choose(request, reply, patient.ubrn, '/manage/faster', '/manage/faster/moved', true);
    });
    app.get('/manage/faster/moved', { config: patientPage }, async (request, reply) => {
      const patient = patientOf(request);
      const { draft, save } = await draftOf(request);
      // The session followed the pathway to the new referral.
      if (!draft.faster || draft.faster.ubrn !== patient.ubrn) return seeOther(reply, '/manage');
      const shown = draft.faster;
      // The access code is shown once; it is also in the letter sent by post.
      if (shown.accessCode) await save({ ...draft, faster: { ...shown, accessCode: null } });
      return sendPage(request, reply, 'waiting-moved.njk', {
        title: 'Your referral has moved',
        patient: true,
        ubrn: formatUbrn(shown.ubrn),
        previousUbrn: formatUbrn(shown.previousUbrn),
        accessCode: shown.accessCode,
        service: shown.service,
        provider: shown.provider,
      });
    });

    // ------------------------------------------------------------ the referrer's faster alternative
    const staffReferral = async (request: FastifyRequest<{ Params: { ubrn: string } }>) => {
      const { ubrn } = request.params;
      if (!/^\d{12}$/.test(ubrn)) return null;
      try {
        return await findAlternatives(deps, staffOf(request), ubrn);
      } catch (err) {
        if (err instanceof Problem && err.status === 404) return null;
        throw err;
      }
    };
    app.get<{ Params: { ubrn: string }; Querystring: { serviceId?: string } }>('/referrals/:ubrn/faster', { config: referrerPage }, async (request, reply) => {
      const found = await staffReferral(request);
      if (!found) return notFoundHere(request, reply);
      return fasterPage(request, reply, found, `/referrals/${found.ubrn}/faster`, `/referrals/${found.ubrn}`, false, String(request.query.serviceId ?? ''), []);
    });
    app.post<{ Params: { ubrn: string } }>('/referrals/:ubrn/faster', { config: referrerPage }, async (request, reply) => {
      const found = await staffReferral(request);
      if (!found) return notFoundHere(request, reply);
      const base = `/referrals/${found.ubrn}/faster`;
      const serviceId = field((request.body ?? {}) as Body, 'serviceId', 200);
      if (!found.alternatives.some((a) => a.service.id === serviceId)) {
        return fasterPage(request, reply, found, base, `/referrals/${found.ubrn}`, false, '', [{ field: 'serviceId', href: '#serviceId', message: 'Select where the patient will be seen' }], 400);
      }
      return seeOther(reply, `${base}/confirm?serviceId=${encodeURIComponent(serviceId)}`);
    });
    app.get<{ Params: { ubrn: string }; Querystring: { serviceId?: string } }>('/referrals/:ubrn/faster/confirm', { config: referrerPage }, async (request, reply) => {
      const found = await staffReferral(request);
      if (!found) return notFoundHere(request, reply);
      const base = `/referrals/${found.ubrn}/faster`;
      const choice = found.alternatives.find((a) => a.service.id === String(request.query.serviceId ?? ''));
      if (!choice) return seeOther(reply, base);
      return confirmPage(request, reply, choice, base, false, []);
    });
    app.post<{ Params: { ubrn: string } }>('/referrals/:ubrn/faster/confirm', { config: referrerPage }, async (request, reply) => {
      const found = await staffReferral(request);
      if (!found) return notFoundHere(request, reply);
      const base = `/referrals/${found.ubrn}/faster`;
      return choose(request, reply, found.ubrn, base, `${base}/moved`, false);
    });
    const staffMoved = async (request: FastifyRequest<{ Params: { ubrn: string } }>) => {
      const { draft } = await draftOf(request);
      if (!draft.faster || draft.faster.previousUbrn !== request.params.ubrn) return null;
      const referral = await getReferral(deps, staffOf(request), draft.faster.ubrn);
      return { moved: draft.faster, referral };
    };
    app.get<{ Params: { ubrn: string } }>('/referrals/:ubrn/faster/moved', { config: referrerPage }, async (request, reply) => {
      const found = await staffMoved(request);
      if (!found) return seeOther(reply, `/referrals/${encodeURIComponent(request.params.ubrn)}`);
      return sendPage(request, reply, 'waiting-moved.njk', {
        title: 'The referral has moved',
        patient: false,
        patientName: `${found.referral.patient.givenName} ${found.referral.patient.familyName}`,
        ubrn: formatUbrn(found.moved.ubrn),
        rawUbrn: found.moved.ubrn,
        previousUbrn: formatUbrn(found.moved.previousUbrn),
        accessCode: found.moved.accessCode,
        service: found.moved.service,
        provider: found.moved.provider,
        letterHref: `/referrals/${found.moved.previousUbrn}/faster/letter`,
      });
    });
    app.get<{ Params: { ubrn: string } }>('/referrals/:ubrn/faster/letter', { config: referrerPage }, async (request, reply) => {
      const found = await staffMoved(request);
      if (!found?.moved.accessCode) return seeOther(reply, `/referrals/${encodeURIComponent(request.params.ubrn)}`);
      return sendLetter(request, reply, found.referral, found.moved.accessCode, `/referrals/${found.moved.previousUbrn}/faster/moved`);
    });

    // ------------------------------------------------------------ PIDMAS: asking to move provider
    const ownView = (request: FastifyRequest) => {
      const patient = patientOf(request);
      return pidmasView(deps, patient, patient.ubrn);
    };

    const statusPage = (request: FastifyRequest, reply: FastifyReply, view: PidmasView, errors: FieldError[], status = 200) => {
      const q = view.request!;
      const offer = view.offer && view.offer.status === 'OFFERED' && q.status === 'OFFERED' ? view.offer : null;
      return sendPage(request, reply, 'pidmas-status.njk', {
        title: offer ? 'A provider can see you sooner' : 'Your request to move provider',
        back: '/manage',
        status: PIDMAS_STATUS_TEXT[q.status] ?? q.status,
        statusCode: q.status,
        outcome: q.outcome ? plainDates(q.outcome) : null,
        live: LIVE.includes(q.status),
        mayAskAgain: MAY_ASK(view),
        answers: q.travel ? {
          travel: TRAVEL_CHOICES[q.travel],
          dates: q.unavailableDates || 'None given',
          support: q.supportNeeded.length ? q.supportNeeded.map((k) => (k === 'INTERPRETER' && q.interpreterLanguage ? `An interpreter (${q.interpreterLanguage})` : SUPPORT_CHOICES[k as Support] ?? k)) : ['None'],
          contact: q.contactPreference ? CONTACT_CHOICES[q.contactPreference as Contact] ?? q.contactPreference : 'Not given',
        } : null,
        offer: offer ? {
          provider: offer.provider,
          site: offer.site,
          service: offer.service,
          distance: `${formatMiles(offer.distanceMiles)} (${formatKm(offer.distanceKm)})`,
          expected: formatDate(offer.expectedFrom),
        } : null,
        errors,
        errorList: errorList(errors),
        err: { decision: errorFor(errors, 'decision') },
      }, status);
    };

    app.get('/manage/move', { config: patientPage }, async (request, reply) => {
      const view = await ownView(request);
      if (view.request && view.request.status !== 'INVITED') return statusPage(request, reply, view, []);
      return sendPage(request, reply, 'pidmas-start.njk', {
        title: 'Ask to move to another provider',
        back: '/manage',
        eligible: view.eligibility.eligible,
        noProvider: view.currentProvider === null,
        currentProvider: view.currentProvider?.name ?? null,
        thresholdWeeks: view.thresholdWeeks,
        weeksWaited: formatWeeks(view.weeksWaited),
        mayAsk: MAY_ASK(view),
        rules: view.eligibility.rules.map((r) => ({ name: RULE_NAMES[r.rule] ?? r.rule, passed: r.passed, explanation: r.explanation })),
      });
    });
    app.post('/manage/move/start', { config: patientPage }, async (request, reply) => {
      const view = await ownView(request);
      if (!MAY_ASK(view)) return seeOther(reply, '/manage/move');
      const { draft, save } = await draftOf(request);
      await save({ ...draft, move: {} });
      return seeOther(reply, '/manage/move/travel');
    });

    /** Each question: only while the patient may ask; answers kept in the draft; then the next unanswered, or the check page. */
    const question = async (request: FastifyRequest, reply: FastifyReply) => {
      const view = await ownView(request);
      if (!MAY_ASK(view)) return null;
      const { draft, save } = await draftOf(request);
      const move = draft.move ?? {};
      return { view, move, saveMove: async (m: MoveAnswers) => { await save({ ...draft, move: m }); return seeOther(reply, nextMovePath(m)); } };
    };

    const travelPage = (request: FastifyRequest, reply: FastifyReply, chosen: string, errors: FieldError[], status = 200) =>
      sendPage(request, reply, 'pidmas-travel.njk', {
        title: 'How far would you be willing to travel for your care?',
        back: moveBack('travel'),
        items: Object.entries(TRAVEL_CHOICES).map(([value, text]) => ({ value, text, checked: value === chosen })),
        errors, errorList: errorList(errors), err: { travel: errorFor(errors, 'travel') },
      }, status);
    app.get('/manage/move/travel', { config: patientPage }, async (request, reply) => {
      const q = await question(request, reply);
      if (!q) return seeOther(reply, '/manage/move');
      return travelPage(request, reply, q.move.travel ?? '', []);
    });
    app.post('/manage/move/travel', { config: patientPage }, async (request, reply) => {
      const q = await question(request, reply);
      if (!q) return seeOther(reply, '/manage/move');
      const travel = field((request.body ?? {}) as Body, 'travel', 20);
      if (!isTravel(travel)) return travelPage(request, reply, '', [{ field: 'travel', href: '#travel', message: 'Select how far you would be willing to travel' }], 400);
      return q.saveMove({ ...q.move, travel });
    });

    const datesPage = (request: FastifyRequest, reply: FastifyReply, value: string, errors: FieldError[], status = 200) =>
      sendPage(request, reply, 'pidmas-dates.njk', {
        title: 'Are there any dates when you cannot go to an appointment?',
        back: moveBack('dates'),
        value,
        errors, errorList: errorList(errors), err: { unavailableDates: errorFor(errors, 'unavailableDates') },
      }, status);
    app.get('/manage/move/dates', { config: patientPage }, async (request, reply) => {
      const q = await question(request, reply);
      if (!q) return seeOther(reply, '/manage/move');
      return datesPage(request, reply, q.move.unavailableDates ?? '', []);
    });
    app.post('/manage/move/dates', { config: patientPage }, async (request, reply) => {
      const q = await question(request, reply);
      if (!q) return seeOther(reply, '/manage/move');
      const raw = field((request.body ?? {}) as Body, 'unavailableDates', 2000);
      if (raw.length > 1000) return datesPage(request, reply, raw, [{ field: 'unavailableDates', href: '#unavailableDates', message: 'Dates you cannot go must be 1000 characters or fewer' }], 400);
      return q.saveMove({ ...q.move, unavailableDates: raw });
    });

    const supportPage = (request: FastifyRequest, reply: FastifyReply, kinds: string[], language: string, errors: FieldError[], status = 200) =>
      sendPage(request, reply, 'pidmas-support.njk', {
        title: 'Do you need any support to get to your appointments?',
        back: moveBack('support'),
        kinds,
        language,
        choices: SUPPORT_CHOICES,
        errors, errorList: errorList(errors), err: { interpreterLanguage: errorFor(errors, 'interpreterLanguage'), support: errorFor(errors, 'support') },
      }, status);
    app.get('/manage/move/support', { config: patientPage }, async (request, reply) => {
      const q = await question(request, reply);
      if (!q) return seeOther(reply, '/manage/move');
      return supportPage(request, reply, q.move.support?.kinds ?? [], q.move.support?.language ?? '', []);
    });
    app.post('/manage/move/support', { config: patientPage }, async (request, reply) => {
      const q = await question(request, reply);
      if (!q) return seeOther(reply, '/manage/move');
      const body = (request.body ?? {}) as Body;
      const kinds = [...new Set(fields(body, 'support').filter(isSupport))];
      const language = field(body, 'interpreterLanguage', 200);
      if (kinds.includes('INTERPRETER') && !language) {
        return supportPage(request, reply, kinds, language, [{ field: 'interpreterLanguage', href: '#interpreterLanguage', message: 'Enter the language you need an interpreter for' }], 400);
      }
      if (language.length > 100) {
        return supportPage(request, reply, kinds, language, [{ field: 'interpreterLanguage', href: '#interpreterLanguage', message: 'Language must be 100 characters or fewer' }], 400);
      }
      return q.saveMove({ ...q.move, support: { kinds, language: kinds.includes('INTERPRETER') ? language : '' } });
    });

    const contactPage = (request: FastifyRequest, reply: FastifyReply, chosen: string, errors: FieldError[], status = 200) =>
      sendPage(request, reply, 'pidmas-contact.njk', {
        title: 'How should we contact you about moving?',
        back: moveBack('contact'),
        items: Object.entries(CONTACT_CHOICES).map(([value, text]) => ({ value, text, checked: value === chosen })),
        errors, errorList: errorList(errors), err: { contact: errorFor(errors, 'contact') },
      }, status);
    app.get('/manage/move/contact', { config: patientPage }, async (request, reply) => {
      const q = await question(request, reply);
      if (!q) return seeOther(reply, '/manage/move');
      return contactPage(request, reply, q.move.contact ?? '', []);
    });
    app.post('/manage/move/contact', { config: patientPage }, async (request, reply) => {
      const q = await question(request, reply);
      if (!q) return seeOther(reply, '/manage/move');
      const contact = field((request.body ?? {}) as Body, 'contact', 20);
      if (!isContact(contact)) return contactPage(request, reply, '', [{ field: 'contact', href: '#contact', message: 'Select how we should contact you' }], 400);
      return q.saveMove({ ...q.move, contact });
    });

    const checkPage = (request: FastifyRequest, reply: FastifyReply, view: PidmasView, m: Required<MoveAnswers>, errors: FieldError[], status = 200) =>
      sendPage(request, reply, 'pidmas-check.njk', {
        title: 'Check your answers before asking to move',
        back: moveBack('check'),
        currentProvider: view.currentProvider?.name ?? '',
        travel: TRAVEL_CHOICES[m.travel],
        dates: m.unavailableDates || 'None',
        support: m.support.kinds.length ? m.support.kinds.map((k) => (k === 'INTERPRETER' ? `An interpreter (${m.support.language})` : SUPPORT_CHOICES[k])) : ['None'],
        contact: CONTACT_CHOICES[m.contact],
        errors, errorList: errorList(errors),
      }, status);
    const complete = (m: MoveAnswers): m is Required<MoveAnswers> => MOVE_STEPS.every((s) => MOVE_DONE[s](m));
    app.get('/manage/move/check', { config: patientPage }, async (request, reply) => {
      const q = await question(request, reply);
      if (!q) return seeOther(reply, '/manage/move');
      if (!complete(q.move)) return seeOther(reply, nextMovePath(q.move));
      return checkPage(request, reply, q.view, q.move, []);
    });
    app.post('/manage/move/check', { config: patientPage }, async (request, reply) => {
      const q = await question(request, reply);
      // Sent twice: the first one sent it.
      if (!q) return seeOther(reply, '/manage/move');
      if (!complete(q.move)) return seeOther(reply, nextMovePath(q.move));
      const m = q.move;
      try {
        await optIn(deps, patientOf(request), {
          travel: m.travel,
          unavailableDates: m.unavailableDates,
          supportNeeded: m.support.kinds,
          interpreterLanguage: m.support.kinds.includes('INTERPRETER') ? m.support.language : null,
          contactPreference: m.contact,
        });
      } catch (err) {
        if (!(err instanceof Problem) || err.status >= 500) throw err;
        return checkPage(request, reply, q.view, m, [{ field: 'request', href: '#check-answers', message: sentence(err.detail) }], err.status === 409 ? 409 : 422);
      }
      const { draft, save } = await draftOf(request);
      await save({ ...draft, move: undefined });
      return seeOther(reply, '/manage/move/sent');
    });
    app.get('/manage/move/sent', { config: patientPage }, async (request, reply) => {
      const view = await ownView(request);
      if (!view.request || view.request.status !== 'OPTED_IN') return seeOther(reply, '/manage/move');
      return sendPage(request, reply, 'pidmas-sent.njk', {
        title: 'Your request to move has been sent',
        currentProvider: view.currentProvider?.name ?? 'your hospital',
        outcome: view.request.outcome,
      });
    });

    // Withdrawing: confirm first; the patient keeps their place.
    app.get('/manage/move/withdraw', { config: patientPage }, async (request, reply) => {
      const view = await ownView(request);
      if (!view.request || !LIVE.includes(view.request.status)) return seeOther(reply, '/manage/move');
      return sendPage(request, reply, 'pidmas-withdraw.njk', { title: 'Are you sure you want to withdraw your request to move?', back: '/manage/move' });
    });
    app.post('/manage/move/withdraw', { config: patientPage }, async (request, reply) => {
      const view = await ownView(request);
      if (view.request?.status === 'WITHDRAWN') return seeOther(reply, '/manage/move/withdrawn');
      if (!view.request || !LIVE.includes(view.request.status)) return seeOther(reply, '/manage/move');
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
      const { draft, save } = await draftOf(request);
      if (!view.request || view.request.status !== 'OFFERED') {
        // Sent twice: the first one answered it (and, accepted, the session moved with the pathway).
        if (draft.offerAnswer && (draft.offerAnswer.moved?.ubrn === patient.ubrn || draft.offerAnswer.previousUbrn === patient.ubrn)) return seeOther(reply, '/manage/move/answered');
        return seeOther(reply, '/manage/move');
      }
      const decision = field((request.body ?? {}) as Body, 'decision', 10);
      if (decision !== 'ACCEPT' && decision !== 'DECLINE') {
        return statusPage(request, reply, view, [{ field: 'decision', href: '#decision', message: 'Select whether you accept the offer to move' }], 400);
      }
      let answer;
      try {
        answer = await answerOffer(deps, patient, decision);
      } catch (err) {
        if (!(err instanceof Problem) || err.status >= 500) throw err;
        return statusPage(request, reply, await ownView(request), [{ field: 'decision', href: '#decision', message: sentence(err.detail) }], 409);
      }
      const offer = view.offer!;
      await save({
        ...draft,
        offerAnswer: {
          decision,
          previousUbrn: patient.ubrn,
          moved: answer.status === 'ACCEPTED' ? { previousUbrn: answer.previousUbrn, ubrn: answer.ubrn, accessCode: answer.accessCode, service: answer.service, provider: offer.provider } : null,
        },
      });
      return seeOther(reply, '/manage/move/answered');
    });
    app.get('/manage/move/answered', { config: patientPage }, async (request, reply) => {
      const patient = patientOf(request);
      const { draft, save } = await draftOf(request);
      const a = draft.offerAnswer;
      if (!a || (a.moved ? a.moved.ubrn !== patient.ubrn : a.previousUbrn !== patient.ubrn)) return seeOther(reply, '/manage/move');
      if (a.moved?.accessCode) await save({ ...draft, offerAnswer: { ...a, moved: { ...a.moved, accessCode: null } } });
      if (a.moved) {
        return sendPage(request, reply, 'waiting-moved.njk', {
          title: 'Your referral has moved',
          patient: true,
          pidmas: true,
          ubrn: formatUbrn(a.moved.ubrn),
          previousUbrn: formatUbrn(a.moved.previousUbrn),
          accessCode: a.moved.accessCode,
          service: a.moved.service,
          provider: a.moved.provider,
        });
      }
      return sendPage(request, reply, 'pidmas-declined.njk', { title: 'You declined the offer', ubrn: formatUbrn(a.previousUbrn) });
    });
  };
}
