// The service's entry point: `npm start`.
import { buildApp } from './app.ts';
import { DEMO_PASSWORD, demoAccountsPresent, ensureDemoAccounts } from './auth/demo-accounts.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DataDirInUseError } from './db/data-dir-lock.ts';
import { openDatabase } from './db/database.ts';
import { createLogger } from './http/logging.ts';
import { gracefulStop } from './http/shutdown.ts';
import { startJobs } from './jobs/worker.ts';
import { migrate } from './db/migrate.ts';
import { loadDemoDataIfEmpty } from './importers/demo.ts';
import { ensureDemoDeferrals } from './referrals/demo-deferrals.ts';
import { ensureDemoTransportSupport } from './shortlist/travel-help.ts';
import { ensureDemoSlots } from './slots/demo-slots.ts';
import { ensureDemoWaitingList } from './waiting/demo-waiting-list.ts';
import { ensureDemoAssessmentServices } from './triage/demo-assessment-services.ts';

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
  const where = config.database.kind === 'postgres' ? 'PostgreSQL' : `embedded PGlite in ${config.database.dataDir}`;
  log.info(`opening ${where}`);
  const database = await openDatabase(config.database);
  const applied = await migrate(database.pool);
  if (applied.length > 0) log.info({ applied }, 'migrations applied');
  if (config.loadDemoData) {
    const report = await loadDemoDataIfEmpty(database, log);
    if (report) log.info(report, 'demo data set loaded');
    const created = await ensureDemoAccounts(database.db);
    if (created.length > 0) log.info({ created }, `demo accounts created (password "${DEMO_PASSWORD}")`);
    await ensureDemoTransportSupport(database.db);
    const assessment = await ensureDemoAssessmentServices(database.db);
    if (assessment.length > 0) log.info({ created: assessment }, 'demo referral assessment services created');
    const waiting = await ensureDemoWaitingList(database);
    if (waiting.imported > 0) log.info(waiting, 'demo waiting lists and mutual-aid offers loaded');
    // Before the slots: a patient defers only when no slot is free.
    const deferrals = await ensureDemoDeferrals(config, database);
    if (deferrals.deferred > 0) log.info(deferrals, 'demo referrals deferred to the provider (ASI worklist)');
    const slotsStarted = performance.now();
    const slots = await ensureDemoSlots(database.db);
    if (slots.created > 0) log.info({ ...slots, ms: Math.round(performance.now() - slotsStarted) }, 'demo slots published');
  }
  if (config.env === 'production') {
    const demo = await demoAccountsPresent(database.db);
    if (demo.length > 0) {
      process.stderr.write(`Refusing to start in production mode: demo accounts exist (${demo.join(', ')}). Delete them first.\n`);
      await database.close();
      process.exit(78);
    }
  }

  const app = await buildApp({ config, database, logger: log });
  if (config.messages.delivery.via === 'local') log.warn('GOV.UK Notify is not configured (NOTIFY_API_KEY): messages go to the local message log only');
  const jobs = config.jobs.enabled ? await startJobs({ config, database, log }) : null;
  const stop = gracefulStop(app, database, 10_000, jobs ? () => jobs.stop() : undefined);
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await app.listen({ host: config.host, port: config.port });
}

main().catch((err: unknown) => {
  const why = err instanceof DataDirInUseError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`OpenChoice failed to start: ${why}\n`);
  process.exit(1);
});
