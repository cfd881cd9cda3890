// One process at a time may open an embedded PGlite data folder: two would corrupt it. The service and the
// import command both open it, so the second one must be told plainly rather than allowed to start.
//
// The lock is a listening Unix socket, not a file holding a process id: the operating system closes it when its
// holder dies, however it dies, so a crash never leaves the folder locked. (A process id in a file outlived its
// process: in a container the next process often gets the same low id, and another live process may have it, so the
// service could refuse to start for ever.) On Linux the socket is in the abstract namespace, named after the folder's
// real path, and leaves nothing on disk; elsewhere it is a socket file in the folder, taken over when nobody answers.
import { createHash } from 'node:crypto';
import { realpath, rm } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';

export class DataDirInUseError extends Error {}

async function lockAddress(dir: string): Promise<{ path: string; onDisk: boolean }> {
  const real = await realpath(dir);
  if (process.platform === 'linux') return { path: `\0openchoice-pglite-${createHash('sha256').update(real).digest('hex').slice(0, 40)}`, onDisk: false };
  return { path: join(real, '.openchoice.lock'), onDisk: true };
}

const listen = (server: net.Server, path: string) =>
  new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });

/** The process id the holder answers with, or null when nothing answers (a socket file left by a process gone). */
const askHolder = (path: string) =>
  new Promise<string | null>((resolve) => {
    const socket = net.connect(path);
    let said = '';
    socket.setTimeout(2000, () => socket.destroy());
    socket.on('data', (d) => (said += d.toString()));
    socket.on('end', () => resolve(said.trim() || '?'));
    socket.on('error', () => resolve(null));
    socket.on('close', () => resolve(said.trim() || null));
  });

/** Takes the folder's lock, or throws DataDirInUseError naming the process that holds it. */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const { path, onDisk } = await lockAddress(dir);
  for (let attempt = 0; attempt < 2; attempt++) {
    // Whoever asks is told who holds the lock.
    const server = net.createServer((socket) => socket.end(String(process.pid)));
    try {
      await listen(server, path);
      server.unref(); // the lock alone does not keep the process running
      return () => new Promise<void>((resolve) => server.close(() => resolve()));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      const holder = await askHolder(path);
      if (holder !== null) {
        throw new DataDirInUseError(
          `The embedded database in ${dir} is in use by process ${holder} (a running OpenChoice?). ` +
            'Stop it first, or set DATABASE_URL to use PostgreSQL, which many processes can share.',
        );
      }
      if (onDisk) await rm(path, { force: true }); // a socket file left by a process that has gone
    }
  }
  throw new DataDirInUseError(`Could not lock the embedded database in ${dir}.`);
}
