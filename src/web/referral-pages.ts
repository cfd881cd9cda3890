// The referrer's pages: worklists, making a referral one question at a time (answers kept in a server-side
// draft), check your answers, confirmation with the patient's letter, and booking with the patient there and then.
import type { Deps } from '../deps.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { StaffPrincipal } from '../http/principal.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { Problem } from '../http/problem.ts';
import { listSpecialties } from '../reference/queries.ts';
import { bookAppointment } from '../referrals/booking.ts';
import { createReferral } from '../referrals/create.ts';
import { getReferral, visibleReferrals } from '../referrals/queries.ts';
import type { Referral } from '../referrals/schemas.ts';
import { buildShortlist } from '../shortlist/service.ts';
import type { ShortlistOption } from '../shortlist/types.ts';
import { DISTANCE_CHOICES, SORT_CHOICES } from '../shortlist/choices.ts';
import { loadDraft, saveDraft } from './drafts.ts';
import type { Draft } from './referral-form.ts';
import { formatDate, formatDateTime, formatGbp, formatKm, formatMiles, formatWeeks } from './filters.ts';
import { seeOther, sendPage } from './page.ts';
import { errorFor, errorList, type FieldError, PRIORITY_CHOICES, readClinical, readPatient, readPreferences, readShortlist } from './referral-form.ts';
import { sessionHash, sessionToken } from './session.ts';
import { sentence } from './form-fields.ts';
import { sendLetter } from '../referrals/letter.ts';
import type { ReferralPanel } from './panels.ts';

const REFERRERS = ROLES('referrer', 'referral-centre');
const page = { access: REFERRERS, page: true } as const;

const AWAITING_BOOKING = ['NOT_BOOKED', 'APPT_CANCELLED_BY_PATIENT', 'APPT_CANCELLED_BY_PROVIDER'] as const;
const STATUS_TEXT: Record<string, string> = {
  NOT_BOOKED: 'Not booked',
  BOOKED: 'Booked',
  DEFERRED_TO_PROVIDER: 'Deferred to provider',
  AWAITING_TRIAGE: 'Awaiting triage',
  ACCEPTED: 'Accepted',
  REJECTED: 'Rejected',
  APPT_CANCELLED_BY_PATIENT: 'Appointment cancelled by patient',
  APPT_CANCELLED_BY_PROVIDER: 'Appointment cancelled by provider',
  DID_NOT_ATTEND: 'Did not attend',
  CANCELLED: 'Cancelled',
  TRANSFERRED: 'Transferred',
};
const PRIORITY_TEXT: Record<string, string> = { ROUTINE: 'Routine', URGENT: 'Urgent', TWO_WEEK_WAIT: 'Two week wait' };

const STEPS = ['patient', 'preferences', 'shortlist', 'clinical'] as const;
type Step = (typeof STEPS)[number];
const STEP_DONE: Record<Step, (d: Draft) => boolean> = {
  patient: (d) => d.patient !== undefined,
  preferences: (d) => d.preferences !== undefined,
  shortlist: (d) => (d.shortlist?.length ?? 0) > 0,
  clinical: (d) => d.clinical !== undefined,
};
/** The first question not yet answered, or the check page. */
function nextPath(draft: Draft): string {
  const step = STEPS.find((s) => !STEP_DONE[s](draft));
  return step ? `/referrals/new/${step}` : '/referrals/new/check';
}
/** The page before `step`, for its back link. */
function backPath(step: Step | 'check'): string {
  const i = step === 'check' ? STEPS.length : STEPS.indexOf(step);
  return i === 0 ? '/referrals' : `/referrals/new/${STEPS[i - 1]}`;
}

export function optionView(o: ShortlistOption) {
  return {
    serviceId: o.service.id,
    name: o.service.name,
    providerName: o.service.provider.name,
    site: `${o.service.site.name}${o.service.site.postcode ? `, ${o.service.site.postcode}` : ''}`,
    wait: o.indicativeWaitWeeks === null ? 'Not published' : formatWeeks(o.indicativeWaitWeeks),
    distance: `${formatMiles(o.distanceMiles)} (${formatKm(o.distanceKm)})`,
    travelCost: formatGbp(o.travel.estimatedCostGbp),
    earliestSlot: o.earliestSlot ? formatDateTime(o.earliestSlot) : null,
  };
}

export function referrerPages(deps: Deps, panels: { waiting: ReferralPanel }) {
  const { db } = deps.database;
  const specialties = async () => (await listSpecialties(db, { listedOnly: true })).map(({ code, name }) => ({ code, name }));

  async function draftOf(request: FastifyRequest): Promise<{ draft: Draft; save: (d: Draft) => Promise<void> }> {
    const hash = sessionHash(sessionToken(request)!);
    return { draft: (await loadDraft(db, hash)) as Draft, save: (d) => saveDraft(db, hash, d) };
  }

  /** The engine's options for the draft's answers: up to 20, the first 5 recommended. */
  async function optionsFor(draft: Draft) {
    const p = draft.patient!.answer;
    const prefs = draft.preferences!.answer;
    const today = new Date();
    const dob = new Date(`${p.dateOfBirth}T00:00:00Z`);
    const age = Math.max(0, today.getUTCFullYear() - dob.getUTCFullYear() - (today < new Date(Date.UTC(today.getUTCFullYear(), dob.getUTCMonth(), dob.getUTCDate())) ? 1 : 0));
    return buildShortlist(deps, {
      specialty: p.specialty,
      postcode: prefs.originPostcode ?? p.postcode,
      sortBy: prefs.sortBy,
      maxDistanceKm: prefs.maxDistanceKm,
      maxWaitWeeks: null,
      priority: draft.clinical?.answer.priority ?? 'ROUTINE',
      limit: 20,
      age,
      sex: null,
    });
  }

  return async function (app: FastifyInstance) {
    // Worklists.
    app.get('/referrals', { config: page }, async (request, reply) => {
      const staff = staffOf(request);
      const rows = await visibleReferrals(db, staff)
        .innerJoin('specialty as sp', 'sp.code', 'r.specialty_code')
        .select(['r.ubrn', 'r.status', 'r.priority', 'sp.name as specialty', 'r.patient_given_name', 'r.patient_family_name', 'r.patient_nhs_number', 'r.contact_by', 'r.updated_at'])
        .where('r.status', 'in', [...AWAITING_BOOKING, 'DEFERRED_TO_PROVIDER', 'REJECTED', 'BOOKED'])
        .orderBy('r.updated_at', 'desc')
        .limit(500)
        .execute();
      const view = (r: (typeof rows)[number]) => ({
        ubrn: r.ubrn,
        patient: `${r.patient_given_name} ${r.patient_family_name}`,
        nhsNumber: `${r.patient_nhs_number.slice(0, 3)} ${r.patient_nhs_number.slice(3, 6)} ${r.patient_nhs_number.slice(6)}`,
        specialty: r.specialty,
        priority: PRIORITY_TEXT[r.priority],
        status: STATUS_TEXT[r.status],
        contactBy: r.contact_by ? formatDate(r.contact_by) : null,
        updated: formatDate(new Date(r.updated_at).toISOString()),
      });
      return sendPage(request, reply, 'referrals.njk', {
        title: 'Referrals',
        awaiting: rows.filter((r) => (AWAITING_BOOKING as readonly string[]).includes(r.status)).map(view),
        deferred: rows.filter((r) => r.status === 'DEFERRED_TO_PROVIDER').map(view),
        rejected: rows.filter((r) => r.status === 'REJECTED').map(view),
        booked: rows.filter((r) => r.status === 'BOOKED').map(view),
      });
    });

    // Start a new referral: a fresh draft.
    app.post('/referrals/new', { config: page }, async (request, reply) => {
      const { save } = await draftOf(request);
      await save({});
      return seeOther(reply, '/referrals/new/patient');
    });

    // 1. Patient details and what they are referred for.
    const patientPage = async (request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors: FieldError[], status = 200) => {
      const choices = await specialties();
      return sendPage(request, reply, 'new-patient.njk', {
        title: 'Patient details',
        back: backPath('patient'),
        values,
        errors,
        errorList: errorList(errors),
        err: Object.fromEntries(['nhsNumber', 'givenName', 'familyName', 'dob', 'address', 'postcode', 'email', 'mobile', 'specialty'].map((f) => [f, errorFor(errors, f)])),
        dobErrorField: errors.find((e) => e.field === 'dob')?.href.slice(5) ?? null,
        specialtyItems: [
          { value: '', text: 'Choose a specialty', selected: !values.specialty },
          ...choices.map((s) => ({ value: s.code, text: s.name, selected: s.code === values.specialty })),
        ],
      }, status);
    };
    app.get('/referrals/new/patient', { config: page }, async (request, reply) => {
      const { draft } = await draftOf(request);
      if (draft.created) return seeOther(reply, '/referrals/new/confirmation');
      return patientPage(request, reply, { ...(draft.patient?.values ?? {}) }, []);
    });
    app.post('/referrals/new/patient', { config: page }, async (request, reply) => {
      const { draft, save } = await draftOf(request);
      if (draft.created) return seeOther(reply, '/referrals/new/confirmation');
      const codes = new Set((await specialties()).map((s) => s.code));
      const read = readPatient((request.body ?? {}) as Record<string, unknown>, codes);
      if (!read.ok) return patientPage(request, reply, { ...read.values }, read.errors, 400);
      const before = draft.patient?.answer;
      const next: Draft = { ...draft, patient: { values: read.values, answer: read.answer } };
      // Another specialty or home postcode makes another shortlist.
      if (before && (before.specialty !== read.answer.specialty || before.postcode !== read.answer.postcode)) delete next.shortlist;
      await save(next);
      return seeOther(reply, nextPath(next));
    });

    // 2. What matters to the patient.
    const preferencesPage = (request: FastifyRequest, reply: FastifyReply, draft: Draft, values: Record<string, string>, errors: FieldError[], status = 200) =>
      sendPage(request, reply, 'new-preferences.njk', {
        title: 'What matters most to the patient?',
        back: backPath('preferences'),
        values,
        errors,
        errorList: errorList(errors),
        err: Object.fromEntries(['sortBy', 'origin', 'originPostcode', 'distance'].map((f) => [f, errorFor(errors, f)])),
        homePostcode: draft.patient?.answer.postcode,
        sortItems: SORT_CHOICES.map((c) => ({ value: c.value, text: c.text, hint: { text: c.hintForStaff }, checked: c.value === values.sortBy })),
        distanceItems: DISTANCE_CHOICES.map((c) => ({ value: c.value, text: c.text, checked: c.value === values.distance })),
      }, status);
    app.get('/referrals/new/preferences', { config: page }, async (request, reply) => {
      const { draft } = await draftOf(request);
      if (draft.created) return seeOther(reply, '/referrals/new/confirmation');
      if (!draft.patient) return seeOther(reply, nextPath(draft));
      return preferencesPage(request, reply, draft, { ...(draft.preferences?.values ?? {}) }, []);
    });
    app.post('/referrals/new/preferences', { config: page }, async (request, reply) => {
      const { draft, save } = await draftOf(request);
      if (draft.created) return seeOther(reply, '/referrals/new/confirmation');
      if (!draft.patient) return seeOther(reply, nextPath(draft));
      const read = readPreferences((request.body ?? {}) as Record<string, unknown>);
      if (!read.ok) return preferencesPage(request, reply, draft, { ...read.values }, read.errors, 400);
      const next: Draft = { ...draft, preferences: { values: read.values, answer: read.answer } };
      if (JSON.stringify(draft.preferences?.answer) !== JSON.stringify(read.answer)) delete next.shortlist;
      await save(next);
      return seeOther(reply, nextPath(next));
    });

    // 3. The shortlist: the engine's top 5 ticked, up to 15 more nearby to add; any can be removed.
    const shortlistPage = async (request: FastifyRequest, reply: FastifyReply, draft: Draft, chosen: readonly string[] | null, errors: FieldError[], status = 200) => {
      let answer;
      try {
        answer = await optionsFor(draft);
      } catch (err) {
        if (!(err instanceof Problem) || err.status >= 500) throw err;
        const e: FieldError[] = [{ field: 'services', href: '#change-preferences', message: err.detail }];
        return sendPage(request, reply, 'new-shortlist.njk', { title: 'Services to offer the patient', back: backPath('shortlist'), errors: e, errorList: errorList(e), recommended: [], others: [] }, 422);
      }
      const ticked = new Set(chosen ?? answer.options.slice(0, 5).map((o) => o.service.id));
      const item = (o: ShortlistOption) => ({ ...optionView(o), checked: ticked.has(o.service.id) });
      return sendPage(request, reply, 'new-shortlist.njk', {
        title: 'Services to offer the patient',
        back: backPath('shortlist'),
        errors,
        errorList: errorList(errors),
        err: { services: errorFor(errors, 'services') },
        specialty: answer.specialty.name,
        origin: answer.origin.postcode,
        eligibleCount: answer.eligibleCount,
        shortfall: answer.shortfall,
        recommended: answer.options.slice(0, 5).map(item),
        others: answer.options.slice(5).map(item),
      }, status);
    };
    app.get('/referrals/new/shortlist', { config: page }, async (request, reply) => {
      const { draft } = await draftOf(request);
      if (draft.created) return seeOther(reply, '/referrals/new/confirmation');
      if (!draft.patient || !draft.preferences) return seeOther(reply, nextPath(draft));
      return shortlistPage(request, reply, draft, draft.shortlist ?? null, []);
    });
    app.post('/referrals/new/shortlist', { config: page }, async (request, reply) => {
      const { draft, save } = await draftOf(request);
      if (draft.created) return seeOther(reply, '/referrals/new/confirmation');
      if (!draft.patient || !draft.preferences) return seeOther(reply, nextPath(draft));
      const answer = await optionsFor(draft);
      const offered = new Set(answer.options.map((o) => o.service.id));
      const read = readShortlist((request.body ?? {}) as Record<string, unknown>, offered);
      if (!read.ok) return shortlistPage(request, reply, draft, read.values.services, read.errors, 400);
      // Kept in the engine's order.
      const chosen = new Set(read.answer);
      const next: Draft = { ...draft, shortlist: answer.options.map((o) => o.service.id).filter((id) => chosen.has(id)) };
      await save(next);
      return seeOther(reply, nextPath(next));
    });

    // 4. Clinical details.
    const clinicalPage = (request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors: FieldError[], status = 200) =>
      sendPage(request, reply, 'new-clinical.njk', {
        title: 'Clinical details',
        back: backPath('clinical'),
        values,
        errors,
        errorList: errorList(errors),
        err: { priority: errorFor(errors, 'priority'), clinicalSummary: errorFor(errors, 'clinicalSummary') },
        priorityItems: PRIORITY_CHOICES.map((c) => ({ value: c.value, text: c.text, hint: { text: c.hint }, checked: c.value === values.priority })),
      }, status);
    app.get('/referrals/new/clinical', { config: page }, async (request, reply) => {
      const { draft } = await draftOf(request);
      if (draft.created) return seeOther(reply, '/referrals/new/confirmation');
      if (!draft.patient) return seeOther(reply, nextPath(draft));
      return clinicalPage(request, reply, { ...(draft.clinical?.values ?? {}) }, []);
    });
    app.post('/referrals/new/clinical', { config: page }, async (request, reply) => {
      const { draft, save } = await draftOf(request);
      if (draft.created) return seeOther(reply, '/referrals/new/confirmation');
      if (!draft.patient) return seeOther(reply, nextPath(draft));
      const read = readClinical((request.body ?? {}) as Record<string, unknown>);
      if (!read.ok) return clinicalPage(request, reply, { ...read.values }, read.errors, 400);
      const next: Draft = { ...draft, clinical: { values: read.values, answer: read.answer } };
      await save(next);
      return seeOther(reply, nextPath(next));
    });

    // Check your answers.
    const checkPage = async (request: FastifyRequest, reply: FastifyReply, draft: Draft, errors: FieldError[], status = 200) => {
      const p = draft.patient!.answer;
      const prefs = draft.preferences!.answer;
      const answer = await optionsFor(draft);
      const byId = new Map(answer.options.map((o) => [o.service.id, o]));
      const specialty = (await specialties()).find((s) => s.code === p.specialty)?.name ?? p.specialty;
      return sendPage(request, reply, 'new-check.njk', {
        title: 'Check the referral before sending it',
        back: backPath('check'),
        errors,
        errorList: errorList(errors),
        patient: {
          nhsNumber: `${p.nhsNumber.slice(0, 3)} ${p.nhsNumber.slice(3, 6)} ${p.nhsNumber.slice(6)}`,
          name: `${p.givenName} ${p.familyName}`,
          dateOfBirth: formatDate(p.dateOfBirth),
          address: (p.addressLines ?? []).join(', '),
          postcode: p.postcode,
          email: p.email,
          mobile: p.mobile,
          specialty,
        },
        preferences: {
          sortBy: SORT_CHOICES.find((c) => c.value === prefs.sortBy)?.text,
          origin: prefs.originPostcode ? `Another postcode: ${prefs.originPostcode}` : `Home: ${p.postcode}`,
          distance: DISTANCE_CHOICES.find((c) => c.value === prefs.distance)?.text,
        },
        services: (draft.shortlist ?? []).map((id) => byId.get(id)).filter((o) => o !== undefined).map(optionView),
        clinical: {
          priority: PRIORITY_CHOICES.find((c) => c.value === draft.clinical!.answer.priority)?.text,
          clinicalSummary: draft.clinical!.answer.clinicalSummary,
        },
      }, status);
    };
    const complete = (d: Draft) => STEPS.every((s) => STEP_DONE[s](d));
    app.get('/referrals/new/check', { config: page }, async (request, reply) => {
      const { draft } = await draftOf(request);
      if (draft.created) return seeOther(reply, '/referrals/new/confirmation');
      if (!complete(draft)) return seeOther(reply, nextPath(draft));
      return checkPage(request, reply, draft, []);
    });
    app.post('/referrals/new/check', { config: page }, async (request, reply) => {
      const { draft, save } = await draftOf(request);
      // Sent twice (a double click, a refresh): the first made the referral; show it.
      if (draft.created) return seeOther(reply, '/referrals/new/confirmation');
      if (!complete(draft)) return seeOther(reply, nextPath(draft));
      const p = draft.patient!.answer;
      const prefs = draft.preferences!.answer;
      let created;
      try {
        created = await createReferral(deps, staffOf(request), {
          patient: {
            nhsNumber: p.nhsNumber,
            givenName: p.givenName,
            familyName: p.familyName,
            dateOfBirth: p.dateOfBirth,
            addressLines: p.addressLines ?? null,
            postcode: p.postcode,
            email: p.email,
            mobile: p.mobile,
          },
          specialty: p.specialty,
          priority: draft.clinical!.answer.priority,
          clinicalSummary: draft.clinical!.answer.clinicalSummary,
          preferences: { sortBy: prefs.sortBy, maxDistanceKm: prefs.maxDistanceKm, originPostcode: prefs.originPostcode },
          shortlist: draft.shortlist!,
        });
      } catch (err) {
        if (!(err instanceof Problem) || err.status >= 500) throw err;
        const errors: FieldError[] = [{ field: 'referral', href: '#patient-details', message: err.errors?.[0] ? `${err.detail} ${sentence(err.errors[0].message)}` : err.detail }];
        return checkPage(request, reply, draft, errors, err.status === 400 ? 400 : 422);
      }
      await save({ ...draft, created: { ubrn: created.ubrn, accessCode: created.accessCode, createdAt: new Date().toISOString() } });
      return seeOther(reply, '/referrals/new/confirmation');
    });

    // Confirmation and the patient's letter (the access code is shown from the draft only, never stored in clear).
    const createdReferral = async (request: FastifyRequest) => {
      const { draft } = await draftOf(request);
      if (!draft.created) return null;
      const referral = await getReferral(deps, staffOf(request), draft.created.ubrn);
      return { draft, created: draft.created, referral };
    };
    app.get('/referrals/new/confirmation', { config: page }, async (request, reply) => {
      const found = await createdReferral(request);
      if (!found) return seeOther(reply, '/referrals');
      return sendPage(request, reply, 'new-confirmation.njk', {
        title: 'Referral sent',
        ubrn: formatUbrn(found.created.ubrn),
        rawUbrn: found.created.ubrn,
        accessCode: found.created.accessCode,
        patientName: `${found.referral.patient.givenName} ${found.referral.patient.familyName}`,
        optionsOffered: found.referral.optionsOffered,
        canBook: found.referral.status === 'NOT_BOOKED',
      });
    });
    app.get('/referrals/new/letter', { config: page }, async (request, reply) => {
      const found = await createdReferral(request);
      if (!found) return seeOther(reply, '/referrals');
      return sendLetter(request, reply, found.referral, found.created.accessCode, '/referrals/new/confirmation');
    });

    // One referral, and booking it with the patient.
    app.get<{ Params: { ubrn: string } }>('/referrals/:ubrn', { config: page }, async (request, reply) => {
      const referral = await findReferral(request, staffOf(request), request.params.ubrn);
      if (!referral) return notFoundHere(request, reply);
      return sendPage(request, reply, 'referral.njk', { ...referralContext(referral), waitingPanel: await panels.waiting(staffOf(request), referral.ubrn) });
    });

    const bookPage = async (request: FastifyRequest, reply: FastifyReply, referral: Referral, errors: FieldError[], status = 200) => {
      const services = await freeSlotsFor(referral);
      return sendPage(request, reply, 'book.njk', {
        title: 'Choose an appointment',
        back: `/referrals/${referral.ubrn}`,
        ubrn: referral.ubrn,
        patientName: `${referral.patient.givenName} ${referral.patient.familyName}`,
        services,
        anySlots: services.some((s) => s.slots.length > 0),
        firstSlotId: services.flatMap((s) => s.slots)[0]?.id ?? null,
        // A new key for each form shown: sending this form twice books once.
        idempotencyKey: randomUUID(),
        errors,
        errorList: errorList(errors),
        err: { slotId: errorFor(errors, 'slotId') },
      }, status);
    };
    async function freeSlotsFor(referral: Referral) {
      const ids = referral.shortlist.map((o) => o.service.id);
      const rows = ids.length === 0 ? [] : await db
        .selectFrom('slot as s')
        .select(['s.id', 's.service_id', 's.starts_at', sql<number>`row_number() over (partition by s.service_id order by s.starts_at)`.as('n')])
        .where('s.service_id', 'in', ids)
        .where('s.withdrawn_at', 'is', null)
        .where('s.starts_at', '>', new Date())
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('appointment as a').select('a.id').whereRef('a.slot_id', '=', 's.id').where('a.cancelled_at', 'is', null))))
        .orderBy('s.starts_at')
        .execute();
      return referral.shortlist.map((o) => ({
        serviceId: o.service.id,
        name: o.service.name,
        site: o.service.site.name,
        slots: rows.filter((r) => r.service_id === o.service.id).slice(0, 6).map((r) => ({ id: r.id, text: formatDateTime(new Date(r.starts_at).toISOString()) })),
      }));
    }
    app.get<{ Params: { ubrn: string } }>('/referrals/:ubrn/book', { config: page }, async (request, reply) => {
      const referral = await findReferral(request, staffOf(request), request.params.ubrn);
      if (!referral) return notFoundHere(request, reply);
      if (referral.status === 'BOOKED') return seeOther(reply, `/referrals/${referral.ubrn}/booked`);
      return bookPage(request, reply, referral, []);
    });
    app.post<{ Params: { ubrn: string } }>('/referrals/:ubrn/book', { config: page }, async (request, reply) => {
      const staff = staffOf(request);
      const referral = await findReferral(request, staff, request.params.ubrn);
      if (!referral) return notFoundHere(request, reply);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const slotId = typeof body.slotId === 'string' ? body.slotId : '';
      const key = typeof body.idempotencyKey === 'string' && /^[\w-]{8,64}$/.test(body.idempotencyKey) ? body.idempotencyKey : null;
      if (!slotId || !/^[0-9a-f-]{36}$/i.test(slotId)) {
        return bookPage(request, reply, referral, [{ field: 'slotId', href: '#slot-choice', message: 'Select an appointment' }], 400);
      }
      if (!key) return bookPage(request, reply, referral, [{ field: 'slotId', href: '#slot-choice', message: 'The form was out of date. Select an appointment again' }], 400);
      try {
        await bookAppointment(deps, staff, referral.ubrn, slotId, {
          scope: `staff:${staff.accountId}`,
          key: `web:${key}`,
          requestHash: createHash('sha256').update(`POST /referrals/${referral.ubrn}/appointment\n${slotId}`).digest('hex'),
        });
      } catch (err) {
        if (!(err instanceof Problem) || err.status >= 500) throw err;
        const message = err.status === 422 && err.title.startsWith('Idempotency') ? 'This form was already sent with another appointment. Select an appointment again' : sentence(err.detail);
        const fresh = (await findReferral(request, staff, referral.ubrn)) ?? referral;
        if (fresh.status === 'BOOKED') return seeOther(reply, `/referrals/${referral.ubrn}/booked`);
        return bookPage(request, reply, fresh, [{ field: 'slotId', href: '#slot-choice', message }], err.status === 409 ? 409 : 422);
      }
      return seeOther(reply, `/referrals/${referral.ubrn}/booked`);
    });
    app.get<{ Params: { ubrn: string } }>('/referrals/:ubrn/booked', { config: page }, async (request, reply) => {
      const referral = await findReferral(request, staffOf(request), request.params.ubrn);
      if (!referral) return notFoundHere(request, reply);
      if (!referral.appointment) return seeOther(reply, `/referrals/${referral.ubrn}`);
      return sendPage(request, reply, 'booked.njk', { ...referralContext(referral), title: 'Appointment booked' });
    });
  };

  async function findReferral(_request: FastifyRequest, staff: StaffPrincipal, ubrn: string): Promise<Referral | null> {
    if (!/^\d{12}$/.test(ubrn)) return null;
    try {
      return await getReferral(deps, staff, ubrn);
    } catch (err) {
      if (err instanceof Problem && err.status === 404) return null;
      throw err;
    }
  }
}

function notFoundHere(request: FastifyRequest, reply: FastifyReply) {
  return sendPage(request, reply, 'not-found.njk', { title: 'Page not found' }, 404);
}

export function formatUbrn(ubrn: string): string {
  return ubrn.replace(/^(\d{4})(\d{4})(\d{4})$/, '$1 $2 $3');
}

export function referralContext(referral: Referral) {
  const booked = referral.appointment ? referral.shortlist.find((o) => o.service.id === referral.appointment!.serviceId) : undefined;
  const deferredTo = referral.deferral ? referral.shortlist.find((o) => o.service.id === referral.deferral!.serviceId) : undefined;
  return {
    title: `Referral ${formatUbrn(referral.ubrn)}`,
    ubrn: referral.ubrn,
    ubrnText: formatUbrn(referral.ubrn),
    status: STATUS_TEXT[referral.status],
    canBook: (AWAITING_BOOKING as readonly string[]).includes(referral.status),
    patientName: `${referral.patient.givenName} ${referral.patient.familyName}`,
    specialty: referral.specialty.name,
    priority: PRIORITY_TEXT[referral.priority],
    rttClockStart: formatDate(referral.rttClockStart),
    appointment: referral.appointment
      ? { when: formatDateTime(referral.appointment.start), service: booked?.service.name ?? '', site: booked ? `${booked.service.site.name}${booked.service.site.postcode ? `, ${booked.service.site.postcode}` : ''}` : '' }
      : null,
    deferral: referral.deferral ? { contactBy: formatDate(referral.deferral.contactBy), service: deferredTo?.service.name ?? '' } : null,
    options: referral.shortlist.map(optionView),
  };
}
