// Shortlist benchmark: builds a national-scale synthetic directory in PostgreSQL, serves the real app in a
// child process (bench/bench-server.ts) and loads it with autocannon.
//
//   npm run bench:shortlist -- [--duration 10] [--connections 10] [--warmup 3] [--reuse] [--cpu-prof]
//
// Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/openchoice_bench),
// BENCH_DURATION, BENCH_CONNECTIONS, BENCH_WARMUP, BENCH_SEED. Flags win over the environment.
// It prints figures and whether the targets are met; it does not fail on a missed target, only on errors
// (a shortlist answer that is not 200, or a server that does not start).
import { availableParallelism } from 'node:os';
import { mkdir, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { migrate } from '../src/db/migrate.ts';
import { type AppInstance, mulberry32 as prng, recreateDatabase, startInstance, stopInstance } from './support.ts';
import { buildDirectory, type Directory, pick, type Postcode, readDirectory, SPECIALTIES } from './shortlist-directory.ts';
import { cpuSnapshot, cpuUsed } from './cpu.ts';

const started = performance.now();

// ---------------------------------------------------------------- settings

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string' },
    connections: { type: 'string' },
    warmup: { type: 'string' },
    seed: { type: 'string' },
    sites: { type: 'string' },
    providers: { type: 'string' },
    'services-per-site': { type: 'string' },
    postcodes: { type: 'string' },
    reuse: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  process.stdout.write(`npm run bench:shortlist -- [options]
  --duration S           seconds per measured route (BENCH_DURATION, default 10)
  --connections N        concurrent connections (BENCH_CONNECTIONS, default 10)
  --warmup S             warm-up seconds before measuring (BENCH_WARMUP, default 3)
  --seed N               PRNG seed (BENCH_SEED, default 20260430)
  --sites N              sites (default 5000)
  --providers N          providers (default 500)
  --services-per-site N  specialties offered per site (default 10, at most 18)
  --postcodes N          English postcodes kept (default 50000)
  --reuse                reuse an existing benchmark database instead of rebuilding it
  --cpu-prof             write a V8 CPU profile of the server to bench/.profiles/ (slows it a little)
`);
  process.exit(0);
}

function intSetting(flag: string | undefined, env: string | undefined, fallback: number, name: string): number {
  const raw = flag ?? env;
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not "${raw}"`);
  return Math.round(n);
}

const settings = {
  databaseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/openchoice_bench',
  duration: intSetting(flags.duration, process.env.BENCH_DURATION, 10, 'duration'),
  connections: intSetting(flags.connections, process.env.BENCH_CONNECTIONS, 10, 'connections'),
  warmup: intSetting(flags.warmup, process.env.BENCH_WARMUP, 3, 'warmup'),
  seed: intSetting(flags.seed, process.env.BENCH_SEED, 20260430, 'seed'),
  sites: intSetting(flags.sites, undefined, 5000, 'sites'),
  providers: intSetting(flags.providers, undefined, 500, 'providers'),
  servicesPerSite: Math.min(18, intSetting(flags['services-per-site'], undefined, 10, 'services-per-site')),
  postcodes: intSetting(flags.postcodes, undefined, 50_000, 'postcodes'),
};

const SORTS = ['WAIT', 'DISTANCE', 'BALANCED'] as const;

// ---------------------------------------------------------------- output helpers

const log = (line: string) => process.stdout.write(`${line}\n`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function phase<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const result = await fn();
  log(`  ${label} (${secs(performance.now() - t0)})`);
  return result;
}

// ---------------------------------------------------------------- the server

async function startServer(): Promise<AppInstance> {
  const execArgv: string[] = [];
  if (flags['cpu-prof']) {
    const dir = fileURLToPath(new URL('./.profiles/', import.meta.url));
    await mkdir(dir, { recursive: true });
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  }
  return startInstance(settings.databaseUrl, { execArgv });
}

// ---------------------------------------------------------------- load

interface Figures {
  label: string;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** CPU ms per request spent by the app process, PostgreSQL and autocannon; and cores busy on average. */
  cpu: {
    app: number;
    postgres: number;
    loadGenerator: number;
    appCores: number;
    postgresCores: number;
    loadCores: number;
    machineCores: number;
  };
}

function shortlistBody(rand: () => number, postcodes: readonly Postcode[]): string {
  return JSON.stringify({
    specialty: pick(rand, SPECIALTIES).code,
    postcode: pick(rand, postcodes).postcode,
    sortBy: pick(rand, SORTS),
    limit: 5,
  });
}

/**
 * What a list of options needs (a referrer's or the NHS App's): each option's rank, service, distance, wait and
 * earliest slot, not the reasons' words, the travel estimate or the provider's and site's details.
 */
const FIELDS = 'eligibleCount,options.rank,options.service.id,options.service.name,options.distanceMiles,options.indicativeWaitWeeks,options.earliestSlot';

async function load(
  label: string,
  base: string,
  route: 'trivial' | 'shortlist' | 'fields',
  seconds: number,
  postcodes: readonly Postcode[],
  seed: number,
  appPid: number,
): Promise<Figures> {
  const rand = prng(seed);
  const options: autocannon.Options =
    route === 'trivial'
      ? { url: `${base}/bench/trivial`, method: 'GET' }
      : {
          url: route === 'fields' ? `${base}/api/v1/shortlists?fields=${FIELDS}` : `${base}/api/v1/shortlists`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          requests: [{ setupRequest: (req) => ({ ...req, body: shortlistBody(rand, postcodes) }) }],
        };
  const before = cpuSnapshot([appPid]);
  const result = await autocannon({ ...options, connections: settings.connections, duration: seconds, timeout: 10 });
  const c = cpuUsed(before, cpuSnapshot([appPid]), result.requests.total);
  return {
    label,
    rps: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    mean: result.latency.average,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    cpu: {
      app: c.apps,
      postgres: c.postgres,
      loadGenerator: c.loadGenerator,
      appCores: c.appsCores,
      postgresCores: c.postgresCores,
      loadCores: c.loadCores,
      machineCores: c.machineCores,
    },
  };
}

/** Serial requests before the load: checks answers are 200 and says what the queries have to sift. */
async function preflight(base: string, postcodes: readonly Postcode[], n: number) {
  const rand = prng(settings.seed + 7);
  const latencies: number[] = [];
  const eligible: number[] = [];
  let shortfalls = 0;
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const body = shortlistBody(rand, postcodes);
    const t0 = performance.now();
    const res = await fetch(`${base}/api/v1/shortlists`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await res.text();
    latencies.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`POST /api/v1/shortlists ${body} answered ${res.status}: ${text.slice(0, 500)}`);
    const answer = JSON.parse(text) as { eligibleCount: number; options: unknown[]; shortfall: unknown };
    eligible.push(answer.eligibleCount);
    if (answer.shortfall) shortfalls += 1;
    bytes += text.length;
  }
  const trivial = await fetch(`${base}/bench/trivial`);
  if (trivial.status !== 200) throw new Error(`GET /bench/trivial answered ${trivial.status}`);
  await trivial.text();
  return { n, latencies: latencies.sort((a, b) => a - b), eligible: eligible.sort((a, b) => a - b), shortfalls, meanBytes: bytes / n };
}

const pct = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  log(`OpenChoice shortlist benchmark  (node ${process.version}, ${settings.connections} connections, ${settings.duration} s per route)`);
  log(`database ${settings.databaseUrl}`);

  let directory: Directory;
  let pool: pg.Pool;
  if (flags.reuse) {
    pool = new pg.Pool({ connectionString: settings.databaseUrl, max: 4 });
    directory = await phase('reuse the existing benchmark database', () => readDirectory(pool));
  } else {
    await phase('drop and create the database', () => recreateDatabase(settings.databaseUrl));
    pool = new pg.Pool({ connectionString: settings.databaseUrl, max: 4 });
    await phase('migrate', () => migrate(pool));
    directory = await buildDirectory(pool, settings, { log, phase });
  }
  if (directory.services === 0 || directory.postcodes.length === 0) throw new Error('The benchmark database is empty: run without --reuse');

  const server = await phase('start the app in a child process', startServer);
  const { child, port } = server;
  const base = `http://127.0.0.1:${port}`;
  let trivial: Figures;
  let shortlist: Figures;
  let fields: Figures;
  let checked: Awaited<ReturnType<typeof preflight>>;
  try {
    checked = await phase('check 200 serial shortlist requests', () => preflight(base, directory.postcodes, 200));
    await phase(`warm up (${settings.warmup} s)`, async () => {
      const half = Math.max(1, Math.round(settings.warmup / 2));
      await load('warm-up', base, 'trivial', half, directory.postcodes, 1, child.pid!);
      await load('warm-up', base, 'shortlist', Math.max(1, settings.warmup - half), directory.postcodes, 2, child.pid!);
    });
    trivial = await phase(`GET /bench/trivial for ${settings.duration} s`, () =>
      load('GET  /bench/trivial', base, 'trivial', settings.duration, directory.postcodes, 3, child.pid!),
    );
    shortlist = await phase(`POST /api/v1/shortlists for ${settings.duration} s`, () =>
      load('POST /api/v1/shortlists', base, 'shortlist', settings.duration, directory.postcodes, settings.seed + 3, child.pid!),
    );
    fields = await phase(`POST /api/v1/shortlists?fields=… for ${settings.duration} s`, () =>
      load('POST /api/v1/shortlists?fields=…', base, 'fields', settings.duration, directory.postcodes, settings.seed + 3, child.pid!),
    );
  } finally {
    await stopInstance(server);
  }
  await pool.end();

  // ------------------------------------------------------------ summary
  const ratio = shortlist.rps / trivial.rps;
  const fieldsRatio = fields.rps / trivial.rps;
  const p99Met = shortlist.p99 < 20;
  const ratioMet = ratio >= 0.25;
  log('\n================ summary ================');
  log(
    `directory: ${fmt(directory.services)} services at ${fmt(directory.sites)} sites of ${fmt(directory.providers)} providers, ` +
      `${directory.specialties} specialties, ${fmt(directory.postcodes.length)} postcodes (all services accredited and active)`,
  );
  log(
    `shortlist answers (${checked.n} serial checks, 80 km default): eligible services p50 ${pct(checked.eligible, 50)}, ` +
      `p90 ${pct(checked.eligible, 90)}, max ${checked.eligible.at(-1)}; with a shortfall ${checked.shortfalls}; ` +
      `mean body ${fmt(checked.meanBytes)} bytes; unloaded latency p50 ${pct(checked.latencies, 50).toFixed(1)} ms, ` +
      `p99 ${pct(checked.latencies, 99).toFixed(1)} ms`,
  );
  log(`load: ${settings.connections} connections, ${settings.duration} s per route, after ${settings.warmup} s warm-up; latency in ms\n`);
  const header = ['route', 'req/s', 'p50', 'p90', 'p99', 'max', 'requests', 'non-2xx', 'errors'];
  const rows = [trivial, shortlist, fields].map((f) => [
    f.label,
    fmt(f.rps),
    String(f.p50),
    String(f.p90),
    String(f.p99),
    String(f.max),
    fmt(f.total),
    String(f.non2xx),
    String(f.errors + f.timeouts),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  log(line(header));
  for (const r of rows) log(line(r));
  log(`\nCPU ms per request (cores busy), from /proc; ${availableParallelism()} cores shared by app, PostgreSQL and autocannon:`);
  for (const f of [trivial, shortlist, fields]) {
    const c = f.cpu;
    log(
      `  ${f.label.padEnd(widths[0]!)}  app ${c.app.toFixed(3)} (${c.appCores.toFixed(2)} cores)  ` +
        `PostgreSQL ${c.postgres.toFixed(3)} (${c.postgresCores.toFixed(2)} cores)  autocannon ${c.loadGenerator.toFixed(3)} (${c.loadCores.toFixed(2)} cores)  ` +
        `whole machine ${c.machineCores.toFixed(2)} cores busy ` +
        `(other processes ${Math.max(0, c.machineCores - c.appCores - c.postgresCores - c.loadCores).toFixed(2)})`,
    );
  }
  log(`\nthroughput ratio shortlist ÷ trivial: ${ratio.toFixed(3)}`);
  log(`throughput ratio shortlist with fields=${FIELDS} ÷ trivial: ${fieldsRatio.toFixed(3)}`);
  log(`target p99 < 20 ms:      ${p99Met ? 'MET' : 'NOT MET'} (p99 ${shortlist.p99} ms)`);
  log(`target ratio ≥ 0.25:     ${ratioMet ? 'MET' : 'NOT MET'} (${ratio.toFixed(3)})`);
  log(`whole run: ${secs(performance.now() - started)}`);

  const profiles = flags['cpu-prof'] ? await readdir(fileURLToPath(new URL('./.profiles/', import.meta.url))) : [];
  if (profiles.length > 0) log(`CPU profiles in bench/.profiles/: ${profiles.join(', ')}`);

  const failures = [trivial, shortlist, fields].filter((f) => f.non2xx > 0 || f.errors > 0 || f.timeouts > 0 || f.total === 0);
  if (failures.length > 0) {
    for (const f of failures) {
      process.stderr.write(`FAILED: ${f.label}: ${f.non2xx} non-2xx, ${f.errors} errors, ${f.timeouts} timeouts of ${f.total}\n`);
    }
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:shortlist failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
