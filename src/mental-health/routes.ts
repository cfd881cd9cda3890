// The API for the mental health waiting standards: a provider returns its pathways (text/csv, or JSON rows).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { londonDate } from '../domain/dates.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { unprocessable } from '../http/problem.ts';
import { problems } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import type { Deps } from '../deps.ts';
import { importPathways, MAX_ROWS, type PathwayRowInput, rowsFromCsv } from './pathway-import.ts';

const text = z.string().max(200).nullish();
const Row = z.object({ pathwayId: text, service: text, referredOn: text, firstTreatmentOn: text, endedOn: text, endedReason: text, practice: text, icb: text });
const ReportSchema = z.object({
  received: z.number().int().describe('pathways in the return'),
  inserted: z.number().int().describe('new pathways'),
  updated: z.number().int().describe('pathways already held, now changed (a first treatment, an end)'),
  unchanged: z.number().int().describe('pathways already held exactly as sent'),
});

export function mentalHealthRoutes(deps: Deps) {
  return async function (app: FastifyInstance) {
    const api = app as ZodApp;
    // Returns arrive as CSV, as trusts export them; the parser is this plugin's own.
    app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));

    api.post(
      '/mental-health/pathways',
      {
        config: { access: ROLES('provider') },
        // A month of a large trust's Talking Therapies is tens of thousands of pathways (about 60 bytes each): more
        // than the API's usual body limit, and never more than MAX_ROWS.
        bodyLimit: 5_000_000,
        schema: {
          tags: ['mental health waiting standards'],
          summary: 'Return your mental health pathways (text/csv with a header: pathway_id, service EIP|TALKING_THERAPIES, referred_on, first_treatment_on, ended_on, ended_reason, practice, icb; or JSON { rows: [...] }); all or nothing, errors by line; idempotent by pathway_id',
          body: z.union([z.string(), z.object({ rows: z.array(Row).max(MAX_ROWS) })]),
          response: { 200: ReportSchema, ...problems(400, 401, 403, 422) },
        },
      },
      async (request) => {
        const staff = staffOf(request);
        const body = request.body;
        const rows: { line: number; row: PathwayRowInput }[] | { errors: { line: number; message: string }[] } = typeof body === 'string'
          ? await (async () => { const parsed = await rowsFromCsv(body); return parsed.ok ? parsed.rows : { errors: parsed.errors }; })()
          : body.rows.map((row, i) => ({ line: i + 1, row }));
        const where = typeof body === 'string' ? 'line' : 'row';
        const result = Array.isArray(rows)
          ? await importPathways(deps.database, rows, { providerOdsCode: staff.organisation.odsCode, accountId: staff.accountId, source: 'PROVIDER_RETURN', today: londonDate() })
          : { ok: false as const, errors: rows.errors };
        if (!result.ok) {
          throw unprocessable(
            `The pathways were not loaded: ${result.errors.length} problem${result.errors.length === 1 ? '' : 's'} (nothing was stored).`,
            result.errors.slice(0, 100).map((e) => ({ field: `${where} ${e.line}`, message: e.message })),
          );
        }
        return result.report;
      },
    );
  };
}
