// A referral as a FHIR ServiceRequest (README, "FHIR R4": the mapping table). It maps the JSON API's Referral as
// getReferral answers it to that caller, so least data before choice (src/domain/least-data.ts) has already been
// applied: what the JSON API withholds from a provider the patient has not chosen is absent here too.
import type { Extension, ServiceRequest } from '@medplum/fhirtypes';
import type { ReferralStatus } from '../domain/referral-status.ts';
import type { Referral } from '../referrals/schemas.ts';
import { STATUS_FOR_STAFF } from '../referrals/wording.ts';
import { codeSystemUrl, extensionUrl, ODS_ORGANISATION_SYSTEM, TREATMENT_FUNCTION_SYSTEM, UBRN_SYSTEM } from './extensions.ts';
import { PATIENT_REFERENCE, patientResource } from './patient.ts';
import { type ReferralRecordTimes, versionIdOf } from './service-request-records.ts';

export type RequestStatus = NonNullable<ServiceRequest['status']>;
/** FHIR R4's request statuses (request-status, a required binding). */
export const REQUEST_STATUSES: readonly RequestStatus[] = ['draft', 'active', 'on-hold', 'revoked', 'completed', 'entered-in-error', 'unknown'];
type RequestPriority = NonNullable<ServiceRequest['priority']>;
type Priority = Referral['priority'];

/**
 * OpenChoice's referral states (as e-RS names them) to FHIR's request status. FHIR's status says whether anyone is
 * to act on the request; the e-RS state itself, which says what is to be done, goes in the referral-state extension.
 * - active: someone is to act: book, triage, contact the patient, see them (an accepted referral can still be
 *   cancelled by the provider or missed, and then booked again, so acceptance is not completion);
 * - on-hold: rejected, back with the referrer, who re-refers it (it resumes) or closes it;
 * - revoked: cancelled before it was done;
 * - completed: transferred: this UBRN's part is done, the patient's pathway carries on under the new referral.
 */
export const REQUEST_STATUS: Record<ReferralStatus, RequestStatus> = {
  NOT_BOOKED: 'active',
  BOOKED: 'active',
  DEFERRED_TO_PROVIDER: 'active',
  AWAITING_TRIAGE: 'active',
  ACCEPTED: 'active',
  APPT_CANCELLED_BY_PATIENT: 'active',
  APPT_CANCELLED_BY_PROVIDER: 'active',
  DID_NOT_ATTEND: 'active',
  REJECTED: 'on-hold',
  CANCELLED: 'revoked',
  TRANSFERRED: 'completed',
};

/** The referral states a FHIR status search asks for. */
export function statesWithStatus(status: RequestStatus): ReferralStatus[] {
  return (Object.keys(REQUEST_STATUS) as ReferralStatus[]).filter((s) => REQUEST_STATUS[s] === status);
}

/**
 * e-RS priorities to FHIR's request priority. A two-week wait (suspected cancer: seen within 14 days) is `asap`,
 * not `stat`: `stat` is FHIR's emergency ("with highest priority, e.g. in an emergency"), which would tell a
 * receiving system to act within the hour; `asap` is the next above urgent, as a two-week wait is above urgent.
 */
export const REQUEST_PRIORITY: Record<Priority, RequestPriority> = { ROUTINE: 'routine', URGENT: 'urgent', TWO_WEEK_WAIT: 'asap' };
export const PRIORITY_OF: Partial<Record<string, Priority>> = { routine: 'ROUTINE', urgent: 'URGENT', asap: 'TWO_WEEK_WAIT' };

/** OpenChoice's extensions on ServiceRequest (README, "FHIR R4"). */
export const REFERRAL_STATE_EXTENSION = extensionUrl('referral-state');
export const REFERRAL_STATE_SYSTEM = codeSystemUrl('referral-state');
export const SHORTLISTED_SERVICE_EXTENSION = extensionUrl('shortlisted-service');
export const ACCESS_CODE_EXTENSION = extensionUrl('patient-access-code');
/** FHIR's own: why an element is empty; `masked` for the patient withheld until chosen. */
export const DATA_ABSENT_REASON = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';

/** SNOMED CT 3457005 |Patient referral|: what every OpenChoice ServiceRequest is. */
const REFERRAL_CATEGORY = { coding: [{ system: 'http://snomed.info/sct', code: '3457005', display: 'Patient referral' }] };

/** The service the patient chose, when there is one: booked at, deferred to, or the one service offered. */
function chosenServiceOf(referral: Referral): string | null {
  if (referral.appointment) return referral.appointment.serviceId;
  if (referral.deferral) return referral.deferral.serviceId;
  return referral.shortlist.length === 1 ? referral.shortlist[0]!.service.id : null;
}

export function serviceRequestOf(referral: Referral, times: ReferralRecordTimes, options: { accessCode?: string } = {}): ServiceRequest {
  const extension: Extension[] = [
    { url: REFERRAL_STATE_EXTENSION, valueCoding: { system: REFERRAL_STATE_SYSTEM, code: referral.status, display: STATUS_FOR_STAFF[referral.status] } },
    ...referral.shortlist.map((o) => ({ url: SHORTLISTED_SERVICE_EXTENSION, valueReference: { reference: `HealthcareService/${o.service.id}`, display: o.service.name } })),
  ];
  // Only in the answer to the create: the patient needs it with the UBRN, and it is never shown again.
  if (options.accessCode) extension.push({ url: ACCESS_CODE_EXTENSION, valueString: options.accessCode });
  const p = referral.patient;
  const shown = referral.patientDetails === 'SHOWN' && p.nhsNumber && p.givenName && p.familyName && p.dateOfBirth && p.postcode;
  const chosen = chosenServiceOf(referral);
  return {
    resourceType: 'ServiceRequest',
    id: referral.ubrn,
    meta: { versionId: versionIdOf(times.updatedAt), lastUpdated: times.updatedAt.toISOString() },
    ...(shown
      ? { contained: [patientResource({ nhsNumber: p.nhsNumber!, givenName: p.givenName!, familyName: p.familyName!, dateOfBirth: p.dateOfBirth!, postcode: p.postcode!, addressLines: p.addressLines, email: p.email, mobile: p.mobile })] }
      : {}),
    extension,
    identifier: [{ system: UBRN_SYSTEM, value: referral.ubrn }],
    status: REQUEST_STATUS[referral.status],
    intent: 'order',
    category: [REFERRAL_CATEGORY],
    priority: REQUEST_PRIORITY[referral.priority],
    code: { coding: [{ system: TREATMENT_FUNCTION_SYSTEM, code: referral.specialty.code, display: referral.specialty.name }], text: referral.specialty.name },
    subject: shown
      ? { reference: PATIENT_REFERENCE }
      : { extension: [{ url: DATA_ABSENT_REASON, valueCode: 'masked' }], display: 'Shown once the patient chooses one of your services' },
    authoredOn: times.createdAt.toISOString(),
    requester: { identifier: { system: ODS_ORGANISATION_SYSTEM, value: referral.referringOrganisation.odsCode }, display: referral.referringOrganisation.name },
    ...(chosen ? { performer: [{ reference: `HealthcareService/${chosen}` }] } : {}),
    ...(referral.clinicalSummary ? { note: [{ text: referral.clinicalSummary }] } : {}),
  };
}
