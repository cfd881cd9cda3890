// A referral centre records the outcome of a triage: the patient needs a consultant (they are offered at least 5
// providers, ranked by their own criteria, and choose and book as from a GP referral, the RTT clock unchanged), or
// the referral goes back to the practice with advice, directed to a community service, or rejected with a reason.
// One transaction that locks the referral, changes its status through the state machine with who, when and why in
// its history, and records the outcome in its triage.
import type { Transaction } from 'kysely';
import type { Deps } from '../deps.ts';
import type { DB, FewerOptionsCode } from '../db/schema.ts';
import { spokenCode } from '../domain/codes.ts';
import { FEWER_PROVIDERS_REASONS, MINIMUM_PROVIDERS, offerAllowed } from '../domain/triage.ts';
import { actorLabel, type StaffPrincipal } from '../http/principal.ts';
import { conflict, notFound, unprocessable } from '../http/problem.ts';
import { changeStatus } from '../referrals/history.ts';
import { lockVisibleReferral } from '../referrals/queries.ts';
import { REJECTION_REASONS } from '../domain/rejection.ts';
import { RECOMMENDED_OPTIONS } from '../shortlist/service.ts';
import type { ShortlistOption } from '../shortlist/types.ts';
import { triageCase } from './case.ts';
import { chosenOptions, providersIn, rankedOffer } from './offer.ts';
import type { TriageDecision } from './schemas.ts';

const withNote = (text: string, note: string | null) => (note ? `${text}: ${note}` : text);

/** The options to offer and why fewer than 5 providers, if so; refused (422) when the rule is not met. */
async function offerFor(deps: Deps, staff: StaffPrincipal, ubrn: string, decision: Extract<TriageDecision, { outcome: 'NEEDS_CONSULTANT' }>) {
  const c = await triageCase(deps, staff, ubrn);
  const ranked = await rankedOffer(deps, c);
  const options = decision.services
    ? await chosenOptions(deps, c, ranked, decision.services, 'services')
    : ranked.options.filter((o) => ranked.proposed.includes(o.service.id)).map((o, i) => ({ ...o, rank: i + 1 }));
  const providers = providersIn(options);
  const allowed = offerAllowed(providers, decision.fewerProvidersReason);
  if (!allowed.ok && allowed.why === 'NONE') {
    throw unprocessable('No first-outpatient service of the specialty matches what matters to the patient: choose the services to offer.', [
      { field: 'services', message: 'Select at least one service to offer the patient' },
    ]);
  }
  if (!allowed.ok) {
    throw unprocessable(
      `Only ${providers} provider${providers === 1 ? '' : 's'} would be offered. Offer the patient at least ${MINIMUM_PROVIDERS} providers, or record why fewer (fewerProvidersReason: one of ${Object.keys(FEWER_PROVIDERS_REASONS).join(', ')}).`,
      [{ field: 'fewerProvidersReason', message: `Only ${providers} provider${providers === 1 ? ' is' : 's are'} selected: select at least ${MINIMUM_PROVIDERS} providers, or why fewer are offered` }],
    );
  }
  const fewer = providers < MINIMUM_PROVIDERS ? decision.fewerProvidersReason : null;
  // The measures' coded reason for fewer than 5 options: the centre's reason for fewer providers, else whose list it was.
  const code: FewerOptionsCode | null = fewer ?? (options.length >= RECOMMENDED_OPTIONS ? null : decision.services ? 'REFERRER_CHOSE' : 'FEWER_WITHIN_REACH');
  return { options, providers, fewer, code };
}

/** The referral's triage, locked, if the centre runs its assessment service; 404 otherwise; 409 once triaged. */
async function lockTriage(trx: Transaction<DB>, staff: StaffPrincipal, ubrn: string) {
  const t = await trx
    .selectFrom('referral_triage as t')
    .innerJoin('referral_assessment_service as ras', 'ras.id', 't.assessment_service_id')
    .select(['t.outcome', 'ras.name', 'ras.organisation_ods_code'])
    .where('t.ubrn', '=', ubrn)
    .forUpdate('t')
    .executeTakeFirst();
  if (!t || t.organisation_ods_code !== staff.organisation.odsCode) {
    // The same answer as for a referral the centre cannot see: existence must not leak.
    throw notFound(`There is no referral ${ubrn} sent to a referral assessment service your centre runs.`);
  }
  if (t.outcome) throw conflict(`The referral has already been triaged (${spokenCode(t.outcome)}).`);
  return t;
}

export async function recordTriage(deps: Deps, staff: StaffPrincipal, ubrn: string, decision: TriageDecision) {
  const offer = decision.outcome === 'NEEDS_CONSULTANT' ? await offerFor(deps, staff, ubrn, decision) : null;
  return deps.database.db.transaction().execute(async (trx) => {
    const referral = await lockVisibleReferral(trx, staff, ubrn);
    const ras = await lockTriage(trx, staff, ubrn);
    const recorded = { outcome: decision.outcome, triaged_at: new Date(), triaged_by_account_id: staff.accountId, triaged_by: actorLabel(staff) };
    if (decision.outcome === 'NEEDS_CONSULTANT' && offer) {
      const fewerText = offer.fewer ? FEWER_PROVIDERS_REASONS[offer.fewer] : null;
      const { note } = decision;
      const why = `Triaged by ${ras.name}: needs a consultant; ${offer.providers} provider${offer.providers === 1 ? '' : 's'} offered${fewerText ? ` (fewer than ${MINIMUM_PROVIDERS}: ${fewerText})` : ''}`;
      const status = await changeStatus(trx, referral, 'TRIAGE_TO_CONSULTANT', staff, withNote(why, note));
      await replaceShortlist(trx, ubrn, offer.options, fewerText, offer.code);
      await trx.updateTable('referral_triage').set({ ...recorded, reason_code: offer.fewer, detail: note }).where('ubrn', '=', ubrn).execute();
      return { ubrn, status, outcome: decision.outcome, optionsOffered: offer.options.length, providersOffered: offer.providers, fewerOptionsReason: fewerText };
    }
    const [why, reasonCode, detail] =
      decision.outcome === 'ADVICE' ? [`Returned to the referrer by ${ras.name} with advice: ${decision.advice}`, null, decision.advice]
      : decision.outcome === 'REDIRECT' ? [withNote(`Returned to the referrer by ${ras.name}: refer the patient to ${decision.communityService}`, decision.note), null, decision.communityService]
      : decision.outcome === 'REJECT' ? [withNote(`Rejected at triage by ${ras.name}: ${REJECTION_REASONS[decision.reason]}`, decision.note), decision.reason, decision.note]
      : unreachable(decision.outcome);
    const status = await changeStatus(trx, referral, 'RETURN_FROM_TRIAGE', staff, why);
    await trx.updateTable('referral_triage').set({ ...recorded, reason_code: reasonCode, detail }).where('ubrn', '=', ubrn).execute();
    return { ubrn, status, outcome: decision.outcome, optionsOffered: 0, providersOffered: 0, fewerOptionsReason: null };
  });
}

/** The centre's offer becomes the referral's shortlist; the patient has not chosen yet. */
async function replaceShortlist(trx: Transaction<DB>, ubrn: string, options: ShortlistOption[], fewerReason: string | null, fewerCode: FewerOptionsCode | null) {
  await trx.deleteFrom('referral_option').where('ubrn', '=', ubrn).execute();
  await trx
    .insertInto('referral_option')
    .values(options.map(({ service, ...offered }) => ({ ubrn, rank: offered.rank, service_id: service.id, offered: JSON.stringify(offered) })))
    .execute();
  await trx.updateTable('referral').set({ options_offered: options.length, fewer_options_reason: fewerReason, fewer_options_code: fewerCode, patient_chose: false }).where('ubrn', '=', ubrn).execute();
}

function unreachable(x: string): never {
  throw new Error(`unknown triage outcome ${JSON.stringify(x)}`);
}
