// GET /health/detail for operators: what /health will not say publicly. The database (reachable, how fast, which
// migration), the job queues and the outbox, the data versions in the database and those this instance holds in
// memory, and what is still loading. A database that does not answer within the readings' timeout is "unavailable"
// (503), and everything the instance knows by itself is still shown.
import type { Deps } from '../deps.ts';
import type { StartupLoading } from '../health/loading.ts';
import { type DatabaseReadings, readDatabase } from './readings.ts';

export async function healthDetail({ config, database, directory, postcodes, maintenance }: Deps, startedAt: Date, loading?: StartupLoading) {
  let readings: DatabaseReadings | null;
  try {
    readings = await readDatabase(database.db);
  } catch {
    readings = null; // unreachable or too slow: said as reachable false
  }
  const memory = postcodes.inMemory();
  const switched = readings ? await maintenance.current() : null;
  return {
    status: readings ? ('ok' as const) : ('unavailable' as const),
    instance: { startedAt: startedAt.toISOString(), uptimeSeconds: Math.round(process.uptime()), node: process.version },
    database: {
      kind: database.kind,
      reachable: readings !== null,
      latencyMs: readings?.latencyMs ?? null,
      migrationVersion: readings?.migrationVersion ?? null,
      pool: { total: database.pool.totalCount, idle: database.pool.idleCount, waiting: database.pool.waitingCount },
    },
    // Writes refused on every instance (src/maintenance); null when the database cannot say.
    maintenance: switched === null ? null : switched.on ? { on: true, until: switched.until.toISOString(), by: switched.by, fromSetting: switched.fromSetting } : { on: false },
    // What this instance is still loading in the background after it began to answer (src/health/loading.ts).
    loading: loading?.pending ?? [],
    jobs: { enabled: config.jobs.enabled, queues: readings?.queues ?? null },
    outbox: readings?.outbox ?? null,
    data: {
      versions: readings?.dataVersions ?? null,
      rttPeriod: readings?.rttPeriod ?? null,
      imports: readings?.imports ?? null,
      loadedHere: {
        directoryVersion: directory.loadedVersion(),
        postcodes: memory === null ? ('off' as const) : memory.loaded ? ('loaded' as const) : ('loading' as const),
        postcodesVersion: memory?.version ?? null,
      },
    },
  };
}
