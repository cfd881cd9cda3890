// The JSON API of provider accreditation (minimum standard 5): an ICB's published criteria (public), providers'
// applications, the ICB's checklist and decision, the provider's resubmission, and suspension, reinstatement and
// withdrawal of an accredited service. Wiring only: ./criteria.ts and ./applications.ts do the work.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { PUBLIC, ROLES, staffOf } from '../http/access.ts';
import { PreviewVersionField } from '../http/preview.ts';
import { problems } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import {
  type Application, applicationOf, applicationsFor, applyToList, type ApplicationSummary, changeStanding, checkCriterion, decide, previewStanding, type StandingPreview, EVIDENCE_MAX, MAX_AGE,
  NOTE_MAX, REASON_MAX, resubmit, serviceAccreditation, type ServiceAccreditation,
} from './applications.ts';
import { addCriterion, type Criterion, DESCRIPTION_MAX, publishedCriteria, retireCriterion, TITLE_MAX } from './criteria.ts';
import { icbInScope } from '../choice/icb-scope.ts';

const Named = z.object({ code: z.string(), name: z.string() });
const Org = z.object({ odsCode: z.string(), name: z.string() });

const CriterionSchema = z.object({
  id: z.number().int(),
  icbCode: z.string(),
  specialty: Named.nullable().describe('null: applies to every first outpatient service the ICB accredits'),
  title: z.string(),
  description: z.string(),
  retiredAt: z.string().nullable(),
});
const ClockSchema = z.object({
  dueOn: z.string().describe('40 working days after the latest submission'),
  elapsedWorkingDays: z.number().int(),
  overdue: z.boolean(),
  withinTarget: z.boolean().nullable(),
});
const SummarySchema = z.object({
  id: z.number().int(), serviceId: z.string(), status: z.enum(['SUBMITTED', 'REFUSED', 'ACCREDITED']),
  provider: Org, site: Org, specialty: Named, icbCode: z.string(),
  submittedAt: z.string(), firstSubmittedAt: z.string(), decidedAt: z.string().nullable(), clock: ClockSchema,
});
const HistorySchema = z.object({
  action: z.string(), applicationId: z.number().int().nullable(), reason: z.string().nullable(),
  unmet: z.array(z.object({ id: z.number().int(), title: z.string() })).describe('for REFUSED: the criteria not met'),
  at: z.string(), by: z.string(), organisation: z.string(),
});
const ApplicationSchema = SummarySchema.extend({
  clinicType: z.string().nullable(), minAge: z.number().int().nullable(), maxAge: z.number().int().nullable(), consultantTeam: z.string().nullable(),
  serviceStatus: z.string().describe('the service\'s accreditation status, which the directory filters on'),
  checklist: z.array(z.object({
    criterionId: z.number().int(), title: z.string(), description: z.string(), evidence: z.string(),
    outcome: z.enum(['MET', 'NOT_MET']).nullable(), note: z.string().nullable(), checkedAt: z.string().nullable(),
  })),
  history: z.array(HistorySchema),
});
const StandingSchema = z.object({
  serviceId: z.string(), name: z.string(), provider: Org, specialty: Named, status: z.string(), active: z.boolean(),
  icbCode: z.string().nullable(), history: z.array(HistorySchema),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const criterionAnswer = (c: Criterion) => ({ id: c.id, icbCode: c.icbCode, specialty: c.specialty, title: c.title, description: c.description, retiredAt: iso(c.retiredAt) });
const historyAnswer = (h: Application['history'][number]) => ({ action: h.action, applicationId: h.applicationId, reason: h.reason, unmet: h.detail.unmet ?? [], at: h.at.toISOString(), by: h.by, organisation: h.organisation });
const summaryAnswer = (a: ApplicationSummary) => ({
  id: a.id, serviceId: a.serviceId, status: a.status, provider: a.provider, site: a.site, specialty: a.specialty, icbCode: a.icbCode,
  submittedAt: a.submittedAt.toISOString(), firstSubmittedAt: a.firstSubmittedAt.toISOString(), decidedAt: iso(a.decidedAt), clock: a.clock,
});
const applicationAnswer = (a: Application) => ({
  ...summaryAnswer(a), clinicType: a.clinicType, minAge: a.minAge, maxAge: a.maxAge, consultantTeam: a.consultantTeam, serviceStatus: a.serviceStatus,
  checklist: a.items.map((i) => ({ ...i, checkedAt: iso(i.checkedAt) })), history: a.history.map(historyAnswer),
});
const StandingBody = z.object({ change: z.enum(['SUSPEND', 'REINSTATE', 'WITHDRAW']), reason: z.string().max(REASON_MAX) });
const StandingPreviewSchema = z.object({
  serviceId: z.string(), name: z.string(), change: z.enum(['SUSPEND', 'REINSTATE', 'WITHDRAW']),
  from: z.string().describe('the accreditation status now'), to: z.string().describe('the status after the change'),
  leavesChoice: z.boolean().describe('patients stop being offered the service'),
  patientsChoosing: z.number().int().describe('open referrals waiting to be booked with the service on their shortlist: they can no longer book it'),
  appointmentsBooked: z.number().int().describe('appointments with the service from now on: they are kept'),
  previewVersion: z.string(),
});
const standingPreviewAnswer = (p: StandingPreview) => ({
  serviceId: p.serviceId, name: p.name, change: p.change, from: p.from, to: p.to, leavesChoice: p.leavesChoice,
  patientsChoosing: p.reliance.choosing, appointmentsBooked: p.reliance.booked, previewVersion: p.version,
});
const standingAnswer = (s: ServiceAccreditation) => ({
  serviceId: s.serviceId, name: s.name, provider: s.provider, specialty: s.specialty, status: s.status, active: s.active, icbCode: s.icbCode, history: s.history.map(historyAnswer),
});

const icbAccess = { access: ROLES('commissioner', 'admin') };
const providerAccess = { access: ROLES('provider') };
const seeAccess = { access: ROLES('provider', 'commissioner', 'admin') };
const IdParams = z.object({ id: z.coerce.number().int().positive() });
const Evidence = z.record(z.string().regex(/^\d{1,12}$/), z.string().max(EVIDENCE_MAX)).describe('evidence per criterion id');
const Age = z.number().int().min(0).max(MAX_AGE).nullable().default(null);
const tags = ['accreditation'];

export function accreditationRoutes(deps: Deps) {
  return async function (app: FastifyInstance) {
    const api = app as ZodApp;
    const { db } = deps.database;
    const refresh = async () => void (await deps.directory.refresh());

    api.get('/accreditation/criteria', {
      config: { access: PUBLIC('an ICB publishes its qualifying criteria for providers to read') },
      schema: { tags, summary: "An ICB's published qualifying criteria for listing a service", querystring: z.object({ icb: z.string().regex(/^[A-Za-z0-9]{3,5}$/) }), response: { 200: z.object({ icbCode: z.string(), criteria: z.array(CriterionSchema) }), ...problems(400) } },
    }, async (request) => {
      const icb = request.query.icb.toUpperCase();
      return { icbCode: icb, criteria: (await publishedCriteria(db, icb)).map(criterionAnswer) };
    });

    api.post('/accreditation/criteria', {
      config: icbAccess,
      schema: {
        tags, summary: "Publish a qualifying criterion for the caller's ICB (an admin names the ICB)",
        body: z.object({ icb: z.string().max(10).optional(), title: z.string().trim().min(1).max(TITLE_MAX), description: z.string().trim().min(1).max(DESCRIPTION_MAX), specialtyCode: z.string().max(8).nullable().default(null) }),
        response: { 201: CriterionSchema, ...problems(400, 401, 403, 404, 422) },
      },
    }, async (request, reply) => {
      const { icb, ...input } = request.body;
      const created = await addCriterion(db, staffOf(request), icb ?? null, input);
      reply.code(201);
      return criterionAnswer(created);
    });

    api.post('/accreditation/criteria/:id/retirement', {
      config: icbAccess,
      schema: { tags, summary: 'Retire a criterion: no longer asked of new applications', params: IdParams, response: { 200: CriterionSchema, ...problems(401, 403, 404, 409) } },
    }, async (request) => criterionAnswer(await retireCriterion(db, staffOf(request), request.params.id)));

    api.get('/accreditation/applications', {
      config: seeAccess,
      schema: {
        tags, summary: "Applications to list a service: a provider's own, a commissioner's ICB's, any for an admin", querystring: z.object({ icb: z.string().max(10).optional() }),
        response: { 200: z.object({ applications: z.array(SummarySchema) }), ...problems(400, 401, 403, 404) },
      },
    }, async (request) => {
      const staff = staffOf(request);
      if (request.query.icb && staff.role !== 'provider') await icbInScope(db, staff, request.query.icb);
      return { applications: (await applicationsFor(db, staff, { icb: request.query.icb?.toUpperCase() ?? null })).map(summaryAnswer) };
    });

    api.post('/accreditation/applications', {
      config: providerAccess,
      schema: {
        tags, summary: "Apply to list a specialty at one of the caller's sites, with evidence per criterion (the service awaits accreditation, not offered to patients)",
        body: z.object({
          siteOdsCode: z.string().min(1).max(20), specialtyCode: z.string().min(1).max(8),
          clinicType: z.string().trim().max(100).nullable().default(null), minAge: Age, maxAge: Age,
          consultantTeam: z.string().trim().max(200).nullable().default(null), evidence: Evidence, icbCode: z.string().max(10).nullable().optional(),
        }),
        response: { 201: ApplicationSchema, ...problems(400, 401, 403, 409, 422) },
      },
    }, async (request, reply) => {
      const created = await applyToList(db, staffOf(request), request.body);
      reply.code(201).header('location', `/api/v1/accreditation/applications/${created.id}`);
      return applicationAnswer(created);
    });

    api.get('/accreditation/applications/:id', {
      config: seeAccess,
      schema: { tags, summary: 'One application with its checklist and the service\'s whole history', params: IdParams, response: { 200: ApplicationSchema, ...problems(401, 403, 404) } },
    }, async (request) => applicationAnswer(await applicationOf(db, staffOf(request), request.params.id)));

    api.put('/accreditation/applications/:id/checklist/:criterionId', {
      config: icbAccess,
      schema: {
        tags, summary: 'Record one line of the due-diligence checklist: met, or not met with a note', params: IdParams.extend({ criterionId: z.coerce.number().int().positive() }),
        body: z.object({ outcome: z.enum(['MET', 'NOT_MET']), note: z.string().max(NOTE_MAX).nullable().default(null) }),
        response: { 200: ApplicationSchema, ...problems(400, 401, 403, 404, 409, 422) },
      },
    }, async (request) => applicationAnswer(await checkCriterion(db, staffOf(request), request.params.id, request.params.criterionId, request.body)));

    api.post('/accreditation/applications/:id/decision', {
      config: icbAccess,
      schema: {
        tags, summary: 'Accredit (the service is listed), or refuse naming the criteria the checklist found not met; a provider meeting them all may not be refused',
        params: IdParams, body: z.object({ decision: z.enum(['ACCREDIT', 'REFUSE']), reason: z.string().max(REASON_MAX).nullable().default(null) }),
        response: { 200: ApplicationSchema, ...problems(400, 401, 403, 404, 409, 422) },
      },
    }, async (request) => {
      const decided = await decide(db, staffOf(request), request.params.id, request.body.decision, request.body.reason);
      await refresh();
      return applicationAnswer(decided);
    });

    api.post('/accreditation/applications/:id/resubmission', {
      config: providerAccess,
      schema: {
        tags, summary: 'Resubmit a refused application with changed evidence (criteria not met are checked again; the clock restarts)',
        params: IdParams, body: z.object({ evidence: Evidence }),
        response: { 200: ApplicationSchema, ...problems(400, 401, 403, 404, 409, 422) },
      },
    }, async (request) => applicationAnswer(await resubmit(db, staffOf(request), request.params.id, request.body.evidence)));

    api.get('/accreditation/services/:id', {
      config: seeAccess,
      schema: { tags, summary: "A service's accreditation and its whole history", params: z.object({ id: z.string().max(40) }), response: { 200: StandingSchema, ...problems(401, 403, 404) } },
    }, async (request) => standingAnswer(await serviceAccreditation(db, staffOf(request), request.params.id)));

    api.post('/accreditation/services/:id/standing/preview', {
      config: icbAccess,
      schema: {
        tags, summary: 'Preview of POST …/standing with the same body: the change and how many patients it touches, changing nothing; confirm with its previewVersion',
        params: z.object({ id: z.string().max(40) }), body: StandingBody,
        response: { 200: StandingPreviewSchema, ...problems(400, 401, 403, 404, 409) },
      },
    }, async (request) => standingPreviewAnswer(await previewStanding(db, staffOf(request), request.params.id, request.body.change)));

    api.post('/accreditation/services/:id/standing', {
      config: icbAccess,
      schema: {
        tags, summary: "Suspend, reinstate or withdraw a service's accreditation, with the reason (withdrawn: listing it again takes a new application)",
        params: z.object({ id: z.string().max(40) }), body: StandingBody.extend({ previewVersion: PreviewVersionField.optional() }),
        response: { 200: StandingSchema, ...problems(400, 401, 403, 404, 409, 422) },
      },
    }, async (request) => {
      const changed = await changeStanding(db, staffOf(request), request.params.id, request.body.change, request.body.reason, request.body.previewVersion);
      await refresh();
      return standingAnswer(changed);
    });
  };
}
