// The providers a referral centre offers a patient who needs a consultant: first-outpatient services ranked by the
// shortlist engine with the patient's own preferences (what matters most, how far, from where), and the first
// service of each of the best 5 providers proposed. The centre may change the proposal; the rule on how many it
// must offer is the domain's (src/domain/triage.ts).
import type { Deps } from '../deps.ts';
import { ageOn, londonDate } from '../domain/dates.ts';
import { MINIMUM_PROVIDERS } from '../domain/triage.ts';
import { buildShortlist, optionsForChosenServices } from '../shortlist/service.ts';
import type { ShortlistAnswer, ShortlistOption } from '../shortlist/types.ts';
import type { TriageCase } from './case.ts';

/** At most this many options are ranked for the centre to choose from. */
const RANKED = 20;

export interface RankedOffer {
  answer: ShortlistAnswer;
  /** First-outpatient options, best first by the patient's criteria. */
  options: ShortlistOption[];
  /** The service ids proposed: the best option of each of the best providers, up to 5 providers. */
  proposed: string[];
}

export const providersIn = (options: readonly Pick<ShortlistOption, 'service'>[]): number => new Set(options.map((o) => o.service.provider.odsCode)).size;

/** The best option of each provider, in rank order, for the first `providers` providers. */
export function bestOfEachProvider(options: readonly ShortlistOption[], providers = MINIMUM_PROVIDERS): ShortlistOption[] {
  const seen = new Set<string>();
  const chosen: ShortlistOption[] = [];
  for (const o of options) {
    if (seen.has(o.service.provider.odsCode)) continue;
    seen.add(o.service.provider.odsCode);
    chosen.push(o);
    if (chosen.length === providers) break;
  }
  return chosen;
}

/** The ranked options for the patient and the proposal made from them. */
export async function rankedOffer(deps: Deps, c: TriageCase): Promise<RankedOffer> {
  const { referral, preferences } = c;
  const answer = await buildShortlist(deps, {
    specialty: referral.specialty.code,
    postcode: preferences.originPostcode ?? referral.patient.postcode,
    sortBy: preferences.sortBy,
    ...(preferences.maxDistanceKm === undefined ? {} : { maxDistanceKm: preferences.maxDistanceKm }),
    maxWaitWeeks: null,
    priority: referral.priority,
    limit: RANKED,
    age: Math.max(0, ageOn(referral.patient.dateOfBirth, londonDate())),
    sex: null,
  });
  const options = answer.options.filter((o) => o.service.serviceType === 'FIRST_OUTPATIENT');
  return { answer, options, proposed: bestOfEachProvider(options).map((o) => o.service.id) };
}

/**
 * The options for the services the centre chose, ranked by the patient's criteria: those the engine ranked in its
 * order, then any other listed service of the specialty in the order given. Ranks run from 1 again.
 */
export async function chosenOptions(deps: Deps, c: TriageCase, ranked: RankedOffer, ids: readonly string[], field: string): Promise<ShortlistOption[]> {
  const byId = new Map(ranked.options.map((o) => [o.service.id, o]));
  const others = ids.filter((id) => !byId.has(id));
  const extra = others.length === 0
    ? []
    : (await optionsForChosenServices(deps, { specialty: c.referral.specialty.code, postcode: c.preferences.originPostcode ?? c.referral.patient.postcode, field }, others)).options
        .map((o) => ({ ...o, reasons: ['Chosen by the referral centre', ...o.reasons.slice(1)] }));
  const wanted = new Set(ids);
  return [...ranked.options.filter((o) => wanted.has(o.service.id)), ...extra].map((o, i) => ({ ...o, rank: i + 1 }));
}
