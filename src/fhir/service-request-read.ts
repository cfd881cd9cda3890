// Reading one referral as a ServiceRequest: exactly the access of GET /api/v1/referrals/{ubrn}, through its own
// service (getReferral): the referring organisation, the referral centre triaging it, the providers on its shortlist
// (least data before choice applied), the patient; 404 for anyone else, as for a UBRN that does not exist.
import type { ServiceRequest } from '@medplum/fhirtypes';
import type { Deps } from '../deps.ts';
import { isUbrn } from '../domain/ubrn.ts';
import type { Principal } from '../http/principal.ts';
import { notFound } from '../http/problem.ts';
import { getReferral } from '../referrals/queries.ts';
import type { Referral } from '../referrals/schemas.ts';
import { serviceRequestOf } from './service-request.ts';
import { recordTimesOf } from './service-request-records.ts';

export async function readServiceRequest(deps: Deps, principal: Principal, id: string, options: { accessCode?: string } = {}): Promise<{ referral: Referral; resource: ServiceRequest }> {
  // An id that is not a UBRN names no referral: not found, as FHIR answers a read of an id it never issued (the JSON
  // API's 400 for a malformed UBRN is about its path, which here is any FHIR id).
  if (!isUbrn(id)) throw notFound(`There is no ServiceRequest ${id.slice(0, 64)}: a ServiceRequest's id is the referral's 12-digit UBRN.`);
  const referral = await getReferral(deps, principal, id, { reported: true });
  const times = (await recordTimesOf(deps.database.db, [id])).get(id);
  if (!times) throw notFound(`There is no referral ${id} that you can see.`);
  return { referral, resource: serviceRequestOf(referral, times, options) };
}
