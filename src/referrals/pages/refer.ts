// Making a referral, one question a page (answers kept in the session's draft, never in URLs): the patient and what
// they are referred for, what matters to them, the services to offer, clinical details; then check your answers,
// the confirmation with the reference number and access code, and the patient's letter.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { ageOn, londonDate } from '../../domain/dates.ts';
import { hasNeeds } from '../../domain/communication-needs.ts';
import { mayDo } from '../../domain/referral-status.ts';
import { ROLES, staffOf } from '../../http/access.ts';
import { listSpecialties } from '../../reference/queries.ts';
import { DISTANCE_CHOICES, SORT_CHOICES } from '../../shortlist/choices.ts';
import { buildShortlist } from '../../shortlist/service.ts';
import { draftPart } from '../../web/drafts.ts';
import { attempt, errorContext, type FieldError, sentence } from '../../web/forms.ts';
import { journey } from '../../web/journeys.ts';
import { seeOther, sendPage } from '../../web/page.ts';
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
import { optionView, patientName } from './referral-view.ts';

const page = { access: ROLES('referrer', 'referral-centre'), page: true } as const;
const CONFIRMATION = '/referrals/new/confirmation';
const RECOMMENDED = 5;

const STEPS = ['patient', 'preferences', 'shortlist', 'clinical'] as const;
type Step = (typeof STEPS)[number];
const ANSWERED: Record<Step, (d: ReferralDraft) => boolean> = {
  patient: (d) => d.patient !== undefined,
  preferences: (d) => d.preferences !== undefined,
  shortlist: (d) => (d.shortlist?.length ?? 0) > 0,
  clinical: (d) => d.clinical !== undefined,
};
const flow = journey('/referrals/new', '/referrals', STEPS, ANSWERED);

export function referPages(deps: Deps) {
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

  /** The engine's options for the draft's answers: up to 20, the first 5 recommended. */
  function optionsFor(draft: ReferralDraft) {
    const p = draft.patient!.answer;
    const prefs = draft.preferences!.answer;
    return buildShortlist(deps, {
      specialty: p.specialty,
      postcode: prefs.originPostcode ?? p.postcode,
      sortBy: prefs.sortBy,
      maxDistanceKm: prefs.maxDistanceKm,
      maxWaitWeeks: null,
      priority: draft.clinical?.answer.priority ?? 'ROUTINE',
      limit: 20,
      age: Math.max(0, ageOn(p.dob, londonDate())),
      sex: null,
    });
  }

  const patientPage = async (request: FastifyRequest, reply: FastifyReply, values: Partial<PatientValues>, errors: FieldError[], status = 200) => {
    const choices = await specialties();
    return sendPage(request, reply, 'new-patient.njk', {
      title: 'Patient details',
      back: flow.back('patient'),
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
      back: flow.back('preferences'),
      values,
      ...errorContext(errors),
      homePostcode: draft.patient?.answer.postcode,
      sortItems: SORT_CHOICES.map((c) => ({ value: c.value, text: c.text, hint: { text: c.hintForStaff }, checked: c.value === values.sortBy })),
      distanceItems: DISTANCE_CHOICES.map((c) => ({ value: c.value, text: c.text, checked: c.value === values.distance })),
    }, status);

  const shortlistPage = async (request: FastifyRequest, reply: FastifyReply, draft: ReferralDraft, chosen: readonly string[] | null, errors: FieldError[], status = 200) => {
    const found = await attempt(() => optionsFor(draft), { field: 'services', href: '#change-preferences' });
    if (!found.ok) {
      const problem = [{ field: 'services', href: '#change-preferences', message: found.problem.detail }];
      return sendPage(request, reply, 'new-shortlist.njk', { title: 'Services to offer the patient', back: flow.back('shortlist'), ...errorContext(problem), recommended: [], others: [] }, 422);
    }
    const answer = found.value;
    const ticked = new Set(chosen ?? answer.options.slice(0, RECOMMENDED).map((o) => o.service.id));
    const items = answer.options.map((o) => ({ ...optionView(o), checked: ticked.has(o.service.id) }));
    return sendPage(request, reply, 'new-shortlist.njk', {
      title: 'Services to offer the patient',
      back: flow.back('shortlist'),
      ...errorContext(errors),
      specialty: answer.specialty.name,
      origin: answer.origin.postcode,
      eligibleCount: answer.eligibleCount,
      shortfall: answer.shortfall,
      recommended: items.slice(0, RECOMMENDED),
      others: items.slice(RECOMMENDED),
    }, status);
  };

  const clinicalPage = (request: FastifyRequest, reply: FastifyReply, values: Partial<ClinicalValues>, errors: FieldError[], status = 200) =>
    sendPage(request, reply, 'new-clinical.njk', {
      title: 'Clinical details',
      back: flow.back('clinical'),
      values,
      ...errorContext(errors),
      priorityItems: PRIORITY_CHOICES.map((c) => ({ value: c.value, text: c.text, hint: { text: c.hint }, checked: c.value === values.priority })),
    }, status);

  const checkPage = async (request: FastifyRequest, reply: FastifyReply, draft: ReferralDraft, errors: FieldError[], status = 200) => {
    const p = draft.patient!.answer;
    const prefs = draft.preferences!.answer;
    const clinical = draft.clinical!.answer;
    const byId = new Map((await optionsFor(draft)).options.map((o) => [o.service.id, o]));
    return sendPage(request, reply, 'new-check.njk', {
      title: 'Check the referral before sending it',
      back: flow.back('check'),
      ...errorContext(errors),
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
      services: (draft.shortlist ?? []).map((id) => byId.get(id)).filter((o) => o !== undefined).map(optionView),
      clinical: { priority: PRIORITY_CHOICES.find((c) => c.value === clinical.priority)?.text, clinicalSummary: clinical.clinicalSummary },
      needs: hasNeeds(draft.needs?.answer ?? null) ? sentence(describeNeeds(draft.needs!.answer)) : null,
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

    // 1. Patient details and what they are referred for.
    app.get('/referrals/new/patient', { config: page }, async (request, reply) => {
      const { draft, elsewhere } = await journeyAt(request);
      if (elsewhere) return seeOther(reply, elsewhere);
      return patientPage(request, reply, draft.patient?.values ?? {}, []);
    });
    app.post('/referrals/new/patient', { config: page }, async (request, reply) => {
      const { draft, elsewhere, save } = await journeyAt(request);
      if (elsewhere) return seeOther(reply, elsewhere);
      const form = readPatient(request.body, new Set((await specialties()).map((s) => s.code)));
      if (!form.ok) return patientPage(request, reply, form.values, form.errors, 400);
      const before = draft.patient?.answer;
      const next: ReferralDraft = { ...draft, patient: { values: form.values, answer: form.answer } };
      // Another specialty or home postcode makes another shortlist.
      if (before && (before.specialty !== form.answer.specialty || before.postcode !== form.answer.postcode)) delete next.shortlist;
      await save(next);
      return seeOther(reply, flow.next(next));
    });

    // 2. What matters to the patient.
    app.get('/referrals/new/preferences', { config: page }, async (request, reply) => {
      const { draft, elsewhere } = await journeyAt(request, ['patient']);
      if (elsewhere) return seeOther(reply, elsewhere);
      return preferencesPage(request, reply, draft, draft.preferences?.values ?? {}, []);
    });
    app.post('/referrals/new/preferences', { config: page }, async (request, reply) => {
      const { draft, elsewhere, save } = await journeyAt(request, ['patient']);
      if (elsewhere) return seeOther(reply, elsewhere);
      const form = readPreferences(request.body);
      if (!form.ok) return preferencesPage(request, reply, draft, form.values, form.errors, 400);
      const next: ReferralDraft = { ...draft, preferences: { values: form.values, answer: form.answer } };
      if (JSON.stringify(draft.preferences?.answer) !== JSON.stringify(form.answer)) delete next.shortlist;
      await save(next);
      return seeOther(reply, flow.next(next));
    });

    // 3. The shortlist: the engine's top 5 ticked, up to 15 more nearby to add; any can be removed.
    app.get('/referrals/new/shortlist', { config: page }, async (request, reply) => {
      const { draft, elsewhere } = await journeyAt(request, ['patient', 'preferences']);
      if (elsewhere) return seeOther(reply, elsewhere);
      return shortlistPage(request, reply, draft, draft.shortlist ?? null, []);
    });
    app.post('/referrals/new/shortlist', { config: page }, async (request, reply) => {
      const { draft, elsewhere, save } = await journeyAt(request, ['patient', 'preferences']);
      if (elsewhere) return seeOther(reply, elsewhere);
      const offered = (await optionsFor(draft)).options.map((o) => o.service.id);
      const form = readShortlist(request.body, new Set(offered));
      if (!form.ok) return shortlistPage(request, reply, draft, form.values.services, form.errors, 400);
      // Kept in the engine's order.
      const chosen = new Set(form.answer.services);
      const next: ReferralDraft = { ...draft, shortlist: offered.filter((id) => chosen.has(id)) };
      await save(next);
      return seeOther(reply, flow.next(next));
    });

    // 4. Clinical details.
    app.get('/referrals/new/clinical', { config: page }, async (request, reply) => {
      const { draft, elsewhere } = await journeyAt(request, ['patient']);
      if (elsewhere) return seeOther(reply, elsewhere);
      return clinicalPage(request, reply, draft.clinical?.values ?? {}, []);
    });
    app.post('/referrals/new/clinical', { config: page }, async (request, reply) => {
      const { draft, elsewhere, save } = await journeyAt(request, ['patient']);
      if (elsewhere) return seeOther(reply, elsewhere);
      const form = readClinical(request.body);
      if (!form.ok) return clinicalPage(request, reply, form.values, form.errors, 400);
      const next: ReferralDraft = { ...draft, clinical: { values: form.values, answer: form.answer } };
      await save(next);
      return seeOther(reply, flow.next(next));
    });

    // Check your answers, and send.
    app.get('/referrals/new/check', { config: page }, async (request, reply) => {
      const { draft, elsewhere } = await journeyAt(request, STEPS);
      if (elsewhere) return seeOther(reply, elsewhere);
      return checkPage(request, reply, draft, []);
    });
    app.post('/referrals/new/check', { config: page }, async (request, reply) => {
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
        shortlist: draft.shortlist!,
        communicationNeeds: draft.needs?.answer ?? null,
      }), { field: 'referral', href: '#patient-details' });
      if (!made.ok) {
        const { detail, errors: [first] = [] } = made.problem;
        const message = first ? `${detail} ${sentence(first.message)}` : detail;
        return checkPage(request, reply, draft, [{ field: 'referral', href: '#patient-details', message }], made.status === 400 ? 400 : 422);
      }
      await save({ ...draft, created: { ubrn: made.value.ubrn, accessCode: made.value.accessCode, createdAt: new Date().toISOString() } });
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
      });
    });
    app.get('/referrals/new/letter', { config: page }, async (request, reply) => {
      const made = await madeReferral(request);
      if (!made) return seeOther(reply, '/referrals');
      return sendLetter(deps, request, reply, made.referral, made.created.accessCode, { href: '/referrals/new/letter', pdfHref: '/referrals/new/letter.pdf', back: CONFIRMATION });
    });
    app.get('/referrals/new/letter.pdf', { config: page }, async (request, reply) => {
      const made = await madeReferral(request);
      if (!made) return seeOther(reply, '/referrals');
      return sendLetterPdf(deps, request, reply, made.referral, made.created.accessCode);
    });
  };
}
