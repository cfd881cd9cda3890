// Shortlist benchmark: builds a national-scale synthetic directory in PostgreSQL, serves the real app in a
// child process (bench/bench-server.ts) and loads it with autocannon.
//
//   npm run bench:shortlist -- [--duration 10] [--connections 10] [--warmup 3] [--reuse] [--cpu-prof]
//
// Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/openchoice_bench),
// BENCH_DURATION, BENCH_CONNECTIONS, BENCH_WARMUP, BENCH_SEED. Flags win over the environment.
// It prints figures and whether the targets are met; it does not fail on a missed target, only on errors
// (a shortlist answer that is not 200, or a server that does not start).
import { createReadStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { mkdir, readdir } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import autocannon from 'autocannon';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrate } from '../src/db/migrate.ts';
import type { DB } from '../src/db/schema.ts';
import { haversineKm } from '../src/domain/distance.ts';
import { type AppInstance, mulberry32, recreateDatabase, startInstance, stopInstance } from './support.ts';
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

const DATA = fileURLToPath(new URL('../../shared/data/', import.meta.url));
const POSTCODES_CSV = `${DATA}postcodes-codepoint-open-2025-10/gb_postcodes_codepoint_open_2025_10_latlon.csv.gz`;
const ENGLAND = 'E92000001';
const WAITS_AS_OF = '2026-04-30';

/** The 18 treatment functions NHS England's RTT statistics report (NHS Data Dictionary titles). */
const SPECIALTIES: readonly { code: string; name: string; weight: number; baseWait: number }[] = [
  // weight: how likely a site is to offer it; baseWait: typical indicative wait in weeks.
  { code: '100', name: 'General Surgery', weight: 1.0, baseWait: 13 },
  { code: '101', name: 'Urology', weight: 0.9, baseWait: 14 },
  { code: '110', name: 'Trauma & Orthopaedics', weight: 1.0, baseWait: 19 },
  { code: '120', name: 'ENT', weight: 0.9, baseWait: 16 },
  { code: '130', name: 'Ophthalmology', weight: 1.0, baseWait: 12 },
  { code: '140', name: 'Oral Surgery', weight: 0.6, baseWait: 17 },
  { code: '150', name: 'Neurosurgery', weight: 0.15, baseWait: 18 },
  { code: '160', name: 'Plastic Surgery', weight: 0.35, baseWait: 17 },
  { code: '170', name: 'Cardiothoracic Surgery', weight: 0.15, baseWait: 11 },
  { code: '300', name: 'General Medicine', weight: 0.9, baseWait: 7 },
  { code: '301', name: 'Gastroenterology', weight: 0.9, baseWait: 14 },
  { code: '320', name: 'Cardiology', weight: 0.9, baseWait: 11 },
  { code: '330', name: 'Dermatology', weight: 0.8, baseWait: 13 },
  { code: '340', name: 'Respiratory Medicine', weight: 0.7, baseWait: 11 },
  { code: '400', name: 'Neurology', weight: 0.6, baseWait: 15 },
  { code: '410', name: 'Rheumatology', weight: 0.6, baseWait: 12 },
  { code: '430', name: 'Geriatric Medicine', weight: 0.6, baseWait: 6 },
  { code: '502', name: 'Gynaecology', weight: 1.0, baseWait: 16 },
];
const SORTS = ['WAIT', 'DISTANCE', 'BALANCED'] as const;

// ---------------------------------------------------------------- seeded randomness

// mulberry32 (bench/support.ts): the same seed gives the same directory.
const prng = mulberry32;
const intBelow = (rand: () => number, n: number) => Math.floor(rand() * n);
const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[intBelow(rand, xs.length)]!;
function normal(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

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

// ---------------------------------------------------------------- the directory

interface Postcode {
  postcode: string;
  latitude: number;
  longitude: number;
}

/** A uniform random sample of English postcodes with coordinates (reservoir sampling, one pass over the file). */
async function samplePostcodes(size: number, rand: () => number): Promise<{ sample: Postcode[]; english: number }> {
  const lines = createInterface({ input: createReadStream(POSTCODES_CSV).pipe(createGunzip()), crlfDelay: Infinity });
  const sample: Postcode[] = [];
  let english = 0;
  let header = true;
  for await (const line of lines) {
    if (header) {
      header = false;
      if (!line.startsWith('postcode,positional_quality,latitude,longitude,country_code')) {
        throw new Error(`Unexpected header in ${POSTCODES_CSV}: ${line}`);
      }
      continue;
    }
    const [postcode, , lat, lng, country] = line.split(',');
    if (country !== ENGLAND || !lat || !lng || !postcode) continue;
    english += 1;
    const row = () => ({ postcode, latitude: Number(lat), longitude: Number(lng) });
    if (sample.length < size) sample.push(row());
    else {
      const j = intBelow(rand, english);
      if (j < size) sample[j] = row();
    }
  }
  if (sample.length < size) throw new Error(`Only ${sample.length} English postcodes in ${POSTCODES_CSV}`);
  return { sample, english };
}

type Column = readonly [name: string, pgType: string];

/** Inserts rows in batches as `insert … select * from unnest($1::type[], …)`: one round trip per batch. */
async function bulkInsert(pool: pg.Pool, table: string, columns: readonly Column[], rows: readonly unknown[][], batch = 5_000) {
  const sql = `insert into ${table} (${columns.map(([n]) => n).join(', ')}) select * from unnest(${columns
    .map(([, t], i) => `$${i + 1}::${t}[]`)
    .join(', ')})`;
  for (let start = 0; start < rows.length; start += batch) {
    const chunk = rows.slice(start, start + batch);
    await pool.query(sql, columns.map((_, c) => chunk.map((r) => r[c])));
  }
}

interface Directory {
  postcodes: Postcode[];
  services: number;
  sites: number;
  providers: number;
  specialties: number;
}

async function buildDirectory(pool: pg.Pool): Promise<Directory> {
  const rand = prng(settings.seed);
  const { sample, english } = await phase(`read ${settings.postcodes.toLocaleString('en-GB')} random English postcodes`, () =>
    samplePostcodes(settings.postcodes, rand),
  );
  log(`    (sampled from ${english.toLocaleString('en-GB')} English postcodes with coordinates)`);

  // Sites at distinct random postcodes: postcodes follow where people live, so hospitals do too.
  const shuffled = [...sample];
  for (let i = 0; i < settings.sites; i++) {
    const j = i + intBelow(rand, shuffled.length - i);
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const sitePostcodes = shuffled.slice(0, settings.sites);

  // Providers are regional: each is anchored at one of the sites and runs the sites nearest its anchor.
  const providers = sitePostcodes.slice(0, settings.providers).map((anchor, i) => {
    const independent = rand() < 0.25;
    const odsCode = `${independent ? 'N' : 'R'}${String(i + 1).padStart(4, '0')}`;
    return {
      odsCode,
      anchor,
      independent,
      name: independent ? `Bench Independent Healthcare ${i + 1} Ltd` : `Bench NHS Trust ${i + 1}`,
      waitFactor: Math.exp(0.3 * normal(rand) + (independent ? -0.35 : 0)),
    };
  });
  const sites = sitePostcodes.map((pc, i) => {
    let best = providers[0]!;
    let bestKm = Infinity;
    for (const p of providers) {
      const km = haversineKm(pc, p.anchor);
      if (km < bestKm) [best, bestKm] = [p, km];
    }
    return { odsCode: `S${String(i + 1).padStart(5, '0')}`, name: `Bench Hospital ${i + 1} (${pc.postcode})`, provider: best, ...pc };
  });

  const services: unknown[][] = [];
  for (const site of sites) {
    // Weighted sampling without replacement (Efraimidis–Spirakis): common specialties are offered at more sites.
    const offered = SPECIALTIES.map((s) => ({ s, key: rand() ** (1 / s.weight) }))
      .sort((a, b) => b.key - a.key)
      .slice(0, settings.servicesPerSite)
      .map((x) => x.s);
    for (const sp of offered) {
      // Right-skewed waits: log-normal around the specialty's typical wait, scaled by the provider; 1–60 weeks.
      const weeks = Math.min(60, Math.max(1, sp.baseWait * site.provider.waitFactor * Math.exp(0.45 * normal(rand))));
      const published = rand() >= 0.02; // a few services publish no wait
      services.push([
        `${site.odsCode}-${sp.code}`,
        `${sp.name} – ${site.name}`,
        sp.code,
        site.provider.odsCode,
        site.odsCode,
        rand() < 0.1 ? 'ASSESSMENT' : 'FIRST_OUTPATIENT',
        rand() < 0.9,
        sp.code === '502' ? 'female' : 'any',
        published ? Math.round(weeks * 10) / 10 : null,
        published ? WAITS_AS_OF : null,
        published ? 'synthetic benchmark data' : null,
        'ACCREDITED',
        true,
        site.latitude,
        site.longitude,
      ]);
    }
  }

  await phase('insert specialties, postcodes, providers, sites and services', async () => {
    await bulkInsert(
      pool,
      'specialty',
      [['code', 'text'], ['name', 'text'], ['rtt_reported', 'bool']],
      SPECIALTIES.map((s) => [s.code, s.name, true]),
    );
    await bulkInsert(
      pool,
      'postcode',
      [['postcode', 'text'], ['latitude', 'float8'], ['longitude', 'float8']],
      sample.map((p) => [p.postcode, p.latitude, p.longitude]),
    );
    await bulkInsert(
      pool,
      'organisation',
      [['ods_code', 'text'], ['name', 'text'], ['kind', 'text'], ['postcode', 'text'], ['active', 'bool']],
      providers.map((p) => [p.odsCode, p.name, p.independent ? 'INDEPENDENT_PROVIDER' : 'NHS_TRUST', p.anchor.postcode, true]),
    );
    await bulkInsert(
      pool,
      'site',
      [
        ['ods_code', 'text'],
        ['name', 'text'],
        ['provider_ods_code', 'text'],
        ['sector', 'text'],
        ['postcode', 'text'],
        ['latitude', 'float8'],
        ['longitude', 'float8'],
      ],
      sites.map((s) => [s.odsCode, s.name, s.provider.odsCode, s.provider.independent ? 'INDEPENDENT' : 'NHS', s.postcode, s.latitude, s.longitude]),
    );
    await bulkInsert(
      pool,
      'service',
      [
        ['id', 'text'],
        ['name', 'text'],
        ['specialty_code', 'text'],
        ['provider_ods_code', 'text'],
        ['site_ods_code', 'text'],
        ['service_type', 'text'],
        ['directly_bookable', 'bool'],
        ['sex', 'text'],
        ['indicative_wait_weeks', 'float8'],
        ['indicative_wait_as_of', 'date'],
        ['indicative_wait_basis', 'text'],
        ['accreditation_status', 'text'],
        ['active', 'bool'],
        ['latitude', 'float8'],
        ['longitude', 'float8'],
      ],
      services,
    );
  });
  await phase('vacuum analyze', () => pool.query('vacuum analyze'));
  return { postcodes: sample, services: services.length, sites: sites.length, providers: providers.length, specialties: SPECIALTIES.length };
}

/** Reads back what an existing benchmark database holds (for --reuse). */
async function readDirectory(pool: pg.Pool): Promise<Directory> {
  const count = async (table: string) => Number((await pool.query(`select count(*) as n from ${table}`)).rows[0].n);
  const postcodes = (await pool.query<Postcode>('select postcode, latitude, longitude from postcode order by postcode')).rows;
  return {
    postcodes,
    services: await count('service'),
    sites: await count('site'),
    providers: await count('organisation'),
    specialties: await count('specialty'),
  };
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

async function load(
  label: string,
  base: string,
  route: 'trivial' | 'shortlist',
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
          url: `${base}/api/v1/shortlists`,
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
    directory = await buildDirectory(pool);
  }
  if (directory.services === 0 || directory.postcodes.length === 0) throw new Error('The benchmark database is empty: run without --reuse');

  const server = await phase('start the app in a child process', startServer);
  const { child, port } = server;
  const base = `http://127.0.0.1:${port}`;
  let trivial: Figures;
  let shortlist: Figures;
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
  } finally {
    await stopInstance(server);
  }
  await pool.end();

  // ------------------------------------------------------------ summary
  const ratio = shortlist.rps / trivial.rps;
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
  const rows = [trivial, shortlist].map((f) => [
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
  for (const f of [trivial, shortlist]) {
    const c = f.cpu;
    log(
      `  ${f.label.padEnd(widths[0]!)}  app ${c.app.toFixed(3)} (${c.appCores.toFixed(2)} cores)  ` +
        `PostgreSQL ${c.postgres.toFixed(3)} (${c.postgresCores.toFixed(2)} cores)  autocannon ${c.loadGenerator.toFixed(3)} (${c.loadCores.toFixed(2)} cores)  ` +
        `whole machine ${c.machineCores.toFixed(2)} cores busy ` +
        `(other processes ${Math.max(0, c.machineCores - c.appCores - c.postgresCores - c.loadCores).toFixed(2)})`,
    );
  }
  log(`\nthroughput ratio shortlist ÷ trivial: ${ratio.toFixed(3)}`);
  log(`target p99 < 20 ms:      ${p99Met ? 'MET' : 'NOT MET'} (p99 ${shortlist.p99} ms)`);
  log(`target ratio ≥ 0.25:     ${ratioMet ? 'MET' : 'NOT MET'} (${ratio.toFixed(3)})`);
  log(`whole run: ${secs(performance.now() - started)}`);

  const profiles = flags['cpu-prof'] ? await readdir(fileURLToPath(new URL('./.profiles/', import.meta.url))) : [];
  if (profiles.length > 0) log(`CPU profiles in bench/.profiles/: ${profiles.join(', ')}`);

  const failures = [trivial, shortlist].filter((f) => f.non2xx > 0 || f.errors > 0 || f.timeouts > 0 || f.total === 0);
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
