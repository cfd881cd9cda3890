// The sites and organisations the FHIR directory serves as Location and Organization: the ODS reference data the
// directory's services point at. The services themselves come from the in-memory directory (src/directory/snapshot.ts).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

export function sitesQuery(db: Kysely<DB>) {
  return db
    .selectFrom('site')
    .select(['ods_code', 'name', 'provider_ods_code', 'sector', 'address', 'postcode', 'latitude', 'longitude', 'phone']);
}
export type SiteRow = Awaited<ReturnType<ReturnType<typeof sitesQuery>['executeTakeFirstOrThrow']>>;

/** Sites with these codes (any of them) and of these providers (any of them); a criterion left out does not narrow. */
export async function findSites(db: Kysely<DB>, where: { codes?: readonly string[]; providers?: readonly string[] }): Promise<SiteRow[]> {
  let query = sitesQuery(db);
  if (where.codes) query = query.where('ods_code', 'in', where.codes.length > 0 ? [...where.codes] : ['']);
  if (where.providers) query = query.where('provider_ods_code', 'in', where.providers.length > 0 ? [...where.providers] : ['']);
  return query.orderBy('ods_code').execute();
}

export function organisationsQuery(db: Kysely<DB>) {
  return db
    .selectFrom('organisation')
    .select(['ods_code', 'name', 'kind', 'postcode', 'open_date', 'close_date', 'active', 'phone']);
}
export type OrganisationRow = Awaited<ReturnType<ReturnType<typeof organisationsQuery>['executeTakeFirstOrThrow']>>;

export async function findOrganisations(db: Kysely<DB>, codes: readonly string[]): Promise<OrganisationRow[]> {
  if (codes.length === 0) return [];
  return organisationsQuery(db).where('ods_code', 'in', [...codes]).orderBy('ods_code').execute();
}
