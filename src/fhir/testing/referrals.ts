// Referrals for the FHIR booking tests, made as a referrer makes them through the JSON API (POST /api/v1/referrals),
// so that what is booked over FHIR is a referral of the JSON API's own making.
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';

export const TEST_NHS_NUMBER = '9990000026';

/** A routine trauma and orthopaedics (110) referral of Bea Jones, of LS1 4AP; its UBRN. */
export async function referralThroughApi(app: FastifyInstance, referrerToken: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/referrals',
    headers: { authorization: `Bearer ${referrerToken}` },
    payload: { patient: { nhsNumber: TEST_NHS_NUMBER, givenName: 'Bea', familyName: 'Jones', dateOfBirth: '1980-05-05', postcode: 'LS1 4AP' }, specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Hip pain' },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().ubrn;
}
