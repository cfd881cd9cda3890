// Making a referral, one question a page (answers kept in the session's draft, never in URLs): the patient and what
// they are referred for, what matters to them, the services to offer, clinical details; then check your answers,
// the confirmation with the reference number and access code, and the patient's letter.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { ageOn, londonDate } from '../../domain/dates.ts';
import { hasNeeds } from '../../domain/communication-needs.ts';
import { mayDo } from '../../domain/referral-status.ts';
import { READS, auditReads } from '../../http/read-audit.ts';
import { ROLES, staffOf } from '../../http/access.ts';
import { listSpecialties } from '../../reference/queries.ts';
import { DISTANCE_CHOICES, SORT_CHOICES } from '../../shortlist/choices.ts';
import { buildShortlist, chosenStillFit, optionsForChosenServices } from '../../shortlist/service.ts';
import type { ShortlistRequest } from '../../shortlist/types.ts';
import { transportSupportByProvider } from '../../shortlist/travel-help.ts';
import { outsideEnglandView, shortfallView } from '../../shortlist/widen.ts';
import { draftPart } from '../../web/drafts.ts';
import { attempt, type Body, checkboxes, errorContext, type FieldError, type ProblemPlacement, sentence, text } from '../../web/forms.ts';
import { journey } from '../../web/journeys.ts';
import { seeOther, sendPage } from '../../web/page.ts';
import { NO_REFERRER_NOTICES, type ReferrerNotices } from '../../web/panels.ts';
import { describeNeeds } from '../communication-needs.ts';
import { createReferral } from '../create.ts';
import { sendLetter, sendLetterPdf } from '../letter.ts';
import { getReferral } from '../queries.ts';
import {
  type ClinicalValues,
  type PatientValues,
  type PreferencesValues,
  PRIORITY_CHOICES,
  readClinical,
  readPatient,
  readPreferences,
  readShortlist,
  type ReferralDraft,
} from './refer-forms.ts';
import { homePostcodeError, originPostcodeError } from './refer-checks.ts';
import { optionView, patientName } from './referral-view.ts';
import { assessmentServiceOffered, asksForTriage, SEND_FOR_TRIAGE } from './refer-triage.ts';

const page = { access: ROLES('referrer', 'referral-centre'), page: true } as const;
const CONFIRMATION = '/referrals/new/confirmation';
const CHECK = '/referrals/new/check';
const RECOMMENDED = 5;

const STEPS = ['patient', 'preferences', 'shortlist', 'clinical'] as const;
type Step = (typeof STEPS)[number];
const ANSWERED: Record<Step, (d: ReferralDraft) => boolean> = {
  patient: (d) => d.patient !== undefined,
  preferences: (d) => d.preferences !== undefined,
  shortlist: (d) => (d.shortlist?.length ?? 0) > 0 || d.triage !== undefined,
  clinical: (d) => d.clinical !== undefined,
};
const flow = journey('/referrals/new', '/referrals', STEPS, ANSWERED);

/** `notices`: what the ICB's assurance shows on the shortlist and the check page (src/referral-notices, via buildApp). */
export function referPages(deps: Deps, notices: ReferrerNotices = NO_REFERRER_NOTICES) {
  const { db } = deps.database;
  const specialties = async () => (await listSpecialties(db, { listedOnly: true })).map(({ code, name }) => ({ code, name }));
  const draftOf = (request: FastifyRequest) => draftPart<ReferralDraft>(db, request, 'referral');

  /**
   * The draft and a way to keep it; or, instead, where the browser goes: to the confirmation once the referral is
   * made (a page sent again), or to the first question not answered when one this page needs is not.
   */
  async function journeyAt(request: FastifyRequest, needs: readonly Step[] = []) {
    const part = draftOf(request);
    const draft = (await part.read()) ?? {};
    const elsewhere = draft.created ? CONFIRMATION : needs.some((step) => !ANSWERED[step](draft)) ? flow.next(draft) : null;
    return { draft, elsewhere, save: async (next: ReferralDraft) => part.write(next) };
  }

  /** What the shortlist engine is asked for the draft's answers: up to 20 options, the first 5 recommended. */
  function shortlistRequest(draft: ReferralDraft): ShortlistRequest {
    const p = draft.patient!.answer;
    const prefs = draft.preferences!.answer;
    return {
      specialty: p.specialty,
      postcode: prefs.originPostcode ?? p.postcode,
      sortBy: prefs.sortBy,
      maxDistanceKm: prefs.maxDistanceKm,
      maxWaitWeeks: null,
      priority: draft.clinical?.answer.priority ?? 'ROUTINE',
      limit: 20,
      age: Math.max(0, ageOn(p.dob, londonDate())),
      sex: null,
    };
  }

  /**
   * The options to show for the draft: the engine's, then any service the referrer chose that still fits but is
   * no longer among the engine's 20 (after another answer changed), so a choice is never dropped from view.
   */
  async function optionsFor(draft: ReferralDraft) {
    const request = shortlistRequest(draft);
    const answer = await buildShortlist(deps, request);
    const shown = new Set(answer.options.map((o) => o.service.id));
    // Only those still listed and fitting: one taken out of the directory since is said on the check page.
    const beyond = (await chosenStillFit(deps, request, (draft.shortlist ?? []).filter((id) => !shown.has(id)))).kept;
    const kept = beyond.length === 0 ? [] : (await optionsForChosenServices(deps, { specialty: request.specialty, postcode: request.postcode, field: 'shortlist' }, beyond)).options;
    return { ...answer, kept, all: [...answer.options, ...kept] };
  }

  /**
   * When an answer the shortlist depends on changes (specialty, date of birth, postcode, preferences), the services
   * chosen are kept where they still fit the new answers; the others are taken off with the reason, to be shown.
   */
  async function keepShortlist(before: ReferralDraft, next: ReferralDraft): Promise<ReferralDraft> {
    if (!before.shortlist || !next.patient || !next.preferences) return next;
    if (before.patient && before.preferences && JSON.stringify(shortlistRequest(before)) === JSON.stringify(shortlistRequest(next))) return next;
    const { kept, removed } = await chosenStillFit(deps, shortlistRequest(next), before.shortlist);
    const result: ReferralDraft = { ...next, shortlist: kept };
    if (kept.length === 0) delete result.shortlist;
    if (removed.length > 0) result.removedServices = [...(before.removedServices ?? []), ...removed];
    return result;
  }

  /** Where a question's back link leads: the check page once every question is answered (changing an answer). */
  const backFrom = (step: Step, draft: ReferralDraft) => (flow.complete(draft) ? CHECK : flow.back(step));

  const patientPage = async (request: FastifyRequest, reply: FastifyReply, draft: ReferralDraft, values: Partial<PatientValues>, errors: FieldError[], status = 200) => {
    const choices = await specialties();
    return sendPage(request, reply, 'new-patient.njk', {
      title: 'Patient details',
      back: backFrom('patient', draft),
      values,
      ...errorContext(errors),
      dobErrorField: errors.find((e) => e.field === 'dob')?.href.slice('#dob-'.length) ?? null,
      specialtyItems: [
        { value: '', text: 'Choose a specialty', selected: !values.specialty },
        ...choices.map((s) => ({ value: s.code, text: s.name, selected: s.code === values.specialty })),
      ],
    }, status);
  };

  const preferencesPage = (request: FastifyRequest, reply: FastifyReply, draft: ReferralDraft, values: Partial<PreferencesValues>, errors: FieldError[], status = 200) =>
    sendPage(request, reply, 'new-preferences.njk', {
      title: 'What matters most to the patient?',
      back: backFrom('preferences', draft),
      values,
      ...errorContext(errors),
      homePostcode: draft.patient?.answer.postcode,
      sortItems: SORT_CHOICES.map((c) => ({ value: c.value, text: c.text, hint: { text: c.hintForStaff }, checked: c.value === values.sortBy })),
      distanceItems: DISTANCE_CHOICES.map((c) => ({ value: c.value, text: c.text, checked: c.value === values.distance })),
    }, status);

  const shortlistPage = async (request: FastifyRequest, reply: FastifyReply, draft: ReferralDraft, chosen: readonly string[] | null, errors: FieldError[], status = 200) => {
    const found = await attempt(() => optionsFor(draft), placementFor(draft, '#change-preferences'));
    if (!found.ok) {
      return sendPage(request, reply, 'new-shortlist.njk', { title: 'Services to offer the patient', back: backFrom('shortlist', draft), ...errorContext(found.errors), recommended: [], others: [] }, 422);
    }
    const answer = found.value;
    const assessmentService = await assessmentServiceOffered(db, staffOf(request), draft);
    const ticked = new Set(chosen ?? (draft.triage ? [] : answer.options.slice(0, RECOMMENDED).map((o) => o.service.id)));
    // The ICB's prior-approval rules and capacity notices for the specialty, before the referrer commits; and the
    // transport support each option's ICB publishes.
    const [shown, transport] = await Promise.all([
      notices.shortlist(staffOf(request), answer.specialty, answer.all.map((o) => ({ serviceId: o.service.id, providerOdsCode: o.service.provider.odsCode }))),
      transportSupportByProvider(db, answer.all.map((o) => o.service.provider.odsCode)),
    ]);
    const items = answer.all.map((o) => ({ ...optionView(o), checked: ticked.has(o.service.id), noticesHtml: shown.byService[o.service.id] ?? null }));
    return sendPage(request, reply, 'new-shortlist.njk', {
      title: 'Services to offer the patient',
      back: backFrom('shortlist', draft),
      ...errorContext(errors),
      specialty: answer.specialty.name,
      origin: answer.origin.postcode,
      eligibleCount: answer.eligibleCount,
      shortfall: shortfallView(answer),
      outsideEnglandPlace: outsideEnglandView(answer.origin.postcode),
      removed: draft.removedServices ?? [],
      recommended: items.slice(0, Math.min(RECOMMENDED, answer.options.length)),
      others: items.slice(Math.min(RECOMMENDED, answer.options.length)),
      assessmentService,
      sendForTriage: SEND_FOR_TRIAGE,
      noticesHtml: shown.above,
      transportSupport: [...new Map([...transport.values()].map((t) => [t.icbCode, t])).values()],
    }, status);
  };

  const clinicalPage = (request: FastifyRequest, reply: FastifyReply, draft: ReferralDraft, values: Partial<ClinicalValues>, errors: FieldError[], status = 200) =>
    sendPage(request, reply, 'new-clinical.njk', {
      title: 'Clinical details',
      back: backFrom('clinical', draft),
      values,
      ...errorContext(errors),
      priorityItems: PRIORITY_CHOICES.map((c) => ({ value: c.value, text: c.text, hint: { text: c.hint }, checked: c.value === values.priority })),
    }, status);

  const checkPage = async (request: FastifyRequest, reply: FastifyReply, draft: ReferralDraft, errors: FieldError[], status = 200) => {
    const p = draft.patient!.answer;
    const prefs = draft.preferences!.answer;
    const clinical = draft.clinical!.answer;
    // The directory may have changed since the answers were given: then the page says what to change, and where.
    const found = await attempt(() => optionsFor(draft), placementFor(draft));
    const byId = new Map(found.ok ? found.value.all.map((o) => [o.service.id, o]) : []);
    const shown = found.ok ? errors : [...errors, ...found.errors.filter((e) => !errors.some((x) => x.field === e.field))];
    // A service chosen that no longer fits though no answer changed (taken out of the directory): said, not hidden.
    const gone = found.ok ? (draft.shortlist ?? []).filter((id) => !byId.has(id)) : [];
    const removed = [...(draft.removedServices ?? []), ...(gone.length > 0 ? (await chosenStillFit(deps, shortlistRequest(draft), gone)).removed : [])];
    const chosen = (draft.shortlist ?? []).map((id) => byId.get(id)).filter((o) => o !== undefined);
    const onCheck = found.ok
      ? await notices.shortlist(staffOf(request), found.value.specialty, chosen.map((o) => ({ serviceId: o.service.id, providerOdsCode: o.service.provider.odsCode })))
      : { above: null, byService: {} as Record<string, string> };
    return sendPage(request, reply, 'new-check.njk', {
      title: 'Check the referral before sending it',
      back: flow.back('check'),
      ...errorContext(shown),
      removed,
      patient: {
        nhsNumber: p.nhsNumber,
        name: `${p.givenName} ${p.familyName}`,
        dateOfBirth: p.dob,
        address: (p.address ?? []).join(', '),
        postcode: p.postcode,
        email: p.email,
        mobile: p.mobile,
        specialty: (await specialties()).find((s) => s.code === p.specialty)?.name ?? p.specialty,
      },
      preferences: {
        sortBy: SORT_CHOICES.find((c) => c.value === prefs.sortBy)?.text,
        origin: prefs.originPostcode ? `Another postcode: ${prefs.originPostcode}` : `Home: ${p.postcode}`,
        distance: DISTANCE_CHOICES.find((c) => c.value === prefs.distance)?.text,
      },
      services: chosen.map((o) => ({ ...optionView(o), noticesHtml: onCheck.byService[o.service.id] ?? null })),
      noticesHtml: onCheck.above,
      triage: draft.triage ?? null,
      clinical: { priority: PRIORITY_CHOICES.find((c) => c.value === clinical.priority)?.text, clinicalSummary: clinical.clinicalSummary },
      needs: hasNeeds(draft.needs?.answer ?? null) ? sentence(describeNeeds(draft.needs!.answer)) : null,
      // A referral centre also records referrals that reached it on paper (the choice measures count them, MS7).
      askReceivedVia: staffOf(request).role === 'referral-centre',
    }, status);
  };

  /** The referral made in this session's journey, with its access code (shown from the draft only, never stored in clear). */
  async function madeReferral(request: FastifyRequest) {
    const { draft } = await journeyAt(request);
    if (!draft.created) return null;
    return { created: draft.created, referral: await getReferral(deps, staffOf(request), draft.created.ubrn) };
  }

  return async function (app: FastifyInstance) {
    // Start a new referral: a fresh draft.
    app.post('/referrals/new', { config: page }, async (request, reply) => {
      await draftOf(request).write({});
      return seeOther(reply, flow.next({}));
    });

    // 1. Patient details and what they are referred for; the postcode must be one the directory knows.
    app.get('/referrals/new/patient', { config: page }, async (request, reply) => {
      const { draft, elsewhere } = await journeyAt(request);
      if (elsewhere) return seeOther(reply, elsewhere);
      // An answer given before the directory changed (the link from "Send referral" leads here): said at once.
      const stale = draft.patient ? await homePostcodeError(deps.postcodes, draft.patient.answer.postcode) : null;
      return patientPage(request, reply, draft, draft.patient?.values ?? {}, stale ? [stale] : []);
    });
    app.post('/referrals/new/patient', { config: page }, async (request, reply) => {
      const { draft, elsewhere, save } = await journeyAt(request);
      if (elsewhere) return seeOther(reply, elsewhere);
      const form = readPatient(request.body, new Set((await specialties()).map((s) => s.code)));
      if (!form.ok) return patientPage(request, reply, draft, form.values, form.errors, 400);
      const unknown = await homePostcodeError(deps.postcodes, form.answer.postcode);
      if (unknown) return patientPage(request, reply, draft, form.values, [unknown], 422);
      const next = await keepShortlist(draft, { ...draft, patient: { values: form.values, answer: form.answer } });
      // Another specialty may have another referral assessment service, or none.
      if (draft.patient?.answer.specialty !== form.answer.specialty) delete next.triage;
      await save(next);
      return seeOther(reply, flow.next(next));
    });

    // 2. What matters to the patient; another postcode to measure from must be one the directory knows.
    app.get('/referrals/new/preferences', { config: page }, async (request, reply) => {
      const { draft, elsewhere } = await journeyAt(request, ['patient']);
      if (elsewhere) return seeOther(reply, elsewhere);
      const origin = draft.preferences?.answer.originPostcode;
      const stale = origin ? await originPostcodeError(deps.postcodes, origin) : null;
      return preferencesPage(request, reply, draft, draft.preferences?.values ?? {}, stale ? [stale] : []);
    });
    app.post('/referrals/new/preferences', { config: page }, async (request, reply) => {
      const { draft, elsewhere, save } = await journeyAt(request, ['patient']);
      if (elsewhere) return seeOther(reply, elsewhere);
      const form = readPreferences(request.body);
      if (!form.ok) return preferencesPage(request, reply, draft, form.values, form.errors, 400);
      const unknown = form.answer.originPostcode ? await originPostcodeError(deps.postcodes, form.answer.originPostcode) : null;
      if (unknown) return preferencesPage(request, reply, draft, form.values, [unknown], 422);
      const next = await keepShortlist(draft, { ...draft, preferences: { values: form.values, answer: form.answer } });
      await save(next);
      return seeOther(reply, flow.next(next));
    });

    // 3. The shortlist: the engine's top 5 ticked, up to 15 more nearby to add; any can be removed. With fewer than
    // 5, the page offers wider searches ("widen"), which keep what is ticked.
    app.get('/referrals/new/shortlist', { config: page }, async (request, reply) => {
      const { draft, elsewhere } = await journeyAt(request, ['patient', 'preferences']);
      if (elsewhere) return seeOther(reply, elsewhere);
      return shortlistPage(request, reply, draft, draft.shortlist ?? null, []);
    });
    app.post('/referrals/new/shortlist', { config: page }, async (request, reply) => {
      const { draft, elsewhere, save } = await journeyAt(request, ['patient', 'preferences']);
      if (elsewhere) return seeOther(reply, elsewhere);
      if (asksForTriage(request.body)) {
        const ras = await assessmentServiceOffered(db, staffOf(request), draft);
        if (!ras) return shortlistPage(request, reply, draft, null, [{ field: 'services', href: '#services', message: 'There is no referral assessment service for this specialty. Select the services to offer the patient' }], 422);
        const { shortlist: _dropped, ...rest } = draft;
        const next: ReferralDraft = { ...rest, triage: { rasId: ras.id, name: ras.name } };
        await save(next);
        return seeOther(reply, flow.next(next));
      }
      const offered = (await optionsFor(draft)).all.map((o) => o.service.id);
      const widen = readWiden(request.body, draft);
      if (widen) {
        const ticked = new Set(readTicked(request.body).filter((id) => offered.includes(id)));
        const wider: ReferralDraft = { ...draft, preferences: widen };
        // The wider search's recommended services that were not offered before are ticked, as on a first visit.
        const found = (await optionsFor(wider)).all.map((o) => o.service.id);
        for (const id of found.slice(0, RECOMMENDED)) if (!offered.includes(id)) ticked.add(id);
        wider.shortlist = found.filter((id) => ticked.has(id));
        if (wider.shortlist.length === 0) delete wider.shortlist;
        await save(wider);
        return seeOther(reply, '/referrals/new/shortlist');
      }
      const form = readShortlist(request.body, new Set(offered));
      if (!form.ok) return shortlistPage(request, reply, draft, form.values.services, form.errors, 400);
      // Kept in the engine's order; the referrer has now seen what was taken off.
      const chosen = new Set(form.answer.services);
      const { triage: _instead, ...rest } = draft;
      const next: ReferralDraft = { ...rest, shortlist: offered.filter((id) => chosen.has(id)) };
      delete next.removedServices;
      await save(next);
      return seeOther(reply, flow.next(next));
    });

    // 4. Clinical details.
    app.get('/referrals/new/clinical', { config: page }, async (request, reply) => {
      const { draft, elsewhere } = await journeyAt(request, ['patient']);
      if (elsewhere) return seeOther(reply, elsewhere);
      return clinicalPage(request, reply, draft, draft.clinical?.values ?? {}, []);
    });
    app.post('/referrals/new/clinical', { config: page }, async (request, reply) => {
      const { draft, elsewhere, save } = await journeyAt(request, ['patient']);
      if (elsewhere) return seeOther(reply, elsewhere);
      const form = readClinical(request.body);
      if (!form.ok) return clinicalPage(request, reply, draft, form.values, form.errors, 400);
      const next: ReferralDraft = { ...draft, clinical: { values: form.values, answer: form.answer } };
      await save(next);
      return seeOther(reply, flow.next(next));
    });

    // Check your answers, and send.
    app.get(CHECK, { config: page }, async (request, reply) => {
      const { draft, elsewhere } = await journeyAt(request, STEPS);
      if (elsewhere) return seeOther(reply, elsewhere);
      return checkPage(request, reply, draft, []);
    });
    app.post(CHECK, { config: page }, async (request, reply) => {
      // Sent twice (a double click, a refresh): the first made the referral, and the second is sent to it.
      const { draft, elsewhere, save } = await journeyAt(request, STEPS);
      if (elsewhere) return seeOther(reply, elsewhere);
      const { nhsNumber, givenName, familyName, dob, address, postcode, email, mobile, specialty } = draft.patient!.answer;
      const prefs = draft.preferences!.answer;
      const made = await attempt(() => createReferral(deps, staffOf(request), {
        patient: { nhsNumber, givenName, familyName, dateOfBirth: dob, addressLines: address, postcode, email, mobile },
        specialty,
        priority: draft.clinical!.answer.priority,
        clinicalSummary: draft.clinical!.answer.clinicalSummary,
        preferences: { sortBy: prefs.sortBy, maxDistanceKm: prefs.maxDistanceKm, originPostcode: prefs.originPostcode },
        shortlist: draft.triage ? null : draft.shortlist!,
        triage: draft.triage ? { rasId: draft.triage.rasId } : null,
        communicationNeeds: draft.needs?.answer ?? null,
        receivedVia: staffOf(request).role === 'referral-centre' && (request.body as Record<string, unknown> | undefined)?.receivedVia === 'PAPER' ? 'PAPER' : 'ELECTRONIC',
        fewerOptionsReason: null,
      }), placementFor(draft));
      if (!made.ok) return checkPage(request, reply, draft, made.errors, made.status === 400 ? 400 : 422);
      const sent: ReferralDraft = { ...draft, created: { ubrn: made.value.ubrn, accessCode: made.value.accessCode, createdAt: new Date().toISOString() } };
      delete sent.removedServices;
      await save(sent);
      return seeOther(reply, CONFIRMATION);
    });

    // The confirmation and the patient's letter.
    app.get(CONFIRMATION, { config: page }, async (request, reply) => {
      const made = await madeReferral(request);
      if (!made) return seeOther(reply, '/referrals');
      return sendPage(request, reply, 'new-confirmation.njk', {
        title: 'Referral sent',
        ubrn: made.created.ubrn,
        accessCode: made.created.accessCode,
        patientName: patientName(made.referral),
        optionsOffered: made.referral.optionsOffered,
        canBook: mayDo(made.referral.status, 'BOOK'),
        triage: made.referral.triage,
      });
    });
    // The patient's letter, on screen and as a PDF to print: an export of their referral.
    const letter = { ...page, audit: READS('referral', 'the patient\'s letter') };
    app.get('/referrals/new/letter', { config: letter }, async (request, reply) => {
      const made = await madeReferral(request);
      if (!made) return seeOther(reply, '/referrals');
      auditReads(request, [made.created]);
      return sendLetter(deps, request, reply, made.referral, made.created.accessCode, { href: '/referrals/new/letter', pdfHref: '/referrals/new/letter.pdf', back: CONFIRMATION });
    });
    app.get('/referrals/new/letter.pdf', { config: letter }, async (request, reply) => {
      const made = await madeReferral(request);
      if (!made) return seeOther(reply, '/referrals');
      auditReads(request, [made.created]);
      return sendLetterPdf(deps, request, reply, made.referral, made.created.accessCode);
    });
  };
}

/**
 * Where what can still go wrong at "Send referral" (the directory changed since the answer was given) is linked:
 * to the field on the page where it is answered, so the referrer goes straight to it. The shortlist's origin
 * ("postcode") is the home postcode or the other one the preferences gave.
 */
function placementFor(draft: ReferralDraft, otherwise = '#check-services'): ProblemPlacement {
  const home = { field: 'postcode', href: '/referrals/new/patient#postcode' };
  const other = { field: 'originPostcode', href: '/referrals/new/preferences#originPostcode' };
  return {
    field: 'services',
    href: otherwise,
    fields: {
      'patient.nhsNumber': { field: 'nhsNumber', href: '/referrals/new/patient#nhsNumber', label: 'NHS number' },
      'patient.dateOfBirth': { field: 'dob', href: '/referrals/new/patient#dob-day', label: 'Date of birth' },
      'patient.postcode': home,
      'preferences.originPostcode': other,
      postcode: draft.preferences?.answer.originPostcode ? other : home,
      'preferences.maxDistanceKm': { field: 'distance', href: '/referrals/new/preferences#distance' },
      ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`shortlist[${i}]`, { field: 'services', href: '/referrals/new/shortlist#services' }])),
    },
  };
}

/** The services ticked on the shortlist page, as posted. */
const readTicked = (body: unknown): string[] => checkboxes(40)((body ?? {}) as Body, 'services');

/** A wider search asked for on the shortlist page: the preferences with the larger distance, or null. */
function readWiden(body: unknown, draft: ReferralDraft): ReferralDraft['preferences'] | null {
  const choice = DISTANCE_CHOICES.find((c) => c.value === text(10)((body ?? {}) as Body, 'widen'));
  const prefs = draft.preferences!;
  const current = prefs.answer.maxDistanceKm;
  if (!choice || current === null || (choice.km !== null && choice.km <= current)) return null;
  return { values: { ...prefs.values, distance: choice.value }, answer: { ...prefs.answer, distance: choice.value, maxDistanceKm: choice.km } };
}
