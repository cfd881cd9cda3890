import type { Database } from '../db/database.ts';
import type { OrganisationKind, StaffRole } from '../db/schema.ts';
import { hashPassword } from '../auth/passwords.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

let hash: Promise<string> | null = null;
const testHash = () => (hash ??= hashPassword(TEST_PASSWORD));

export async function createOrganisation(database: Database, odsCode: string, name: string, kind: OrganisationKind): Promise<void> {
  await database.db
    .insertInto('organisation')
    .values({ ods_code: odsCode, name, kind, region_code: null, icb_code: null, postcode: null, open_date: null, close_date: null })
    .onConflict((oc) => oc.column('ods_code').doNothing())
    .execute();
}

/** An active account with TEST_PASSWORD; returns its id. */
export async function createAccount(database: Database, username: string, role: StaffRole, organisation: string): Promise<number> {
  const row = await database.db
    .insertInto('account')
    .values({ username, password_hash: await testHash(), role, organisation_ods_code: organisation, display_name: `Test ${username}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** One active account per staff role at the given organisation, all with TEST_PASSWORD; username = role. */
export async function createRoleAccounts(database: Database, organisation: string): Promise<Record<StaffRole, string>> {
  const roles: StaffRole[] = ['referrer', 'referral-centre', 'provider', 'commissioner', 'admin'];
  for (const role of roles) await createAccount(database, role, role, organisation);
  return Object.fromEntries(roles.map((r) => [r, r])) as Record<StaffRole, string>;
}
