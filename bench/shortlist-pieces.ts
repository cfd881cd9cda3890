// The shortlist's own work without HTTP, on the benchmark's database (npm run bench:shortlist builds it): building
// the answer, then writing it with the compiled serializer with and without each service's part written once.
// Interleaved rounds, best of each, so a busy machine hurts all alike.   node bench/shortlist-pieces.ts [rounds]
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { createDeps } from '../src/deps.ts';
import { compileWire, compileWithFragments, wireSchemaOf } from '../src/http/compiled-serializer.ts';
import { ShortlistAnswerSchema, ShortlistBody } from '../src/shortlist/schemas.ts';
import { buildShortlist } from '../src/shortlist/service.ts';
import type { ShortlistAnswer } from '../src/shortlist/types.ts';
import { pick, readDirectory, SPECIALTIES } from './shortlist-directory.ts';
import { mulberry32 } from './support.ts';

const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/openchoice_bench';
const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent', LOAD_DEMO_DATA: 'false', DATABASE_URL: url, HOST: '127.0.0.1', PORT: '0' });
const database = await openDatabase(config.database);
const deps = createDeps(config, database, () => {});
await deps.postcodes.warmUp();
const pool = new pg.Pool({ connectionString: url, max: 2 });
const directory = await readDirectory(pool);
await pool.end();
const rand = mulberry32(42);
const SORTS = ['WAIT', 'DISTANCE', 'BALANCED'] as const;
const requests = Array.from({ length: 20_000 }, () =>
  ShortlistBody.parse({ specialty: pick(rand, SPECIALTIES).code, postcode: pick(rand, directory.postcodes).postcode, sortBy: pick(rand, SORTS), limit: 5 }),
);
const wire = wireSchemaOf(ShortlistAnswerSchema);
const compiled = compileWire(wire);
const fragments = compileWithFragments(wire, ['options.service']);
const asciiFragments = compileWithFragments(wire, ['options.service'], { ascii: true });
// What Node does with a string answer, roughly: measure it (Fastify's content-length), then encode it (the socket).
const encoded = (json: string) => (Buffer.byteLength(json) > 0 ? Buffer.from(json, 'utf8') : Buffer.alloc(0));
const writers: Record<string, (a: unknown) => { length: number }> = {
  compiled: compiled,
  'compiled, measured and encoded': (a) => encoded(compiled(a)),
  'fragments, measured and encoded': (a) => encoded(fragments(a)),
  'ASCII fragments, measured and encoded': (a) => encoded(asciiFragments(a)),
};
const rounds = Number(process.argv[2] ?? 6);
const per = 2000;
const best = new Map<string, number>();
const keep = (name: string, us: number) => best.set(name, Math.min(best.get(name) ?? Infinity, us));
let bytes = 0;
for (let r = 0; r < rounds; r++) {
  const batch = requests.slice((r * per) % requests.length, ((r * per) % requests.length) + per);
  const answers: ShortlistAnswer[] = [];
  let t0 = performance.now();
  for (const q of batch) answers.push(await buildShortlist(deps, q));
  keep('buildShortlist', ((performance.now() - t0) * 1000) / per);
  for (const [name, write] of Object.entries(writers)) {
    t0 = performance.now();
    for (const a of answers) bytes += write(a).length;
    keep(`write: ${name}`, ((performance.now() - t0) * 1000) / per);
  }
}
for (const [name, us] of best) console.log(`${name.padEnd(24)} ${us.toFixed(1).padStart(6)} µs per shortlist (best of ${rounds} rounds of ${per})`);
deps.postcodes.close();
deps.directory.close();
await database.close();
process.exit(bytes > 0 ? 0 : 1);
