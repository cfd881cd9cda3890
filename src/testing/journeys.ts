// For the message and job tests: the fixture app with a referrer, a provider of the fixture trust (RXX), an
// administrator, and helpers to take a referral through its journeys by the public API.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { issuePatientToken, issueToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { createAccount, createOrganisation } from './accounts.ts';
import { startFixtureApp } from './directory-fixture.ts';
import { publishTestSlot } from './slots.ts';

type Answer = Awaited<ReturnType<FastifyInstance['inject']>>;

export interface Journeys {
  app: FastifyInstance;
  database: Database;
  tokens: Record<'referrer' | 'provider' | 'other-provider' | 'admin', string>;
  close(): Promise<void>;
  newReferral(patient?: { email?: string | null; mobile?: string | null; addressLines?: string[] | null }, priority?: string): Promise<{ ubrn: string; accessCode: string; patient: string }>;
  publishSlot(serviceId: string, inDays?: number): Promise<string>;
  book(ubrn: string, slotId: string, token: string): Promise<Answer>;
  cancel(ubrn: string, token: string): Promise<Answer>;
  defer(ubrn: string, serviceId: string, token: string): Promise<Answer>;
}

export async function startJourneys(label: string): Promise<Journeys> {
  const { app, database, close } = await startFixtureApp(label);
  await createOrganisation(database, 'GP1', 'GP One', 'GP_PRACTICE');
  await createOrganisation(database, 'RYY', 'Other NHS Trust', 'NHS_TRUST');
  const tokens = {} as Journeys['tokens'];
  for (const [username, role, org] of [['referrer', 'referrer', 'GP1'], ['provider', 'provider', 'RXX'], ['other-provider', 'provider', 'RYY'], ['admin', 'admin', 'RXX']] as const) {
    tokens[username] = (await issueToken(database.db, await createAccount(database, username, role, org), 'api')).token;
  }
  const auth = (token: string, key?: string) => ({ authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) });
  return {
    app,
    database,
    tokens,
    close,
    async newReferral(patient = {}, priority = 'ROUTINE') {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/referrals',
        headers: auth(tokens.referrer),
        payload: {
          patient: { nhsNumber: '9990000026', givenName: 'Bea', familyName: 'Jones', dateOfBirth: '1980-05-05', postcode: 'LS1 4AP', ...patient },
          specialty: '110',
          priority,
          clinicalSummary: 'Hip pain',
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      const { ubrn, accessCode } = res.json();
      return { ubrn, accessCode, patient: (await issuePatientToken(database.db, ubrn, 'api')).token };
    },
    publishSlot: (serviceId, inDays) => publishTestSlot(database, serviceId, inDays),
    book: (ubrn, slotId, token) => app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/appointment`, headers: auth(token, randomUUID()), payload: { slotId } }),
    cancel: (ubrn, token) => app.inject({ method: 'DELETE', url: `/api/v1/referrals/${ubrn}/appointment`, headers: auth(token), payload: { reason: 'Cannot make it' } }),
    defer: (ubrn, serviceId, token) => app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/deferral`, headers: auth(token), payload: { serviceId } }),
  };
}

/** The outbox rows of a referral, oldest first. */
export function outboxOf(database: Database, ubrn: string) {
  return database.db.selectFrom('outbox').selectAll().where('ubrn', '=', ubrn).orderBy('id').execute();
}
