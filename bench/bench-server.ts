// The real application, served in its own process for bench/shortlist.ts, so the load generator does not
// share the server's event loop. Prints one line `{"port":N}` on stdout once it listens; stops on SIGTERM,
// SIGINT, or when its parent closes stdin (so it never outlives the benchmark).
//
//   BENCH_DATABASE_URL=postgres://… node bench/bench-server.ts
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { PUBLIC } from '../src/http/access.ts';
import { gracefulStop } from '../src/http/shutdown.ts';

const url = process.env.BENCH_DATABASE_URL;
if (!url) {
  process.stderr.write('bench-server: BENCH_DATABASE_URL is not set\n');
  process.exit(2);
}

const config = loadConfig({
  NODE_ENV: 'development',
  LOG_LEVEL: 'silent',
  LOAD_DEMO_DATA: 'false',
  DATABASE_URL: url,
  HOST: '127.0.0.1',
  PORT: '0',
  ...(process.env.BENCH_POOL_SIZE ? { DATABASE_POOL_SIZE: process.env.BENCH_POOL_SIZE } : {}),
});
const database = await openDatabase(config.database);
const app = await buildApp({ config, database, logger: false });

// A floor for comparison: the same Fastify instance, hooks and access check, but no database and no zod.
app.get('/bench/trivial', { config: { access: PUBLIC('benchmark only') } }, async () => ({ ok: true }));

const stop = gracefulStop(app, database, 5_000);
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
// The parent holds our stdin open: when it goes, so do we.
process.stdin.on('end', () => void stop('parent gone'));
process.stdin.on('error', () => void stop('parent gone'));
process.stdin.resume();

await app.listen({ host: config.host, port: config.port });
const address = app.server.address();
if (!address || typeof address === 'string') throw new Error('bench-server: no TCP address');
process.stdout.write(`${JSON.stringify({ port: address.port, pid: process.pid })}\n`);
