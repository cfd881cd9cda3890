// `npm run backup [-- --to FILE]`: a backup of the embedded database (DATA_DIR/pglite) while the service is stopped.
// For PostgreSQL (DATABASE_URL set) use pg_dump and WAL archiving instead (README, "Backups").
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { DataDirInUseError } from '../db/data-dir-lock.ts';
import { BackupError, backupEmbedded, defaultBackupFile } from './embedded-backup.ts';

const USAGE = `usage: npm run backup [-- --to FILE]

Backs up the embedded database (DATA_DIR/pglite, DATA_DIR defaults to ./data) to FILE
(default: backups/openchoice-<time>.pglite-backup). Stop the service first: the database
must not change while it is copied, and a running service is refused.

The file carries a checksum, the migration version and the number of referrals, which
npm run restore checks before it replaces anything.

With DATABASE_URL set, use pg_dump -Fc instead (see README, "Backups").

Exit codes: 0 done, 1 refused or failed (the reason is on stderr), 64 wrong usage.
`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({ options: { to: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: false });
  } catch (err) {
    process.stderr.write(`backup: ${(err as Error).message}\n\n${USAGE}`);
    return 64;
  }
  if (args.values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`backup: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  if (config.database.kind !== 'pglite') {
    process.stderr.write('backup: DATABASE_URL is set, so the data is on a PostgreSQL server: back it up with pg_dump -Fc (README, "Backups").\n');
    return 1;
  }
  const file = args.values.to ?? defaultBackupFile();
  try {
    const m = await backupEmbedded(config.database.dataDir, file);
    process.stdout.write(`Backed up ${config.database.dataDir} to ${file}: migration ${m.migrationVersion}, ${m.referrals} referrals, ${m.payloadBytes} bytes, sha256 ${m.payloadSha256}.\n`);
    return 0;
  } catch (err) {
    if (err instanceof BackupError || err instanceof DataDirInUseError) {
      process.stderr.write(`backup: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

process.exitCode = await main();
