// The life of a referral, as the NHS e-Referral Service names its states. Every change is one of these
// actions; an action the current state does not allow is refused (409 at the API), never forced.

export const REFERRAL_STATUSES = [
  'NOT_BOOKED',
  'BOOKED',
  'DEFERRED_TO_PROVIDER',
  'AWAITING_TRIAGE',
  'ACCEPTED',
  'REJECTED',
  'APPT_CANCELLED_BY_PATIENT',
  'APPT_CANCELLED_BY_PROVIDER',
  'DID_NOT_ATTEND',
  'CANCELLED',
  'TRANSFERRED',
] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/** Waiting for an appointment to be booked: from here a slot can be booked or the referral deferred. */
export const AWAITING_BOOKING: readonly ReferralStatus[] = ['NOT_BOOKED', 'APPT_CANCELLED_BY_PATIENT', 'APPT_CANCELLED_BY_PROVIDER', 'DID_NOT_ATTEND'];
/** Ended: the referral was cancelled, or its pathway moved on to a new referral. Nothing changes it any more. */
export const CLOSED: readonly ReferralStatus[] = ['CANCELLED', 'TRANSFERRED'];
/** Everything not closed. */
export const OPEN: readonly ReferralStatus[] = REFERRAL_STATUSES.filter((s) => !CLOSED.includes(s));
/**
 * The patient is on a provider's waiting list: open and not rejected (a rejected referral has gone back to the
 * referrer, so no provider is treating the patient until it is booked again).
 */
export const ON_A_WAITING_LIST: readonly ReferralStatus[] = OPEN.filter((s) => s !== 'REJECTED');

export const REFERRAL_ACTIONS = {
  BOOK: { from: [...AWAITING_BOOKING, 'DEFERRED_TO_PROVIDER', 'REJECTED'], to: 'BOOKED' },
  DEFER_TO_PROVIDER: { from: AWAITING_BOOKING, to: 'DEFERRED_TO_PROVIDER' },
  SEND_FOR_TRIAGE: { from: ['NOT_BOOKED'], to: 'AWAITING_TRIAGE' },
  // The referral centre's triage: a patient who needs a consultant chooses and books from the centre's shortlist;
  // advice, a redirection or a rejection sends the referral back to the practice, as a provider's rejection does.
  TRIAGE_TO_CONSULTANT: { from: ['AWAITING_TRIAGE'], to: 'NOT_BOOKED' },
  RETURN_FROM_TRIAGE: { from: ['AWAITING_TRIAGE'], to: 'REJECTED' },
  CANCEL_APPOINTMENT_BY_PATIENT: { from: ['BOOKED'], to: 'APPT_CANCELLED_BY_PATIENT' },
  CANCEL_APPOINTMENT_BY_PROVIDER: { from: ['BOOKED', 'ACCEPTED'], to: 'APPT_CANCELLED_BY_PROVIDER' },
  ACCEPT: { from: ['BOOKED', 'DEFERRED_TO_PROVIDER', 'AWAITING_TRIAGE'], to: 'ACCEPTED' },
  REJECT: { from: ['BOOKED', 'DEFERRED_TO_PROVIDER', 'AWAITING_TRIAGE'], to: 'REJECTED' },
  RECORD_DID_NOT_ATTEND: { from: ['BOOKED', 'ACCEPTED'], to: 'DID_NOT_ATTEND' },
  // A rejected referral goes back to the referrer's worklist to be shortlisted again.
  RETURN_TO_REFERRER: { from: ['REJECTED'], to: 'NOT_BOOKED' },
  TRANSFER: { from: OPEN, to: 'TRANSFERRED' },
  CANCEL_REFERRAL: { from: OPEN, to: 'CANCELLED' },
} as const satisfies Record<string, { from: readonly ReferralStatus[]; to: ReferralStatus }>;

export type ReferralAction = keyof typeof REFERRAL_ACTIONS;

/** The status an action leads to from `current`, or null when the current status does not allow it. */
export function nextStatus(current: ReferralStatus, action: ReferralAction): ReferralStatus | null {
  const rule = REFERRAL_ACTIONS[action];
  return (rule.from as readonly ReferralStatus[]).includes(current) ? rule.to : null;
}

/** Actions the current status allows, for worklists and pages that offer only what can be done. */
export function allowedActions(current: ReferralStatus): ReferralAction[] {
  return (Object.keys(REFERRAL_ACTIONS) as ReferralAction[]).filter((a) => nextStatus(current, a) !== null);
}

export function mayDo(current: ReferralStatus, action: ReferralAction): boolean {
  return nextStatus(current, action) !== null;
}

export const isClosed = (status: ReferralStatus): boolean => CLOSED.includes(status);

/**
 * Whether the patient may choose a service and appointment in Manage Your Referral: whenever a slot could be
 * booked, and also when one is booked (choosing again changes it). Not while deferred (the provider is to contact
 * them) or rejected (the referral is back with the referrer).
 */
export function patientMayChoose(status: ReferralStatus): boolean {
  return AWAITING_BOOKING.includes(status) || status === 'BOOKED';
}

/**
 * The worklists' filters: every status in exactly one group, named as staff speak of them ("to book", "with the
 * provider"), not as e-RS codes them. In the order the pages offer them.
 */
export const STATE_GROUPS = {
  'to-book': { words: 'To book', statuses: AWAITING_BOOKING },
  booked: { words: 'Booked', statuses: ['BOOKED'] },
  'with-provider': { words: 'With the provider', statuses: ['DEFERRED_TO_PROVIDER'] },
  'in-triage': { words: 'Being triaged', statuses: ['AWAITING_TRIAGE'] },
  accepted: { words: 'Accepted', statuses: ['ACCEPTED'] },
  rejected: { words: 'Rejected', statuses: ['REJECTED'] },
  closed: { words: 'Closed', statuses: CLOSED },
} as const satisfies Record<string, { words: string; statuses: readonly ReferralStatus[] }>;
export type StateGroup = keyof typeof STATE_GROUPS;
export const STATE_GROUP_NAMES = Object.keys(STATE_GROUPS) as [StateGroup, ...StateGroup[]];

export const isStateGroup = (name: string): name is StateGroup => Object.hasOwn(STATE_GROUPS, name);

/** The group a status is filtered under. */
export function stateGroupOf(status: ReferralStatus): StateGroup {
  return STATE_GROUP_NAMES.find((g) => (STATE_GROUPS[g].statuses as readonly ReferralStatus[]).includes(status))!;
}
