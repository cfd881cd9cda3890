// The JSON API of referral patterns that moved: the flagged patterns of the ICB and period, with where the ICB
// stands on each. Wiring only: ./service.ts does the work. Codes, names, counts, shares, dates and statuses only.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { problems } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import { FINDING_STATUSES, patternsFor } from './service.ts';

const ShareSchema = z.object({ count: z.number().int(), denominator: z.number().int(), value: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable() });
const Named = z.object({ code: z.string(), name: z.string() });
const STATUS = Object.keys(FINDING_STATUSES) as [keyof typeof FINDING_STATUSES, ...(keyof typeof FINDING_STATUSES)[]];

const PatternSchema = z.object({
  key: z.string().describe('PRACTICE-SPECIALTY-PROVIDER, as in /commissioner/patterns/{key}'),
  practice: Named,
  specialty: Named,
  provider: Named,
  practiceShare: ShareSchema.describe("the practice's referrals in the specialty to the provider, with a 95% Wilson interval"),
  restShare: ShareSchema.describe("the rest of the ICB's (every other practice)"),
  direction: z.enum(['more', 'fewer']),
  p: z.number().describe('exact two-sided binomial test against the rest of the ICB'),
  q: z.number().describe('Benjamini–Hochberg q-value over every cell tested in the run'),
  since: z.string().nullable().describe('the Monday of the week the change started (maximum-likelihood change point), or the first week when it held throughout'),
  changed: z.boolean().describe('true: the pattern moved (its weekly shares changed within the period); false: it differs from the rest of the ICB throughout'),
  signalledWeek: z.string().nullable().describe('the week the CUSUM (odds ratio 2, h = 5) crossed its threshold'),
  findingStatus: z.enum(STATUS),
});

const PatternsAnswer = z.object({
  icb: z.object({ odsCode: z.string(), name: z.string() }),
  from: z.string(),
  to: z.string(),
  q: z.number(),
  tested: z.number().int(),
  testedPairs: z.number().int(),
  untestedPairs: z.number().int(),
  patterns: z.array(PatternSchema),
});

export function patternRoutes(deps: Deps) {
  return async function (app: FastifyInstance) {
    const api = app as ZodApp;
    const { db } = deps.database;
    api.get(
      '/choice-patterns',
      {
        config: { access: ROLES('commissioner', 'admin') },
        schema: {
          tags: ['choice measured'],
          summary: 'Referral patterns that moved: practices whose share of a specialty\'s referrals to a provider differs from the rest of the ICB\'s (false discovery rate 0.05)',
          querystring: z.object({
            from: z.string().max(10).optional(),
            to: z.string().max(10).optional(),
            specialty: z.string().max(10).optional(),
            icb: z.string().max(10).optional(),
          }),
          response: { 200: PatternsAnswer, ...problems(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const view = await patternsFor(db, staffOf(request), { ...request.query, provider: undefined });
        return {
          icb: view.icb,
          from: view.period.from,
          to: view.period.to,
          q: view.detection.q,
          tested: view.detection.tested,
          testedPairs: view.detection.testedPairs,
          untestedPairs: view.detection.untestedPairs,
          patterns: view.flagged.map((f) => ({
            key: f.key,
            practice: { code: f.practice, name: f.practiceName },
            specialty: { code: f.specialty, name: f.specialtyName },
            provider: { code: f.provider, name: f.providerName },
            practiceShare: f.practiceShare,
            restShare: f.restShare,
            direction: f.direction,
            p: f.p,
            q: f.q,
            since: f.since,
            changed: f.changed,
            signalledWeek: f.signalledWeek,
            findingStatus: f.finding?.status ?? 'NEW',
          })),
        };
      },
    );
  };
}
