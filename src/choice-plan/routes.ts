// The public JSON API of the choice plan: an ICB's published plan (the newest version's snapshot, never the draft),
// its SRO when named, the approved comments with their answers (never an email address), and "you said, we did".
// Wiring only: ./public-plan.ts does the work.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { ACTION_STATUSES } from '../domain/choice-plan.ts';
import { PUBLIC } from '../http/access.ts';
import { notFound } from '../http/problem.ts';
import { problems } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import { publicPlan } from './public-plan.ts';

const STATUS = Object.keys(ACTION_STATUSES) as [keyof typeof ACTION_STATUSES, ...(keyof typeof ACTION_STATUSES)[]];

const ChoicePlan = z.object({
  icb: z.object({ odsCode: z.string(), name: z.string() }),
  sro: z.object({ name: z.string(), role: z.string(), contact: z.string() }).nullable().describe("the ICB's senior responsible owner for choice, when named"),
  published: z.object({
    version: z.number().int(),
    publishedAt: z.string().describe('ISO 8601'),
    ambition: z.string().describe('the three-year ambition (2016 guide, action 4.1)'),
    summary: z.string().describe('the plain-English summary'),
    actions: z.array(z.object({
      title: z.string(), description: z.string(), owner: z.string(), dueOn: z.string(), status: z.enum(STATUS),
      itemIds: z.array(z.string()).describe('the self-assessment items it improves: "1.1" … "6.5", "MS1" … "MS9"'),
    })),
  }).nullable().describe('null until the ICB publishes its plan'),
  comments: z.array(z.object({ body: z.string(), name: z.string().nullable(), receivedAt: z.string(), answer: z.string().nullable(), answeredAt: z.string().nullable() })).describe('approved comments only, newest first'),
  changes: z.array(z.object({ youSaid: z.string(), weDid: z.string(), recordedAt: z.string() })),
});

export function choicePlanRoutes(deps: Deps) {
  return async function (app: FastifyInstance) {
    const api = app as ZodApp;
    api.get('/choice-plans/:icb', {
      config: { access: PUBLIC('the ICB publishes its choice plan for everyone to read') },
      schema: {
        tags: ['choice measured'],
        summary: "An ICB's published choice plan, with the comments it approved, its answers and what changed because of them",
        params: z.object({ icb: z.string().max(10) }),
        response: { 200: ChoicePlan, ...problems(404) },
      },
    }, async (request) => {
      const plan = await publicPlan(deps.database.db, request.params.icb);
      if (!plan) throw notFound(`There is no ICB ${request.params.icb}.`);
      const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
      return {
        icb: plan.icb,
        sro: plan.sro,
        published: plan.published ? {
          version: plan.published.version, publishedAt: iso(plan.published.publishedAt)!, ambition: plan.published.ambition, summary: plan.published.summary,
          actions: plan.published.actions.map((a) => ({ title: a.title, description: a.description, owner: a.owner, dueOn: a.dueOn, status: a.status, itemIds: a.items.map((i) => i.id) })),
        } : null,
        comments: plan.comments.map((c) => ({ body: c.body, name: c.name, receivedAt: iso(c.receivedAt)!, answer: c.answer, answeredAt: iso(c.answeredAt) })),
        changes: plan.changes.map((c) => ({ youSaid: c.youSaid, weDid: c.weDid, recordedAt: iso(c.recordedAt)! })),
      };
    });
  };
}
