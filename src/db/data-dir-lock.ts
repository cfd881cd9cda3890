// One process at a time may open an embedded PGlite data folder: two would corrupt it. The service and the
// import command both open it, so the second one must be told plainly rather than allowed to start.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export class DataDirInUseError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the folder's lock file, or throws DataDirInUseError naming the process that holds it. */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const file = join(dir, 'openchoice.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
        throw new DataDirInUseError(
          `The embedded database in ${dir} is in use by process ${holder} (a running OpenChoice?). ` +
            'Stop it first, or set DATABASE_URL to use PostgreSQL, which many processes can share.',
        );
      }
      await rm(file, { force: true }); // left by a process that has gone
    }
  }
  throw new DataDirInUseError(`Could not lock the embedded database in ${dir}.`);
}
