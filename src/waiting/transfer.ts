// Moving a pathway to another provider: the 18-week alternative, and a PIDMAS or DMAS move. The referral at the
// old provider ends TRANSFERRED (its history kept); a new referral at the new service carries the pathway on, with
// the same RTT clock start, a new UBRN and access code (posted to the patient), and a link back to the old one.
// The patient's sessions follow the pathway, so a patient who moved stays signed in.
import type { Transaction } from 'kysely';
import { hashAccessCode } from '../auth/access-codes.ts';
import { type Actor, actorLabel } from '../http/principal.ts';
import type { DB } from '../db/schema.ts';
import { spokenCode } from '../domain/codes.ts';
import { formatDate } from '../domain/dates.ts';
import { mayDo, type ReferralStatus } from '../domain/referral-status.ts';
import { generateAccessCode, generateUbrn } from '../domain/ubrn.ts';
import { conflict } from '../http/problem.ts';
import { enqueueCancellation, enqueueTransferLetter } from '../messages/patient-messages.ts';
import { changeStatus, insertReferral } from '../referrals/history.ts';

export interface TransferRequest {
  fromUbrn: string;
  toServiceId: string;
  /** what the new referral starts as: NOT_BOOKED when the patient books a slot next, ACCEPTED when the provider already took them */
  newStatus: Extract<ReferralStatus, 'NOT_BOOKED' | 'ACCEPTED'>;
  why: string;
  /** what the patient was told about the new service when they chose it */
  offered: Record<string, unknown>;
  actor: Actor;
}

export interface Transferred {
  newUbrn: string;
  accessCode: string;
  serviceName: string;
}

/** Moves the pathway inside the caller's transaction; the caller has checked who may do it and why. */
export async function transferPathway(trx: Transaction<DB>, secret: string, request: TransferRequest): Promise<Transferred> {
  const old = await trx.selectFrom('referral').selectAll().where('ubrn', '=', request.fromUbrn).forUpdate().executeTakeFirstOrThrow();
  if (!mayDo(old.status, 'TRANSFER')) throw conflict(`A referral that is ${spokenCode(old.status)} cannot be moved.`);
  const service = await trx.selectFrom('service').select(['id', 'name', 'specialty_code']).where('id', '=', request.toServiceId).executeTakeFirstOrThrow();
  const label = actorLabel(request.actor);

  // A booked appointment at the old provider is given up: its slot is free for someone else.
  const appointment = await trx
    .updateTable('appointment')
    .set({ cancelled_at: new Date(), cancelled_by: label, cancel_reason: 'The patient moved to another provider' })
    .where('ubrn', '=', old.ubrn)
    .where('cancelled_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (appointment) await enqueueCancellation(trx, old.ubrn, appointment.id);

  const accessCode = generateAccessCode();
  let newUbrn = generateUbrn();
  while (await trx.selectFrom('referral').select('ubrn').where('ubrn', '=', newUbrn).executeTakeFirst()) newUbrn = generateUbrn();

  const { ubrn: _u, access_code_hash: _h, status: _s, created_at: _c, updated_at: _up, ...pathway } = old;
  await insertReferral(
    trx,
    {
      ...pathway,
      preferences: JSON.stringify(old.preferences),
      ubrn: newUbrn,
      access_code_hash: hashAccessCode(secret, accessCode),
      status: request.newStatus,
      options_offered: 1,
      fewer_options_reason: 'The pathway moved to a provider who could see the patient sooner.',
      patient_chose: true,
      deferred_service_id: null,
      contact_by: null,
      next_appointment_date: null,
      current_service_id: service.id,
      transferred_from_ubrn: old.ubrn,
      source: 'TRANSFER',
      rtt_clock_start: old.rtt_clock_start, // the clock keeps its start: the wait so far still counts
    },
    request.actor,
    `${request.why} Moved from referral ${old.ubrn}; the RTT clock keeps its start, ${formatDate(old.rtt_clock_start)}.`,
  );
  await trx.insertInto('referral_option').values({ ubrn: newUbrn, rank: 1, service_id: service.id, offered: JSON.stringify(request.offered) }).execute();
  await changeStatus(trx, old, 'TRANSFER', request.actor, `${request.why} Moved to ${service.name} (referral ${newUbrn}).`, { deferred_service_id: null, contact_by: null });
  await trx.updateTable('auth_session').set({ patient_ubrn: newUbrn }).where('patient_ubrn', '=', old.ubrn).where('revoked_at', 'is', null).execute();
  await enqueueTransferLetter(trx, newUbrn, accessCode, service.name);
  return { newUbrn, accessCode, serviceName: service.name };
}
