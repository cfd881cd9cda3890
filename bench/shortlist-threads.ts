// Where the app's CPU goes, by thread, on the benchmark's database (npm run bench:shortlist builds it): user and
// system µs per request of the main thread and of V8's workers (concurrent GC marking, compilation), while the trivial
// route and the shortlist are loaded in turn; with NODEFLAGS=--trace-gc, the collections each phase ran.
//
//   node bench/shortlist-threads.ts [checkout=.]   ROUTES=trivial,shortlist  NODEFLAGS="--trace-gc"  PERF=file (perf record)
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import pg from 'pg';
import { pick, readDirectory, SPECIALTIES } from './shortlist-directory.ts';
import { mulberry32 } from './support.ts';
const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/openchoice_bench';
const pool = new pg.Pool({ connectionString: url, max: 2 });
const directory = await readDirectory(pool);
await pool.end();
const dir = process.argv[2] ?? process.cwd();
const child = spawn(process.execPath, [...(process.env.NODEFLAGS ? process.env.NODEFLAGS.split(' ') : []), `${dir}/bench/bench-server.ts`], { env: { ...process.env, BENCH_DATABASE_URL: url }, stdio: ['pipe', 'pipe', 'inherit'], cwd: dir });
let gcLines: string[] = [];
const port = await new Promise<number>((r) => { let done = false; child.stdout.on('data', (d: Buffer) => { for (const line of d.toString().split('\n')) { if (!done && line.startsWith('{')) { done = true; r(JSON.parse(line).port); } else if (line.includes('ms: ')) gcLines.push(line); } }); });
const threads = () => {
  const m = new Map<string, { u: number; s: number }>();
  for (const tid of readdirSync(`/proc/${child.pid}/task`)) {
    const st = readFileSync(`/proc/${child.pid}/task/${tid}/stat`, 'utf8');
    const comm = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    const key = tid === String(child.pid) ? 'main' : comm;
    const cur = m.get(key) ?? { u: 0, s: 0 };
    cur.u += Number(f[11]) * 10; cur.s += Number(f[12]) * 10;
    m.set(key, cur);
  }
  return m;
};
const rand = mulberry32(3);
const SORTS = ['WAIT', 'DISTANCE', 'BALANCED'];
await new Promise((r) => setTimeout(r, 3000));
const routes = (process.env.ROUTES ?? 'trivial,shortlist,trivial,shortlist').split(',');
for (const [k, route] of routes.entries()) {
  const perf = process.env.PERF && k === routes.length - 1 ? spawn('perf', ['record', '-F', '1999', '-g', '-o', process.env.PERF, '-p', String(child.pid), '--', 'sleep', '4'], { stdio: 'inherit' }) : null;
  const opts: autocannon.Options = route === 'trivial' ? { url: `http://127.0.0.1:${port}/bench/trivial` } : { url: `http://127.0.0.1:${port}/api/v1/shortlists`, method: 'POST', headers: { 'content-type': 'application/json' }, requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ specialty: pick(rand, SPECIALTIES).code, postcode: pick(rand, directory.postcodes).postcode, sortBy: pick(rand, SORTS), limit: 5 }) }) }] };
  gcLines = [];
  const b = threads();
  const r = await autocannon({ ...opts, connections: 10, duration: 5 });
  const a = threads();
  const n = r.requests.total;
  const parts = [...a].map(([k, v]) => { const o = b.get(k) ?? { u: 0, s: 0 }; return `${k} u${((v.u - o.u) * 1000 / n).toFixed(1)} s${((v.s - o.s) * 1000 / n).toFixed(1)}`; }).filter((x) => !/u0\.0 s0\.0/.test(x));
  const kinds = new Map<string, { n: number; ms: number }>();
  for (const l of gcLines) { const m = /\] *(Scavenge|Mark-Compact|Mark-Compact \(reduce\)|Minor Mark-Sweep)[^,]*, ([\d.]+) \/ ([\d.]+) ms/.exec(l) ?? /(Scavenge|Mark-Compact)[^]*?([\d.]+) \/ ([\d.]+) ms/.exec(l); if (m) { const k = kinds.get(m[1]!) ?? { n: 0, ms: 0 }; k.n++; k.ms += Number(m[2]); kinds.set(m[1]!, k); } }
  console.log('  gc:', [...kinds].map(([k, v]) => `${k} ×${v.n} ${v.ms.toFixed(0)} ms`).join(', '), gcLines.at(-1)?.slice(0, 160));
  console.log(route.padEnd(9), Math.round(n / 5), 'req/s; µs per request by thread:', parts.join(', '));
}
child.kill('SIGTERM');
process.exit(0);
