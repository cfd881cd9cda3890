import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Candidate } from '../domain/ranking.ts';
import type { ServiceView } from './types.ts';

/** Services with their specialty, provider and site, listed or not (a referral keeps the options it was offered). */
export function servicesWithDetails(db: Kysely<DB>) {
  return db
    .selectFrom('service as s')
    .innerJoin('specialty as sp', 'sp.code', 's.specialty_code')
    .innerJoin('organisation as p', 'p.ods_code', 's.provider_ods_code')
    .innerJoin('site as st', 'st.ods_code', 's.site_ods_code')
    .select([
      's.id',
      's.name',
      's.specialty_code',
      'sp.name as specialty_name',
      's.provider_ods_code',
      'p.name as provider_name',
      's.site_ods_code',
      'st.name as site_name',
      'st.postcode as site_postcode',
      's.latitude',
      's.longitude',
      's.service_type',
      's.directly_bookable',
      's.indicative_wait_weeks',
      's.indicative_wait_as_of',
      's.indicative_wait_basis',
      's.min_age',
      's.max_age',
      's.sex',
    ]);
}

/** Listed means what patients may be offered: active and accredited (minimum standard 5). */
function listedServices(db: Kysely<DB>) {
  return servicesWithDetails(db).where('s.active', '=', true).where('s.accreditation_status', '=', 'ACCREDITED');
}

export type ServiceRow = Awaited<ReturnType<ReturnType<typeof servicesWithDetails>['executeTakeFirstOrThrow']>>;

export function toServiceView(r: ServiceRow): ServiceView {
  return {
    id: r.id,
    name: r.name,
    specialty: { code: r.specialty_code, name: r.specialty_name },
    provider: { odsCode: r.provider_ods_code, name: r.provider_name },
    site: { odsCode: r.site_ods_code, name: r.site_name, postcode: r.site_postcode, latitude: r.latitude, longitude: r.longitude },
    serviceType: r.service_type,
    directlyBookable: r.directly_bookable,
    indicativeWait:
      r.indicative_wait_weeks === null || r.indicative_wait_as_of === null
        ? null
        : { weeks: r.indicative_wait_weeks, asOf: r.indicative_wait_as_of },
  };
}

export type ServiceCandidate = Candidate & { row: ServiceRow };

export function toCandidate(row: ServiceRow): ServiceCandidate {
  return {
    id: row.id,
    latitude: row.latitude,
    longitude: row.longitude,
    waitWeeks: row.indicative_wait_weeks,
    minAge: row.min_age,
    maxAge: row.max_age,
    sex: row.sex,
    row,
  };
}

/** Every listed service, for the in-memory directory (see snapshot.ts). */
export async function loadListedServices(db: Kysely<DB>): Promise<ServiceRow[]> {
  return listedServices(db).execute();
}

export interface Box {
  minLat: number;
  maxLat: number;
  minLng: number;
  maxLng: number;
}
