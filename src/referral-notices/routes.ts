// The JSON API of what the referrer sees of the ICB's assurance: the prior-approval rules in force and the current
// capacity notices for a specialty (referrers, for their practice's ICB), and the capacity notices posted in a period
// as evidence for the self-assessment (commissioners for their ICB, admins for any). Wiring only: ./service.ts.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { isCalendarDate } from '../domain/dates.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { badRequest } from '../http/problem.ts';
import { problems } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import { capacityNoticeEvidence, currentNoticesForIcb, icbFor, referrerIcb, rulesInForce } from './service.ts';

const Named = z.object({ code: z.string(), name: z.string() });
const RuleSchema = z.object({
  id: z.number().int(),
  specialty: Named,
  procedure: z.string().nullable().describe('null: every referral in the specialty needs approval'),
  criteria: z.string(),
  howToApply: z.string(),
  startsOn: z.string(),
  endsOn: z.string().nullable().describe('the last day in force; null until the ICB ends it'),
});
const NoticeSchema = z.object({
  id: z.number().int(),
  kind: z.enum(['SPARE_CAPACITY', 'PAUSE']),
  specialty: Named,
  provider: Named.nullable().describe('null: the specialty as a whole'),
  serviceId: z.string().nullable(),
  title: z.string(),
  body: z.string(),
  startsOn: z.string(),
  endsOn: z.string(),
  postedBy: z.enum(['ICB', 'PROVIDER']),
});
const ReferralNoticesAnswer = z.object({ icbCode: z.string().nullable(), priorApproval: z.array(RuleSchema), capacityNotices: z.array(NoticeSchema) });
const EvidenceAnswer = z.object({
  icbCode: z.string(), from: z.string(), to: z.string(),
  notices: z.number().int(), byIcb: z.number().int(), byProviders: z.number().int(), spareCapacity: z.number().int(), pauses: z.number().int(),
  specialties: z.array(Named),
});

export function referralNoticeRoutes(deps: Pick<Deps, 'database'>) {
  const { db } = deps.database;
  return async function (app: FastifyInstance) {
    const api = app as ZodApp;
    api.get(
      '/referral-notices',
      {
        config: { access: ROLES('referrer', 'referral-centre') },
        schema: {
          tags: ['Referrals'], summary: 'The prior-approval rules in force and the current capacity notices of your practice\'s ICB (for a specialty, or all)',
          querystring: z.object({ specialty: z.string().max(10).optional() }),
          response: { 200: ReferralNoticesAnswer, ...problems(400, 401, 403) },
        },
      },
      async (request) => {
        const icbCode = await referrerIcb(db, staffOf(request));
        if (!icbCode) return { icbCode: null, priorApproval: [], capacityNotices: [] };
        const specialty = request.query.specialty;
        const rules = specialty ? await rulesInForce(db, icbCode, specialty) : [];
        const notices = (await currentNoticesForIcb(db, icbCode)).filter((n) => !specialty || n.specialty === specialty);
        return {
          icbCode,
          priorApproval: rules.map((r) => ({ id: r.id, specialty: { code: r.specialty, name: r.specialtyName }, procedure: r.procedure, criteria: r.criteria, howToApply: r.howToApply, startsOn: r.startsOn, endsOn: r.endsOn })),
          capacityNotices: notices.map((n) => ({
            id: n.id, kind: n.kind, specialty: { code: n.specialty, name: n.specialtyName }, provider: n.provider ? { code: n.provider, name: n.providerName ?? n.provider } : null,
            serviceId: n.service, title: n.title, body: n.body, startsOn: n.startsOn, endsOn: n.endsOn, postedBy: n.postedBy,
          })),
        };
      },
    );
    api.get(
      '/capacity-notices/evidence',
      {
        config: { access: ROLES('commissioner', 'admin') },
        schema: {
          tags: ['Choice measured'], summary: 'Capacity notices posted for the ICB\'s referrers with a day in the period (action 5.6), by the ICB and by providers, and the specialties covered',
          querystring: z.object({ from: z.string().max(10), to: z.string().max(10), icb: z.string().max(10).optional() }),
          response: { 200: EvidenceAnswer, ...problems(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const { from, to } = request.query;
        if (!isCalendarDate(from) || !isCalendarDate(to)) throw badRequest('The period is real dates, YYYY-MM-DD.', [{ field: isCalendarDate(from) ? 'to' : 'from', message: 'must be a date YYYY-MM-DD' }]);
        if (to < from) throw badRequest('The period must end on or after the day it starts.', [{ field: 'to', message: 'must be on or after from' }]);
        const icb = await icbFor(db, staffOf(request), request.query.icb);
        return capacityNoticeEvidence(db, icb.odsCode, from, to);
      },
    );
  };
}
