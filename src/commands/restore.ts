// `npm run restore -- FILE [--force]`: puts an embedded-database backup (npm run backup) back in DATA_DIR/pglite.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { DataDirInUseError } from '../db/data-dir-lock.ts';
import { BackupError, restoreEmbedded } from './embedded-backup.ts';

const USAGE = `usage: npm run restore -- FILE [--force]

Restores a backup made by npm run backup into the embedded database folder (DATA_DIR/pglite,
DATA_DIR defaults to ./data). Stop the service first.

Before anything is replaced, the backup's checksum is checked and the backup is opened beside
the folder to check its migration version and number of referrals. A folder that already
holds a database is only replaced with --force, and then it is kept, renamed
<folder>.before-restore-<time>, not deleted.

With DATABASE_URL set, use pg_restore instead (see README, "Backups").

Exit codes: 0 done, 1 refused or failed (the reason is on stderr; nothing was changed), 64 wrong usage.
`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({ options: { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  } catch (err) {
    process.stderr.write(`restore: ${(err as Error).message}\n\n${USAGE}`);
    return 64;
  }
  if (args.values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.positionals.length !== 1) {
    process.stderr.write(`restore: give exactly one backup file.\n\n${USAGE}`);
    return 64;
  }
  const file = args.positionals[0]!;
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`restore: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  if (config.database.kind !== 'pglite') {
    process.stderr.write('restore: DATABASE_URL is set, so the data is on a PostgreSQL server: restore it with pg_restore (README, "Backups").\n');
    return 1;
  }
  try {
    const { manifest: m, keptAside } = await restoreEmbedded(file, config.database.dataDir, { force: args.values.force ?? false });
    process.stdout.write(
      `Restored ${file} (made ${m.createdAt}: migration ${m.migrationVersion}, ${m.referrals} referrals) into ${config.database.dataDir}.\n` +
        (keptAside ? `The database that was there is kept in ${keptAside}; delete it when you are sure.\n` : ''),
    );
    return 0;
  } catch (err) {
    if (err instanceof BackupError || err instanceof DataDirInUseError) {
      process.stderr.write(`restore: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

process.exitCode = await main();
