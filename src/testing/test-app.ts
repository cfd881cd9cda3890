// The whole app under test on a database of its own, and referrals made in it the way the demo referrer makes them:
// through the API. The page tests then sign in with page-session.ts.
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { DEMO_PASSWORD } from '../auth/demo-accounts.ts';
import { openDemoTestDatabase, type TestDatabase, testConfig } from './database.ts';

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  /** Stops the app and drops its database. */
  close(): Promise<void>;
}

/** The whole app on this test database. */
export async function startTestApp(database: TestDatabase): Promise<TestApp> {
  const app = await buildApp({ config: testConfig(), database, logger: false });
  return {
    app,
    database,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

/** The whole app on a new copy of the demo database (see openDemoTestDatabase). */
export async function startDemoApp(label?: string): Promise<TestApp> {
  return startTestApp(await openDemoTestDatabase(label));
}

/**
 * A routine trauma and orthopaedics referral (specialty 110) for a patient born on 31 January 1970 in LS1 4AP (Ann,
 * unless another first name is given), made by demo-referrer through the API, with this shortlist.
 */
export async function referThroughApi(
  app: FastifyInstance,
  patient: { givenName?: string; familyName: string },
  shortlist: string[],
): Promise<{ ubrn: string; accessCode: string }> {
  const signIn = await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-referrer', password: DEMO_PASSWORD } });
  assert.equal(signIn.statusCode, 200, signIn.body);
  const res = await app.inject({
    method: 'POST', url: '/api/v1/referrals', headers: { authorization: `Bearer ${signIn.json().token}` },
    payload: {
      patient: { nhsNumber: '9990000018', givenName: patient.givenName ?? 'Ann', familyName: patient.familyName, dateOfBirth: '1970-01-31', postcode: 'LS1 4AP' },
      specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Knee', shortlist,
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}
