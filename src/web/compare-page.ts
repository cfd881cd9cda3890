// What the "compare hospitals" page shows: the form's state and, after a search, the ranked options.
import type { ShortlistAnswer, SortBy } from '../shortlist/types.ts';
import { type CompareFormValues, DISTANCE_CHOICES, type FormError, SORT_CHOICES } from './compare-form.ts';
import { formatDate, formatDateTime, formatGbp, formatKm, formatMiles, formatWeeks, plural } from './format.ts';

export const COMPARE_TITLE = 'Compare hospitals by waiting time and distance';

export interface SpecialtyChoice {
  code: string;
  name: string;
}

export interface OptionView {
  rank: number;
  serviceId: string;
  name: string;
  providerName: string;
  siteName: string;
  sitePostcode: string | null;
  wait: string | null;
  waitAsOf: string | null;
  distance: string;
  distanceMiles: string;
  distanceKm: string;
  travelCost: string;
  travelBasis: string;
  earliestSlot: string | null;
  directlyBookable: boolean;
  reasons: string[];
}

export interface ResultView {
  heading: string;
  summary: string;
  options: OptionView[];
  shortfall: { reason: string; suggestion: string } | null;
}

const ORDER_TEXT: Record<SortBy, string> = {
  WAIT: 'shortest wait first',
  DISTANCE: 'nearest first',
  BALANCED: 'balancing wait and distance',
};

/** The Nunjucks context for compare.njk. */
export function comparePageContext(input: {
  values: CompareFormValues;
  specialties: readonly SpecialtyChoice[];
  errors?: readonly FormError[];
  answer?: ShortlistAnswer;
}) {
  const { values, answer } = input;
  const errors = input.errors ?? [];
  const errorFor = (field: string) => {
    const e = errors.find((x) => x.field === field);
    return e ? { text: e.message } : undefined;
  };
  const result = answer ? resultView(answer, values) : undefined;
  return {
    title: result ? `${answer!.specialty.name} near ${answer!.origin.postcode}` : COMPARE_TITLE,
    heading: COMPARE_TITLE,
    values,
    errors,
    errorList: errors.map((e) => (e.field ? { text: e.message, href: `#${e.field}` } : { text: e.message })),
    fieldErrors: {
      specialty: errorFor('specialty'),
      postcode: errorFor('postcode'),
      sortBy: errorFor('sortBy'),
      distance: errorFor('distance'),
    },
    specialtyItems: [
      { value: '', text: 'Choose a specialty', selected: values.specialty === '' },
      ...input.specialties.map((s) => ({ value: s.code, text: s.name, selected: s.code === values.specialty })),
    ],
    sortItems: SORT_CHOICES.map((c) => ({
      value: c.value,
      text: c.text,
      hint: { text: c.hint },
      checked: c.value === values.sortBy,
    })),
    distanceItems: DISTANCE_CHOICES.map((c) => ({ value: c.value, text: c.text, checked: c.value === values.distance })),
    result,
  };
}

export function resultView(answer: ShortlistAnswer, values: CompareFormValues): ResultView {
  const shown = answer.options.length;
  const distance = DISTANCE_CHOICES.find((c) => c.value === values.distance);
  const within = distance && distance.value !== 'any'
    ? `within ${distance.value} miles of ${answer.origin.postcode}`
    : `from ${answer.origin.postcode}, at any distance`;
  const heading = answer.eligibleCount === 0
    ? 'No services match'
    : `${plural(answer.eligibleCount, 'service')} ${answer.eligibleCount === 1 ? 'matches' : 'match'}`;
  const summary = shown === 0
    ? `No ${answer.specialty.name} services ${within}.`
    : `${answer.specialty.name} services ${within}. ${shown === answer.eligibleCount ? 'Showing all' : `Showing the top ${shown}`}, ${ORDER_TEXT[answer.sortBy]}.`;
  return {
    heading,
    summary,
    options: answer.options.map((o) => ({
      rank: o.rank,
      serviceId: o.service.id,
      name: o.service.name,
      providerName: o.service.provider.name,
      siteName: o.service.site.name,
      sitePostcode: o.service.site.postcode,
      wait: o.indicativeWaitWeeks === null ? null : formatWeeks(o.indicativeWaitWeeks),
      waitAsOf: o.service.indicativeWait ? formatDate(o.service.indicativeWait.asOf) : null,
      distance: `${formatMiles(o.distanceMiles)} (${formatKm(o.distanceKm)})`,
      distanceMiles: formatMiles(o.distanceMiles),
      distanceKm: formatKm(o.distanceKm),
      travelCost: formatGbp(o.travel.estimatedCostGbp),
      travelBasis: o.travel.basis,
      earliestSlot: o.earliestSlot ? formatDateTime(o.earliestSlot) : null,
      directlyBookable: o.service.directlyBookable,
      reasons: o.reasons,
    })),
    shortfall: answer.shortfall,
  };
}
