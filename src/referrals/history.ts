// Every change to a referral's state, and every entry in its history, goes through here: a status changes only as
// the state machine allows (src/domain/referral-status.ts) and always with a history entry saying who, when and
// why, in the caller's transaction. So "every change is in the history" holds by construction, not by convention.
import type { Insertable, Transaction } from 'kysely';
import type { DB, ReferralTable } from '../db/schema.ts';
import { spokenCode } from '../domain/codes.ts';
import { nextStatus, type ReferralAction, type ReferralStatus } from '../domain/referral-status.ts';
import { type Actor, actorLabel } from '../http/principal.ts';
import { conflict } from '../http/problem.ts';

/** The history entry's columns that say who acted. */
export function actorColumns(actor: Actor) {
  return {
    actor_kind: actor.kind,
    actor_account_id: actor.kind === 'staff' ? actor.accountId : actor.kind === 'system' ? (actor.accountId ?? null) : null,
    actor_label: actorLabel(actor),
  };
}

/** What else may change with a status: where a deferral stands, and whether the patient made the choice. */
export interface StatusSideEffects {
  deferred_service_id?: string | null;
  contact_by?: string | null;
  patient_chose?: boolean;
}

/**
 * Moves a referral (locked by the caller) to the status `action` leads to, with its history entry. Refused with
 * 409 when its current status does not allow the action.
 */
export async function changeStatus(
  trx: Transaction<DB>,
  referral: { ubrn: string; status: ReferralStatus },
  action: ReferralAction,
  actor: Actor,
  reason: string,
  also: StatusSideEffects = {},
): Promise<ReferralStatus> {
  const to = nextStatus(referral.status, action);
  if (!to) throw conflict(`A referral that is ${spokenCode(referral.status)} cannot be changed that way (${spokenCode(action)}).`);
  await trx.updateTable('referral').set({ status: to, updated_at: new Date(), ...also }).where('ubrn', '=', referral.ubrn).execute();
  await trx.insertInto('referral_event').values({ ubrn: referral.ubrn, ...actorColumns(actor), from_status: referral.status, to_status: to, reason }).execute();
  return to;
}

/** A history entry with no change of status: a step of a request to move, an escalation, a declined offer. */
export async function noteInHistory(trx: Transaction<DB>, ubrn: string, actor: Actor, reason: string): Promise<void> {
  const r = await trx.selectFrom('referral').select('status').where('ubrn', '=', ubrn).executeTakeFirstOrThrow();
  await trx.insertInto('referral_event').values({ ubrn, ...actorColumns(actor), from_status: r.status, to_status: r.status, reason }).execute();
}

/** New referrals, each with the first entry of its history, in two statements (a waiting-list import's batch). */
export async function insertReferrals(trx: Transaction<DB>, referrals: readonly { row: Insertable<ReferralTable>; reason: string }[], actor: Actor): Promise<void> {
  if (referrals.length === 0) return;
  await trx.insertInto('referral').values(referrals.map((r) => r.row)).execute();
  const who = actorColumns(actor);
  await trx.insertInto('referral_event').values(referrals.map(({ row, reason }) => ({ ubrn: row.ubrn, ...who, from_status: null, to_status: row.status, reason }))).execute();
}

/** A new referral, with the first entry of its history. */
export async function insertReferral(trx: Transaction<DB>, row: Insertable<ReferralTable>, actor: Actor, reason: string): Promise<void> {
  await trx.insertInto('referral').values(row).execute();
  await trx.insertInto('referral_event').values({ ubrn: row.ubrn, ...actorColumns(actor), from_status: null, to_status: row.status, reason }).execute();
}

/** A new access code for the patient (the old one stops working), noted in the history. */
export async function replaceAccessCode(trx: Transaction<DB>, ubrn: string, accessCodeHash: string, actor: Actor, reason: string): Promise<void> {
  await trx.updateTable('referral').set({ access_code_hash: accessCodeHash }).where('ubrn', '=', ubrn).execute();
  await noteInHistory(trx, ubrn, actor, reason);
}
