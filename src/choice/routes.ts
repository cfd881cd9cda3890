// The choice measures' JSON API and CSV: GET /api/v1/choice-metrics and its e-RS-shaped weekly extract. Wiring only:
// the figures come from src/choice/measures.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { problems } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import { choiceMetrics, ersExtract, extractCsv, metricsCsv } from './measures.ts';
import { ExtractAnswerSchema, ExtractQuerySchema, MetricsAnswerSchema, MetricsQuerySchema } from './schemas.ts';

/** CSV when asked for by `format=csv`, or by an Accept header that names text/csv and not JSON first. */
function wantsCsv(request: FastifyRequest, format: 'json' | 'csv' | undefined): boolean {
  if (format) return format === 'csv';
  const accept = request.headers.accept ?? '';
  const csv = accept.indexOf('text/csv');
  const json = accept.indexOf('application/json');
  return csv >= 0 && (json < 0 || csv < json);
}

function sendCsv(reply: FastifyReply, filename: string, body: string) {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).header('cache-control', 'no-store').send(body);
}

const CSV_NOTE = ' With format=csv (or Accept: text/csv) the same rows come as text/csv with a header line.';

export function choiceRoutes(deps: Deps) {
  return async function (app: FastifyInstance) {
    const api = app as ZodApp;
    const { db } = deps.database;

    api.get(
      '/choice-metrics',
      {
        config: { access: ROLES('commissioner', 'admin') },
        schema: {
          tags: ['choice measures'],
          summary: `The choice measures of an ICB for a period (dates inclusive, on the day the referral was made), by ICB, practice, referral centre or provider.${CSV_NOTE}`,
          querystring: MetricsQuerySchema,
          response: { 200: MetricsAnswerSchema, ...problems(400, 401, 403, 404, 422) },
        },
      },
      async (request, reply) => {
        const { format, ...query } = request.query;
        const answer = await choiceMetrics(db, staffOf(request), query);
        if (!wantsCsv(request, format)) return answer;
        return sendCsv(reply, `choice-metrics-${answer.icb.odsCode}-${answer.groupBy}-${answer.from}-${answer.to}.csv`, metricsCsv(answer));
      },
    );

    api.get(
      '/choice-metrics/ers-extract',
      {
        config: { access: ROLES('commissioner', 'admin') },
        schema: {
          tags: ['choice measures'],
          summary: `Weekly extract shaped like NHS England's e-RS open data: one row per ISO week (Monday) × ICB × specialty, for publication (counts of 1 to 9 hidden).${CSV_NOTE}`,
          querystring: ExtractQuerySchema,
          response: { 200: ExtractAnswerSchema, ...problems(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        const { format, ...query } = request.query;
        const answer = await ersExtract(db, staffOf(request), query);
        if (!wantsCsv(request, format)) return answer;
        return sendCsv(reply, `ers-extract-${answer.icb.odsCode}-${answer.from}-${answer.to}.csv`, extractCsv(answer));
      },
    );
  };
}
