// Providers maintain their own listings: what a service says of itself, listing a specialty at one of the
// provider's sites, and withdrawing a listing from the directory (and listing it again). Every change is kept with
// who and when in service_change. The directory's data version moves with each change (a trigger on service), so
// every instance's in-memory directory reloads.
import type { Kysely, Transaction } from 'kysely';
import type { DB, ServiceChangeAction, ServiceSex } from '../db/schema.ts';
import { londonDate } from '../domain/dates.ts';
import { checkPreview, previewVersion } from '../http/preview.ts';
import type { StaffPrincipal } from '../http/principal.ts';
import { conflict, notFound, unprocessable } from '../http/problem.ts';
import { type Reliance, relianceOn } from './reliance.ts';

/** What a provider may change of a listing. */
export interface ListingFields {
  name: string;
  clinicType: string | null;
  directlyBookable: boolean;
  minAge: number | null;
  maxAge: number | null;
  sex: ServiceSex;
  consultantTeam: string | null;
  accessibility: string | null;
  indicativeWait: { weeks: number; asOf: string } | null;
}

export interface ListingChange {
  action: ServiceChangeAction;
  changes: Record<string, { from: unknown; to: unknown }>;
  reason: string | null;
  at: Date;
  by: string;
}

export interface Listing extends ListingFields {
  id: string;
  specialty: { code: string; name: string };
  site: { odsCode: string; name: string; postcode: string | null };
  accreditationStatus: string;
  active: boolean;
  withdrawnReason: string | null;
  withdrawnAt: Date | null;
}

export const MAX_AGE_YEARS = 130;

function listingQuery(db: Kysely<DB> | Transaction<DB>) {
  return db
    .selectFrom('service as s')
    .innerJoin('specialty as sp', 'sp.code', 's.specialty_code')
    .innerJoin('site as st', 'st.ods_code', 's.site_ods_code')
    .select([
      's.id', 's.name', 's.specialty_code', 'sp.name as specialty_name', 's.site_ods_code', 'st.name as site_name',
      'st.postcode as site_postcode', 's.clinic_type', 's.directly_bookable', 's.min_age', 's.max_age', 's.sex',
      's.consultant_team', 's.accessibility', 's.indicative_wait_weeks', 's.indicative_wait_as_of',
      's.accreditation_status', 's.active', 's.withdrawn_reason', 's.withdrawn_at', 's.provider_ods_code',
    ]);
}

type ListingRow = Awaited<ReturnType<ReturnType<typeof listingQuery>['executeTakeFirstOrThrow']>>;

function toListing(r: ListingRow): Listing {
  return {
    id: r.id,
    name: r.name,
    specialty: { code: r.specialty_code, name: r.specialty_name },
    site: { odsCode: r.site_ods_code, name: r.site_name, postcode: r.site_postcode },
    clinicType: r.clinic_type,
    directlyBookable: r.directly_bookable,
    minAge: r.min_age,
    maxAge: r.max_age,
    sex: r.sex,
    consultantTeam: r.consultant_team,
    accessibility: r.accessibility,
    indicativeWait: r.indicative_wait_weeks === null || r.indicative_wait_as_of === null ? null : { weeks: r.indicative_wait_weeks, asOf: r.indicative_wait_as_of },
    accreditationStatus: r.accreditation_status,
    active: r.active,
    withdrawnReason: r.withdrawn_reason,
    withdrawnAt: r.withdrawn_at,
  };
}

/** Every listing of the caller's organisation, withdrawn ones too, by specialty and name. */
export async function listingsOf(db: Kysely<DB>, staff: StaffPrincipal, limit = 1000): Promise<Listing[]> {
  const rows = await listingQuery(db)
    .where('s.provider_ods_code', '=', staff.organisation.odsCode)
    .orderBy('sp.name').orderBy('s.name').limit(limit)
    .execute();
  return rows.map(toListing);
}

/** One listing of the caller's organisation; anyone else's is 404, so other providers learn nothing. */
export async function listingOf(db: Kysely<DB> | Transaction<DB>, staff: StaffPrincipal, id: string, lock = false): Promise<Listing> {
  let query = listingQuery(db).where('s.id', '=', id).where('s.provider_ods_code', '=', staff.organisation.odsCode);
  if (lock) query = query.forUpdate('s');
  const row = await query.executeTakeFirst();
  if (!row) throw notFound(`Your organisation has no listing with id "${id.slice(0, 100)}".`);
  return toListing(row);
}

/** The changes of a listing, newest first. */
export async function listingHistory(db: Kysely<DB>, id: string): Promise<ListingChange[]> {
  const rows = await db
    .selectFrom('service_change as c')
    .innerJoin('account as a', 'a.id', 'c.changed_by_account_id')
    .select(['c.action', 'c.changes', 'c.reason', 'c.changed_at', 'a.username'])
    .where('c.service_id', '=', id)
    .orderBy('c.changed_at', 'desc').orderBy('c.id', 'desc')
    .execute();
  return rows.map((r) => ({ action: r.action, changes: r.changes as ListingChange['changes'], reason: r.reason, at: r.changed_at, by: r.username }));
}

function problemsWith(fields: Partial<ListingFields>): void {
  if (fields.minAge != null && fields.maxAge != null && fields.minAge > fields.maxAge) {
    throw unprocessable('The lowest age must not be more than the highest age.', [{ field: 'maxAge', message: 'must be at least the lowest age' }]);
  }
  if (fields.indicativeWait && fields.indicativeWait.asOf > londonDate()) {
    throw unprocessable('The date a wait was measured cannot be in the future.', [{ field: 'indicativeWait.asOf', message: 'must be today or earlier' }]);
  }
}

function columnsOf(fields: Partial<ListingFields>) {
  const set: Record<string, unknown> = {};
  if (fields.name !== undefined) set.name = fields.name;
  if (fields.clinicType !== undefined) set.clinic_type = fields.clinicType;
  if (fields.directlyBookable !== undefined) set.directly_bookable = fields.directlyBookable;
  if (fields.minAge !== undefined) set.min_age = fields.minAge;
  if (fields.maxAge !== undefined) set.max_age = fields.maxAge;
  if (fields.sex !== undefined) set.sex = fields.sex;
  if (fields.consultantTeam !== undefined) set.consultant_team = fields.consultantTeam;
  if (fields.accessibility !== undefined) set.accessibility = fields.accessibility;
  if (fields.indicativeWait !== undefined) {
    set.indicative_wait_weeks = fields.indicativeWait?.weeks ?? null;
    set.indicative_wait_as_of = fields.indicativeWait?.asOf ?? null;
    // The import's basis describes the RTT figure; a wait the provider gives is its own.
    set.indicative_wait_basis = fields.indicativeWait ? 'Given by the provider' : null;
  }
  return set;
}

async function keep(trx: Transaction<DB>, staff: StaffPrincipal, serviceId: string, action: ServiceChangeAction, changes: object, reason: string | null = null) {
  await trx.insertInto('service_change')
    .values({ service_id: serviceId, action, changes: JSON.stringify(changes), reason, changed_by_account_id: staff.accountId })
    .execute();
}

/** Changes what a listing says; only the fields given, and only those that differ are kept in its history. */
export async function editListing(db: Kysely<DB>, staff: StaffPrincipal, id: string, fields: Partial<ListingFields>): Promise<Listing> {
  return db.transaction().execute(async (trx) => {
    const before = await listingOf(trx, staff, id, true);
    problemsWith({ ...before, ...fields });
    const changes: ListingChange['changes'] = {};
    for (const [key, to] of Object.entries(fields) as [keyof ListingFields, unknown][]) {
      const from = before[key];
      if (JSON.stringify(from) !== JSON.stringify(to)) changes[key] = { from, to };
    }
    if (Object.keys(changes).length === 0) return before;
    const changed = Object.fromEntries(Object.keys(changes).map((k) => [k, fields[k as keyof ListingFields]])) as Partial<ListingFields>;
    await trx.updateTable('service').set({ ...columnsOf(changed), updated_at: new Date() }).where('id', '=', id).execute();
    await keep(trx, staff, id, 'EDITED', changes);
    return listingOf(trx, staff, id);
  });
}

/** What withdrawing a listing would do: whether it is listed now, and the patients relying on it (src/directory/reliance.ts). */
export interface ListingWithdrawalPreview {
  id: string;
  name: string;
  active: boolean;
  reliance: Reliance;
  version: string;
}

async function listingWithdrawalPreviewIn(db: Kysely<DB> | Transaction<DB>, staff: StaffPrincipal, id: string): Promise<ListingWithdrawalPreview> {
  const listing = await listingOf(db, staff, id, true);
  const reliance = await relianceOn(db, id);
  return { id, name: listing.name, active: listing.active, reliance, version: previewVersion({ id, active: listing.active, reliance }) };
}

/** Previews withdrawing a listing; changes nothing. */
export function previewListingWithdrawal(db: Kysely<DB>, staff: StaffPrincipal, id: string): Promise<ListingWithdrawalPreview> {
  return listingWithdrawalPreviewIn(db, staff, id);
}

/**
 * Takes a listing out of the directory (patients are no longer offered it), with the reason. Again is a conflict.
 * Given a preview's version, it is refused when the patients relying on the listing changed since.
 */
export async function withdrawListing(db: Kysely<DB>, staff: StaffPrincipal, id: string, reason: string, expectedVersion?: string): Promise<Listing> {
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom('service').select('id').where('id', '=', id).forUpdate().execute();
    const preview = await listingWithdrawalPreviewIn(trx, staff, id);
    const before = await listingOf(trx, staff, id, true);
    if (!before.active) throw conflict(`This listing was already withdrawn: ${before.withdrawnReason ?? 'no reason given'}.`);
    checkPreview(expectedVersion, preview.version, 'The patients relying on this listing');
    await trx.updateTable('service').set({ active: false, withdrawn_reason: reason, withdrawn_at: new Date(), updated_at: new Date() }).where('id', '=', id).execute();
    await keep(trx, staff, id, 'WITHDRAWN', { active: { from: true, to: false } }, reason);
    return listingOf(trx, staff, id);
  });
}

/** Lists a withdrawn listing again. */
export async function relistListing(db: Kysely<DB>, staff: StaffPrincipal, id: string): Promise<Listing> {
  return db.transaction().execute(async (trx) => {
    const before = await listingOf(trx, staff, id, true);
    if (before.active) throw conflict('This listing is already in the directory.');
    await trx.updateTable('service').set({ active: true, withdrawn_reason: null, withdrawn_at: null, updated_at: new Date() }).where('id', '=', id).execute();
    await keep(trx, staff, id, 'RELISTED', { active: { from: false, to: true } });
    return listingOf(trx, staff, id);
  });
}

/** The sites a provider may list a specialty at: its own, the hospital sites it is the parent of. */
export function sitesOf(db: Kysely<DB>, staff: StaffPrincipal) {
  return db.selectFrom('site').select(['ods_code', 'name', 'postcode'])
    .where('provider_ods_code', '=', staff.organisation.odsCode)
    .orderBy('name')
    .execute();
}

/** The RTT specialties, which a first outpatient listing may be for. */
export function listableSpecialties(db: Kysely<DB>) {
  return db.selectFrom('specialty').select(['code', 'name']).where('rtt_reported', '=', true).orderBy('name').execute();
}

/**
 * Lists a specialty at one of the provider's sites, as a first outpatient service. The schema keeps an
 * accreditation status, so a new listing awaits the ICB's accreditation (PENDING) and is not offered to patients
 * until it is accredited (issue 11 adds the ICB's side).
 */
export async function createListing(
  db: Kysely<DB>,
  staff: StaffPrincipal,
  input: { specialtyCode: string; siteOdsCode: string } & Partial<ListingFields>,
): Promise<Listing> {
  return db.transaction().execute(async (trx) => {
    const site = await trx.selectFrom('site').select(['ods_code', 'name', 'latitude', 'longitude'])
      .where('ods_code', '=', input.siteOdsCode).where('provider_ods_code', '=', staff.organisation.odsCode).executeTakeFirst();
    if (!site) throw unprocessable(`Your organisation has no site with ODS code "${input.siteOdsCode.slice(0, 20)}".`, [{ field: 'siteOdsCode', message: 'is not one of your sites' }]);
    const specialty = await trx.selectFrom('specialty').select(['code', 'name']).where('code', '=', input.specialtyCode).where('rtt_reported', '=', true).executeTakeFirst();
    if (!specialty) throw unprocessable(`"${input.specialtyCode.slice(0, 10)}" is not a treatment function a first outpatient service can be listed for.`, [{ field: 'specialtyCode', message: 'is not an RTT specialty' }]);
    const id = `${site.ods_code}-${specialty.code}`;
    const existing = await trx.selectFrom('service').select(['id', 'active']).where('id', '=', id).executeTakeFirst();
    if (existing) {
      throw conflict(existing.active
        ? `${specialty.name} is already listed at ${site.name}: edit that listing instead.`
        : `${specialty.name} at ${site.name} was withdrawn: list it again instead.`);
    }
    const fields: Partial<ListingFields> = { name: `${specialty.name} – ${site.name}`, ...input };
    problemsWith(fields);
    await trx.insertInto('service').values({
      id, specialty_code: specialty.code, provider_ods_code: staff.organisation.odsCode, site_ods_code: site.ods_code,
      service_type: 'FIRST_OUTPATIENT', accreditation_status: 'PENDING', latitude: site.latitude, longitude: site.longitude,
      name: fields.name!,
      ...columnsOf({ ...fields, name: undefined }),
    }).execute();
    const listing = await listingOf(trx, staff, id);
    const { id: _id, specialty: _s, site: _site, withdrawnAt: _w, ...listed } = listing;
    await keep(trx, staff, id, 'LISTED', Object.fromEntries(Object.entries(listed).map(([k, v]) => [k, { from: null, to: v }])));
    return listing;
  });
}
