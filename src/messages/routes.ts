import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { LETTER_VERSIONS } from '../domain/communication-needs.ts';
import { ROLES } from '../http/access.ts';
import { ProblemSchema } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import { maskedMessageLog } from './message-log.ts';
import { READS } from '../http/read-audit.ts';

const MessageSchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  audience: z.enum(['patient', 'provider', 'carer']).describe('carer: a copy for the carer the patient named'),
  channel: z.enum(['letter', 'email', 'sms']),
  recipient: z.string().describe('masked'),
  ubrn: z.string(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  subject: z.string().nullable(),
  text: z.string().describe('as sent, with any access code replaced by ••••-••••'),
  format: z.object({ version: z.enum(LETTER_VERSIONS), largePrint: z.boolean() }).describe("the version written for the patient's communication needs, and whether in large print"),
});

export function messageRoutes({ database }: { database: Database }) {
  return async function (app: FastifyInstance) {
    (app as ZodApp).get(
      '/messages',
      {
        config: { access: ROLES('admin'), audit: READS('messages') },
        schema: {
          tags: ['messages'],
          summary: 'The local message log (messages "sent" without GOV.UK Notify), newest first; access codes never shown',
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
          response: { 200: z.object({ messages: z.array(MessageSchema) }), 401: ProblemSchema, 403: ProblemSchema },
        },
      },
      async (request) => ({ messages: await maskedMessageLog(database.db, request.query.limit) }),
    );
  };
}
