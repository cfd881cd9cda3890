// How a referral's status reads on the pages: to staff, about the patient; to the patient, to them. Each is written
// for its reader, not derived from the other.
import type { ReferralStatus } from '../domain/referral-status.ts';
import type { TriageOutcome } from '../domain/triage.ts';

/** The status as staff read it on worklists and the referral's page. */
export const STATUS_FOR_STAFF: Record<ReferralStatus, string> = {
  NOT_BOOKED: 'Not booked',
  BOOKED: 'Booked',
  DEFERRED_TO_PROVIDER: 'Deferred to provider',
  AWAITING_TRIAGE: 'Awaiting triage',
  ACCEPTED: 'Accepted',
  REJECTED: 'Rejected',
  APPT_CANCELLED_BY_PATIENT: 'Appointment cancelled by patient',
  APPT_CANCELLED_BY_PROVIDER: 'Appointment cancelled by provider',
  DID_NOT_ATTEND: 'Did not attend',
  CANCELLED: 'Cancelled',
  TRANSFERRED: 'Transferred',
};

/** The status as the patient reads it in Manage Your Referral, with what they can do next. */
export const STATUS_FOR_PATIENT: Record<ReferralStatus, string> = {
  NOT_BOOKED: 'Not booked yet: choose a service and an appointment',
  BOOKED: 'Appointment booked',
  DEFERRED_TO_PROVIDER: 'Waiting for the provider to contact you',
  AWAITING_TRIAGE: 'Being assessed',
  ACCEPTED: 'Accepted by the provider',
  REJECTED: 'Returned to your referrer',
  APPT_CANCELLED_BY_PATIENT: 'Appointment cancelled: choose another',
  APPT_CANCELLED_BY_PROVIDER: 'Appointment cancelled by the provider: choose another',
  DID_NOT_ATTEND: 'Appointment missed: choose another',
  CANCELLED: 'Referral cancelled',
  TRANSFERRED: 'Moved to another provider',
};

/** A referral assessment service's triage outcome as staff read it. */
export const TRIAGE_OUTCOME_FOR_STAFF: Record<TriageOutcome, string> = {
  NEEDS_CONSULTANT: 'Needs a consultant: providers offered to the patient',
  ADVICE: 'Returned with advice',
  REDIRECT: 'Directed to a community service',
  REJECT: 'Rejected at triage',
};
