// A referrer refers a patient by POSTing a ServiceRequest: translated into the JSON API's input and made by the same
// service as POST /api/v1/referrals (createReferral), with its validation, its rules and its Idempotency-Key. The
// answer is the referral as the referrer now reads it, with the patient's access code, which the JSON API answers
// once and so does this: in the patient-access-code extension of the 201 only.
import type { ServiceRequest } from '@medplum/fhirtypes';
import type { Deps } from '../deps.ts';
import type { IdempotencyContext } from '../http/idempotency.ts';
import type { StaffPrincipal } from '../http/principal.ts';
import { Problem } from '../http/problem.ts';
import { createReferral } from '../referrals/create.ts';
import { translateServiceRequest } from './service-request-input.ts';
import { readServiceRequest } from './service-request-read.ts';

export async function createServiceRequest(deps: Deps, staff: StaffPrincipal, body: unknown, idem: IdempotencyContext | null): Promise<ServiceRequest> {
  const translated = translateServiceRequest(body, staff.organisation.odsCode);
  let created;
  try {
    created = await createReferral(deps, staff, translated.body, idem);
  } catch (err) {
    throw err instanceof Problem ? translated.inFhirTerms(err) : err;
  }
  return (await readServiceRequest(deps, staff, created.ubrn, { accessCode: created.accessCode })).resource;
}
