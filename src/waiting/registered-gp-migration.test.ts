// Migration 033 corrects the pathways imported before it: they named the reported practice as the referring
// organisation, so the practice saw them as its own referrals. Run again on such rows, its updates must make the
// importing provider the referring organisation and the reporter, on the pathway and every pathway moved on from it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { startFixtureApp } from '../testing/directory-fixture.ts';
import { importWaitingList } from './waiting-list-import.ts';

let database: Database;
let close: () => Promise<void>;
before(async () => {
  ({ database, close } = await startFixtureApp('migration033'));
});
after(() => close());

test('pathways imported before migration 033, and those moved on from them, become reported by the importing provider', async () => {
  const { db } = database;
  await createOrganisation(database, 'GP1', 'GP One', 'GP_PRACTICE');
  const accountId = await createAccount(database, 'rxx', 'provider', 'RXX');
  const csv = 'nhs_number,provider,specialty,clock_start,registered_gp\n9990000018,RXX,110,2026-01-05,GP1\n9990000026,RXX,110,2026-01-05,\n';
  await importWaitingList(database, csv, { accountId, onlyProvider: 'RXX', accessCodeSecret: 'x'.repeat(32), travelCostPencePerMile: 45 });
  // As the import wrote them before: the practice as referring organisation, nobody as reporter; moved on twice.
  await db.updateTable('referral').set({ referring_organisation_ods_code: 'GP1', registered_gp_reported_by_ods_code: null }).where('registered_gp_ods_code', '=', 'GP1').execute();
  const old = await db.selectFrom('referral').selectAll().where('patient_nhs_number', '=', '9990000018').executeTakeFirstOrThrow();
  const { ubrn: _, ...pathway } = old;
  await db.insertInto('referral').values({ ...pathway, ubrn: '111122223333', source: 'TRANSFER', transferred_from_ubrn: old.ubrn } as never).execute();
  await db.insertInto('referral').values({ ...pathway, ubrn: '111122224444', source: 'TRANSFER', transferred_from_ubrn: '111122223333' } as never).execute();

  const updates = readFileSync(new URL('../db/migrations/033_registered_gp_source.sql', import.meta.url), 'utf8').replace(/^alter table[^;]*;/m, '');
  await sql.raw(updates).execute(db);
  const rows = await db.selectFrom('referral').select(['patient_nhs_number as nhs', 'source', 'referring_organisation_ods_code as referrer', 'registered_gp_ods_code as gp', 'registered_gp_reported_by_ods_code as reportedBy']).orderBy('source').orderBy('patient_nhs_number').orderBy('ubrn').execute();
  assert.deepEqual(rows.map(({ nhs, ...r }) => [nhs, r]), [
    ['9990000018', { source: 'TRANSFER', referrer: 'RXX', gp: 'GP1', reportedBy: 'RXX' }],
    ['9990000018', { source: 'TRANSFER', referrer: 'RXX', gp: 'GP1', reportedBy: 'RXX' }],
    ['9990000018', { source: 'WAITING_LIST', referrer: 'RXX', gp: 'GP1', reportedBy: 'RXX' }],
    ['9990000026', { source: 'WAITING_LIST', referrer: 'RXX', gp: null, reportedBy: null }],
  ]);
});
