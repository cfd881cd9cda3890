// What every feature is given: the settings, the database, and the per-instance caches of the directory, the
// postcodes and the earliest free slots. buildApp makes one and hands it (or the parts a feature needs) to each
// feature's routes and pages, so nothing reaches for a global.
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { createDirectoryCache, type DirectoryCache } from './directory/snapshot.ts';
import { MaintenanceSwitch } from './maintenance/service.ts';
import { PostcodeDirectory } from './reference/postcodes.ts';
import { EarliestSlotCache } from './slots/earliest-slots.ts';

export interface Deps {
  config: Config;
  database: Database;
  directory: DirectoryCache;
  postcodes: PostcodeDirectory;
  earliestSlots: EarliestSlotCache;
  /** Whether writes are refused just now (maintenance mode), read from the database at most once a second. */
  maintenance: MaintenanceSwitch;
}

export function createDeps(config: Config, database: Database, onCacheError: (err: unknown, what: string) => void): Deps {
  return {
    config,
    database,
    directory: createDirectoryCache(database.db, { maxAgeMs: config.directoryRefreshMs }),
    // Postcodes change monthly at most: a minute's staleness is plenty.
    postcodes: new PostcodeDirectory(database, { inMemory: config.postcodesInMemory, maxAgeMs: 60_000 }),
    earliestSlots: new EarliestSlotCache(database.db, { onError: (err) => onCacheError(err, 'earliest free slots could not be read') }),
    maintenance: new MaintenanceSwitch(database.db, { settingUntil: config.maintenanceUntil }),
  };
}
