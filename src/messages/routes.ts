import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { ROLES } from '../http/access.ts';
import { ProblemSchema } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import { maskNames, maskRecipient } from './mask.ts';
import { maskAccessCodes } from './templates.ts';

const MessageSchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  audience: z.enum(['patient', 'provider']),
  channel: z.enum(['letter', 'email', 'sms']),
  recipient: z.string().describe('masked'),
  ubrn: z.string(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  subject: z.string().nullable(),
  text: z.string().describe('as sent, with any access code replaced by ••••-••••'),
});

export function messageRoutes(database: Database) {
  return async function (app: FastifyInstance) {
    (app as ZodApp).get(
      '/messages',
      {
        config: { access: ROLES('admin') },
        schema: {
          tags: ['messages'],
          summary: 'The local message log (messages "sent" without GOV.UK Notify), newest first; access codes never shown',
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
          response: { 200: z.object({ messages: z.array(MessageSchema) }), 401: ProblemSchema, 403: ProblemSchema },
        },
      },
      async (request) => {
        const rows = await database.db
          .selectFrom('message_log as m')
          .innerJoin('outbox as o', 'o.id', 'm.outbox_id')
          .leftJoin('referral as r', 'r.ubrn', 'm.ubrn')
          .select(['m.id', 'm.kind', 'm.audience', 'm.channel', 'm.recipient', 'm.ubrn', 'o.created_at', 'o.sent_at', 'm.subject', 'm.body', 'r.patient_given_name', 'r.patient_family_name'])
          .orderBy('m.id', 'desc')
          .limit(request.query.limit)
          .execute();
        return {
          messages: rows.map((m) => ({
            id: m.id,
            kind: m.kind,
            audience: m.audience,
            channel: m.channel,
            recipient: maskRecipient(m.channel, m.recipient),
            ubrn: m.ubrn,
            createdAt: new Date(m.created_at).toISOString(),
            sentAt: m.sent_at ? new Date(m.sent_at).toISOString() : null,
            subject: m.subject,
            // The log is written without access codes; masked again here so this list can never show one. An
            // administrator does not see patients' referrals, so names are cut to initials too.
            text: maskNames(maskAccessCodes(m.body), [m.patient_given_name, m.patient_family_name]),
          })),
        };
      },
    );
  };
}
