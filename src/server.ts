// The service's entry point: `npm start`.
import { buildApp } from './app.ts';
import { demoAccountsPresent } from './auth/demo-accounts.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DataDirInUseError } from './db/data-dir-lock.ts';
import { openDatabase } from './db/database.ts';
import { createLogger } from './http/logging.ts';
import { gracefulStop } from './http/shutdown.ts';
import { whenUnhandledRejection } from './http/unhandled-rejection.ts';
import { startJobs } from './jobs/worker.ts';
import { migrate } from './db/migrate.ts';
import { DEMO_DATA_BEHIND, ensureDemoDataBehind, ensureDemoServingData } from './demo/demo-data-set.ts';
import { StartupLoading } from './health/loading.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  process.on('unhandledRejection', whenUnhandledRejection(log));
  const where = config.database.kind === 'postgres' ? 'PostgreSQL' : `embedded PGlite in ${config.database.dataDir}`;
  log.info(`opening ${where}`);
  const database = await openDatabase(config.database, (err) => log.warn({ code: (err as { code?: string }).code }, `database connection lost: ${err.message}`));
  const applied = await migrate(database.pool);
  if (applied.length > 0) log.info({ applied }, 'migrations applied');
  const now = new Date();
  if (config.loadDemoData) await ensureDemoServingData(config, database, now, log);
  if (config.env === 'production') {
    const demo = await demoAccountsPresent(database.db);
    if (demo.length > 0) {
      process.stderr.write(`Refusing to start in production mode: demo accounts exist (${demo.join(', ')}). Delete them first.\n`);
      await database.close();
      process.exit(78);
    }
  }

  const loading = new StartupLoading();
  const app = await buildApp({ config, database, logger: log, loading });
  if (config.messages.delivery.via === 'local') log.warn('GOV.UK Notify is not configured (NOTIFY_API_KEY): messages go to the local message log only');
  // Answer first; what can wait loads behind, named by /health while it does (README, Run it): the demo data
  // set's deferrals, survey and plan, its year of referral history and the slots ahead, then the background jobs,
  // whose first runs read them.
  const stopping = new AbortController();
  let jobs: Awaited<ReturnType<typeof startJobs>> | null = null;
  let background: Promise<void> = Promise.resolve();
  const loadBehind = async () => {
    if (config.loadDemoData) {
      await loading.run(DEMO_DATA_BEHIND, () => ensureDemoDataBehind(config, database, now, log, stopping.signal))
        .catch((err: unknown) => {
          if (!stopping.signal.aborted) log.error({ err }, 'the rest of the demo data set (deferrals, survey, plan, referral history or slots) could not be loaded: it is tried again at the next start');
        });
    }
    if (config.jobs.enabled && !stopping.signal.aborted) jobs = await loading.run('background jobs', () => startJobs({ config, database, log }));
  };
  // Long enough for a background load that holds a connection (the postcodes into memory: several seconds on the
  // embedded database of a busy machine) to finish, so the database closes cleanly.
  const stop = gracefulStop(app, database, 30_000, async () => {
    stopping.abort();
    await background.catch(() => {});
    await jobs?.stop();
  });
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await app.listen({ host: config.host, port: config.port });
  background = loadBehind();
  // Jobs that cannot start (the letters would never be sent) stop the service, as they did before it listened.
  await background;
}

main().catch((err: unknown) => {
  const why = err instanceof DataDirInUseError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`OpenChoice failed to start: ${why}\n`);
  process.exit(1);
});
