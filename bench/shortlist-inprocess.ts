// In-process timing: the app on the bench database, app.inject, trivial vs shortlist vs pieces; best of rounds.
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { PUBLIC } from '../src/http/access.ts';
import { mulberry32 } from './support.ts';
import { readDirectory, SPECIALTIES, pick } from './shortlist-directory.ts';
import pg from 'pg';

const url = 'postgres://postgres@127.0.0.1:5432/openchoice_bench';
const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent', LOAD_DEMO_DATA: 'false', DATABASE_URL: url, HOST: '127.0.0.1', PORT: '0' });
const database = await openDatabase(config.database);
const app = await buildApp({ config, database, logger: false });
app.get('/bench/trivial', { config: { access: PUBLIC('benchmark only') } }, async () => ({ ok: true }));
await app.ready();
const pool = new pg.Pool({ connectionString: url, max: 2 });
const dir = await readDirectory(pool);
await pool.end();
const rand = mulberry32(42);
const SORTS = ['WAIT', 'DISTANCE', 'BALANCED'];
const bodies = Array.from({ length: 4000 }, () => JSON.stringify({ specialty: pick(rand, SPECIALTIES).code, postcode: pick(rand, dir.postcodes).postcode, sortBy: pick(rand, SORTS), limit: 5 }));
// wait for postcodes in memory
for (let i = 0; i < 100; i++) { const r = await app.inject({ method: 'GET', url: '/health' }); if (r.body.includes('"postcodes"') && !r.body.includes('loading')) break; await new Promise((r) => setTimeout(r, 200)); }
await new Promise((r) => setTimeout(r, 3000));
const fields = process.env.FIELDS ?? 'eligibleCount,options.rank,options.service.id,options.service.name,options.distanceMiles,options.indicativeWaitWeeks,options.earliestSlot';
const allRuns: Record<string, (i: number) => Promise<unknown>> = {
  trivial: () => app.inject({ method: 'GET', url: '/bench/trivial' }),
  shortlist: (i) => app.inject({ method: 'POST', url: '/api/v1/shortlists', headers: { 'content-type': 'application/json' }, payload: bodies[i % bodies.length] }),
  fields: (i) => app.inject({ method: 'POST', url: `/api/v1/shortlists?fields=${fields}`, headers: { 'content-type': 'application/json' }, payload: bodies[i % bodies.length] }),
};
const runs = Object.fromEntries(Object.entries(allRuns).filter(([k]) => !process.env.ROUTES || process.env.ROUTES.split(",").includes(k)));
const first = await allRuns.shortlist!(0) as { statusCode: number; body: string };
if (first.statusCode !== 200) throw new Error(first.body);
const rounds = Number(process.argv[2] ?? 8);
const per = 3000;
const best = new Map<string, number>();
let off = 0;
for (let r = 0; r < rounds; r++) {
  for (const [name, run] of Object.entries(runs)) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < per; i++) await run(off + i);
    const d = process.cpuUsage(t0);
    const us = (d.user + d.system) / per;
    best.set(name, Math.min(best.get(name) ?? Infinity, us));
  }
  off += per;
}
for (const [name, us] of best) console.log(`${name.padEnd(10)} ${us.toFixed(1)} µs CPU per request (best of ${rounds})`);
if (best.has('trivial') && best.has('shortlist')) console.log(`ratio of CPU trivial/shortlist ${(best.get('trivial')! / best.get('shortlist')!).toFixed(3)}, fields ${(best.get('trivial')! / best.get('fields')!).toFixed(3)}`);
await app.close();
await database.close?.();
process.exit(0);
