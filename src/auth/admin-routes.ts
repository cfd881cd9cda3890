// Administrators' API for sign-in protection: which accounts are locked, unlocking one, and the security events.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { problems } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import { lockedAccounts, unlockAccount } from './lockouts.ts';
import { addressHash, listSecurityEvents } from './security-events.ts';

const STAFF_ROLES = ['referrer', 'referral-centre', 'provider', 'commissioner', 'admin'] as const;
const KINDS = ['ACCOUNT_LOCKED', 'ACCOUNT_LOCKED_REPEATEDLY', 'ACCOUNT_UNLOCKED', 'ADDRESS_LIMITED'] as const;

const LockedAccount = z.object({
  username: z.string(),
  displayName: z.string(),
  role: z.enum(STAFF_ROLES),
  organisation: z.object({ odsCode: z.string(), name: z.string() }),
  failures: z.number().int(),
  lockedUntil: z.string(),
});

const SecurityEvent = z.object({
  id: z.string(),
  kind: z.enum(KINDS),
  account: z.string().nullable(),
  addressHash: z.string().nullable(),
  actor: z.string().nullable(),
  occurredAt: z.string(),
  detail: z.string(),
});

export const SecurityEventQuery = z.object({
  kind: z.enum(KINDS).optional(),
  account: z.string().trim().min(1).max(120).optional(),
  // An address an investigator already has: hashed here as the events' are, never stored or logged.
  address: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function authAdminRoutes({ database, config }: { database: Database; config: Config }) {
  return async function (app: FastifyInstance) {
    const api = app as ZodApp;
    const { db } = database;

    api.get(
      '/admin/locked-accounts',
      {
        config: { access: ROLES('admin') },
        schema: {
          tags: ['signing in'],
          summary: 'Staff accounts locked now by too many failed sign-ins (administrators only)',
          response: { 200: z.object({ accounts: z.array(LockedAccount) }), ...problems(401, 403) },
        },
      },
      async () => ({ accounts: (await lockedAccounts(db)).map((a) => ({ ...a, lockedUntil: a.lockedUntil.toISOString() })) }),
    );

    api.post(
      '/admin/accounts/:username/unlock',
      {
        config: { access: ROLES('admin') },
        schema: {
          tags: ['signing in'],
          summary: 'Unlock a staff account before its lock lifts by itself; recorded as a security event',
          params: z.object({ username: z.string().trim().min(1).max(100) }),
          response: { 200: z.object({ username: z.string(), wasLocked: z.boolean() }), ...problems(400, 401, 403, 404) },
        },
      },
      async (request) => unlockAccount(db, request.log, staffOf(request), request.params.username),
    );

    api.get(
      '/admin/security-events',
      {
        config: { access: ROLES('admin') },
        schema: {
          tags: ['signing in'],
          summary: 'Security events, newest first: lockouts, repeated lockouts, unlocks, limited addresses',
          querystring: SecurityEventQuery,
          response: { 200: z.object({ events: z.array(SecurityEvent) }), ...problems(400, 401, 403) },
        },
      },
      async (request) => {
        const { kind, account, address, limit } = request.query;
        const events = await listSecurityEvents(db, { kind, account, addressHash: address ? addressHash(config.accessCodeSecret, address) : undefined, limit });
        return { events: events.map((e) => ({ ...e, occurredAt: e.occurredAt.toISOString() })) };
      },
    );
  };
}
