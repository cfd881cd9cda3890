// Backing up and restoring the embedded database (PGlite in DATA_DIR/pglite). PostgreSQL has its own tools
// (pg_dump, base backups and WAL archiving: README, "Backups"); this is for a laptop or a small pilot.
//
// A backup is PGlite's own copy of its data folder (dumpDataDir: a gzipped tar of the files), taken while holding
// the folder's lock, so nothing writes while it is copied: the service must be stopped, and a running one is named
// rather than copied under its feet. The file is one piece, so it cannot be separated from what checks it:
//
//   OPENCHOICE-PGLITE-BACKUP 1\n
//   {"createdAt":…,"migrationVersion":…,"referrals":…,"payloadBytes":…,"payloadSha256":…}\n
//   <the gzipped tar, payloadBytes long>
//
// A restore checks the checksum, opens the copy in a folder beside the target and checks its migration version and
// referral count against the header, and only then moves the old folder aside (never deletes it) and the new one in.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from '../db/data-dir-lock.ts';
import { readMigrations } from '../db/migrate.ts';

const MAGIC = 'OPENCHOICE-PGLITE-BACKUP 1';

export class BackupError extends Error {}

export interface BackupManifest {
  createdAt: string;
  /** The last migration applied to the database backed up. */
  migrationVersion: number;
  /** How many referrals it holds: counted again after a restore. */
  referrals: number;
  payloadBytes: number;
  payloadSha256: string;
}

type Lite = PGlite;

async function openLite(dataDir: string, loadDataDir?: Blob): Promise<Lite> {
  const { PGlite } = await import('@electric-sql/pglite');
  return PGlite.create(dataDir, loadDataDir ? { loadDataDir } : {});
}

/** What is checked on both sides: the last migration applied and the number of referrals. */
async function measure(lite: Lite): Promise<{ migrationVersion: number; referrals: number }> {
  const hasTable = async (name: string) =>
    (await lite.query<{ found: boolean }>(`select to_regclass($1) is not null as found`, [name])).rows[0]!.found;
  if (!(await hasTable('schema_migration'))) throw new BackupError('The database has no schema_migration table: it is not an OpenChoice database, or it was never started.');
  const version = (await lite.query<{ v: number | null }>('select max(version)::int as v from schema_migration')).rows[0]!.v ?? 0;
  const referrals = (await hasTable('referral')) ? (await lite.query<{ n: number }>('select count(*)::int as n from referral')).rows[0]!.n : 0;
  return { migrationVersion: version, referrals };
}

async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

const stamp = (at: Date) => at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/** The file name a backup gets when none is given: sortable, and never the same twice a second. */
export const defaultBackupFile = (at = new Date()) => join('backups', `openchoice-${stamp(at)}.pglite-backup`);

/** Backs up the embedded database in `dataDir` to `file`; refuses while anything else has the folder open. */
export async function backupEmbedded(dataDir: string, file: string, now = new Date()): Promise<BackupManifest> {
  if (await isEmptyDir(dataDir)) throw new BackupError(`There is no embedded database in ${dataDir} to back up.`);
  const unlock = await lockDataDir(dataDir); // throws DataDirInUseError, naming the process, while the service runs
  try {
    const lite = await openLite(dataDir);
    let payload: Buffer;
    let measured: { migrationVersion: number; referrals: number };
    try {
      measured = await measure(lite);
      // Everything written is in the data files, not only in the write-ahead log, before the files are copied.
      await lite.exec('checkpoint');
      payload = Buffer.from(await (await lite.dumpDataDir('gzip')).arrayBuffer());
    } finally {
      await lite.close();
    }
    const manifest: BackupManifest = {
      createdAt: now.toISOString(),
      ...measured,
      payloadBytes: payload.length,
      payloadSha256: createHash('sha256').update(payload).digest('hex'),
    };
    await mkdir(dirname(file), { recursive: true });
    // Written beside its name and renamed: a backup cut short (a full disk, a kill) never looks like a whole one.
    const partial = `${file}.partial`;
    await writeFile(partial, Buffer.concat([Buffer.from(`${MAGIC}\n${JSON.stringify(manifest)}\n`), payload]), { flag: 'w' });
    await rename(partial, file);
    return manifest;
  } finally {
    await unlock();
  }
}

/** Reads and checks a backup file: its header, its length and its checksum. Throws BackupError saying what is wrong. */
export async function readBackup(file: string): Promise<{ manifest: BackupManifest; payload: Buffer }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new BackupError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  const notOurs = new BackupError(`${file} is not an OpenChoice embedded-database backup (it does not start with "${MAGIC}").`);
  const firstEnd = bytes.indexOf(0x0a);
  if (firstEnd < 0 || bytes.subarray(0, firstEnd).toString('utf8') !== MAGIC) throw notOurs;
  const secondEnd = bytes.indexOf(0x0a, firstEnd + 1);
  if (secondEnd < 0) throw new BackupError(`${file} is cut short: its header is incomplete.`);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(bytes.subarray(firstEnd + 1, secondEnd).toString('utf8')) as BackupManifest;
  } catch {
    throw new BackupError(`${file} is damaged: its header is not readable.`);
  }
  if (!Number.isInteger(manifest.payloadBytes) || typeof manifest.payloadSha256 !== 'string' || !Number.isInteger(manifest.migrationVersion) || !Number.isInteger(manifest.referrals)) {
    throw new BackupError(`${file} is damaged: its header lacks the size, checksum, migration version or referral count.`);
  }
  const payload = bytes.subarray(secondEnd + 1);
  if (payload.length !== manifest.payloadBytes) {
    throw new BackupError(`${file} is damaged or cut short: it holds ${payload.length} bytes of data where the backup wrote ${manifest.payloadBytes}.`);
  }
  if (createHash('sha256').update(payload).digest('hex') !== manifest.payloadSha256) {
    throw new BackupError(`${file} is damaged: its checksum does not match what the backup wrote.`);
  }
  return { manifest, payload };
}

export interface RestoreReport {
  manifest: BackupManifest;
  /** Where the database that was there before now is, if there was one. */
  keptAside: string | null;
}

/**
 * Restores `file` into `dataDir`. Refuses a damaged file, a backup of a newer OpenChoice than this one, and a
 * non-empty folder unless `force` (then the old folder is kept aside, renamed, not deleted).
 */
export async function restoreEmbedded(file: string, dataDir: string, options: { force?: boolean; now?: Date } = {}): Promise<RestoreReport> {
  const { manifest, payload } = await readBackup(file);
  const latest = Math.max(0, ...(await readMigrations()).map((m) => m.version));
  if (manifest.migrationVersion > latest) {
    throw new BackupError(
      `${file} was made by a newer OpenChoice (its database is at migration ${manifest.migrationVersion}; this one knows up to ${latest}). Restore it with that version.`,
    );
  }
  await mkdir(dataDir, { recursive: true });
  const unlock = await lockDataDir(dataDir); // nobody may open the folder while it is replaced
  try {
    const occupied = !(await isEmptyDir(dataDir));
    if (occupied && !options.force) {
      throw new BackupError(`${dataDir} already holds a database. Stop the service and run again with --force to replace it (the old one is kept beside it).`);
    }
    const at = stamp(options.now ?? new Date());
    const staging = join(dirname(dataDir), `${basename(dataDir)}.restoring-${at}`);
    await rm(staging, { recursive: true, force: true });
    try {
      const lite = await openLite(staging, new Blob([new Uint8Array(payload)]));
      try {
        const found = await measure(lite);
        if (found.migrationVersion !== manifest.migrationVersion || found.referrals !== manifest.referrals) {
          throw new BackupError(
            `${file} did not restore as it was backed up: migration ${found.migrationVersion} and ${found.referrals} referrals, where the backup had migration ${manifest.migrationVersion} and ${manifest.referrals}. Nothing was changed.`,
          );
        }
      } finally {
        await lite.close();
      }
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      if (err instanceof BackupError) throw err;
      throw new BackupError(`${file} could not be opened as a database (${(err as Error).message}). Nothing was changed.`);
    }
    let keptAside: string | null = null;
    if (occupied) {
      keptAside = join(dirname(dataDir), `${basename(dataDir)}.before-restore-${at}`);
      await rename(dataDir, keptAside);
    } else {
      await rmdir(dataDir);
    }
    await rename(staging, dataDir);
    return { manifest, keptAside };
  } finally {
    await unlock();
  }
}
