// The demo data set: real public reference data from reference-data/, loaded into an empty directory.
import { fileURLToPath } from 'node:url';
import type { Database } from '../db/database.ts';
import type { ImportReport } from './report.ts';
import { type ImportKind, importWithin, startReading } from './run-import.ts';
import { bulkLoader } from './upsert.ts';

export const REFERENCE_DATA_DIR = fileURLToPath(new URL('../../reference-data/', import.meta.url));

/** What the demo data set loads, in dependency order. */
export const DEMO_DATA_SET: ReadonlyArray<readonly [ImportKind, string | null]> = [
  ['specialties', 'treatment_function_codes_nhs_data_dictionary.csv'],
  ['postcodes', 'gb_postcodes_codepoint_open_2025_10_latlon.csv.gz'],
  ['postcode-sectors', 'gb_sector_centroids_codepoint_open_2025_10.csv'],
  ['postcode-outcodes', 'gb_outcode_centroids_codepoint_open_2025_10.csv'],
  ['trusts', 'etr.csv'],
  ['gp-practices', 'epraccur.csv'],
  ['hospitals', 'hospitals_2020_utf8.csv'],
  ['rtt', '20260430-RTT-April-2026-full-extract.csv.zip'],
  ['services', null],
];

// Any constant distinct from the migration lock.
const DEMO_LOCK = 7_301_962;

export interface Logger {
  info(obj: object, msg?: string): void;
}

export interface DemoLoadReport {
  database: Database['kind'];
  durationMs: number;
  loaded: Record<string, Pick<ImportReport, 'rowsRead' | 'inserted' | 'updated' | 'unchanged' | 'skipped' | 'durationMs'>>;
  unplacedProviders: unknown;
  /** What the placement rule left out (src/domain/site-placement.ts): provider × specialty × site, by reason. */
  sitesLeftOut: Record<string, number> | null;
}

async function hasServices(client: Pick<Database['pool'], 'query'>): Promise<boolean> {
  return (await client.query('select exists (select 1 from service) as any')).rows[0].any === true;
}

/**
 * Loads the whole demo data set when the directory has no services; otherwise returns null at once.
 * Everything happens in one transaction that first takes a transaction-scoped advisory lock: on PostgreSQL a
 * second process waits at the lock and then finds the services; on embedded PGlite, which runs one
 * transaction at a time, the second caller's transaction simply starts after the first has committed.
 * A failure part-way leaves the database as it was.
 */
export async function loadDemoDataIfEmpty(database: Database, log?: Logger): Promise<DemoLoadReport | null> {
  if (await hasServices(database.pool)) return null;
  const started = Date.now();
  const client = await database.pool.connect();
  try {
    await client.query('begin');
    try {
      await client.query('select pg_advisory_xact_lock($1)', [DEMO_LOCK]);
      if (await hasServices(client)) {
        await client.query('commit');
        return null;
      }
      log?.info({}, 'loading the demo data set from reference-data/ (first start only)');
      const result: DemoLoadReport = { database: database.kind, durationMs: 0, loaded: {}, unplacedProviders: null, sitesLeftOut: null };
      // On embedded PGlite the empty tables are filled with COPY (1.75 M postcodes in seconds, not a minute).
      const loader = bulkLoader(client, database);
      // What reads its file in a worker (the RTT extract, 2 s) starts now, so that it overlaps the postcodes.
      const readAhead = new Map(DEMO_DATA_SET.flatMap(([kind, file]) => {
        const reading = file ? startReading(kind, `${REFERENCE_DATA_DIR}${file}`) : null;
        reading?.catch(() => {}); // if it fails, its import says so when it comes to it
        return reading ? [[kind, reading] as const] : [];
      }));
      for (const [kind, file] of DEMO_DATA_SET) {
        const report = await importWithin(loader, kind, file ? `${REFERENCE_DATA_DIR}${file}` : null, readAhead.get(kind));
        const { rowsRead, inserted, updated, unchanged, skipped, durationMs } = report;
        result.loaded[kind] = { rowsRead, inserted, updated, unchanged, skipped, durationMs };
        if (kind === 'services') {
          const { providers: _list, ...summary } = report.notes.unplacedProviders as { providers: unknown };
          result.unplacedProviders = summary;
          const { byReason } = report.notes.sitesLeftOut as { byReason: Record<string, { count: number }> };
          result.sitesLeftOut = Object.fromEntries(Object.entries(byReason).map(([reason, { count }]) => [reason, count]));
        }
        log?.info({ kind, inserted, durationMs }, `demo data: ${kind} loaded`);
      }
      await client.query('commit');
      result.durationMs = Date.now() - started;
      return result;
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    }
  } finally {
    client.release();
  }
}
