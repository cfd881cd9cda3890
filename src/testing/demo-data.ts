// What the demo test database holds: the demo data set as a first `npm start` loads it. Kept apart from the
// template machinery because the demo template's name is a fingerprint of this module and everything it imports.
import { loadConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import { ensureDemoDataSet } from '../demo/demo-data-set.ts';

/** Loads a migrated, empty database with the demo data as of `now`: waits and slots count from that day. */
export async function loadDemoDatabase(database: Database, now: Date): Promise<void> {
  await ensureDemoDataSet(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', POSTCODES_IN_MEMORY: 'false' }), database, now);
  // Statistics and frozen rows are copied with the template: every copy plans well and never rewrites a page to
  // set hint bits or freeze rows.
  await database.pool.query('vacuum (freeze, analyze)');
}
