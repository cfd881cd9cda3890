// The self-assessment's JSON API (shared/design/api.md, "Choice measured and assured"): an ICB's assessment of a
// half-year, and one item saved (PUT, idempotent). Commissioners: their own ICB; admins: any (icb=). Wiring only:
// ./service.ts does the work.
//
// Evidence is a list with one entry per piece of evidence: { "type": "TEXT", "text" } (at most 20, each at most
// 4000 characters), { "type": "LINK", "url" } (http or https, at most 20), and { "type": "ATTACHMENT", "id", "name",
// "mediaType", "size", "href" } for the documents attached on the item's page. A PUT sets the texts and links;
// the attachments it names must be the item's own and are kept (a document is removed on the item's page only).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { RATINGS } from '../domain/self-assessment-items.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { problems } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import { assessmentFor, type ItemView, LINK_MAX, REASON_MAX, OWNER_MAX, saveItem, TEXT_MAX } from './service.ts';

const Rating = z.enum(RATINGS as ['RED', 'AMBER', 'GREEN']);
const ShareSchema = z.object({ count: z.number().int(), denominator: z.number().int(), value: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable() });

const EvidenceOut = z.discriminatedUnion('type', [
  z.object({ type: z.literal('TEXT'), text: z.string() }),
  z.object({ type: z.literal('LINK'), url: z.string() }),
  z.object({ type: z.literal('ATTACHMENT'), id: z.string(), name: z.string(), mediaType: z.string(), size: z.number().int(), href: z.string() }),
]);
const EvidenceIn = z.discriminatedUnion('type', [
  z.object({ type: z.literal('TEXT'), text: z.string().max(TEXT_MAX, `must be ${TEXT_MAX} characters or fewer`) }),
  z.object({ type: z.literal('LINK'), url: z.string().max(LINK_MAX, `must be ${LINK_MAX} characters or fewer`) }),
  z.object({ type: z.literal('ATTACHMENT'), id: z.string().max(40) }).loose(),
]);

const Offered = z.object({
  from: z.string(), to: z.string(), summary: z.string(),
  figures: z.array(z.object({ label: z.string(), share: ShareSchema.optional(), count: z.number().int().optional() })),
  suggestedRating: Rating.nullable(), rule: z.string(), source: z.object({ text: z.string(), href: z.string() }),
});

const Item = z.object({
  itemId: z.string(),
  kind: z.enum(['ACTION', 'MINIMUM_STANDARD']),
  text: z.string(),
  standards: z.array(z.string()).describe('for an action: the minimum standards it carries'),
  rating: Rating.nullable(),
  effectiveRating: Rating.nullable().describe('RED whenever contraryToLegalRights is true, else rating'),
  evidence: z.array(EvidenceOut),
  contraryToLegalRights: z.boolean(),
  owner: z.string().nullable(),
  suggestedRating: Rating.nullable().describe('what the evidence OpenChoice holds suggested when the item was saved'),
  overruleReason: z.string().nullable(),
  offeredEvidence: Offered.nullable().describe('the evidence OpenChoice holds now (GET of the whole assessment only)'),
  previousEffectiveRating: Rating.nullable(),
  movement: z.enum(['UP', 'DOWN', 'SAME', 'NEW']).nullable(),
});

const SelfAssessment = z.object({
  icb: z.object({ odsCode: z.string(), name: z.string() }),
  period: z.string(),
  sro: z.object({ name: z.string(), role: z.string(), contact: z.string() }).nullable(),
  signedOff: z.object({ sroName: z.string(), sroRole: z.string(), by: z.string(), at: z.string() }).nullable(),
  items: z.array(Item),
});

const itemOut = (i: ItemView) => ({
  itemId: i.itemId, kind: i.kind, text: i.text, standards: [...i.item.standards], rating: i.rating, effectiveRating: i.effectiveRating, evidence: i.evidence,
  contraryToLegalRights: i.contraryToLegalRights, owner: i.owner, suggestedRating: i.suggestedRating, overruleReason: i.overruleReason,
  offeredEvidence: i.offered, previousEffectiveRating: i.previousEffectiveRating, movement: i.movement,
});

const Params = z.object({ period: z.string().max(20) });
const Query = z.object({ icb: z.string().max(10).optional() });

export function assuranceRoutes(deps: Deps) {
  return async function (app: FastifyInstance) {
    const api = app as ZodApp;
    const { db } = deps.database;
    api.get('/self-assessments/:period', {
      config: { access: ROLES('commissioner', 'admin') },
      schema: {
        tags: ['choice measured'],
        summary: 'The ICB\'s self-assessment of a half-year (2026-H2): the 24 actions and 9 minimum standards in the guide\'s order, with ratings, evidence and the evidence OpenChoice holds',
        params: Params, querystring: Query,
        response: { 200: SelfAssessment, ...problems(400, 401, 403, 404) },
      },
    }, async (request) => {
      const view = await assessmentFor(db, staffOf(request), request.params.period, request.query.icb);
      return {
        icb: view.icb, period: view.period.period, sro: view.sro,
        signedOff: view.signOff && { sroName: view.signOff.sroName, sroRole: view.signOff.sroRole, by: view.signOff.by, at: view.signOff.at.toISOString() },
        items: view.items.map(itemOut),
      };
    });

    api.put('/self-assessments/:period/items/:itemId', {
      config: { access: ROLES('commissioner', 'admin') },
      schema: {
        tags: ['choice measured'],
        summary: 'Saves one item of the self-assessment (idempotent); rating against the suggestion of the held evidence needs overruleReason',
        params: Params.extend({ itemId: z.string().max(10) }), querystring: Query,
        body: z.object({
          rating: Rating.nullable(),
          evidence: z.array(EvidenceIn).max(60, 'must have at most 60 entries'),
          contraryToLegalRights: z.boolean(),
          owner: z.string().max(OWNER_MAX, `must be ${OWNER_MAX} characters or fewer`).nullable().optional(),
          overruleReason: z.string().max(REASON_MAX, `must be ${REASON_MAX} characters or fewer`).nullable().optional(),
        }),
        response: { 200: Item, ...problems(400, 401, 403, 404, 409, 422) },
      },
    }, async (request) => {
      const b = request.body;
      const texts = b.evidence.flatMap((e) => (e.type === 'TEXT' ? [e.text] : []));
      const links = b.evidence.flatMap((e) => (e.type === 'LINK' ? [e.url] : []));
      const attachmentIds = b.evidence.flatMap((e) => (e.type === 'ATTACHMENT' ? [e.id] : []));
      const item = await saveItem(db, staffOf(request), request.params.period, request.params.itemId, {
        rating: b.rating, contraryToLegalRights: b.contraryToLegalRights, texts, links, attachmentIds, owner: b.owner ?? null, overruleReason: b.overruleReason ?? null, reasonMayBeMissing: true,
      }, request.query.icb);
      return itemOut(item);
    });
  };
}
