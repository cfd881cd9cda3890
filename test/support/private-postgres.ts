// A PostgreSQL server of the test's own, in a temporary directory on a free loopback port, for tests that stop,
// crash and restart it. Never the machine's shared server: other tests are using that one.
// The binaries are those of the postgresql Debian package (.ci/run installs it), under /usr/lib/postgresql/N/bin.
// PostgreSQL refuses to run as root, so when the test runs as root the server runs as the `postgres` OS user.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server-process.ts';

/** How the server is taken down: as an operator's fast shutdown, as a crash of PostgreSQL, or as the machine gone. */
export type StopMode =
  | 'fast' // SIGINT: backends end their sessions with 57P01 "terminating connection due to administrator command"
  | 'immediate' // SIGQUIT: every process quits at once, no checkpoint; crash recovery on the next start
  | 'kill'; // SIGKILL to every process of the server: sockets reset mid-query, as when a container dies

export interface PrivatePostgres {
  port: number;
  /** postgres://…@127.0.0.1:port/<database> */
  urlFor(database: string): string;
  /** Starts the server and waits until it accepts connections. */
  start(): Promise<void>;
  /** Takes it down and waits until every one of its processes has gone. */
  stop(mode: StopMode): Promise<void>;
  /** Stops it (if running) and deletes its directory. */
  destroy(): Promise<void>;
  /** The server's own log so far (for a failure's message). */
  log(): string;
}

/** The newest installed PostgreSQL's bin directory, or null when there is none. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(a) - Number(b));
  const newest = versions.at(-1);
  return newest ? join(root, newest, 'bin') : null;
}

/** The uid and gid to run the server as: the `postgres` user when we are root, else ourselves (undefined). */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

export async function createPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('No PostgreSQL binaries under /usr/lib/postgresql (install the postgresql package)');
  const user = serverUser();
  const dir = await mkdtemp(join(tmpdir(), 'openchoice-pg-'));
  if (user) await chown(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C.UTF-8', HOME: dir };
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-instructions'], {
    env, encoding: 'utf8', ...(user ?? {}),
  });
  if (init.status !== 0) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}):\n${init.stdout}\n${init.stderr}`);
  }
  const port = await freePort();
  let server: ChildProcess | null = null;
  let out = '';

  const exited = (child: ChildProcess) =>
    new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

  const ready = async (child: ChildProcess, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`PostgreSQL exited while starting:\n${out.slice(-4000)}`);
      const probe = spawnSync(join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)], { env });
      if (probe.status === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`PostgreSQL did not accept connections within ${timeoutMs / 1000} s:\n${out.slice(-4000)}`);
  };

  const stop = async (mode: StopMode) => {
    const child = server;
    if (!child) return;
    server = null;
    if (child.exitCode === null && child.signalCode === null) {
      // Its own process group (detached below): a SIGKILL to the group takes every backend with the postmaster,
      // so none is left holding the shared memory that the next start needs.
      if (mode === 'kill') process.kill(-child.pid!, 'SIGKILL');
      else child.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    }
    await exited(child);
    if (mode !== 'kill') return;
    // The postmaster is gone; wait for its group to be empty too.
    for (let i = 0; i < 200; i++) {
      try {
        process.kill(-child.pid!, 0);
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  return {
    port,
    urlFor: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async start() {
      if (server) return;
      const child = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=60'], {
        env, detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...(user ?? {}),
      });
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (out += d));
      server = child;
      await ready(child, 30_000);
    },
    stop,
    async destroy() {
      await stop('immediate').catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
    log: () => out,
  };
}
