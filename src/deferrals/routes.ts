import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { londonDate } from '../domain/dates.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { ProblemSchema } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import { deferralsForProvider } from './worklist.ts';

const DeferralSchema = z.object({
  ubrn: z.string(),
  priority: z.enum(['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT']),
  specialty: z.string(),
  service: z.object({ id: z.string(), name: z.string() }),
  patientName: z.string(),
  contactBy: z.string(),
  daysLeft: z.number().int(),
  overdue: z.boolean(),
});

export function deferralRoutes(database: Database) {
  return async function (app: FastifyInstance) {
    (app as ZodApp).get(
      '/provider/deferrals',
      {
        config: { access: ROLES('provider') },
        schema: {
          tags: ['booking'],
          summary: 'ASI worklist: referrals deferred to your services, with the contact-by date and days left (negative: overdue), most urgent first',
          response: { 200: z.object({ today: z.string(), deferrals: z.array(DeferralSchema) }), 401: ProblemSchema, 403: ProblemSchema },
        },
      },
      async (request) => {
        const today = londonDate();
        return { today, deferrals: await deferralsForProvider(database.db, staffOf(request).organisation.odsCode, today) };
      },
    );
  };
}
