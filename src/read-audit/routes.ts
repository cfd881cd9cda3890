// The API for searching who saw what: GET /api/v1/audit/reads, for administrators and providers' staff.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { READS } from '../http/read-audit.ts';
import { problems } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import { ReadSearchQuery } from './schemas.ts';
import { searchReads } from './service.ts';

const AuditedReadSchema = z.object({
  readAt: z.string(),
  accountId: z.number().int().nullable().describe('null when the patient read their own'),
  username: z.string().nullable(),
  role: z.string(),
  organisation: z.object({ odsCode: z.string(), name: z.string() }).nullable(),
  ubrn: z.string().nullable(),
  nhsNumber: z.string().nullable(),
  route: z.string().describe("the route template that answered, e.g. 'GET /api/v1/referrals/:ubrn'"),
  purpose: z.string().nullable(),
});

export function readAuditRoutes(deps: Deps) {
  return async function (app: FastifyInstance) {
    (app as ZodApp).get(
      '/audit/reads',
      {
        // What it answers names patients: searching the audit is itself a read of theirs, and recorded.
        config: { access: ROLES('admin', 'provider'), audit: READS('referrals', 'audit search') },
        schema: {
          tags: ['audit'],
          summary: "Who saw a patient's record: by NHS number, UBRN, account and dates, newest first. A provider sees only reads of patients referred to it, and must name the patient",
          querystring: ReadSearchQuery,
          response: { 200: z.object({ reads: z.array(AuditedReadSchema), total: z.number().int() }), ...problems(400, 401, 403) },
        },
      },
      async (request) => searchReads(deps.database.db, staffOf(request), request.query),
    );
  };
}
