// The GP practices of an ICB that can be placed: active, with a postcode the postcode directory knows.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

export interface PlacedPractice {
  odsCode: string;
  name: string;
  postcode: string;
  latitude: number;
  longitude: number;
}

export interface IcbPractices {
  placed: PlacedPractice[];
  /** Active practices of the ICB whose postcode is missing or not in the postcode directory (left off the map). */
  unplaced: number;
}

export async function practicesOf(db: Kysely<DB>, icbCode: string): Promise<IcbPractices> {
  const rows = await db
    .selectFrom('organisation as o')
    .leftJoin('postcode as p', 'p.postcode', 'o.postcode')
    .select(['o.ods_code', 'o.name', 'o.postcode', 'p.latitude', 'p.longitude'])
    .where('o.kind', '=', 'GP_PRACTICE')
    .where('o.icb_code', '=', icbCode)
    .where('o.active', '=', true)
    .orderBy('o.name')
    .orderBy('o.ods_code')
    .execute();
  const placed: PlacedPractice[] = [];
  for (const r of rows) {
    if (r.postcode === null || r.latitude === null || r.longitude === null) continue;
    placed.push({ odsCode: r.ods_code, name: r.name, postcode: r.postcode, latitude: r.latitude, longitude: r.longitude });
  }
  return { placed, unplaced: rows.length - placed.length };
}

/** The ICB codes with at least one active practice, for the monthly run. */
export async function icbsWithPractices(db: Kysely<DB>): Promise<string[]> {
  const rows = await db
    .selectFrom('organisation')
    .select('icb_code')
    .distinct()
    .where('kind', '=', 'GP_PRACTICE')
    .where('active', '=', true)
    .where('icb_code', 'is not', null)
    .orderBy('icb_code')
    .execute();
  return rows.map((r) => r.icb_code!);
}
