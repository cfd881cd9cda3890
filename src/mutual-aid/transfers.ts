// Proposed transfers: what the matching run proposed, the receiving provider's decision, the patient's answer,
// and the move itself.
import type { Deps } from '../deps.ts';
import type { Kysely } from 'kysely';
import { actorLabel, type PatientPrincipal, type StaffPrincipal } from '../http/principal.ts';
import type { DB } from '../db/schema.ts';
import { spokenCode } from '../domain/codes.ts';
import { londonDate } from '../domain/dates.ts';
import { addDays } from '../domain/rtt-clock.ts';
import { kmToMiles, round1 } from '../domain/distance.ts';
import { type ProposedTransferStatus, PUT_TO_THE_PATIENT } from '../domain/transfer-status.ts';
import { travelEstimate } from '../shortlist/service.ts';
import { conflict, notFound, unprocessable } from '../http/problem.ts';
import { hashAccessCode } from '../auth/access-codes.ts';
import { generateAccessCode } from '../domain/ubrn.ts';
import { enqueuePidmasOffer } from '../messages/patient-messages.ts';
import { noteInHistory, replaceAccessCode } from '../referrals/history.ts';
import { transferPathway } from '../waiting/transfer.ts';

export interface PatientOffer {
  transferId: number;
  status: ProposedTransferStatus;
  provider: string;
  site: string;
  service: string;
  distanceKm: number;
  distanceMiles: number;
  expectedFrom: string;
  newUbrn: string | null;
}

function transferQuery(db: Kysely<DB>) {
  return db
    .selectFrom('proposed_transfer as t')
    .innerJoin('mutual_aid_offer as o', 'o.id', 't.offer_id')
    .innerJoin('service as s', 's.id', 'o.service_id')
    .innerJoin('site as si', 'si.ods_code', 's.site_ods_code')
    .innerJoin('organisation as p', 'p.ods_code', 'o.provider_ods_code');
}

/** When the receiving provider expects to see a moved patient: the offer's first week, or today if it has begun. */
const expectedFrom = (startsOn: string) => (startsOn > londonDate() ? startsOn : addDays(londonDate(), 7));

/** The live or last offer made to the patient on a request, if any. */
export async function offerForRequest({ database }: Pick<Deps, 'database'>, requestId: number): Promise<PatientOffer | null> {
  const t = await transferQuery(database.db)
    .select(['t.id', 't.status', 't.distance_km', 't.new_ubrn', 'p.name as provider', 'si.name as site', 's.name as service', 'o.starts_on'])
    .where('t.pidmas_request_id', '=', requestId)
    .where('t.status', 'in', PUT_TO_THE_PATIENT)
    .orderBy('t.id', 'desc')
    .executeTakeFirst();
  if (!t) return null;
  return {
    transferId: t.id,
    status: t.status,
    provider: t.provider,
    site: t.site,
    service: t.service,
    distanceKm: round1(t.distance_km),
    distanceMiles: round1(kmToMiles(t.distance_km)),
    expectedFrom: expectedFrom(t.starts_on),
    newUbrn: t.new_ubrn,
  };
}

export interface TransferItem {
  id: number;
  status: ProposedTransferStatus;
  scope: 'ICB' | 'NATIONAL';
  ubrn: string;
  specialty: string;
  fromProvider: string;
  toProvider: string;
  toService: string;
  site: string;
  distanceKm: number;
  waitWeeks: number;
  explanation: { why: string[]; alternatives: { offerId: string; provider: string; distanceKm: number }[] };
  createdAt: string;
}

/** Proposed transfers into (offers of) and out of (patients of) a provider, newest first. */
export async function transfersFor(deps: Pick<Deps, 'database'>, staff: StaffPrincipal): Promise<{ incoming: TransferItem[]; outgoing: TransferItem[] }> {
  const { db } = deps.database;
  const base = transferQuery(db)
    .innerJoin('referral as r', 'r.ubrn', 't.ubrn')
    .innerJoin('specialty as sp', 'sp.code', 'o.specialty_code')
    .select(['t.id', 't.status', 't.scope', 't.ubrn', 't.distance_km', 't.wait_weeks', 't.explanation', 't.created_at', 'sp.name as specialty', 'p.name as to_provider', 's.name as to_service', 'si.name as site', 'o.provider_ods_code', 't.pidmas_request_id'])
    .orderBy('t.id', 'desc')
    .limit(500);
  const incoming = await base.where('o.provider_ods_code', '=', staff.organisation.odsCode).execute();
  const outgoing = await base.where('t.explanation', '@>', JSON.stringify({ fromProviderOdsCode: staff.organisation.odsCode })).execute();
  const view = (t: (typeof incoming)[number]): TransferItem => {
    const e = t.explanation as { fromProvider: string; why: string[]; alternatives: TransferItem['explanation']['alternatives'] };
    return {
      id: t.id,
      status: t.status,
      scope: t.scope,
      ubrn: t.ubrn,
      specialty: t.specialty,
      fromProvider: e.fromProvider,
      toProvider: t.to_provider,
      toService: t.to_service,
      site: t.site,
      distanceKm: round1(t.distance_km),
      waitWeeks: t.wait_weeks,
      explanation: { why: e.why, alternatives: e.alternatives },
      createdAt: new Date(t.created_at).toISOString(),
    };
  };
  return { incoming: incoming.map(view), outgoing: outgoing.map(view) };
}

export const DECLINE_REASONS = {
  NO_CAPACITY_LEFT: 'The capacity offered has been used',
  CRITERIA_NOT_MET: 'The patient does not meet the criteria accepted',
  CLINICAL_REVIEW: 'Clinical review found the move unsuitable',
} as const;
export type DeclineReason = keyof typeof DECLINE_REASONS;

/** The receiving provider accepts (the patient is then offered the move) or declines (the patient returns to the pool). */
export async function decideTransfer(deps: Pick<Deps, 'database' | 'config'>, staff: StaffPrincipal, id: number, decision: 'ACCEPT' | 'DECLINE', reason: DeclineReason | null) {
  const { db } = deps.database;
  return db.transaction().execute(async (trx) => {
    const t = await trx
      .selectFrom('proposed_transfer as t')
      .innerJoin('mutual_aid_offer as o', 'o.id', 't.offer_id')
      .select(['t.id', 't.status', 't.ubrn', 't.pidmas_request_id', 't.distance_km', 'o.provider_ods_code', 'o.service_id', 'o.starts_on'])
      .where('t.id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!t || t.provider_ods_code !== staff.organisation.odsCode) throw notFound(`There is no proposed transfer ${id} to your organisation.`);
    if (t.status !== 'PROPOSED') throw conflict(`This transfer is ${spokenCode(t.status)}, not waiting for your decision.`);
    if (decision === 'DECLINE') {
      if (!reason) throw unprocessable('Say why you decline the transfer.', [{ field: 'reason', message: 'Select why you decline' }]);
      await trx.updateTable('proposed_transfer').set({ status: 'PROVIDER_DECLINED', decided_at: new Date(), decided_by: actorLabel(staff), decline_reason: DECLINE_REASONS[reason] }).where('id', '=', id).execute();
      // Back into the pool for the next run; the patient has not been told of this proposal, so nothing changes for them.
      await trx.updateTable('pidmas_request').set({ status: 'VALIDATED', updated_at: new Date() }).where('id', '=', t.pidmas_request_id).execute();
      return { id, status: 'PROVIDER_DECLINED' as const };
    }
    await trx.updateTable('proposed_transfer').set({ status: 'OFFERED', decided_at: new Date(), decided_by: actorLabel(staff) }).where('id', '=', id).execute();
    await trx.updateTable('pidmas_request').set({ status: 'OFFERED', outcome_note: 'A provider can see you sooner. Accept or decline the offer.', updated_at: new Date() }).where('id', '=', t.pidmas_request_id).execute();
    const where = await trx
      .selectFrom('service as s')
      .innerJoin('site as si', 'si.ods_code', 's.site_ods_code')
      .innerJoin('organisation as p', 'p.ods_code', 's.provider_ods_code')
      .select(['p.name as provider', 'si.name as site'])
      .where('s.id', '=', t.service_id)
      .executeTakeFirstOrThrow();
    // The offer is the patient's way in to accept it: a patient on a loaded waiting list never had an access code.
    const accessCode = generateAccessCode();
    await replaceAccessCode(trx, t.ubrn, hashAccessCode(deps.config.accessCodeSecret, accessCode), staff, 'Offered a move to another provider (PIDMAS); a new access code was sent');
    await enqueuePidmasOffer(trx, t.ubrn, accessCode, { provider: where.provider, site: where.site, distance: `${round1(kmToMiles(t.distance_km))} miles`, expectedFrom: expectedFrom(t.starts_on) });
    return { id, status: 'OFFERED' as const };
  });
}

/** The move as the new referral's single option, in the shape every shortlist option has. */
function offeredOption(distanceKm: number, waitWeeks: number | null, pencePerMile: number) {
  return {
    rank: 1,
    distanceKm: round1(distanceKm),
    distanceMiles: round1(kmToMiles(distanceKm)),
    indicativeWaitWeeks: waitWeeks,
    earliestSlot: null,
    travel: travelEstimate(distanceKm, pencePerMile),
    reasons: ['Offered through mutual aid (PIDMAS) and accepted by the patient'],
  };
}

/** The patient accepts: the whole pathway moves to the receiving provider, already accepted there. */
export async function acceptTransferAsPatient(deps: Pick<Deps, 'database' | 'config'>, patient: PatientPrincipal, requestId: number) {
  const { db } = deps.database;
  return db.transaction().execute(async (trx) => {
    const t = await trx
      .selectFrom('proposed_transfer as t')
      .innerJoin('mutual_aid_offer as o', 'o.id', 't.offer_id')
      .innerJoin('service as s', 's.id', 'o.service_id')
      .select(['t.id', 't.distance_km', 't.wait_weeks', 'o.service_id', 'o.starts_on', 's.indicative_wait_weeks'])
      .where('t.pidmas_request_id', '=', requestId)
      .where('t.status', '=', 'OFFERED')
      .forUpdate()
      .executeTakeFirst();
    if (!t) throw conflict('There is no offer to move waiting for your answer.');
    const moved = await transferPathway(trx, deps.config.accessCodeSecret, {
      fromUbrn: patient.ubrn,
      toServiceId: t.service_id,
      newStatus: 'ACCEPTED',
      why: `The patient accepted a move offered through mutual aid (PIDMAS) after ${t.wait_weeks} weeks.`,
      offered: offeredOption(t.distance_km, t.indicative_wait_weeks, deps.config.travelCostPencePerMile),
      actor: patient,
    });
    await trx.updateTable('proposed_transfer').set({ status: 'ACCEPTED', new_ubrn: moved.newUbrn }).where('id', '=', t.id).execute();
    await trx.updateTable('pidmas_request').set({ status: 'ACCEPTED', outcome_note: `You accepted. Your care has moved to ${moved.serviceName}; the time you have waited still counts.`, updated_at: new Date() }).where('id', '=', requestId).execute();
    return { status: 'ACCEPTED' as const, previousUbrn: patient.ubrn, ubrn: moved.newUbrn, accessCode: moved.accessCode, service: moved.serviceName };
  });
}

/** The patient declines: they keep their place where they are. */
export async function declineTransferAsPatient(deps: Pick<Deps, 'database'>, patient: PatientPrincipal, requestId: number) {
  const { db } = deps.database;
  return db.transaction().execute(async (trx) => {
    const t = await trx.selectFrom('proposed_transfer').select('id').where('pidmas_request_id', '=', requestId).where('status', '=', 'OFFERED').forUpdate().executeTakeFirst();
    if (!t) throw conflict('There is no offer to move waiting for your answer.');
    await trx.updateTable('proposed_transfer').set({ status: 'DECLINED', decided_at: new Date(), decided_by: actorLabel(patient) }).where('id', '=', t.id).execute();
    await trx.updateTable('pidmas_request').set({ status: 'DECLINED', outcome_note: 'You declined the offer. You keep your place on your current waiting list.', updated_at: new Date() }).where('id', '=', requestId).execute();
    await noteInHistory(trx, patient.ubrn, patient, 'The patient declined a move offered through mutual aid (PIDMAS) and keeps their place');
    return { status: 'DECLINED' as const, ubrn: patient.ubrn };
  });
}
