// The referral centre's API: the assessment services a practice may refer to, the triage worklists, and recording
// a triage's outcome.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { londonDate } from '../domain/dates.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { problems, UbrnText } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import { assessmentServicesFor } from '../referrals/assessment-services.ts';
import { recordTriage } from './outcome.ts';
import { AssessmentServiceSchema, ReturnedItemSchema, TriageDecisionBody, TriageItemSchema, TriageResultSchema } from './schemas.ts';
import { returnedByCentre, toTriage } from './worklist.ts';
import { READS } from '../http/read-audit.ts';

const booleanText = z.enum(['true', 'false']).transform((v) => v === 'true');

export function triageRoutes(deps: Deps) {
  return async function (app: FastifyInstance) {
    const api = app as ZodApp;
    const { db } = deps.database;

    api.get(
      '/assessment-services',
      {
        config: { access: ROLES('referrer', 'referral-centre') },
        schema: {
          tags: ['triage'],
          summary: 'The referral assessment services your organisation\'s ICB runs, for one specialty if given: send a referral to one with "triage": { "rasId" }',
          querystring: z.object({ specialty: z.string().trim().regex(/^\d{3}$/, 'must be a treatment function code such as "110"').optional() }),
          response: { 200: z.object({ assessmentServices: z.array(AssessmentServiceSchema) }), ...problems(400, 401, 403) },
        },
      },
      async (request) => ({ assessmentServices: await assessmentServicesFor(db, staffOf(request).organisation.odsCode, request.query.specialty) }),
    );

    api.get(
      '/triage',
      {
        config: { access: ROLES('referral-centre'), audit: READS('cases') },
        schema: {
          tags: ['triage'],
          summary: 'The referral centre\'s worklist: referrals waiting for triage by its assessment services, oldest first, with the due date and days left (negative: overdue); overdue=true for the overdue ones only, overdue=false for those still in time; returned: the referrals it returned to the practices, latest first',
          querystring: z.object({ overdue: booleanText.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
          response: { 200: z.object({ today: z.string(), referrals: z.array(TriageItemSchema), returned: z.array(ReturnedItemSchema) }), ...problems(400, 401, 403) },
        },
      },
      async (request) => {
        const today = londonDate();
        const centre = staffOf(request);
        const { overdue, limit } = request.query;
        const [referrals, returned] = await Promise.all([toTriage(db, centre, today, { ...(overdue === undefined ? {} : { overdue }), limit }), returnedByCentre(db, centre, limit)]);
        return { today, referrals, returned };
      },
    );

    api.post(
      '/referrals/:ubrn/triage',
      {
        config: { access: ROLES('referral-centre') },
        schema: {
          tags: ['triage'],
          summary: 'The referral centre running the assessment service records the triage: NEEDS_CONSULTANT (the patient is offered at least 5 providers ranked by their preferences, or fewer with fewerProvidersReason, and chooses and books), ADVICE (back to the referrer with advice), REDIRECT (to a community service), REJECT (with a reason)',
          params: z.object({ ubrn: UbrnText }),
          body: TriageDecisionBody,
          response: { 200: TriageResultSchema, ...problems(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request) => recordTriage(deps, staffOf(request), request.params.ubrn, request.body),
    );
  };
}
