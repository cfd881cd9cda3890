// After a rejection the referrer either re-refers (a new shortlist for the same patient, specialty and priority, and
// the patient chooses again) or closes the referral. Re-referring returns the referral to NOT_BOOKED under the same
// UBRN and access code, so the patient keeps their letter; the RTT clock keeps its start or starts again as the
// rejection's reason decides (src/domain/rejection.ts).
import type { Deps } from '../deps.ts';
import type { FewerOptionsCode } from '../db/schema.ts';
import { ageOn, formatDate, londonDate } from '../domain/dates.ts';
import { mayDo } from '../domain/referral-status.ts';
import { clockOnReReferral, type ClockRule, explainRejectionClock, REJECTION_RULES } from '../domain/rejection.ts';
import type { Wording } from '../domain/wording.ts';
import { actorLabel, type Principal, type StaffPrincipal } from '../http/principal.ts';
import { conflict, forbidden, notFound, unprocessable } from '../http/problem.ts';
import { buildShortlist, optionsForChosenServices, RECOMMENDED_OPTIONS } from '../shortlist/service.ts';
import type { ShortlistAnswer, ShortlistOption } from '../shortlist/types.ts';
import { changeStatus } from './history.ts';
import { clockOfReferral, liveAppointment, lockVisibleReferral, visibleReferrals } from './queries.ts';
import { STATUS_FOR_STAFF } from './wording.ts';

/** The history is written for staff, with dates as the data holds them (as every history entry is). */
const HISTORY_WORDING: Wording = { audience: 'staff', date: formatDate };

/** Only the organisation that made the referral re-refers or closes it (visibleReferrals limits staff to theirs). */
function referrerOf(principal: Principal): StaffPrincipal {
  if (principal.kind !== 'staff' || (principal.role !== 'referrer' && principal.role !== 'referral-centre')) {
    throw forbidden('Only the referring organisation re-refers or closes a referral.');
  }
  return principal;
}

/** What a new shortlist is built from: the referral's patient, specialty, priority and the patient's preferences. */
async function rejectedReferral(deps: Deps, staff: StaffPrincipal, ubrn: string) {
  const r = await visibleReferrals(deps.database.db, staff)
    .select(['r.ubrn', 'r.status', 'r.specialty_code', 'r.priority', 'r.patient_postcode', 'r.patient_date_of_birth', 'r.preferences', 'r.rejected_service_id'])
    .where('r.ubrn', '=', ubrn)
    .executeTakeFirst();
  if (!r) throw notFound(`There is no referral ${ubrn} that you can see.`);
  if (!mayDo(r.status, 'RETURN_TO_REFERRER')) {
    throw conflict(`Only a rejected referral can be re-referred; this one is ${STATUS_FOR_STAFF[r.status].toLowerCase()}.`);
  }
  const prefs = (r.preferences ?? {}) as { sortBy?: 'WAIT' | 'DISTANCE' | 'BALANCED'; maxDistanceKm?: number | null; originPostcode?: string | null };
  return {
    ...r,
    origin: prefs.originPostcode ?? r.patient_postcode,
    sortBy: prefs.sortBy ?? 'WAIT',
    maxDistanceKm: prefs.maxDistanceKm,
  };
}

/**
 * The engine's options for a rejected referral, as when it was made (the patient's preferences, up to 20), and the
 * services offered before that are not among them, for the referrer to choose from; `preselected` are the engine's
 * first 5 that are not the service that rejected it.
 */
export async function optionsToReRefer(deps: Deps, principal: Principal, ubrn: string): Promise<{ answer: ShortlistAnswer; offeredBefore: ShortlistOption[]; preselected: string[]; rejectedServiceId: string | null }> {
  const staff = referrerOf(principal);
  const r = await rejectedReferral(deps, staff, ubrn);
  const answer = await buildShortlist(deps, {
    specialty: r.specialty_code,
    postcode: r.origin,
    sortBy: r.sortBy,
    ...(r.maxDistanceKm === undefined ? {} : { maxDistanceKm: r.maxDistanceKm }),
    maxWaitWeeks: null,
    priority: r.priority,
    limit: 20,
    age: Math.max(0, ageOn(r.patient_date_of_birth, londonDate())),
    sex: null,
  });
  const preselected = answer.options.map((o) => o.service.id).filter((id) => id !== r.rejected_service_id).slice(0, RECOMMENDED_OPTIONS);
  // The services offered before stay offered (the patient may have wanted one of them), after the engine's.
  const listed = new Set(answer.options.map((o) => o.service.id));
  const before = (await deps.database.db.selectFrom('referral_option').select('service_id').where('ubrn', '=', ubrn).orderBy('rank').execute())
    .map((o) => o.service_id)
    .filter((id) => !listed.has(id));
  const offeredBefore = before.length === 0 ? [] : (await optionsForChosenServices(deps, { specialty: r.specialty_code, postcode: r.origin, field: 'shortlist' }, before)).options;
  return { answer, offeredBefore, preselected, rejectedServiceId: r.rejected_service_id };
}

export interface ReReferred {
  status: 'NOT_BOOKED';
  rttClockStart: string;
  /** what the rejection did to the clock: kept running (the start kept), or stopped (a new clock starts today) */
  clockRule: ClockRule;
  optionsOffered: number;
  fewerOptionsReason: string | null;
  shortlist: ShortlistOption[];
}

/**
 * Re-refers a rejected referral with a new shortlist: the services chosen with the patient, or (null) the engine's
 * top 5 for their preferences leaving out the service that rejected it. The patient chooses again.
 */
export async function reRefer(
  deps: Deps,
  principal: Principal,
  ubrn: string,
  shortlist: readonly string[] | null,
  /** what the referrer adds to the clinical summary (what the provider asked for), if anything */
  clinicalAddition: string | null = null,
): Promise<ReReferred> {
  const staff = referrerOf(principal);
  const r = await rejectedReferral(deps, staff, ubrn);
  let options: ShortlistOption[];
  let fewerReason: string | null;
  let fewerCode: FewerOptionsCode | null;
  if (shortlist) {
    options = (await optionsForChosenServices(deps, { specialty: r.specialty_code, postcode: r.origin, field: 'shortlist' }, shortlist)).options;
    fewerReason = options.length < RECOMMENDED_OPTIONS ? `The referrer chose ${options.length} option${options.length === 1 ? '' : 's'} with the patient.` : null;
    fewerCode = options.length < RECOMMENDED_OPTIONS ? 'REFERRER_CHOSE' : null;
  } else {
    const { answer, preselected } = await optionsToReRefer(deps, staff, ubrn);
    options = answer.options.filter((o) => preselected.includes(o.service.id)).map((o, i) => ({ ...o, rank: i + 1 }));
    fewerReason = options.length < RECOMMENDED_OPTIONS ? (answer.shortfall?.reason ?? `Only ${options.length} other service${options.length === 1 ? '' : 's'} match.`) : null;
    fewerCode = options.length < RECOMMENDED_OPTIONS ? 'FEWER_WITHIN_REACH' : null;
  }
  if (options.length === 0) {
    throw unprocessable('No other service matches the patient\'s preferences: choose services for the new shortlist.', [{ field: 'shortlist', message: 'List 1 to 20 services' }]);
  }
  const today = londonDate();
  return deps.database.db.transaction().execute(async (trx) => {
    const locked = await lockVisibleReferral(trx, staff, ubrn);
    const reason = (await trx.selectFrom('referral').select('rejection_reason').where('ubrn', '=', ubrn).executeTakeFirstOrThrow()).rejection_reason;
    const before = await clockOfReferral(trx, ubrn);
    const clock = clockOnReReferral(reason, before, today);
    const rule = reason ? explainRejectionClock(reason, before, HISTORY_WORDING) : 'The waiting-time clock is unchanged.';
    await changeStatus(trx, locked, 'RETURN_TO_REFERRER', staff, `Re-referred with a new shortlist of ${options.length} option${options.length === 1 ? '' : 's'}${clinicalAddition ? ' and more clinical information' : ''}. ${rule}`);
    // Added to, never rewritten: the provider who rejected it read the summary as it was.
    const summary = clinicalAddition
      ? `${(await trx.selectFrom('referral').select('clinical_summary').where('ubrn', '=', ubrn).executeTakeFirstOrThrow()).clinical_summary}\n\nAdded on re-referral (${today}): ${clinicalAddition}`
      : null;
    await trx
      .updateTable('referral')
      .set({
        ...(summary ? { clinical_summary: summary } : {}),
        options_offered: options.length,
        fewer_options_reason: fewerReason,
        fewer_options_code: fewerCode,
        patient_chose: false,
        rejection_reason: null,
        rejection_note: null,
        rejected_at: null,
        rejected_by: null,
        rejected_service_id: null,
        rtt_clock_start: clock.start,
        rtt_clock_state: clock.state,
        rtt_paused_days: clock.pausedDays,
        rtt_clock_stopped_on: clock.stoppedOn,
      })
      .where('ubrn', '=', ubrn)
      .execute();
    await trx.deleteFrom('referral_option').where('ubrn', '=', ubrn).execute();
    await trx
      .insertInto('referral_option')
      .values(options.map(({ service, ...offered }) => ({ ubrn, rank: offered.rank, service_id: service.id, offered: JSON.stringify(offered) })))
      .execute();
    return {
      status: 'NOT_BOOKED' as const,
      rttClockStart: clock.start,
      clockRule: reason ? REJECTION_RULES[reason].clock : 'KEEPS_RUNNING',
      optionsOffered: options.length,
      fewerOptionsReason: fewerReason,
      shortlist: options,
    };
  });
}

/** Closes the referral (CANCEL_REFERRAL) with the referrer's reason; an appointment it holds is cancelled, its slot free again. */
export async function closeReferral(deps: Deps, principal: Principal, ubrn: string, reason: string): Promise<{ status: 'CANCELLED' }> {
  const staff = referrerOf(principal);
  return deps.database.db.transaction().execute(async (trx) => {
    const referral = await lockVisibleReferral(trx, staff, ubrn);
    if (!mayDo(referral.status, 'CANCEL_REFERRAL')) throw conflict(`This referral is ${STATUS_FOR_STAFF[referral.status].toLowerCase()} already: it cannot be closed.`);
    const appointment = await liveAppointment(trx, ubrn);
    if (appointment) {
      await trx
        .updateTable('appointment')
        .set({ cancelled_at: new Date(), cancelled_by: actorLabel(staff), cancel_reason: `Referral closed: ${reason}` })
        .where('id', '=', appointment.id)
        .execute();
    }
    await changeStatus(trx, referral, 'CANCEL_REFERRAL', staff, `Closed by the referrer: ${reason}`, { deferred_service_id: null, contact_by: null });
    return { status: 'CANCELLED' as const };
  });
}
