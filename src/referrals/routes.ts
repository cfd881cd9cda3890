import type { Deps } from '../deps.ts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { tryAgainIn } from '../auth/rate-limit.ts';
import { CONTACT_METHODS, CONTACT_OUTCOMES } from '../domain/contact-attempts.ts';
import { isCalendarDate, londonDate } from '../domain/dates.ts';
import { REFERRAL_STATUSES, STATE_GROUP_NAMES } from '../domain/referral-status.ts';
import { normaliseUbrn } from '../domain/ubrn.ts';
import { patientOf, PUBLIC, ROLES, staffOf } from '../http/access.ts';
import { idempotencyOf, optionalIdempotencyOf } from '../http/idempotency.ts';
import { badRequest, tooManyRequests, unauthorized } from '../http/problem.ts';
import { ProblemSchema, UbrnText } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import { asiRoutes } from './asi-routes.ts';
import { bookAppointment, cancelAppointment, deferToProvider } from './booking.ts';
import { REJECTION_REASONS, type RejectionReason, reviewReferral } from './review.ts';
import { recordCommunicationNeeds } from './communication-needs.ts';
import { CommunicationNeedsBody, CommunicationNeedsSchema, CreatedReferral, CreateReferralBody, ReferralSchema, ServiceIdList } from './schemas.ts';
import { signInPatient } from './patient-sign-in.ts';
import { createReferral } from './create.ts';
import { deferralsForProvider } from './deferrals.ts';
import { getReferral } from './queries.ts';
import { searchWorklist, statusesOf } from './worklist.ts';
import { closeReferral, reRefer } from './re-refer.ts';
import { READS } from '../http/read-audit.ts';

const Ubrn = z.object({ ubrn: UbrnText });

const DeferralSchema = z.object({
  ubrn: z.string(),
  priority: z.enum(['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT']),
  specialty: z.string(),
  service: z.object({ id: z.string(), name: z.string() }),
  patientName: z.string(),
  contactBy: z.string(),
  daysLeft: z.number().int(),
  overdue: z.boolean(),
  contactAttempts: z.object({
    count: z.number().int(),
    last: z.object({ at: z.string(), method: z.enum(CONTACT_METHODS), outcome: z.enum(CONTACT_OUTCOMES) }).nullable(),
  }).describe('the provider\'s attempts to contact the patient so far'),
});


const PatientCredentials = z.object({
  ubrn: z.string().max(20).transform(normaliseUbrn),
  accessCode: z.string().max(20),
  dateOfBirth: z.string().max(10),
});

const Summary = z.object({
  ubrn: z.string(),
  status: z.enum(REFERRAL_STATUSES),
  priority: z.enum(['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT']),
  specialty: z.string(),
  patientName: z.string().nullable().describe('null to a provider the patient has not chosen (see Referral.patientDetails)'),
  rttClockStart: z.string(),
  optionsOffered: z.number().int(),
  updatedAt: z.string(),
  reportedBy: z.object({ odsCode: z.string(), name: z.string() }).nullable()
    .describe('for a practice: not its referral, but a provider\'s waiting-list pathway that names it as the patient\'s practice, reported by this provider'),
});

/** One status or several, separated by commas. */
const StatusList = z
  .string()
  .max(400)
  .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x !== ''))
  .pipe(z.array(z.enum(REFERRAL_STATUSES, { error: `must be one or more of ${REFERRAL_STATUSES.join(', ')}, separated by commas` })).min(1, 'must name a status'));

// One answer for whatever was wrong, so that it tells nothing about which part was.
const NOT_RECOGNISED = unauthorized('We could not find a referral with those details. Check them against your letter.');

export function referralRoutes(deps: Deps) {
  return async function (app: FastifyInstance) {
    const api = app as ZodApp;
    const { db } = deps.database;
    await app.register(asiRoutes(deps));

    api.post(
      '/referrals',
      {
        config: { access: ROLES('referrer', 'referral-centre') },
        schema: {
          tags: ['referrals'],
          summary: 'Refer a patient, with a shortlist of 1 to 20 services (default: the engine\'s top 5); with an Idempotency-Key, sending the same request again gives the same answer and refers the patient once',
          headers: z.object({ 'idempotency-key': z.string().optional().describe('optional: a new random value for each new referral; send the same one again when no answer came') }),
          body: CreateReferralBody,
          response: { 201: CreatedReferral, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 422: ProblemSchema },
        },
      },
      async (request, reply) => {
        const staff = staffOf(request);
        return reply.code(201).send(await createReferral(deps, staff, request.body, optionalIdempotencyOf(request, staff)));
      },
    );

    api.get(
      '/referrals',
      {
        config: { access: ROLES('referrer', 'referral-centre', 'provider'), audit: READS('referrals') },
        schema: {
          tags: ['referrals'],
          summary: 'Worklist: the referrals your organisation made (referrers) or that shortlist its services (providers), newest change first; search, filter and page through them',
          querystring: z.object({
            q: z.string().trim().max(100).optional().describe('the patient\'s name (or part of it), NHS number or UBRN; spaces in numbers ignored'),
            status: StatusList.optional().describe('one status, or several separated by commas'),
            group: z.enum(STATE_GROUP_NAMES).optional().describe('a group of statuses as the pages name them: to-book, booked, with-provider, in-triage, accepted, rejected, closed'),
            offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          response: {
            200: z.object({
              referrals: z.array(Summary),
              total: z.number().int().describe('how many referrals match, on every page'),
              offset: z.number().int(),
              limit: z.number().int(),
            }),
            400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema,
          },
        },
      },
      async (request) => {
        const { q, status, group, offset, limit } = request.query;
        // Both given: the statuses of the group that were asked for.
        const statuses = status && group ? status.filter((s) => statusesOf([group]).includes(s)) : status ?? (group ? statusesOf([group]) : undefined);
        const found = await searchWorklist(db, staffOf(request), { q, statuses, offset, limit });
        return { referrals: found.items.map(({ patientNhsNumber: _n, contactBy: _c, triageOutcome: _t, ...summary }) => summary), total: found.total, offset: found.offset, limit: found.limit };
      },
    );

    api.get(
      '/referrals/:ubrn',
      {
        config: { access: ROLES('referrer', 'referral-centre', 'provider', 'patient'), audit: READS('referral') },
        schema: {
          tags: ['referrals'],
          summary: 'One referral, to the referring organisation, the patient and the providers on its shortlist (404 for anyone else)',
          params: Ubrn,
          response: { 200: ReferralSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
        },
      },
      // A practice may read the pathways a provider's import says are its patients' (marked registeredPracticeSource
      // REPORTED_BY_PROVIDER); it acts on none of them.
      async (request) => getReferral(deps, request.principal!, request.params.ubrn, { reported: true }),
    );

    api.put(
      '/referrals/:ubrn/communication-needs',
      {
        config: { access: ROLES('patient', 'referrer', 'referral-centre', 'provider') },
        schema: {
          tags: ['referrals'],
          summary: "Record the patient's communication needs (Accessible Information Standard); every later letter and message honours them",
          params: Ubrn,
          body: CommunicationNeedsBody,
          response: { 200: z.object({ communicationNeeds: CommunicationNeedsSchema.nullable() }), 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
        },
      },
      async (request) => ({ communicationNeeds: await recordCommunicationNeeds(deps, request.principal!, request.params.ubrn, request.body) }),
    );

    const AppointmentSchema = z.object({ id: z.string(), serviceId: z.string(), slotId: z.string(), start: z.string(), end: z.string() });

    api.post(
      '/referrals/:ubrn/appointment',
      {
        config: { access: ROLES('patient', 'referrer', 'referral-centre', 'provider') },
        schema: {
          tags: ['booking'],
          summary: 'Book a free slot of a shortlisted service (send an Idempotency-Key; the same key gives the same answer). A provider books only a referral deferred to one of its services, into one of its own services',
          params: Ubrn,
          headers: z.object({ 'idempotency-key': z.string().optional().describe('required: a new random value for each new booking') }),
          body: z.object({
            slotId: z.string().uuid('must be a slot id'),
            patientChose: z.boolean().optional().describe('staff booking with the patient: true records that the patient chose this service (a choice measure); a patient\'s own booking always does'),
          }),
          response: {
            201: z.object({ status: z.enum(REFERRAL_STATUSES), appointment: AppointmentSchema }),
            400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema,
          },
        },
      },
      async (request, reply) => {
        const principal = request.principal!;
        const answer = await bookAppointment(deps, principal, request.params.ubrn, request.body.slotId, idempotencyOf(request, principal), { patientChose: request.body.patientChose === true });
        return reply.code(answer.status as 201).send(answer.body);
      },
    );

    api.delete(
      '/referrals/:ubrn/appointment',
      {
        config: { access: ROLES('patient', 'referrer', 'referral-centre', 'provider') },
        schema: {
          tags: ['booking'],
          summary: 'Cancel the appointment; the slot is free again',
          params: Ubrn,
          body: z.object({ reason: z.string().trim().min(1, 'is required').max(500) }),
          response: { 200: z.object({ status: z.enum(REFERRAL_STATUSES) }), 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (request) => cancelAppointment(deps, request.principal!, request.params.ubrn, request.body.reason),
    );

    api.post(
      '/referrals/:ubrn/deferral',
      {
        config: { access: ROLES('patient', 'referrer', 'referral-centre') },
        schema: {
          tags: ['booking'],
          summary: 'No free slot: defer to the provider, who must contact the patient by a date set by priority',
          params: Ubrn,
          body: z.object({
            serviceId: z.string().min(1).max(100),
            patientChose: z.boolean().optional().describe('staff deferring with the patient: true records that the patient chose this service'),
          }),
          response: {
            200: z.object({ status: z.enum(REFERRAL_STATUSES), contactBy: z.string() }),
            400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema,
          },
        },
      },
      async (request) => deferToProvider(deps, request.principal!, request.params.ubrn, request.body.serviceId, { patientChose: request.body.patientChose === true }),
    );

    api.post(
      '/referrals/:ubrn/review',
      {
        config: { access: ROLES('provider') },
        schema: {
          tags: ['booking'],
          summary: 'The provider of the booked or deferred service accepts or rejects the referral',
          params: Ubrn,
          body: z.object({
            outcome: z.enum(['ACCEPT', 'REJECT']),
            reason: z.enum(Object.keys(REJECTION_REASONS) as [RejectionReason, ...RejectionReason[]]).nullable().optional().transform((v) => v ?? null),
            note: z.string().trim().max(1000).nullable().optional().transform((v) => v || null),
          }),
          response: { 200: z.object({ status: z.enum(REFERRAL_STATUSES) }), 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema },
        },
      },
      async (request) => reviewReferral(deps, request.principal!, request.params.ubrn, request.body.outcome, request.body.reason, request.body.note),
    );

    api.post(
      '/referrals/:ubrn/shortlist',
      {
        config: { access: ROLES('referrer', 'referral-centre') },
        schema: {
          tags: ['referrals'],
          summary: 'Re-refer a rejected referral with a new shortlist (the referring organisation only): it is not booked again and the patient chooses again; the RTT clock keeps its start when the referral was wrongly directed, and starts again when it was returned as clinically inappropriate or a duplicate',
          params: Ubrn,
          body: z.object({
            shortlist: ServiceIdList
              .nullable()
              .optional()
              .transform((v) => v ?? null)
              .describe('null: the engine\'s top 5 for the patient\'s preferences, leaving out the service that rejected it'),
            clinicalSummaryAddition: z.string().trim().max(5000).nullable().optional().transform((v) => v || null)
              .describe('added to the clinical summary (what the provider asked for); the summary is never rewritten'),
          }).default({ shortlist: null, clinicalSummaryAddition: null }),
          response: {
            200: z.object({
              status: z.enum(REFERRAL_STATUSES),
              rttClockStart: z.string(),
              clockRule: z.enum(['KEEPS_RUNNING', 'STOPS']),
              optionsOffered: z.number().int(),
              fewerOptionsReason: z.string().nullable(),
              shortlist: z.array(CreatedReferral.shape.shortlist.element),
            }),
            400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema,
          },
        },
      },
      async (request) => reRefer(deps, staffOf(request), request.params.ubrn, request.body.shortlist, request.body.clinicalSummaryAddition),
    );

    api.post(
      '/referrals/:ubrn/cancellation',
      {
        config: { access: ROLES('referrer', 'referral-centre') },
        schema: {
          tags: ['referrals'],
          summary: 'Close the referral with a reason (the referring organisation only); an appointment it holds is cancelled',
          params: Ubrn,
          body: z.object({ reason: z.string().trim().min(1, 'is required').max(500) }),
          response: { 200: z.object({ status: z.enum(REFERRAL_STATUSES) }), 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (request) => closeReferral(deps, staffOf(request), request.params.ubrn, request.body.reason),
    );

    api.get(
      '/patient/referrals',
      {
        config: { access: ROLES('patient'), audit: READS('referral') },
        schema: { tags: ['referrals'], summary: 'The signed-in patient\'s referrals', response: { 200: z.object({ referrals: z.array(ReferralSchema) }), 401: ProblemSchema, 403: ProblemSchema } },
      },
      async (request) => ({ referrals: [await getReferral(deps, request.principal!, patientOf(request).ubrn)] }),
    );

    api.post(
      '/patient/token',
      {
        config: { access: PUBLIC('how a patient signs in, with the UBRN and access code from their letter') },
        schema: {
          tags: ['signing in'],
          summary: 'A patient signs in with their UBRN, access code and date of birth',
          body: PatientCredentials,
          response: { 200: z.object({ token: z.string(), expiresAt: z.string() }), 400: ProblemSchema, 401: ProblemSchema, 429: ProblemSchema },
        },
      },
      async (request) => {
        const { ubrn, accessCode, dateOfBirth } = request.body;
        if (!isCalendarDate(dateOfBirth)) throw badRequest('The date of birth must be written YYYY-MM-DD.', [{ field: 'dateOfBirth', message: 'must be a date written YYYY-MM-DD' }]);
        const result = await signInPatient(deps, { ubrn, accessCode, dateOfBirth }, request, 'api');
        if (result.outcome === 'too-many') {
          const wait = result.retryAfterSeconds;
          throw tooManyRequests(`Too many attempts to sign in. ${tryAgainIn(wait)}.`, wait);
        }
        if (result.outcome === 'not-recognised') throw NOT_RECOGNISED;
        const { token, expiresAt } = result;
        return { token, expiresAt: expiresAt.toISOString() };
      },
    );

    api.get(
      '/provider/deferrals',
      {
        config: { access: ROLES('provider'), audit: READS('referrals') },
        schema: {
          tags: ['booking'],
          summary: 'ASI worklist: referrals deferred to your services, with the contact-by date and days left (negative: overdue), most urgent first',
          response: { 200: z.object({ today: z.string(), deferrals: z.array(DeferralSchema) }), 401: ProblemSchema, 403: ProblemSchema },
        },
      },
      async (request) => {
        const today = londonDate();
        return { today, deferrals: await deferralsForProvider(db, staffOf(request).organisation.odsCode, today) };
      },
    );
  };
}
