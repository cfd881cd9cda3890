// Staff accounts as administrators list them.
import type { Kysely } from 'kysely';
import type { DB, StaffRole } from '../db/schema.ts';

export interface AccountListing {
  username: string;
  displayName: string;
  role: StaffRole;
  organisation: { odsCode: string; name: string };
  active: boolean;
  demo: boolean;
}

export async function listAccounts(db: Kysely<DB>): Promise<AccountListing[]> {
  const rows = await db
    .selectFrom('account as a')
    .innerJoin('organisation as o', 'o.ods_code', 'a.organisation_ods_code')
    .select(['a.username', 'a.display_name', 'a.role', 'a.active', 'a.demo', 'o.ods_code', 'o.name'])
    .orderBy('a.username')
    .execute();
  return rows.map((r) => ({
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    organisation: { odsCode: r.ods_code, name: r.name },
    active: r.active,
    demo: r.demo,
  }));
}
