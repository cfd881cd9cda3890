// Where a service is seen, for directions: the site's name, address and postcode as the directory lists them.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

export interface SiteAddress {
  name: string;
  address: string | null;
  postcode: string | null;
}

/** The site a service is delivered at, or undefined for an unknown service. */
export async function siteAddressOf(db: Kysely<DB>, serviceId: string): Promise<SiteAddress | undefined> {
  return db
    .selectFrom('service as s')
    .innerJoin('site as t', 't.ods_code', 's.site_ods_code')
    .select(['t.name', 't.address', 't.postcode'])
    .where('s.id', '=', serviceId)
    .executeTakeFirst();
}

/** A map search for a postcode: a plain link, so it works without scripts on this page (the map site may use its own). */
export const mapSearchUrl = (postcode: string): string => `https://www.openstreetmap.org/search?query=${encodeURIComponent(postcode)}`;
