// The right to a faster alternative: when a patient's RTT clock has passed, or is forecast to pass, 18 weeks, they
// (or their referrer) may ask for another provider who can see them sooner. The alternatives are the services of
// the same specialty whose wait (or earliest free slot) beats the current forecast, within the patient's travel
// preference, ranked and explained by the shortlist engine, and choosing one moves the pathway.
import type { Deps } from '../deps.ts';
import { type Principal } from '../http/principal.ts';
import { ageOn, formatDate, londonDate } from '../domain/dates.ts';
import { mayDo } from '../domain/referral-status.ts';
import { addDays, daysBetween, explainEighteenWeeks, explainSooner } from '../domain/rtt-clock.ts';
import { API_WORDING, type Wording } from '../domain/wording.ts';
import { notFound, unprocessable } from '../http/problem.ts';
import { visibleReferrals } from '../referrals/queries.ts';
import { buildShortlist } from '../shortlist/service.ts';
import type { ShortlistOption, SortBy } from '../shortlist/types.ts';
import { PATHWAY_COLUMNS, pathwayOf, type PathwayView } from './pathway.ts';
import { transferPathway } from './transfer.ts';

export interface Alternative extends ShortlistOption {
  /** when the patient could expect to be seen there */
  expectedBy: string;
  /** how many weeks sooner than where they wait now, when that is known */
  soonerByWeeks: number | null;
}

export interface FoundAlternatives {
  ubrn: string;
  pathway: PathwayView;
  alternatives: Alternative[];
}

/** The alternative's reasons with, last, why it is faster, in the reader's words. */
export const withSoonerReason = <A extends Alternative>(a: A, wording: Wording): A => ({ ...a, reasons: [...a.reasons, explainSooner(a, wording)] });

async function loadVisible(deps: Deps, principal: Principal, ubrn: string) {
  const r = await visibleReferrals(deps.database.db, principal)
    .select([...PATHWAY_COLUMNS, 'r.specialty_code', 'r.patient_postcode', 'r.patient_date_of_birth', 'r.preferences', 'r.priority', 'r.faster_alternative_offered_at'])
    .where('r.ubrn', '=', ubrn)
    .executeTakeFirst();
  if (!r) throw notFound(`There is no referral ${ubrn} that you can see.`);
  return r;
}

/** The pathway's 18-week position and, where the patient may ask, the faster alternatives. */
export async function findAlternatives(deps: Deps, principal: Principal, ubrn: string): Promise<FoundAlternatives> {
  const today = londonDate();
  const r = await loadVisible(deps, principal, ubrn);
  const directory = await deps.directory.current();
  const pathway = await pathwayOf(deps.database.db, directory, r, today);
  const answer: FoundAlternatives = { ubrn, pathway, alternatives: [] };
  if (!pathway.eighteenWeeks.mayAskForAlternative || !mayDo(r.status, 'TRANSFER')) return answer;

  const preferences = r.preferences as { sortBy?: SortBy; maxDistanceKm?: number | null; originPostcode?: string | null };
  // Past their service's typical wait, nothing dates the patient's appointment; an alternative must then at least
  // beat what a patient joining their current list today would wait.
  const currentWait = pathway.currentServiceId ? directory.byId.get(pathway.currentServiceId)?.waitWeeks ?? null : null;
  const bound = pathway.forecast.date ?? (currentWait === null ? null : addDays(today, Math.round(currentWait * 7)));
  const current = pathway.forecast.date;
  const weeksToCurrent = current === null ? null : Math.max(0, daysBetween(today, current) / 7);
  const shortlist = await buildShortlist(deps, {
    specialty: r.specialty_code,
    postcode: preferences.originPostcode ?? r.patient_postcode,
    sortBy: preferences.sortBy ?? 'WAIT',
    ...(preferences.maxDistanceKm === undefined ? {} : { maxDistanceKm: preferences.maxDistanceKm }),
    maxWaitWeeks: null,
    priority: r.priority,
    limit: 20,
    age: ageOn(r.patient_date_of_birth, today),
    sex: null,
  });
  answer.alternatives = shortlist.options
    .filter((o) => o.service.id !== pathway.currentServiceId)
    .map((o) => {
      const byWait = o.indicativeWaitWeeks === null ? null : addDays(today, Math.round(o.indicativeWaitWeeks * 7));
      const bySlot = o.earliestSlot ? londonDate(new Date(o.earliestSlot)) : null;
      const expectedBy = [byWait, bySlot].filter((d): d is string => d !== null).sort()[0] ?? null;
      return { o, expectedBy };
    })
    .filter((x): x is { o: ShortlistOption; expectedBy: string } => x.expectedBy !== null && (bound === null || x.expectedBy < bound))
    .map(({ o, expectedBy }, i) => ({
      ...o,
      rank: i + 1,
      expectedBy,
      soonerByWeeks: weeksToCurrent === null ? null : Math.round((weeksToCurrent - daysBetween(today, expectedBy) / 7) * 10) / 10,
    }));
  // The choice measures count the pathways offered a faster alternative: the first time one is shown, once per referral.
  if (answer.alternatives.length > 0 && r.faster_alternative_offered_at === null) {
    await deps.database.db.updateTable('referral').set({ faster_alternative_offered_at: new Date() }).where('ubrn', '=', ubrn).where('faster_alternative_offered_at', 'is', null).execute();
  }
  return answer;
}

/** Moves the pathway to one of the alternatives; answers the new referral's UBRN and access code (shown once). */
export async function chooseAlternative(deps: Deps, principal: Principal, ubrn: string, serviceId: string) {
  const found = await findAlternatives(deps, principal, ubrn);
  const { eighteenWeeks } = found.pathway;
  if (!eighteenWeeks.mayAskForAlternative) {
    throw unprocessable(`This referral does not have the right to a faster alternative yet. ${explainEighteenWeeks(eighteenWeeks, API_WORDING)}`, [{ field: 'serviceId', message: 'no alternative is due' }]);
  }
  const choice = found.alternatives.find((a) => a.service.id === serviceId);
  if (!choice) {
    throw unprocessable('That service is not one of the faster alternatives for this referral.', [{ field: 'serviceId', message: 'choose one of the alternatives offered' }]);
  }
  // What the patient was told of the service, kept with the new referral as its one option (in the API's words).
  const { service, ...offered } = withSoonerReason(choice, API_WORDING);
  const moved = await deps.database.db.transaction().execute((trx) =>
      transferPathway(trx, deps.config.accessCodeSecret, {
        fromUbrn: ubrn,
        toServiceId: service.id,
        newStatus: 'NOT_BOOKED',
        why: `The patient asked for a faster alternative (${eighteenWeeks.weeksWaited} weeks waited; the 18-week date is ${formatDate(eighteenWeeks.breachDate)}).`,
        offered,
        actor: principal,
      }),
  );
  return { previousUbrn: ubrn, ubrn: moved.newUbrn, accessCode: moved.accessCode, status: 'NOT_BOOKED' as const, service, rttClockStart: found.pathway.clock.start };
}
