// Phone numbers, the number a patient's letter tells them to call. Written by a plain update after the rows are
// upserted (the row specs stay as other importers share them); only rows whose number changed are touched, so a
// re-run changes nothing.
import type { Queryable } from './upsert.ts';

/** Sets `phone` for the given codes of `table`; answers how many rows changed. A blank number is no number. */
export async function recordPhones(client: Queryable, table: 'organisation' | 'site', phones: ReadonlyMap<string, string>): Promise<number> {
  const entries = [...phones].filter(([, phone]) => phone.trim() !== '');
  if (entries.length === 0) return 0;
  const result = await client.query(
    `update ${table} t set phone = v.phone
     from unnest($1::text[], $2::text[]) as v(ods_code, phone)
     where t.ods_code = v.ods_code and t.phone is distinct from v.phone`,
    [entries.map(([code]) => code), entries.map(([, phone]) => phone.trim().replace(/\s+/g, ' '))],
  );
  return result.rowCount ?? 0;
}
