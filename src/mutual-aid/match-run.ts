// One run of mutual-aid matching over the live data: validated PIDMAS requests against open offers' remaining
// capacity, first within each patient's ICB, then nationally. It runs as a background job (and on demand); one at a
// time (an advisory lock), and idempotent: a request with a live proposal is not an input, so running twice never
// proposes a patient twice, and a run whose inputs match the last run's proposes nothing new. Inputs and result are
// kept in match_run for audit.
import type { Deps } from '../deps.ts';
import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { DirectorySnapshot } from '../directory/snapshot.ts';
import { ageOn, londonDate } from '../domain/dates.ts';
import { haversineKm, kmToMiles, round1 } from '../domain/distance.ts';
import { type MatchInstance, type MatchOffer, type MatchPatient, matchPatients, offerAccepts, withinTravel } from '../domain/optimal-assignment.ts';
import { PIDMAS_AWAITING_A_PLACE, type PidmasStatus } from '../domain/pidmas-status.ts';
import { TRAVEL_KM } from '../domain/travel-limits.ts';
import { enqueuePidmasNoMatch } from '../messages/patient-messages.ts';
import { PATHWAY_COLUMNS, pathwaysOf } from '../waiting/pathway.ts';
import { capacityLeft, placesTaken } from './offer-capacity.ts';

const MATCHING_LOCK = 7_345_001;

/** What a run answers whoever started it. */
export interface MatchRunSummary {
  runId: number | null;
  patients: number;
  offers: number;
  proposed: number;
  proposedWithinIcb: number;
  noMatch: number;
  unchanged: boolean;
}

/** The summary kept with a run in match_run, beside its whole input and result. */
export interface StoredRunSummary {
  patients: number;
  offers: number;
  proposed: number;
  proposedWithinIcb: number;
  noMatch: number;
  waitWeeksMatched: number;
  distanceKm: number;
}

interface PatientInput extends MatchPatient {
  requestId: number;
  ubrn: string;
  icb: string | null;
  fromProvider: string;
  fromProviderName: string;
  status: PidmasStatus;
}
interface OfferInput extends MatchOffer {
  icb: string | null;
  providerName: string;
}

// Everything is read through the run's transaction: the embedded database serialises transactions, so a read on
// another connection inside one would wait for ever. Six queries, however many patients wait for a place.
export async function readRunInputs(directory: DirectorySnapshot, trx: Transaction<DB>, today: string) {
  const requests = await trx
    .selectFrom('pidmas_request as q')
    .innerJoin('referral as r', 'r.ubrn', 'q.ubrn')
    .select([...PATHWAY_COLUMNS, 'q.id', 'q.status as request_status', 'q.travel', 'r.specialty_code', 'r.patient_postcode', 'r.patient_date_of_birth'])
    .where('q.status', 'in', PIDMAS_AWAITING_A_PLACE)
    .orderBy('q.id')
    .execute();
  const pathways = await pathwaysOf(trx, directory, requests, today);
  const currentOf = (ubrn: string) => {
    const id = pathways.get(ubrn)?.currentServiceId;
    return id ? directory.byId.get(id) : undefined;
  };
  const homes = await placesOf(trx, requests.map((q) => q.patient_postcode));
  const providers = await organisationsOf(trx, requests.flatMap((q) => currentOf(q.ubrn)?.row.provider_ods_code ?? []));
  const patients: PatientInput[] = [];
  for (const q of requests) {
    const pathway = pathways.get(q.ubrn)!;
    const current = currentOf(q.ubrn);
    const home = homes.get(q.patient_postcode);
    if (!current || !home) continue;
    const provider = providers.get(current.row.provider_ods_code);
    patients.push({
      id: String(q.id),
      requestId: q.id,
      ubrn: q.ubrn,
      status: q.request_status,
      specialty: q.specialty_code,
      latitude: home.latitude,
      longitude: home.longitude,
      waitWeeks: pathway.eighteenWeeks.weeksWaited,
      maxTravelKm: TRAVEL_KM[q.travel ?? 'ANYWHERE'],
      age: ageOn(q.patient_date_of_birth, today),
      provider: current.row.provider_ods_code,
      fromProvider: current.row.provider_ods_code,
      fromProviderName: provider?.name ?? current.row.provider_ods_code,
      icb: provider?.icb_code ?? null,
    });
  }
  const offerRows = await trx
    .selectFrom('mutual_aid_offer as o')
    .innerJoin('service as s', 's.id', 'o.service_id')
    .innerJoin('organisation as p', 'p.ods_code', 'o.provider_ods_code')
    .select((eb) => [
      'o.id', 'o.specialty_code', 'o.capacity_per_week', 'o.starts_on', 'o.ends_on', 'o.min_age', 'o.max_age', 'o.provider_ods_code', 's.latitude', 's.longitude', 'p.icb_code', 'p.name',
      placesTaken(eb),
    ])
    .where('o.status', '=', 'OPEN')
    .where('o.ends_on', '>=', today)
    .orderBy('o.id')
    .execute();
  const offers: OfferInput[] = offerRows
    .map((o) => ({
      id: String(o.id),
      specialty: o.specialty_code,
      latitude: o.latitude,
      longitude: o.longitude,
      capacity: capacityLeft(o, today),
      minAge: o.min_age,
      maxAge: o.max_age,
      provider: o.provider_ods_code,
      icb: o.icb_code,
      providerName: o.name,
    }))
    .filter((o) => o.capacity > 0);
  return { patients, offers };
}

/** Where each of these postcodes is, in one query. */
async function placesOf(trx: Transaction<DB>, postcodes: readonly string[]) {
  const distinct = [...new Set(postcodes)];
  if (distinct.length === 0) return new Map<string, { latitude: number; longitude: number }>();
  const rows = await trx.selectFrom('postcode').select(['postcode', 'latitude', 'longitude']).where('postcode', 'in', distinct).execute();
  return new Map(rows.map((p) => [p.postcode, { latitude: p.latitude, longitude: p.longitude }]));
}

/** The name and ICB of each of these organisations, in one query. */
async function organisationsOf(trx: Transaction<DB>, odsCodes: readonly string[]) {
  const distinct = [...new Set(odsCodes)];
  if (distinct.length === 0) return new Map<string, { name: string; icb_code: string | null }>();
  const rows = await trx.selectFrom('organisation').select(['ods_code', 'name', 'icb_code']).where('ods_code', 'in', distinct).execute();
  return new Map(rows.map((o) => [o.ods_code, { name: o.name, icb_code: o.icb_code }]));
}

/** Two passes of the engine: within each ICB (the specialty key carries the ICB), then nationally with what is left. */
export function matchInTwoPasses(patients: readonly PatientInput[], offers: readonly OfferInput[]) {
  const local: MatchInstance = {
    patients: patients.filter((p) => p.icb).map((p) => ({ ...p, specialty: `${p.specialty}|${p.icb}` })),
    offers: offers.filter((o) => o.icb).map((o) => ({ ...o, specialty: `${o.specialty}|${o.icb}` })),
  };
  const first = matchPatients(local);
  const used = new Map<string, number>();
  for (const a of first.assignments) used.set(a.offerId, (used.get(a.offerId) ?? 0) + 1);
  const placed = new Set(first.assignments.map((a) => a.patientId));
  const national: MatchInstance = {
    patients: patients.filter((p) => !placed.has(p.id)),
    offers: offers.map((o) => ({ ...o, capacity: o.capacity - (used.get(o.id) ?? 0) })).filter((o) => o.capacity > 0),
  };
  const second = matchPatients(national);
  return {
    local: { instance: local, result: first },
    national: { instance: national, result: second },
    assignments: [...first.assignments.map((a) => ({ ...a, scope: 'ICB' as const })), ...second.assignments.map((a) => ({ ...a, scope: 'NATIONAL' as const }))],
    unmatched: second.unmatched,
  };
}

/** Why a move was proposed: the wait, the distance, and the other places the patient could have gone. */
function explain(patient: PatientInput, offer: OfferInput, scope: 'ICB' | 'NATIONAL', offers: readonly OfferInput[]) {
  const alternatives = offers
    .filter((o) => o.id !== offer.id && offerAccepts(o, patient))
    .map((o) => ({ offerId: o.id, provider: o.providerName, distanceKm: round1(haversineKm(patient, o)) }))
    .filter((o) => withinTravel(patient, o.distanceKm))
    .sort((a, b) => a.distanceKm - b.distanceKm)
    .slice(0, 3);
  const km = haversineKm(patient, offer);
  return {
    fromProvider: patient.fromProviderName,
    fromProviderOdsCode: patient.fromProvider,
    why: [
      `Has waited ${patient.waitWeeks} weeks; longer waiters are placed first.`,
      `${round1(km)} km (${round1(kmToMiles(km))} miles) from home, within the ${patient.maxTravelKm === null ? 'no-limit' : `${round1(kmToMiles(patient.maxTravelKm))}-mile`} travel limit the patient gave.`,
      scope === 'ICB' ? 'Capacity within the patient\'s own ICB, which is sought first.' : 'No capacity within the patient\'s ICB could take them, so national mutual-aid capacity was used.',
      alternatives.length === 0 ? 'No other offer could take this patient.' : `Of ${alternatives.length + 1} offers that could take them, this one keeps total travel least while every longer waiter is placed.`,
    ],
    alternatives,
  };
}

export async function runMatching(deps: Pick<Deps, 'database' | 'directory'>, trigger: string): Promise<MatchRunSummary> {
  const today = londonDate();
  const directory = await deps.directory.current();
  return deps.database.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${MATCHING_LOCK})`.execute(trx);
    const { patients, offers } = await readRunInputs(directory, trx, today);
    const input = { today, patients, offers };
    const inputHash = createHash('sha256').update(JSON.stringify(input)).digest('hex');
    const last = await trx.selectFrom('match_run').select(['id', 'input_hash']).orderBy('id', 'desc').executeTakeFirst();
    const base = { patients: patients.length, offers: offers.length };
    if (last?.input_hash === inputHash) return { runId: last.id, ...base, proposed: 0, proposedWithinIcb: 0, noMatch: 0, unchanged: true };
    if (patients.length === 0) return { runId: null, ...base, proposed: 0, proposedWithinIcb: 0, noMatch: 0, unchanged: false };

    const outcome = matchInTwoPasses(patients, offers);
    const byPatient = new Map(patients.map((p) => [p.id, p]));
    const byOffer = new Map(offers.map((o) => [o.id, o]));
    const summary: StoredRunSummary = {
      ...base,
      proposed: outcome.assignments.length,
      proposedWithinIcb: outcome.assignments.filter((a) => a.scope === 'ICB').length,
      noMatch: outcome.unmatched.length,
      waitWeeksMatched: outcome.local.result.totals.waitWeeksMatched + outcome.national.result.totals.waitWeeksMatched,
      distanceKm: outcome.local.result.totals.distanceKm + outcome.national.result.totals.distanceKm,
    };
    const run = await trx
      .insertInto('match_run')
      .values({
        input_hash: inputHash,
        trigger,
        input: JSON.stringify(input),
        result: JSON.stringify({ local: outcome.local.result, national: outcome.national.result }),
        summary: JSON.stringify(summary),
        finished_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const proposals = outcome.assignments.map((a) => {
      const patient = byPatient.get(a.patientId)!;
      const offer = byOffer.get(a.offerId)!;
      return {
        match_run_id: run.id,
        pidmas_request_id: patient.requestId,
        ubrn: patient.ubrn,
        offer_id: Number(offer.id),
        scope: a.scope,
        distance_km: a.distanceKm,
        wait_weeks: patient.waitWeeks,
        explanation: JSON.stringify(explain(patient, offer, a.scope, offers)),
        decided_at: null,
        decided_by: null,
        decline_reason: null,
        new_ubrn: null,
      };
    });
    if (proposals.length > 0) {
      await trx.insertInto('proposed_transfer').values(proposals).execute();
      await trx.updateTable('pidmas_request').set({ status: 'PROPOSED', updated_at: new Date() }).where('id', 'in', proposals.map((p) => p.pidmas_request_id)).execute();
    }
    for (const id of outcome.unmatched) {
      const patient = byPatient.get(id)!;
      if (patient.status === 'NO_MATCH') continue; // told already; still looked at in every run
      await trx
        .updateTable('pidmas_request')
        .set({ status: 'NO_MATCH', outcome_note: 'We have not found a provider who can see you sooner within the distance you gave. You keep your place, and we keep looking.', updated_at: new Date() })
        .where('id', '=', patient.requestId)
        .execute();
      await enqueuePidmasNoMatch(trx, patient.ubrn);
    }
    return { runId: run.id, patients: summary.patients, offers: summary.offers, proposed: summary.proposed, proposedWithinIcb: summary.proposedWithinIcb, noMatch: summary.noMatch, unchanged: false };
  });
}

/** The latest runs, newest first, with their summaries (a run that stopped before its summary has none). */
export async function recentRuns({ database }: Pick<Deps, 'database'>, limit = 20) {
  const rows = await database.db.selectFrom('match_run').select(['id', 'trigger', 'started_at', 'summary']).orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, trigger: r.trigger, startedAt: new Date(r.started_at).toISOString(), summary: r.summary as StoredRunSummary | null }));
}
