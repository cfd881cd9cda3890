import type { Database } from '../db/database.ts';
import type { StaffRole } from '../db/schema.ts';
import { hashPassword } from '../auth/passwords.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

/** One active account per staff role at the given organisation, all with TEST_PASSWORD; username = role. */
export async function createRoleAccounts(database: Database, organisation: string): Promise<Record<StaffRole, string>> {
  const roles: StaffRole[] = ['referrer', 'referral-centre', 'provider', 'commissioner', 'admin'];
  const hash = await hashPassword(TEST_PASSWORD);
  await database.db
    .insertInto('account')
    .values(roles.map((role) => ({ username: role, password_hash: hash, role, organisation_ods_code: organisation, display_name: `Test ${role}` })))
    .execute();
  return Object.fromEntries(roles.map((r) => [r, r])) as Record<StaffRole, string>;
}
