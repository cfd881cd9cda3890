import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { bearerToken, PUBLIC, ROLES, staffOf } from '../http/access.ts';
import { Problem } from '../http/problem.ts';
import { ProblemSchema } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import { verifyPassword } from './passwords.ts';
import { clearFailures, recordFailure, retryAfterSeconds, SIGN_IN_LIMIT } from './rate-limit.ts';
import { issueToken, revokeToken } from './sessions.ts';

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
const BAD_CREDENTIALS = new Problem(401, 'Not signed in', 'The username or password is not right.');

export function authRoutes(database: Database) {
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
        const keys = [`user:${username.toLowerCase()}`, `address:${request.ip}`];
        const wait = await retryAfterSeconds(db, keys, SIGN_IN_LIMIT);
        if (wait > 0) {
          throw new Problem(429, 'Too many attempts', `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} minutes.`, {
            headers: { 'retry-after': String(wait) },
          });
        }
        const account = await db
          .selectFrom('account as a')
          .innerJoin('organisation as o', 'o.ods_code', 'a.organisation_ods_code')
          .select(['a.id', 'a.password_hash', 'a.role', 'a.active', 'o.ods_code', 'o.name'])
          .where((eb) => eb(eb.fn('lower', ['a.username']), '=', username.toLowerCase()))
          .executeTakeFirst();
        const ok = await verifyPassword(account?.active ? account.password_hash : null, password);
        if (!account || !ok) {
          await recordFailure(db, keys);
          throw BAD_CREDENTIALS;
        }
        await clearFailures(db, [keys[0]!]);
        const { token, expiresAt } = await issueToken(db, account.id, 'api');
        return { token, expiresAt: expiresAt.toISOString(), role: account.role, organisation: { odsCode: account.ods_code, name: account.name } };
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
      async () => {
        const rows = await db
          .selectFrom('account as a')
          .innerJoin('organisation as o', 'o.ods_code', 'a.organisation_ods_code')
          .select(['a.username', 'a.display_name', 'a.role', 'a.active', 'a.demo', 'o.ods_code', 'o.name'])
          .orderBy('a.username')
          .execute();
        return {
          accounts: rows.map((r) => ({
            username: r.username,
            displayName: r.display_name,
            role: r.role,
            organisation: { odsCode: r.ods_code, name: r.name },
            active: r.active,
            demo: r.demo,
          })),
        };
      },
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
