// The pages of provider accreditation (minimum standard 5): the ICB's published criteria (public); the provider's
// applications, applying to list a service (site and specialty, then details and evidence per criterion), and
// resubmitting after a refusal; the ICB's applications with their decision clocks, the checklist and decision,
// maintaining the criteria, and suspending, reinstating or withdrawing an accredited service. Wiring only.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { icbInScope } from '../choice/icb-scope.ts';
import type { Deps } from '../deps.ts';
import { listableSpecialties, sitesOf } from '../directory/listings.ts';
import { DECISION_TARGET_WORKING_DAYS } from '../domain/accreditation.ts';
import { PUBLIC, ROLES, staffOf } from '../http/access.ts';
import { isStalePreview } from '../http/preview.ts';
import { attempt, errorContext, type FieldError, foundOrNull, pathId, readForm, required, text, wholeNumber } from '../web/forms.ts';
import { forbiddenPage, notFoundPage, seeOther, sendPage } from '../web/page.ts';
import { addViews } from '../web/render.ts';
import {
  type Application, applicationOf, applicationsFor, applyToList, openApplicationFor, changeStanding, checkCriterion, criteriaToApplyFor, decide, EVIDENCE_MAX, MAX_AGE,
  NOTE_MAX, previewStanding, REASON_MAX, resubmit, serviceAccreditation, servicesOfIcb, type StandingChange,
} from './applications.ts';
import { addCriterion, DESCRIPTION_MAX, icbsWithCriteria, publishedCriteria, retireCriterion, TITLE_MAX } from './criteria.ts';

const provider = { access: ROLES('provider'), page: true } as const;
const icbStaff = { access: ROLES('commissioner', 'admin'), page: true } as const;
const PROVIDER_HOME = '/provider/accreditation';
const ICB_HOME = '/commissioner/accreditation';
const STALE_STANDING = 'The service or the patients relying on it changed since you checked, so nothing was changed. Check what will happen now, then confirm again';

const STATUS_TAGS: Record<string, { text: string; colour: string }> = {
  SUBMITTED: { text: 'Awaiting decision', colour: 'yellow' },
  REFUSED: { text: 'Refused', colour: 'red' },
  ACCREDITED: { text: 'Accredited', colour: 'green' },
  PENDING: { text: 'Awaiting accreditation', colour: 'yellow' },
  REJECTED: { text: 'Refused', colour: 'red' },
  SUSPENDED: { text: 'Suspended', colour: 'orange' },
  WITHDRAWN: { text: 'Accreditation withdrawn', colour: 'grey' },
};
const ACTION_WORDS: Record<string, string> = {
  SUBMITTED: 'Applied', CHECKED: 'Checklist', RESUBMITTED: 'Resubmitted', ACCREDITED: 'Accredited', REFUSED: 'Refused',
  SUSPENDED: 'Suspended', REINSTATED: 'Reinstated', WITHDRAWN: 'Accreditation withdrawn',
};
const common = { statusTags: STATUS_TAGS, actionWords: ACTION_WORDS, targetDays: DECISION_TARGET_WORKING_DAYS };

const q = (request: FastifyRequest) => (request.query ?? {}) as Record<string, unknown>;
const str = (v: unknown, max = 20) => (typeof v === 'string' ? v.slice(0, max) : '');

const evidenceFields = (ids: readonly number[]) => Object.fromEntries(ids.map((id) => [`evidence-${id}`, text(EVIDENCE_MAX + 100)]));
function evidenceSchema(items: readonly { id: number; title: string }[]) {
  return z.object(Object.fromEntries(items.map((c) => [`evidence-${c.id}`, z.string()
    .min(1, `Enter your evidence for "${c.title}"`)
    .max(EVIDENCE_MAX, `Evidence for "${c.title}" must be ${EVIDENCE_MAX.toLocaleString('en-GB')} characters or fewer`)])));
}
const evidenceOf = (values: Record<string, string>) =>
  Object.fromEntries(Object.entries(values).filter(([k]) => k.startsWith('evidence-')).map(([k, v]) => [k.slice('evidence-'.length), v]));
const evidencePlacement = (ids: readonly number[]) => ({ field: 'evidence', fields: Object.fromEntries(ids.map((id) => [`evidence.${id}`, { field: `evidence-${id}` }])) });

const age = (which: string) => wholeNumber({ min: 0, max: MAX_AGE, empty: null, invalid: `${which} age must be a whole number of years from 0 to ${MAX_AGE}` });
const DETAIL_FIELDS = { clinicType: text(100), minAge: text(4), maxAge: text(4), consultantTeam: text(200) };
const orNull = (s: string) => (s === '' ? null : s);
const DETAIL_SCHEMA = z.object({ clinicType: z.string().transform(orNull), minAge: age('Lowest'), maxAge: age('Highest'), consultantTeam: z.string().transform(orNull) });

export function accreditationPages(deps: Deps) {
  const { db } = deps.database;
  const refresh = async () => void (await deps.directory.refresh());

  // ------------------------------------------------------------------ provider

  const startPage = async (request: FastifyRequest, reply: FastifyReply, values: { site: string; specialty: string }, errors: FieldError[], status = 200) => {
    const [specialties, sites] = await Promise.all([listableSpecialties(db), sitesOf(db, staffOf(request))]);
    return sendPage(request, reply, 'accreditation-apply-start.njk', {
      title: 'Apply to list a service', back: PROVIDER_HOME,
      specialties: [{ value: '', text: 'Choose a specialty' }, ...specialties.map((s) => ({ value: s.code, text: s.name, selected: s.code === values.specialty }))],
      sites: sites.map((s) => ({ value: s.ods_code, text: s.name, hint: { text: s.postcode ?? s.ods_code }, checked: s.ods_code === values.site })),
      ...errorContext(errors),
    }, status);
  };

  const detailsPage = async (request: FastifyRequest, reply: FastifyReply, choice: { site: string; specialty: string }, values: Record<string, string>, errors: FieldError[], status = 200) => {
    const staff = staffOf(request);
    const [sites, specialties] = await Promise.all([sitesOf(db, staff), listableSpecialties(db)]);
    const site = sites.find((s) => s.ods_code === choice.site);
    const specialty = specialties.find((s) => s.code === choice.specialty);
    if (!site || !specialty) return seeOther(reply, `${PROVIDER_HOME}/new`);
    // Applied already (from a listing's link, say): the open application is where to go.
    const open = await openApplicationFor(db, staff, `${site.ods_code}-${specialty.code}`);
    if (open !== null) return seeOther(reply, `${PROVIDER_HOME}/${open}`);
    const found = await attempt(() => criteriaToApplyFor(db, staff, specialty.code), { field: 'criteria' });
    return sendPage(request, reply, 'accreditation-apply-details.njk', {
      title: `${specialty.name} at ${site.name}`, back: `${PROVIDER_HOME}/new?site=${encodeURIComponent(site.ods_code)}&specialty=${encodeURIComponent(specialty.code)}`,
      action: `${PROVIDER_HOME}/new/details?site=${encodeURIComponent(site.ods_code)}&specialty=${encodeURIComponent(specialty.code)}`,
      icbCode: found.ok ? found.value.icbCode : null, criteria: found.ok ? found.value.criteria : [], noIcb: found.ok ? null : found.problem.detail,
      values, evidenceMax: EVIDENCE_MAX, ...errorContext(errors),
    }, status);
  };

  const providerApplicationPage = (request: FastifyRequest, reply: FastifyReply, app: Application, values: Record<string, string> | null, errors: FieldError[], status = 200) =>
    sendPage(request, reply, 'accreditation-provider-application.njk', {
      ...common, title: `${app.specialty.name} at ${app.site.name}`, back: PROVIDER_HOME, app,
      values: values ?? Object.fromEntries(app.items.map((i) => [`evidence-${i.criterionId}`, i.evidence])),
      done: str(q(request).done), evidenceMax: EVIDENCE_MAX, ...errorContext(errors),
    }, status);

  // ------------------------------------------------------------------ ICB

  const icbApplicationPage = (request: FastifyRequest, reply: FastifyReply, app: Application, errors: FieldError[], values: Record<string, string> = {}, status = 200) =>
    sendPage(request, reply, 'accreditation-icb-application.njk', {
      ...common, title: `${app.specialty.name} at ${app.site.name}`, back: ICB_HOME, app, values,
      allChecked: app.items.every((i) => i.outcome !== null), unmet: app.items.filter((i) => i.outcome === 'NOT_MET'),
      unmetTitles: app.items.filter((i) => i.outcome === 'NOT_MET').map((i) => i.title).join(', '),
      done: str(q(request).done), ...errorContext(errors),
    }, status);

  const criteriaPage = async (request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors: FieldError[], status = 200) => {
    const staff = staffOf(request);
    const scoped = await attempt(() => icbInScope(db, staff, str(q(request).icb, 10) || staff.organisation.odsCode), { field: 'icb' });
    if (!scoped.ok) return scoped.status === 403 ? forbiddenPage(request, reply, scoped.problem.detail) : notFoundPage(request, reply);
    const [criteria, specialties] = await Promise.all([publishedCriteria(db, scoped.value.odsCode), listableSpecialties(db)]);
    return sendPage(request, reply, 'accreditation-icb-criteria.njk', {
      title: 'Qualifying criteria for listing a service', back: ICB_HOME, icb: scoped.value, criteria, values,
      icbParam: staff.role === 'admin' ? scoped.value.odsCode : null,
      specialties: [{ value: '', text: 'Every first outpatient service' }, ...specialties.map((s) => ({ value: s.code, text: s.name, selected: s.code === values.specialtyCode }))],
      titleMax: TITLE_MAX, descriptionMax: DESCRIPTION_MAX, done: str(q(request).done), ...errorContext(errors),
    }, status);
  };

  const servicePage = async (request: FastifyRequest, reply: FastifyReply, id: string, values: Record<string, string>, errors: FieldError[], status = 200) => {
    const s = await foundOrNull(() => serviceAccreditation(db, staffOf(request), id));
    if (!s) return notFoundPage(request, reply);
    const changes = s.status === 'ACCREDITED' ? ['SUSPEND', 'WITHDRAW'] : s.status === 'SUSPENDED' ? ['REINSTATE', 'WITHDRAW'] : [];
    const words: Record<string, { text: string; hint: string }> = {
      SUSPEND: { text: 'Suspend', hint: 'Patients are no longer offered it until you reinstate it.' },
      REINSTATE: { text: 'Reinstate', hint: 'Patients are offered it again.' },
      WITHDRAW: { text: 'Withdraw accreditation', hint: 'For good: listing it again takes a new application.' },
    };
    return sendPage(request, reply, 'accreditation-icb-service.njk', {
      ...common, title: s.name, back: ICB_HOME, s, values, done: str(q(request).done),
      applicationHref: s.latestApplicationId ? `${ICB_HOME}/applications/${s.latestApplicationId}` : null,
      changes: changes.map((c) => ({ value: c, text: words[c]!.text, hint: { text: words[c]!.hint }, checked: values.change === c })),
      ...errorContext(errors),
    }, status);
  };

  return async function (app: FastifyInstance) {
    addViews(new URL('./views', import.meta.url));

    // ---------------------------------------------------------------- public
    app.get('/accreditation/criteria', { config: { access: PUBLIC('ICBs publish their qualifying criteria for providers to read'), page: true } }, async (request, reply) => {
      const wanted = str(q(request).icb, 10).toUpperCase();
      const icbs = await icbsWithCriteria(db);
      const icb = icbs.find((i) => i.odsCode === wanted) ?? null;
      const criteria = icb ? await publishedCriteria(db, icb.odsCode) : [];
      return sendPage(request, reply, 'accreditation-criteria.njk', {
        title: icb ? `${icb.name}: qualifying criteria for listing a service` : 'Qualifying criteria for listing a service',
        icbs, icb, general: criteria.filter((c) => c.specialty === null), bySpecialty: criteria.filter((c) => c.specialty !== null), targetDays: DECISION_TARGET_WORKING_DAYS,
      }, wanted && !icb ? 404 : 200);
    });

    // ---------------------------------------------------------------- provider
    app.get(PROVIDER_HOME, { config: provider }, async (request, reply) => {
      const staff = staffOf(request);
      return sendPage(request, reply, 'accreditation-provider-home.njk', { ...common, title: 'Accreditation of your services', back: '/provider/services', applications: await applicationsFor(db, staff) });
    });

    app.get(`${PROVIDER_HOME}/new`, { config: provider }, async (request, reply) => startPage(request, reply, { site: str(q(request).site), specialty: str(q(request).specialty, 8) }, []));

    app.post(`${PROVIDER_HOME}/new`, { config: provider }, async (request, reply) => {
      const form = readForm({ specialty: text(8), site: text(20) }, z.object({ specialty: required('Select the specialty'), site: required('Select the site') }), request.body, { site: '#site' });
      if (!form.ok) return startPage(request, reply, form.values, form.errors, 400);
      return seeOther(reply, `${PROVIDER_HOME}/new/details?site=${encodeURIComponent(form.answer.site)}&specialty=${encodeURIComponent(form.answer.specialty)}`);
    });

    app.get(`${PROVIDER_HOME}/new/details`, { config: provider }, async (request, reply) =>
      detailsPage(request, reply, { site: str(q(request).site), specialty: str(q(request).specialty, 8) }, {}, []));

    app.post(`${PROVIDER_HOME}/new/details`, { config: provider }, async (request, reply) => {
      const staff = staffOf(request);
      const choice = { site: str(q(request).site), specialty: str(q(request).specialty, 8) };
      const found = await attempt(() => criteriaToApplyFor(db, staff, choice.specialty), { field: 'criteria' });
      const criteria = found.ok ? found.value.criteria : [];
      const ids = criteria.map((c) => c.id);
      const form = readForm({ ...DETAIL_FIELDS, ...evidenceFields(ids) }, DETAIL_SCHEMA.and(evidenceSchema(criteria)), request.body);
      const values = form.values as Record<string, string>;
      if (!form.ok) return detailsPage(request, reply, choice, values, form.errors, 400);
      const d = form.answer as { clinicType: string | null; minAge: number | null; maxAge: number | null; consultantTeam: string | null };
      const made = await attempt(() => applyToList(db, staff, { siteOdsCode: choice.site, specialtyCode: choice.specialty, ...d, evidence: evidenceOf(values) }), {
        field: 'criteria', fields: { ...evidencePlacement(ids).fields, maxAge: { field: 'maxAge' } },
      });
      if (!made.ok) return detailsPage(request, reply, choice, values, made.errors, made.status);
      return seeOther(reply, `${PROVIDER_HOME}/${made.value.id}?done=submitted`);
    });

    app.get<{ Params: { id: string } }>(`${PROVIDER_HOME}/:id`, { config: provider }, async (request, reply) => {
      const id = pathId(request.params.id);
      const found = id === null ? null : await foundOrNull(() => applicationOf(db, staffOf(request), id));
      if (!found) return notFoundPage(request, reply);
      return providerApplicationPage(request, reply, found, null, []);
    });

    app.post<{ Params: { id: string } }>(`${PROVIDER_HOME}/:id/resubmit`, { config: provider }, async (request, reply) => {
      const id = pathId(request.params.id);
      const found = id === null ? null : await foundOrNull(() => applicationOf(db, staffOf(request), id));
      if (!found) return notFoundPage(request, reply);
      const items = found.items.map((i) => ({ id: i.criterionId, title: i.title }));
      const ids = items.map((i) => i.id);
      const form = readForm(evidenceFields(ids), evidenceSchema(items), request.body);
      const values = form.values as Record<string, string>;
      if (!form.ok) return providerApplicationPage(request, reply, found, values, form.errors, 400);
      const done = await attempt(() => resubmit(db, staffOf(request), found.id, evidenceOf(values)), evidencePlacement(ids));
      if (!done.ok) return providerApplicationPage(request, reply, found, values, done.errors, done.status);
      return seeOther(reply, `${PROVIDER_HOME}/${found.id}?done=resubmitted`);
    });

    app.get<{ Params: { id: string } }>(`${PROVIDER_HOME}/services/:id`, { config: provider }, async (request, reply) => {
      const s = await foundOrNull(() => serviceAccreditation(db, staffOf(request), request.params.id.slice(0, 40)));
      if (!s) return notFoundPage(request, reply);
      return sendPage(request, reply, 'accreditation-icb-service.njk', {
        ...common, title: s.name, back: `/provider/services/${encodeURIComponent(s.serviceId)}`, s, values: {}, changes: [], done: '',
        applicationHref: s.latestApplicationId ? `${PROVIDER_HOME}/${s.latestApplicationId}` : null, ...errorContext([]),
      });
    });

    // ---------------------------------------------------------------- ICB
    app.get(ICB_HOME, { config: icbStaff }, async (request, reply) => {
      const staff = staffOf(request);
      // A commissioner sees its own ICB's; an admin every ICB's, or one ICB's with icb=.
      const asked = staff.role === 'admin' ? str(q(request).icb, 10) : '';
      const scoped = asked ? await attempt(() => icbInScope(db, staff, asked), { field: 'icb' }) : null;
      if (scoped && !scoped.ok) return notFoundPage(request, reply);
      const icbCode = staff.role === 'commissioner' ? staff.organisation.odsCode : scoped?.ok ? scoped.value.odsCode : null;
      const applications = await applicationsFor(db, staff, { icb: icbCode });
      const open = applications.filter((a) => a.status === 'SUBMITTED');
      return sendPage(request, reply, 'accreditation-icb-home.njk', {
        ...common, title: 'Provider accreditation', back: '/commissioner', admin: staff.role === 'admin',
        open, overdue: open.filter((a) => a.clock.overdue).length, refused: applications.filter((a) => a.status === 'REFUSED'), decided: applications.filter((a) => a.status === 'ACCREDITED').slice(0, 50),
        services: icbCode ? await servicesOfIcb(db, icbCode) : [], icbCode,
      });
    });

    app.get(`${ICB_HOME}/criteria`, { config: icbStaff }, async (request, reply) => criteriaPage(request, reply, {}, []));

    app.post(`${ICB_HOME}/criteria`, { config: icbStaff }, async (request, reply) => {
      const form = readForm({ title: text(TITLE_MAX + 50), description: text(DESCRIPTION_MAX + 100), specialtyCode: text(8) }, z.object({
        title: z.string().min(1, 'Enter the criterion').max(TITLE_MAX, `The criterion must be ${TITLE_MAX} characters or fewer`),
        description: z.string().min(1, 'Enter what the criterion asks for').max(DESCRIPTION_MAX, `What the criterion asks for must be ${DESCRIPTION_MAX.toLocaleString('en-GB')} characters or fewer`),
        specialtyCode: z.string(),
      }), request.body);
      if (!form.ok) return criteriaPage(request, reply, form.values, form.errors, 400);
      const staff = staffOf(request);
      const made = await attempt(() => addCriterion(db, staff, str(q(request).icb, 10) || staff.organisation.odsCode, { ...form.answer, specialtyCode: form.answer.specialtyCode || null }), {
        field: 'title', fields: { title: {}, description: {}, specialtyCode: {} },
      });
      if (!made.ok) return criteriaPage(request, reply, form.values, made.errors, made.status);
      return seeOther(reply, `${ICB_HOME}/criteria?done=added${staff.role === 'admin' ? `&icb=${encodeURIComponent(made.value.icbCode)}` : ''}`);
    });

    app.post<{ Params: { id: string } }>(`${ICB_HOME}/criteria/:id/retire`, { config: icbStaff }, async (request, reply) => {
      const id = pathId(request.params.id);
      if (id === null) return notFoundPage(request, reply);
      const done = await attempt(() => retireCriterion(db, staffOf(request), id), { field: 'title' });
      if (!done.ok && done.status === 404) return notFoundPage(request, reply);
      return seeOther(reply, `${ICB_HOME}/criteria?done=${done.ok ? 'retired' : 'already'}${staffOf(request).role === 'admin' && done.ok ? `&icb=${encodeURIComponent(done.value.icbCode)}` : ''}`);
    });

    app.get<{ Params: { id: string } }>(`${ICB_HOME}/applications/:id`, { config: icbStaff }, async (request, reply) => {
      const id = pathId(request.params.id);
      const found = id === null ? null : await foundOrNull(() => applicationOf(db, staffOf(request), id));
      if (!found) return notFoundPage(request, reply);
      return icbApplicationPage(request, reply, found, []);
    });

    app.post<{ Params: { id: string; criterionId: string } }>(`${ICB_HOME}/applications/:id/checklist/:criterionId`, { config: icbStaff }, async (request, reply) => {
      const id = pathId(request.params.id);
      const criterionId = pathId(request.params.criterionId);
      const found = id === null ? null : await foundOrNull(() => applicationOf(db, staffOf(request), id));
      if (!found || criterionId === null || !found.items.some((i) => i.criterionId === criterionId)) return notFoundPage(request, reply);
      const outcomeField = `outcome-${criterionId}`;
      const noteField = `note-${criterionId}`;
      const form = readForm({ [outcomeField]: text(10), [noteField]: text(NOTE_MAX + 100) }, z.object({
        [outcomeField]: z.enum(['MET', 'NOT_MET'], { error: 'Select whether the criterion is met' }),
        [noteField]: z.string().max(NOTE_MAX, `The note must be ${NOTE_MAX.toLocaleString('en-GB')} characters or fewer`),
      }).superRefine((v, ctx) => {
        if (v[outcomeField] === 'NOT_MET' && !v[noteField]) ctx.addIssue({ code: 'custom', path: [noteField], message: 'Say what is missing: the provider reads it' });
      }), request.body, { [outcomeField]: `#${outcomeField}` });
      const values = form.values as Record<string, string>;
      if (!form.ok) return icbApplicationPage(request, reply, found, form.errors, values, 400);
      const done = await attempt(() => checkCriterion(db, staffOf(request), found.id, criterionId, { outcome: values[outcomeField] as 'MET' | 'NOT_MET', note: values[noteField] || null }), {
        field: outcomeField, fields: { note: { field: noteField } },
      });
      if (!done.ok) return icbApplicationPage(request, reply, found, done.errors, values, done.status);
      return seeOther(reply, `${ICB_HOME}/applications/${found.id}?done=checked#line-${criterionId}`);
    });

    app.post<{ Params: { id: string } }>(`${ICB_HOME}/applications/:id/decision`, { config: icbStaff }, async (request, reply) => {
      const id = pathId(request.params.id);
      const found = id === null ? null : await foundOrNull(() => applicationOf(db, staffOf(request), id));
      if (!found) return notFoundPage(request, reply);
      const form = readForm({ decision: text(10), reason: text(REASON_MAX + 100) }, z.object({
        decision: z.enum(['ACCREDIT', 'REFUSE'], { error: 'Select accredit or refuse' }),
        reason: z.string().max(REASON_MAX, `The reason must be ${REASON_MAX.toLocaleString('en-GB')} characters or fewer`),
      }), request.body, { decision: '#decision' });
      const values = form.values as Record<string, string>;
      if (!form.ok) return icbApplicationPage(request, reply, found, form.errors, values, 400);
      const done = await attempt(() => decide(db, staffOf(request), found.id, form.answer.decision, form.answer.reason || null), { field: 'decision', href: '#decision', fields: { reason: {} } });
      if (!done.ok) return icbApplicationPage(request, reply, found, done.errors, values, done.status);
      await refresh();
      return seeOther(reply, `${ICB_HOME}/applications/${found.id}?done=${form.answer.decision === 'ACCREDIT' ? 'accredited' : 'refused'}`);
    });

    app.get<{ Params: { id: string } }>(`${ICB_HOME}/services/:id`, { config: icbStaff }, async (request, reply) => servicePage(request, reply, request.params.id.slice(0, 40), {}, []));

    const standingSchema = z.object({
      change: z.enum(['SUSPEND', 'REINSTATE', 'WITHDRAW'], { error: 'Select what to do' }),
      reason: z.string().min(1, 'Enter the reason: the provider reads it').max(REASON_MAX, `The reason must be ${REASON_MAX.toLocaleString('en-GB')} characters or fewer`),
    });
    const standingForm = (body: unknown) => readForm({ change: text(10), reason: text(REASON_MAX + 100) }, standingSchema, body, { change: '#change' });
    const confirmForm = (body: unknown) => readForm(
      { change: text(10), reason: text(REASON_MAX + 100), previewVersion: text(64) }, standingSchema.extend({ previewVersion: z.string().min(1) }), body,
    );

    /** The check page before a service leaves patients' choice: how many patients it touches, then confirm. */
    const standingCheckPage = async (request: FastifyRequest, reply: FastifyReply, id: string, answer: { change: StandingChange; reason: string }, errors: FieldError[], status = 200) => {
      const preview = await attempt(() => previewStanding(db, staffOf(request), id, answer.change), { field: 'change', href: '#change' });
      if (!preview.ok && preview.status === 404) return notFoundPage(request, reply);
      if (!preview.ok) return servicePage(request, reply, id, answer, preview.errors, preview.status);
      return sendPage(request, reply, 'accreditation-icb-standing-confirm.njk', {
        title: answer.change === 'SUSPEND' ? `Suspend ${preview.value.name}?` : `Withdraw the accreditation of ${preview.value.name}?`,
        back: `${ICB_HOME}/services/${encodeURIComponent(id)}`, preview: preview.value, reason: answer.reason, ...errorContext(errors),
      }, status);
    };

    const changeAndShow = async (request: FastifyRequest, reply: FastifyReply, id: string, answer: { change: StandingChange; reason: string }, version?: string) => {
      const done = await attempt(() => changeStanding(db, staffOf(request), id, answer.change, answer.reason, version), { field: 'change', href: '#change', fields: { reason: {} } });
      if (!done.ok && done.status === 404) return notFoundPage(request, reply);
      // The standing or the patients relying on the service changed since the check page: ask again.
      if (!done.ok && isStalePreview(done.problem)) return standingCheckPage(request, reply, id, answer, [{ field: 'preview', href: '#standing-summary', message: STALE_STANDING }], 409);
      if (!done.ok) return servicePage(request, reply, id, answer, done.errors, done.status);
      await refresh();
      return seeOther(reply, `${ICB_HOME}/services/${encodeURIComponent(id)}?done=${answer.change.toLowerCase()}`);
    };

    // Reinstating only gives patients a choice back, so it is done at once; suspending and withdrawing take it
    // away from patients still choosing, so they go through the check page first.
    app.post<{ Params: { id: string } }>(`${ICB_HOME}/services/:id`, { config: icbStaff }, async (request, reply) => {
      const id = request.params.id.slice(0, 40);
      const form = standingForm(request.body);
      if (!form.ok) return servicePage(request, reply, id, form.values, form.errors, 400);
      if (form.answer.change === 'REINSTATE') return changeAndShow(request, reply, id, form.answer);
      return standingCheckPage(request, reply, id, form.answer, []);
    });

    app.post<{ Params: { id: string } }>(`${ICB_HOME}/services/:id/confirm`, { config: icbStaff }, async (request, reply) => {
      const id = request.params.id.slice(0, 40);
      const form = confirmForm(request.body);
      // Hidden answers edited by hand, or no version of what was shown: start again.
      if (!form.ok) return seeOther(reply, `${ICB_HOME}/services/${encodeURIComponent(id)}`);
      const { previewVersion, ...answer } = form.answer;
      return changeAndShow(request, reply, id, answer, previewVersion);
    });
  };
}
