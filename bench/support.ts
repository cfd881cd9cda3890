// Helpers the benchmarks share: fresh databases, the app in child processes (bench/bench-server.ts), and a small
// keep-alive HTTP client that records each request's latency. CPU accounting is in bench/cpu.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

// ---------------------------------------------------------------- seeded randomness

/** mulberry32: small, fast and good enough for synthetic data; the same seed gives the same data. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------- databases

/** Drops and creates the database a URL names (connecting to the server's `postgres` database to do it). */
export async function recreateDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[\w-]+$/.test(name)) throw new Error(`Benchmark database name must be simple, not "${name}"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------- the app in child processes

export interface AppInstance {
  child: ChildProcess;
  port: number;
  pid: number;
  agent: Agent;
}

/** Starts bench/bench-server.ts on the database; resolves when it prints its port. */
export async function startInstance(databaseUrl: string, options: { poolSize?: number; execArgv?: string[]; maxSockets?: number } = {}): Promise<AppInstance> {
  const child = spawn(process.execPath, [...(options.execArgv ?? []), fileURLToPath(new URL('./bench-server.ts', import.meta.url))], {
    env: { ...process.env, BENCH_DATABASE_URL: databaseUrl, ...(options.poolSize ? { BENCH_POOL_SIZE: String(options.poolSize) } : {}) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error('bench-server did not report its port within 30 s')), 30_000);
    child.once('exit', (code, signal) => reject(new Error(`bench-server exited before listening (code ${code}, signal ${signal})`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      try {
        resolve((JSON.parse(buffered.slice(0, newline)) as { port: number }).port);
      } catch (err) {
        reject(new Error(`bench-server printed something other than its port: ${buffered.slice(0, 200)}`, { cause: err }));
      }
    });
  });
  child.removeAllListeners('exit');
  return { child, port, pid: child.pid!, agent: new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? Infinity }) };
}

export async function stopInstance(instance: AppInstance): Promise<void> {
  instance.agent.destroy();
  const { child } = instance;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timeout);
}

// ---------------------------------------------------------------- HTTP

export interface Answer {
  status: number;
  body: string;
  ms: number;
}

/** One request over the instance's keep-alive agent; status 0 means the connection failed. */
export function send(instance: AppInstance, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: instance.port,
        method,
        path,
        agent: instance.agent,
        headers: { ...headers, ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
        res.on('error', (err) => resolve({ status: 0, body: String(err), ms: performance.now() - t0 }));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timed out after 30 s')));
    req.on('error', (err) => resolve({ status: 0, body: String(err), ms: performance.now() - t0 }));
    req.end(payload);
  });
}

// ---------------------------------------------------------------- figures

export const pct = (sorted: readonly number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** A valid NHS number in the synthetic range (999 xxx xxx x) for each n, skipping nine digits with no check digit. */
export function* syntheticNhsNumbers(start = 0): Generator<string> {
  for (let n = start; ; n++) {
    const nine = String(990_000_000 + (n % 9_999_999));
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += Number(nine[i]) * (10 - i);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    yield `${nine}${check === 11 ? 0 : check}`;
  }
}
