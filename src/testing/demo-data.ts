// What the demo test database holds: the demo data set as a first `npm start` loads it. Kept apart from the
// template machinery because the demo template's name is a fingerprint of this module and everything it imports.
import { ensureDemoAccounts } from '../auth/demo-accounts.ts';
import { loadConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import { londonDate } from '../domain/dates.ts';
import { loadDemoDataIfEmpty } from '../importers/demo.ts';
import { ensureDemoDeferrals } from '../referrals/demo-deferrals.ts';
import { ensureDemoTransportSupport } from '../shortlist/travel-help.ts';
import { ensureDemoSlots } from '../slots/demo-slots.ts';
import { ensureDemoAssessmentServices } from '../triage/demo-assessment-services.ts';
import { ensureDemoWaitingList } from '../waiting/demo-waiting-list.ts';

/** Loads a migrated, empty database with the demo data as of `now`: waits and slots count from that day. */
export async function loadDemoDatabase(database: Database, now: Date): Promise<void> {
  await loadDemoDataIfEmpty(database);
  await ensureDemoAccounts(database.db);
  await ensureDemoTransportSupport(database.db);
  await ensureDemoAssessmentServices(database.db);
  await ensureDemoWaitingList(database, londonDate(now));
  // Before the slots, as at a first `npm start`: a patient defers only when no slot is free.
  await ensureDemoDeferrals(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', POSTCODES_IN_MEMORY: 'false' }), database);
  await ensureDemoSlots(database.db, now);
  // Statistics and frozen rows are copied with the template: every copy plans well and never rewrites a page to
  // set hint bits or freeze rows.
  await database.pool.query('vacuum (freeze, analyze)');
}
