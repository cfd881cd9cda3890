// The background jobs, on pg-boss (its tables live in the `pgboss` schema of the same database):
//   the outbox       not a queue: every instance sends what the outbox holds every OUTBOX_INTERVAL_SECONDS
//                    (src/messages/send-pending.ts), as a sender with a liveness lock (src/messages/sender-liveness.ts);
//   mutual-aid-matching  on start and every MATCHING_INTERVAL_MINUTES: proposes moves for validated PIDMAS requests
//                    (src/mutual-aid/match-run.ts; idempotent, inputs and results kept in match_run);
//   deferral-alerts  on start and daily at 07:00 London time: contact-by reminders and escalations, then the
//                    purge of ended sessions and sign-in records (src/jobs/purge.ts).
//   listing-upkeep   on start and daily at 06:00 London time: flags the listings that need attention and clears
//                    those put right (src/listing-upkeep/evaluate.ts; idempotent, in short batched transactions).
//   survey-invitations  on start and daily at 09:00 London time: invites a sample of patients whose first
//                    appointment was 1 to 28 days ago to the survey of meaningful choice (src/survey/invitations.ts).
// The queues are 'stately' (at most one job waiting and one running), so however many instances run, the ticks
// of each collapse into one job and one instance does the work. The work is idempotent in any case: alerts are
// recorded per referral per day.
// Logs carry counts and job names only, never anything of a patient.
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { londonDate } from '../domain/dates.ts';
import type { MessageSender } from '../messages/sender.ts';
import { sendPendingMessages } from '../messages/send-pending.ts';
import { startSenderLiveness } from '../messages/sender-liveness.ts';
import { raiseDeferralAlerts } from './deferral-alerts.ts';
import { purgeSecurityEvents, SECURITY_EVENT_RETENTION_DAYS } from '../auth/security-events.ts';
import { purgeExpired, purgeReadAudit } from './purge.ts';
import { senderFor } from './sender-for.ts';
import { createDirectoryCache } from '../directory/snapshot.ts';
import { runMatching } from '../mutual-aid/match-run.ts';
import { queueMonthlyRuns, runQueued } from '../availability/test-runs.ts';
import { createDeps } from '../deps.ts';
import { evaluateListings } from '../listing-upkeep/evaluate.ts';
import { runSurvey } from '../survey/invitations.ts';

export const DEFERRAL_QUEUE = 'deferral-alerts';
export const MATCHING_QUEUE = 'mutual-aid-matching';
/** The test shortlists (src/availability/test-runs.ts): the monthly queueing of every ICB, and the doing of queued runs. */
export const TEST_SHORTLISTS_MONTHLY_QUEUE = 'test-shortlists-monthly';
export const TEST_SHORTLISTS_QUEUE = 'test-shortlists';
export const LISTING_UPKEEP_QUEUE = 'listing-upkeep';
export const SURVEY_QUEUE = 'survey-invitations';
const DAILY_AT = '0 7 * * *';
const BATCH = 20;

export interface JobsDeps {
  config: Config;
  database: Database;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** The sender to use; by default the one the settings choose. */
  sender?: MessageSender;
}

export interface Jobs {
  stop(): Promise<void>;
}

/** pg-boss's own small pool, to the same database the app uses (for PGlite, the same loopback server). */
function connectionOf(database: Database, max: number): PgBoss.ConstructorOptions {
  const o = database.pool.options;
  const where = o.connectionString ? { connectionString: o.connectionString } : { host: o.host!, port: o.port!, user: o.user!, database: o.database! };
  return { ...where, max, application_name: 'openchoice-jobs' };
}

// Errors are logged by name, message and code only: a database error's detail can quote row values.
const describe = (err: unknown) => ({ name: (err as Error).name, message: (err as Error).message, code: (err as { code?: string }).code });

export async function startJobs(deps: JobsDeps): Promise<Jobs> {
  const { config, database, log } = deps;
  const sender = deps.sender ?? senderFor(config, database);
  const boss = new PgBoss(connectionOf(database, config.jobs.poolSize));
  boss.on('error', (err) => log.error({ err: describe(err) }, 'job queue error'));
  await boss.start();
  await boss.createQueue(DEFERRAL_QUEUE, { name: DEFERRAL_QUEUE, policy: 'stately', retryLimit: 3, retryDelay: 60, expireInSeconds: 3600 });

  const deferralWorker = await boss.work(DEFERRAL_QUEUE, { pollingIntervalSeconds: 10 }, async () => {
    const today = londonDate();
    const report = await raiseDeferralAlerts(database.db, { today, reminderDaysBefore: config.jobs.reminderDaysBefore, fallbackEmail: config.messages.asiEscalationEmail });
    log.info({ ...report, today }, 'deferral reminders and escalations raised');
    log.info(await purgeExpired(database.db), 'expired sessions and sign-in records purged');
    log.info({ securityEvents: await purgeSecurityEvents(database.db) }, `security events older than ${SECURITY_EVENT_RETENTION_DAYS} days purged`);
    log.info(await purgeReadAudit(database.db, config.readAuditRetentionYears), 'read audit older than its retention purged');
  });
  await boss.schedule(DEFERRAL_QUEUE, DAILY_AT, {}, { tz: 'Europe/London' });

  await boss.createQueue(MATCHING_QUEUE, { name: MATCHING_QUEUE, policy: 'stately', retryLimit: 2, retryDelay: 120, expireInSeconds: 1800 });
  const directory = createDirectoryCache(database.db, { maxAgeMs: config.directoryRefreshMs });
  const matchingWorker = await boss.work(MATCHING_QUEUE, { pollingIntervalSeconds: 30 }, async () => {
    const summary = await runMatching({ database, directory }, 'job');
    log.info(summary, 'mutual-aid matching run');
  });
  const every = config.pidmas.matchingIntervalMinutes;
  await boss.schedule(MATCHING_QUEUE, every >= 60 ? `0 */${Math.max(1, Math.floor(every / 60))} * * *` : `*/${every} * * * *`, {}, { tz: 'Europe/London' });
  if (await boss.send(MATCHING_QUEUE, {})) boss.notifyWorker(matchingWorker);

  // The test shortlists: on the 1st of each month at 03:00 London a run is queued for every ICB with practices; every
  // minute queued runs (those a commissioner asked for on /commissioner/availability/tests too) are done.
  const testDeps = createDeps(config, database, (err, what) => log.error({ err: describe(err) }, what));
  await boss.createQueue(TEST_SHORTLISTS_MONTHLY_QUEUE, { name: TEST_SHORTLISTS_MONTHLY_QUEUE, policy: 'stately', retryLimit: 2, retryDelay: 300, expireInSeconds: 600 });
  await boss.createQueue(TEST_SHORTLISTS_QUEUE, { name: TEST_SHORTLISTS_QUEUE, policy: 'stately', retryLimit: 0, expireInSeconds: 6 * 3600 });
  const testsWorker = await boss.work(TEST_SHORTLISTS_QUEUE, { pollingIntervalSeconds: 30 }, async () => {
    const summary = await runQueued(testDeps);
    if (summary.runs > 0) log.info(summary, 'test shortlists run');
  });
  await boss.work(TEST_SHORTLISTS_MONTHLY_QUEUE, { pollingIntervalSeconds: 60 }, async () => {
    log.info({ queued: await queueMonthlyRuns(database.db) }, 'monthly test shortlists queued');
    if (await boss.send(TEST_SHORTLISTS_QUEUE, {})) boss.notifyWorker(testsWorker);
  });
  await boss.schedule(TEST_SHORTLISTS_MONTHLY_QUEUE, '0 3 1 * *', {}, { tz: 'Europe/London' });
  await boss.schedule(TEST_SHORTLISTS_QUEUE, '* * * * *', {}, { tz: 'Europe/London' });
  // Runs queued while no instance was running start now, not at the next minute.
  if (await boss.send(TEST_SHORTLISTS_QUEUE, {})) boss.notifyWorker(testsWorker);
  await boss.createQueue(LISTING_UPKEEP_QUEUE, { name: LISTING_UPKEEP_QUEUE, policy: 'stately', retryLimit: 2, retryDelay: 300, expireInSeconds: 1800 });
  const upkeepWorker = await boss.work(LISTING_UPKEEP_QUEUE, { pollingIntervalSeconds: 60 }, async () => {
    log.info(await evaluateListings(database.db), 'listings needing attention flagged and cleared');
  });
  await boss.schedule(LISTING_UPKEEP_QUEUE, '0 6 * * *', {}, { tz: 'Europe/London' });
  if (await boss.send(LISTING_UPKEEP_QUEUE, {})) boss.notifyWorker(upkeepWorker);
  await boss.createQueue(SURVEY_QUEUE, { name: SURVEY_QUEUE, policy: 'stately', retryLimit: 3, retryDelay: 300, expireInSeconds: 3600 });
  const surveyWorker = await boss.work(SURVEY_QUEUE, { pollingIntervalSeconds: 30 }, async () => {
    const today = londonDate();
    log.info({ ...(await runSurvey(database.db, { secret: config.accessCodeSecret, today })), today }, 'survey invitations sent');
  });
  await boss.schedule(SURVEY_QUEUE, '0 9 * * *', {}, { tz: 'Europe/London' });
  if (await boss.send(SURVEY_QUEUE, {})) boss.notifyWorker(surveyWorker);
  // Queued jobs wake this instance's worker at once rather than at its next poll.
  if (await boss.send(DEFERRAL_QUEUE, {})) boss.notifyWorker(deferralWorker);

  // The outbox is sent by every instance, each on its own timer: claims are skip-locked, so senders never share a
  // row, and a sender that dies loses its liveness lock with its connection, so its claimed rows are taken over at the
  // next tick of any other (not after a queue's job expires: a single 'stately' job left active by a killed instance
  // held every letter back for ten minutes).
  const liveness = await startSenderLiveness(database.pool, log);
  let sending: Promise<void> | null = null;
  const sendDue = async () => {
    try {
      for (;;) {
        const key = liveness.key;
        if (key === null) return; // no lock held: claim nothing another sender might take over
        const report = await sendPendingMessages(database.db, sender, {
          batch: BATCH, maxAttempts: config.messages.maxAttempts, retryBaseSeconds: config.messages.retryBaseSeconds, senderKey: key, stillHoldsLock: () => liveness.key === key,
        });
        const handled = report.sent + report.retrying + report.failed;
        if (handled > 0) log.info({ ...report, via: sender.via }, 'outbox sent');
        if (handled < BATCH) return; // a full batch: there may be more
      }
    } catch (err) {
      log.warn({ err: describe(err) }, 'the outbox send failed; it is tried again at the next tick');
    }
  };
  // One send at a time. Cleared in a `finally` of the promise itself, which runs after `sending` is assigned: a send
  // that ends at once (no lock held while the database is away) must not leave `sending` set for ever, which
  // silenced the outbox after the first PostgreSQL restart that found the lock gone.
  const tick = () => (sending ??= sendDue().finally(() => (sending = null)));
  void tick();
  const timer = setInterval(tick, config.jobs.outboxIntervalSeconds * 1000);
  timer.unref();
  log.info({ via: sender.via, everySeconds: config.jobs.outboxIntervalSeconds }, 'background jobs started');

  return {
    async stop() {
      clearInterval(timer);
      await sending;
      await liveness.stop();
      // Lets a running job finish (sending a batch is short) before the database is closed.
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
      testDeps.directory.close();
      testDeps.postcodes.close();
    },
  };
}
