// Two checkouts of the app side by side on the benchmark's database (npm run bench:shortlist builds it), loaded in
// turns of a few seconds each, trivial route and shortlist, so that whatever else the shared machine is doing falls
// on both alike: the ratio of each checkout from the same minutes, and its app CPU per request.
//
//   node bench/shortlist-ab.ts <other checkout's directory> [rounds=5] [seconds=3]
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { cpuSnapshot, cpuUsed } from './cpu.ts';
import { pick, readDirectory, SPECIALTIES } from './shortlist-directory.ts';
import { mulberry32 } from './support.ts';

const [other, roundsArg, secondsArg] = process.argv.slice(2);
if (!other) {
  process.stderr.write('usage: node bench/shortlist-ab.ts <other checkout> [rounds] [seconds]\n');
  process.exit(2);
}
const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/openchoice_bench';
const rounds = Number(roundsArg ?? 5);
const seconds = Number(secondsArg ?? 3);
const pool = new pg.Pool({ connectionString: url, max: 2 });
const directory = await readDirectory(pool);
await pool.end();
const SORTS = ['WAIT', 'DISTANCE', 'BALANCED'] as const;

async function start(dir: string) {
  const child = spawn(process.execPath, [join(dir, 'bench/bench-server.ts')], { env: { ...process.env, BENCH_DATABASE_URL: url }, stdio: ['pipe', 'pipe', 'inherit'], cwd: dir });
  const port = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve((JSON.parse(d.toString()) as { port: number }).port)));
  return { dir, child, port };
}
const servers = [await start(process.cwd()), await start(other)];
const rand = mulberry32(7);
async function load(s: (typeof servers)[number], route: 'trivial' | 'shortlist', duration: number) {
  const options: autocannon.Options =
    route === 'trivial'
      ? { url: `http://127.0.0.1:${s.port}/bench/trivial` }
      : {
          url: `http://127.0.0.1:${s.port}/api/v1/shortlists`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ specialty: pick(rand, SPECIALTIES).code, postcode: pick(rand, directory.postcodes).postcode, sortBy: pick(rand, SORTS), limit: 5 }) }) }],
        };
  const before = cpuSnapshot([s.child.pid!]);
  const r = await autocannon({ ...options, connections: 10, duration });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${s.dir} ${route}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.total / duration, app: cpuUsed(before, cpuSnapshot([s.child.pid!]), r.requests.total).apps };
}
await new Promise((r) => setTimeout(r, 3000)); // postcodes into memory
for (const s of servers) {
  await load(s, 'trivial', 2);
  await load(s, 'shortlist', 3);
}
const results = servers.map(() => [] as { ratio: number; trivial: number; shortlist: number; appT: number; appS: number }[]);
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? [0, 1] : [1, 0];
  for (const k of order) {
    const t = await load(servers[k]!, 'trivial', seconds);
    const s = await load(servers[k]!, 'shortlist', seconds);
    results[k]!.push({ ratio: s.rps / t.rps, trivial: t.rps, shortlist: s.rps, appT: t.app, appS: s.app });
  }
}
for (const [k, s] of servers.entries()) {
  const rs = results[k]!;
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  process.stdout.write(`${s.dir}\n  ratios ${rs.map((x) => x.ratio.toFixed(3)).join(' ')}  median ${med(rs.map((x) => x.ratio)).toFixed(3)}\n`);
  process.stdout.write(`  trivial/s ${rs.map((x) => Math.round(x.trivial)).join(' ')}; shortlists/s ${rs.map((x) => Math.round(x.shortlist)).join(' ')}\n`);
  process.stdout.write(`  app CPU ms: trivial ${rs.map((x) => x.appT.toFixed(3)).join(' ')}; shortlist ${rs.map((x) => x.appS.toFixed(3)).join(' ')}\n`);
}
for (const s of servers) s.child.kill('SIGTERM');
process.exit(0);
