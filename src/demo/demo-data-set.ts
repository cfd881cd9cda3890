// The demo data set, in the one order that `npm start` and the tests' demo template both load it: the directory,
// then the accounts, the ICB's transport support, prior-approval rule and capacity notice, and the referral
// centre's assessment services, then the waiting lists, the referrals deferred for want of a slot, and last the
// slots (a patient defers only when none is free).
// Each step adds only what is missing, so a later start tops up (the slots ahead) and changes nothing else.
import type { Logger } from 'pino';
import { ensureDemoSelfAssessment } from '../assurance/demo-assessment.ts';
import { ensureDemoAccreditationCriteria } from '../accreditation/demo-criteria.ts';
import { DEMO_PASSWORD, ensureDemoAccounts } from '../auth/demo-accounts.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { londonDate } from '../domain/dates.ts';
import { loadDemoDataIfEmpty } from '../importers/demo.ts';
import { ensureDemoMentalHealthPathways } from '../mental-health/demo-pathways.ts';
import { ensureDemoListingUpkeep } from '../listing-upkeep/demo-upkeep.ts';
import { ensureDemoReferralHistory } from './load-referral-history.ts';
import { ensureDemoReferralNotices } from '../referral-notices/demo-notices.ts';
import { ensureDemoDeferrals } from '../referrals/demo-deferrals.ts';
import { ensureDemoTransportSupport } from '../shortlist/travel-help.ts';
import { ensureDemoSlots } from '../slots/demo-slots.ts';
import { ensureDemoSurvey } from '../survey/demo-survey.ts';
import { ensureDemoChoicePlan } from '../choice-plan/demo-plan.ts';
import { ensureDemoAssessmentServices } from '../triage/demo-assessment-services.ts';
import { ensureDemoWaitingList } from '../waiting/demo-waiting-list.ts';

/** Loads what is missing of the demo data set as of `now` (waits and slots count from that day). */
export async function ensureDemoDataSet(config: Config, database: Database, now: Date = new Date(), log?: Logger): Promise<void> {
  await ensureDemoServingData(config, database, now, log);
  await ensureDemoDataBehind(config, database, now, log);
}

/**
 * What the service needs before it answers: the directory and reference data, the accounts and the small sets
 * each journey starts from. `npm start` listens after this and loads the rest (ensureDemoDataBehind) behind.
 */
export async function ensureDemoServingData(config: Config, database: Database, now: Date = new Date(), log?: Logger): Promise<void> {
  const report = await loadDemoDataIfEmpty(database, log);
  if (report) log?.info(report, 'demo data set loaded');
  const created = await ensureDemoAccounts(database.db);
  if (created.length > 0) log?.info({ created }, `demo accounts created (password "${DEMO_PASSWORD}")`);
  await ensureDemoTransportSupport(database.db);
  const criteria = await ensureDemoAccreditationCriteria(database.db);
  if (criteria > 0) log?.info({ criteria }, 'demo accreditation criteria published (NHS West Yorkshire ICB)');
  const notices = await ensureDemoReferralNotices(database.db, now);
  if (notices.rules + notices.notices > 0) log?.info(notices, 'demo prior-approval rule and capacity notice added (NHS West Yorkshire ICB)');
  const assessment = await ensureDemoAssessmentServices(database.db);
  if (assessment.length > 0) log?.info({ created: assessment }, 'demo referral assessment services created');
  const waiting = await ensureDemoWaitingList(database, londonDate(now));
  if (waiting.imported > 0) log?.info(waiting, 'demo waiting lists and mutual-aid offers loaded');
  await ensureDemoMentalHealthPathways(database, londonDate(now));
}

/** What /health names while ensureDemoDataBehind runs. */
export const DEMO_DATA_BEHIND = 'demo deferrals, survey, choice plan, referral history and slots';

/**
 * What can load while the service already answers (its /health says so): the referrals deferred for want of a slot
 * (before the slots: a patient defers only when none is free), the survey and the choice plan, a year of referral
 * history for the commissioner's pages, then the slots ahead (topped up at every start), then what depends on them.
 * The history is written in short transactions, so that on embedded PGlite, which runs one transaction at a time,
 * requests are served between them.
 */
export async function ensureDemoDataBehind(config: Config, database: Database, now: Date = new Date(), log?: Logger, signal?: AbortSignal): Promise<void> {
  const deferrals = await ensureDemoDeferrals(config, database);
  if (deferrals.deferred > 0) log?.info(deferrals, 'demo referrals deferred to the provider (ASI worklist)');
  const survey = await ensureDemoSurvey(database.db, now);
  if (survey.invitations > 0) log?.info(survey, 'demo survey of meaningful choice loaded (NHS West Yorkshire ICB)');
  const plan = await ensureDemoChoicePlan(database.db, now);
  if (plan) log?.info(plan, 'demo choice plan published (NHS West Yorkshire ICB)');
  signal?.throwIfAborted();
  // A stop between batches leaves the history to be resumed at the next start.
  const history = await ensureDemoReferralHistory(database, now, { afterBatch: () => signal?.throwIfAborted() });
  if (history.referrals > 0) log?.info(history, 'demo referral history loaded (a year of the ICB\'s referrals)');
  signal?.throwIfAborted();
  const slotsStarted = performance.now();
  const slots = await ensureDemoSlots(database.db, now);
  if (slots.created > 0) log?.info({ ...slots, ms: Math.round(performance.now() - slotsStarted) }, 'demo slots published');
  // After the slots: which listings need attention depends on them.
  const upkeep = await ensureDemoListingUpkeep(database.db, now);
  if (upkeep) log?.info(upkeep, 'demo listings needing attention flagged');
  const selfAssessment = await ensureDemoSelfAssessment(database.db, now);
  if (selfAssessment.items > 0) log?.info(selfAssessment, 'demo self-assessment of the half-year before loaded (NHS West Yorkshire ICB)');
}
