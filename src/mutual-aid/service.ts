// DMAS: providers post requests for help and offers of capacity; commissioners and admins see the national board.
import type { Deps } from '../deps.ts';
import { londonDate } from '../domain/dates.ts';
import { PIDMAS_MOVE_PROPOSED, PIDMAS_WAITING_TO_MOVE } from '../domain/pidmas-status.ts';
import { actorLabel, type StaffPrincipal } from '../http/principal.ts';
import { conflict, notFound, unprocessable } from '../http/problem.ts';
import { specialtyCodeOf } from '../reference/resolve.ts';
import { checkPreview } from '../http/preview.ts';
import { capacityLeft, placesTaken, weeksLeft } from './offer-capacity.ts';
import { previewOfferWithdrawal, previewRequestClosing } from './previews.ts';

export interface NewRequest {
  specialty: string;
  patients: number;
  neededBy: string;
  constraints: string;
}

export interface NewOffer {
  serviceId: string;
  capacityPerWeek: number;
  startsOn: string;
  endsOn: string;
  minAge: number | null;
  maxAge: number | null;
  complexity: 'ROUTINE' | 'ROUTINE_AND_COMPLEX';
  notes: string;
}

export async function createRequest({ database }: Pick<Deps, 'database'>, staff: StaffPrincipal, body: NewRequest) {
  const today = londonDate();
  const problems = [];
  if (body.neededBy < today) problems.push({ field: 'neededBy', message: 'must be today or later' });
  const specialty = await database.db.selectFrom('specialty').select('code').where('code', '=', specialtyCodeOf(body.specialty)).executeTakeFirst();
  if (!specialty) problems.push({ field: 'specialty', message: `"${body.specialty.slice(0, 10)}" is not a known specialty` });
  if (problems.length > 0) throw unprocessable('The request for mutual aid breaks a rule.', problems);
  const row = await database.db
    .insertInto('mutual_aid_request')
    .values({ provider_ods_code: staff.organisation.odsCode, specialty_code: specialty!.code, patients: body.patients, needed_by: body.neededBy, constraints: body.constraints, created_by_account_id: staff.accountId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, status: 'OPEN' as const };
}

export async function createOffer({ database }: Pick<Deps, 'database'>, staff: StaffPrincipal, body: NewOffer) {
  const today = londonDate();
  const service = await database.db.selectFrom('service').select(['id', 'specialty_code', 'provider_ods_code']).where('id', '=', body.serviceId).executeTakeFirst();
  const problems = [];
  if (!service || service.provider_ods_code !== staff.organisation.odsCode) problems.push({ field: 'serviceId', message: 'must be one of your organisation\'s services' });
  if (body.endsOn < body.startsOn) problems.push({ field: 'endsOn', message: 'must be on or after the start date' });
  if (body.endsOn < today) problems.push({ field: 'endsOn', message: 'must be today or later' });
  if (body.minAge !== null && body.maxAge !== null && body.minAge > body.maxAge) problems.push({ field: 'maxAge', message: 'must be at least the minimum age' });
  if (problems.length > 0) throw unprocessable('The offer of capacity breaks a rule.', problems);
  const row = await database.db
    .insertInto('mutual_aid_offer')
    .values({
      provider_ods_code: staff.organisation.odsCode,
      service_id: service!.id,
      specialty_code: service!.specialty_code,
      capacity_per_week: body.capacityPerWeek,
      starts_on: body.startsOn,
      ends_on: body.endsOn,
      min_age: body.minAge,
      max_age: body.maxAge,
      complexity: body.complexity,
      notes: body.notes,
      created_by_account_id: staff.accountId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, status: 'OPEN' as const, capacity: body.capacityPerWeek * weeksLeft(body.startsOn, body.endsOn, today) };
}

/** Closes one of the organisation's requests; given a preview's version, refused if the request changed since. */
export async function closeRequest({ database }: Pick<Deps, 'database'>, staff: StaffPrincipal, id: number, expectedVersion?: string) {
  return database.db.transaction().execute(async (trx) => {
    await trx.selectFrom('mutual_aid_request').select('id').where('id', '=', id).forUpdate().execute();
    const preview = await previewRequestClosing(trx, staff, id);
    checkPreview(expectedVersion, preview.version, 'The request');
    await trx.updateTable('mutual_aid_request').set({ status: 'CLOSED' }).where('id', '=', id).execute();
    return { id, status: 'CLOSED' as const };
  });
}

/**
 * Withdraws one of the organisation's offers. Proposals not yet put to the patient go back to the pool; one already
 * offered to a patient stops it. Given a preview's version, it is refused when the proposals changed since (a new
 * matching run, a decision), so no more patients are returned to the pool than the provider saw.
 */
export async function withdrawOffer({ database }: Pick<Deps, 'database'>, staff: StaffPrincipal, id: number, expectedVersion?: string) {
  return database.db.transaction().execute(async (trx) => {
    await trx.selectFrom('mutual_aid_offer').select('id').where('id', '=', id).forUpdate().execute();
    const preview = await previewOfferWithdrawal(trx, staff, id);
    checkPreview(expectedVersion, preview.version, 'The patients proposed into this offer');
    if (preview.patientsOffered > 0) throw conflict('A patient has been offered a place from this capacity: answer that first.');
    await trx.updateTable('mutual_aid_offer').set({ status: 'WITHDRAWN' }).where('id', '=', id).execute();
    // Proposals not yet accepted go back to the pool.
    const dropped = await trx.updateTable('proposed_transfer').set({ status: 'WITHDRAWN', decided_at: new Date(), decided_by: actorLabel(staff) }).where('offer_id', '=', id).where('status', '=', 'PROPOSED').returning('pidmas_request_id').execute();
    if (dropped.length > 0) await trx.updateTable('pidmas_request').set({ status: 'VALIDATED', updated_at: new Date() }).where('id', 'in', dropped.map((d) => d.pidmas_request_id)).execute();
    return { id, status: 'WITHDRAWN' as const, proposalsReturned: dropped.length };
  });
}

/** A provider's own requests and offers, with how much of each offer is used. */
export async function ownMutualAid({ database }: Pick<Deps, 'database'>, staff: StaffPrincipal) {
  const today = londonDate();
  const { db } = database;
  const requests = await db
    .selectFrom('mutual_aid_request as q')
    .innerJoin('specialty as sp', 'sp.code', 'q.specialty_code')
    .select(['q.id', 'q.specialty_code', 'sp.name', 'q.patients', 'q.needed_by', 'q.constraints', 'q.status', 'q.created_at'])
    .where('q.provider_ods_code', '=', staff.organisation.odsCode)
    .orderBy('q.id', 'desc')
    .execute();
  const offers = await db
    .selectFrom('mutual_aid_offer as o')
    .innerJoin('specialty as sp', 'sp.code', 'o.specialty_code')
    .innerJoin('service as s', 's.id', 'o.service_id')
    .select((eb) => [
      'o.id', 'o.specialty_code', 'sp.name', 's.name as service', 'o.capacity_per_week', 'o.starts_on', 'o.ends_on', 'o.min_age', 'o.max_age', 'o.complexity', 'o.notes', 'o.status',
      placesTaken(eb),
    ])
    .where('o.provider_ods_code', '=', staff.organisation.odsCode)
    .orderBy('o.id', 'desc')
    .execute();
  return {
    requests: requests.map((q) => ({ id: q.id, specialty: { code: q.specialty_code, name: q.name }, patients: q.patients, neededBy: q.needed_by, constraints: q.constraints, status: q.status })),
    offers: offers.map((o) => ({
      id: o.id,
      specialty: { code: o.specialty_code, name: o.name },
      service: o.service,
      capacityPerWeek: o.capacity_per_week,
      startsOn: o.starts_on,
      endsOn: o.ends_on,
      minAge: o.min_age,
      maxAge: o.max_age,
      complexity: o.complexity,
      notes: o.notes,
      status: o.status,
      capacityLeft: capacityLeft(o, today),
      placesUsed: Number(o.used ?? 0),
    })),
  };
}

/** The organisation's active services, one of which an offer of capacity is made at. */
export async function ownServices({ database }: Pick<Deps, 'database'>, staff: StaffPrincipal) {
  return database.db
    .selectFrom('service as s')
    .innerJoin('specialty as sp', 'sp.code', 's.specialty_code')
    .select(['s.id', 's.name', 'sp.name as specialty'])
    .where('s.provider_ods_code', '=', staff.organisation.odsCode)
    .where('s.active', '=', true)
    .orderBy('sp.name')
    .orderBy('s.name')
    .limit(1000)
    .execute();
}

export interface BoardRow {
  specialty: { code: string; name: string };
  region: string;
  requests: number;
  patientsRequested: number;
  offers: number;
  weeklyCapacityOffered: number;
  patientsWaitingToMove: number;
  proposed: number;
  moved: number;
}

/** The national board: open requests and offers, patients waiting to move and moves, by specialty and NHS region. */
export async function nationalBoard({ database }: Pick<Deps, 'database'>): Promise<BoardRow[]> {
  const { db } = database;
  const today = londonDate();
  const rows = new Map<string, BoardRow>();
  const names = new Map((await db.selectFrom('specialty').select(['code', 'name']).execute()).map((s) => [s.code, s.name]));
  const row = (code: string, region: string | null) => {
    const key = `${code}|${region ?? '?'}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { specialty: { code, name: names.get(code) ?? code }, region: regionName(region), requests: 0, patientsRequested: 0, offers: 0, weeklyCapacityOffered: 0, patientsWaitingToMove: 0, proposed: 0, moved: 0 }));
    return r;
  };
  for (const q of await db.selectFrom('mutual_aid_request as q').innerJoin('organisation as p', 'p.ods_code', 'q.provider_ods_code').select(['q.specialty_code', 'p.region_code', 'q.patients']).where('q.status', '=', 'OPEN').execute()) {
    const r = row(q.specialty_code, q.region_code);
    r.requests++;
    r.patientsRequested += q.patients;
  }
  for (const o of await db.selectFrom('mutual_aid_offer as o').innerJoin('organisation as p', 'p.ods_code', 'o.provider_ods_code').select(['o.specialty_code', 'p.region_code', 'o.capacity_per_week']).where('o.status', '=', 'OPEN').where('o.ends_on', '>=', today).execute()) {
    const r = row(o.specialty_code, o.region_code);
    r.offers++;
    r.weeklyCapacityOffered += o.capacity_per_week;
  }
  const waiting = await db
    .selectFrom('pidmas_request as q')
    .innerJoin('referral as r', 'r.ubrn', 'q.ubrn')
    .leftJoin('service as s', 's.id', 'r.current_service_id')
    .leftJoin('organisation as p', 'p.ods_code', 's.provider_ods_code')
    .select(['r.specialty_code', 'p.region_code', 'q.status'])
    .where('q.status', 'in', [...PIDMAS_WAITING_TO_MOVE, ...PIDMAS_MOVE_PROPOSED, 'ACCEPTED'])
    .execute();
  for (const w of waiting) {
    const r = row(w.specialty_code, w.region_code);
    if (w.status === 'ACCEPTED') r.moved++;
    else if (PIDMAS_MOVE_PROPOSED.includes(w.status)) r.proposed++;
    else r.patientsWaitingToMove++;
  }
  return [...rows.values()].sort((a, b) => a.specialty.name.localeCompare(b.specialty.name) || a.region.localeCompare(b.region));
}

// NHS England regions by their ODS codes.
const REGIONS: Record<string, string> = {
  Y56: 'London',
  Y58: 'South West',
  Y59: 'South East',
  Y60: 'Midlands',
  Y61: 'East of England',
  Y62: 'North West',
  Y63: 'North East and Yorkshire',
};
const regionName = (code: string | null) => (code ? REGIONS[code] ?? code : 'Region not known');
