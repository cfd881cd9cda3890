// The demo accounts of the API contract. They exist only in the demo data set: `npm start` creates them, and
// the service refuses to start in production mode while any is present.
import type { Kysely } from 'kysely';
import type { DB, OrganisationKind, StaffRole } from '../db/schema.ts';
import { hashPassword } from './passwords.ts';

export const DEMO_PASSWORD = 'demo-password';

// Real organisations of the demo data set around Leeds, and one referral centre that only the demo has. Its phone
// number is from Ofcom's range for drama (0113 496 0000 to 0999), which is never given to anyone.
const ORGANISATIONS: { odsCode: string; name: string; kind: OrganisationKind; phone: string | null }[] = [
  { odsCode: 'QWO', name: 'NHS West Yorkshire Integrated Care Board', kind: 'ICB', phone: null },
  { odsCode: 'DEMO-RMC', name: 'Demo Referral Management Centre (demo data only)', kind: 'REFERRAL_CENTRE', phone: '0113 496 0000' },
];

export const DEMO_ACCOUNTS: { username: string; role: StaffRole; organisation: string; displayName: string }[] = [
  { username: 'demo-referrer', role: 'referrer', organisation: 'B86025', displayName: 'Dr Dana Demo (GP)' },
  { username: 'demo-referral-centre', role: 'referral-centre', organisation: 'DEMO-RMC', displayName: 'Riley Demo (referral centre)' },
  { username: 'demo-provider', role: 'provider', organisation: 'RR8', displayName: 'Priya Demo (booking office)' },
  { username: 'demo-commissioner', role: 'commissioner', organisation: 'QWO', displayName: 'Chris Demo (ICB)' },
  { username: 'demo-admin', role: 'admin', organisation: 'QWO', displayName: 'Alex Demo (administrator)' },
  // Beyond the contract's five: a second trust, so that a mutual-aid transfer can be accepted by its receiver.
  { username: 'demo-provider-2', role: 'provider', organisation: 'RWY', displayName: 'Sam Demo (Huddersfield booking office)' },
  // A mental health trust, which returns its pathways for the mental health waiting standards.
  { username: 'demo-mental-health', role: 'provider', organisation: 'RGD', displayName: 'Morgan Demo (Leeds and York Partnership)' },
];

/** Creates the demo accounts that are missing (and their organisations); changes nothing that exists. */
export async function ensureDemoAccounts(db: Kysely<DB>): Promise<string[]> {
  const existing = new Set((await db.selectFrom('account').select('username').execute()).map((a) => a.username));
  const missing = DEMO_ACCOUNTS.filter((a) => !existing.has(a.username));
  if (missing.length === 0) return [];
  const known = new Set(
    (await db.selectFrom('organisation').select('ods_code').where('ods_code', 'in', DEMO_ACCOUNTS.map((a) => a.organisation)).execute()).map((o) => o.ods_code),
  );
  const hash = await hashPassword(DEMO_PASSWORD);
  await db.transaction().execute(async (trx) => {
    for (const o of ORGANISATIONS.filter((o) => !known.has(o.odsCode))) {
      await trx
        .insertInto('organisation')
        .values({ ods_code: o.odsCode, name: o.name, kind: o.kind, region_code: null, icb_code: null, postcode: null, open_date: null, close_date: null, phone: o.phone })
        .onConflict((oc) => oc.column('ods_code').doNothing())
        .execute();
      known.add(o.odsCode);
    }
    const placeable = missing.filter((a) => known.has(a.organisation));
    if (placeable.length === 0) return;
    await trx
      .insertInto('account')
      .values(placeable.map((a) => ({ username: a.username, password_hash: hash, role: a.role, organisation_ods_code: a.organisation, display_name: a.displayName, demo: true })))
      .onConflict((oc) => oc.column('username').doNothing())
      .execute();
  });
  return missing.filter((a) => known.has(a.organisation)).map((a) => a.username);
}

export async function demoAccountsPresent(db: Kysely<DB>): Promise<string[]> {
  return (await db.selectFrom('account').select('username').where('demo', '=', true).execute()).map((a) => a.username);
}
