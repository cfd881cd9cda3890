import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { bearerToken, PUBLIC, ROLES, staffOf } from '../http/access.ts';
import { tooManyRequests, unauthorized } from '../http/problem.ts';
import { ProblemSchema } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import { listAccounts } from './accounts.ts';
import { issueToken, revokeToken } from './sessions.ts';
import { tryAgainIn } from './rate-limit.ts';
import { signInWithPassword } from './sign-in.ts';

const STAFF_ROLES = ['referrer', 'referral-centre', 'provider', 'commissioner', 'admin'] as const;

const Credentials = z.object({
  username: z.string().trim().min(1, 'is required').max(100),
  password: z.string().min(1, 'is required').max(200),
});

const Organisation = z.object({ odsCode: z.string(), name: z.string() });
const TokenAnswer = z.object({
  token: z.string(),
  expiresAt: z.string(),
  role: z.enum(STAFF_ROLES),
  organisation: Organisation,
});
const Me = z.object({ username: z.string(), displayName: z.string(), role: z.enum(STAFF_ROLES), organisation: Organisation });

// One answer for every failure, so that it does not tell which usernames exist.
const BAD_CREDENTIALS = unauthorized('The username or password is not right.');

export function authRoutes({ database, config }: { database: Database; config: Config }) {
  return async function (app: FastifyInstance) {
    const api = app as ZodApp;
    const { db } = database;

    api.post(
      '/auth/token',
      {
        config: { access: PUBLIC('signing in is how a caller gets a token') },
        schema: {
          tags: ['signing in'],
          summary: 'Sign in with a username and password; answers a bearer token',
          body: Credentials,
          response: { 200: TokenAnswer, 400: ProblemSchema, 401: ProblemSchema, 429: ProblemSchema },
        },
      },
      async (request) => {
        const { username, password } = request.body;
        const result = await signInWithPassword(db, username, password, { address: request.ip, log: request.log, addressSecret: config.accessCodeSecret });
        if (!result.ok && result.retryAfterSeconds !== null) {
          const wait = result.retryAfterSeconds;
          throw tooManyRequests(`Too many failed sign-ins. ${tryAgainIn(wait)}.`, wait);
        }
        if (!result.ok) throw BAD_CREDENTIALS;
        const { token, expiresAt } = await issueToken(db, result.accountId, 'api');
        return { token, expiresAt: expiresAt.toISOString(), role: result.role, organisation: result.organisation };
      },
    );

    api.delete(
      '/auth/token',
      {
        config: { access: ROLES(...STAFF_ROLES) },
        schema: { tags: ['signing in'], summary: 'Sign out: the token stops working', response: { 204: z.null(), 401: ProblemSchema } },
      },
      async (request, reply) => {
        await revokeToken(db, bearerToken(request)!);
        return reply.code(204).send(null);
      },
    );

    api.get(
      '/accounts',
      {
        config: { access: ROLES('admin') },
        schema: {
          tags: ['signing in'],
          summary: 'Every staff account (administrators only)',
          response: { 200: z.object({ accounts: z.array(Me.extend({ active: z.boolean(), demo: z.boolean() })) }), 401: ProblemSchema, 403: ProblemSchema },
        },
      },
      async () => ({ accounts: await listAccounts(db) }),
    );

    api.get(
      '/auth/me',
      {
        config: { access: ROLES(...STAFF_ROLES) },
        schema: { tags: ['signing in'], summary: 'Who the token signs in', response: { 200: Me, 401: ProblemSchema } },
      },
      async (request) => {
        const p = staffOf(request);
        return { username: p.username, displayName: p.displayName, role: p.role, organisation: p.organisation };
      },
    );
  };
}
