// The real entry point (`node src/server.ts`) as a child process on a free loopback port, as an operator runs
// it: for tests that start, stop and kill the service.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface ServerProcess {
  child: ChildProcess;
  base: string;
  /** Everything it has printed so far. */
  output(): string;
  /** From spawning to the first healthy answer. */
  startedInMs: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Starts the service with these settings (PORT is chosen here) and waits until GET /health answers 200. */
export async function startServerProcess(env: NodeJS.ProcessEnv, options: { timeoutMs: number; pollMs?: number }): Promise<ServerProcess> {
  const port = await freePort();
  const t0 = Date.now();
  const child = spawn(process.execPath, ['src/server.ts'], { cwd: ROOT, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out}`);
    try {
      const res = await fetch(`${base}/health`);
      if (res.ok) return { child, base, output: () => out, startedInMs: Date.now() - t0 };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 250));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not answer /health within ${options.timeoutMs / 1000} s:\n${out}`);
}
