// `npm run import -- <kind> [file]`: loads one file into the configured database and prints what it did.
import { loadConfig } from '../config.ts';
import { DataDirInUseError } from '../db/data-dir-lock.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { ImportError } from './csv.ts';
import { formatReport } from './report.ts';
import { IMPORTERS, isImportKind, runImport } from './run-import.ts';

function usage(): string {
  const kinds = Object.entries(IMPORTERS).map(([k, i]) => `  ${k.padEnd(18)} ${i.describe}`);
  return `usage: npm run import -- <kind> <file>   (file not needed for "services")\n\nkinds:\n${kinds.join('\n')}\n`;
}

async function main(args: string[]): Promise<number> {
  const [kind, file] = args;
  const json = args.includes('--json');
  if (!kind || kind === '--help' || !isImportKind(kind)) {
    process.stderr.write(kind && kind !== '--help' ? `unknown kind "${kind}"\n\n${usage()}` : usage());
    return kind === '--help' ? 0 : 64;
  }
  if (IMPORTERS[kind].needsFile && (!file || file.startsWith('--'))) {
    process.stderr.write(`${kind} needs a file\n\n${usage()}`);
    return 64;
  }
  const config = loadConfig();
  let database;
  try {
    database = await openDatabase(config.database);
  } catch (err) {
    process.stderr.write(`import failed, nothing changed. ${err instanceof DataDirInUseError ? err.message : String(err)}\n`);
    return 1;
  }
  try {
    await migrate(database.pool);
    const report = await runImport(database, kind, IMPORTERS[kind].needsFile ? file! : null);
    process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
    return 0;
  } catch (err) {
    // Nothing was changed: the import runs in one transaction.
    const where = file ? `${file}: ` : '';
    process.stderr.write(`import failed, nothing changed. ${where}${err instanceof ImportError ? err.message : ((err as Error).stack ?? String(err))}\n`);
    return 1;
  } finally {
    await database.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
