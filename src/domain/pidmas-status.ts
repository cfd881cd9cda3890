// The life of a PIDMAS request (a long-waiting patient asking to move provider), and what each state allows.

export const PIDMAS_STATUSES = ['INVITED', 'OPTED_IN', 'VALIDATED', 'NOT_SUITABLE', 'PROPOSED', 'OFFERED', 'ACCEPTED', 'DECLINED', 'NO_MATCH', 'WITHDRAWN'] as const;
export type PidmasStatus = (typeof PIDMAS_STATUSES)[number];

/** The patient has asked and the request is being worked on: checked, matched or offered. They may withdraw it. */
export const PIDMAS_IN_PROGRESS: readonly PidmasStatus[] = ['OPTED_IN', 'VALIDATED', 'PROPOSED', 'OFFERED', 'NO_MATCH'];

/** Only invited, or finished without a move (withdrawn or declined): the patient may ask (again). */
const MAY_ASK_FROM: readonly PidmasStatus[] = ['INVITED', 'WITHDRAWN', 'DECLINED'];

/** Whether the patient may opt in now, given their request's status (null: they have none). */
export function pidmasMayOptIn(status: PidmasStatus | null): boolean {
  return status === null || MAY_ASK_FROM.includes(status);
}

export function pidmasMayWithdraw(status: PidmasStatus | null): boolean {
  return status !== null && PIDMAS_IN_PROGRESS.includes(status);
}

/** Whether the provider may (re-)invite the patient: nobody has asked yet, or only an invitation was sent. */
export function pidmasMayInvite(status: PidmasStatus | null): boolean {
  return status === null || status === 'INVITED';
}

// Where a request stands for mutual aid (DMAS): the match run's patients, and the national board's three columns.

/** Validated (or not matched last time) and holding no proposal: a match run looks for a place for them. */
export const PIDMAS_AWAITING_A_PLACE: readonly PidmasStatus[] = ['VALIDATED', 'NO_MATCH'];

/** Asked to move and no place proposed yet. */
export const PIDMAS_WAITING_TO_MOVE: readonly PidmasStatus[] = ['OPTED_IN', 'VALIDATED', 'NO_MATCH'];

/** A place proposed to the receiving provider, or offered to the patient. */
export const PIDMAS_MOVE_PROPOSED: readonly PidmasStatus[] = ['PROPOSED', 'OFFERED'];
