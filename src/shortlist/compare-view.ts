// What the "compare hospitals" page shows: the form's state and, after a search, the ranked options. Numbers and
// dates are passed as they are; the view formats them with the page filters.
import { plural } from '../web/filters.ts';
import { errorContext, type FieldError } from '../web/forms.ts';
import { DISTANCE_CHOICES, SORT_CHOICES } from './choices.ts';
import type { CompareFormValues } from './compare-form.ts';
import type { ShortlistAnswer, SortBy } from './types.ts';
import { outsideEnglandView, shortfallView } from './widen.ts';

export const COMPARE_TITLE = 'Compare hospitals by waiting time and distance';

export interface SpecialtyChoice {
  code: string;
  name: string;
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
  errors?: readonly FieldError[];
  answer?: ShortlistAnswer;
}) {
  const { values, answer } = input;
  return {
    title: answer ? `${answer.specialty.name} near ${answer.origin.postcode}` : COMPARE_TITLE,
    heading: COMPARE_TITLE,
    values,
    ...errorContext(input.errors ?? []),
    specialtyItems: [
      { value: '', text: 'Choose a specialty', selected: values.specialty === '' },
      ...input.specialties.map((s) => ({ value: s.code, text: s.name, selected: s.code === values.specialty })),
    ],
    sortItems: SORT_CHOICES.map((c) => ({ value: c.value, text: c.text, hint: { text: c.hint }, checked: c.value === values.sortBy })),
    distanceItems: DISTANCE_CHOICES.map((c) => ({ value: c.value, text: c.text, checked: c.value === values.distance })),
    result: answer ? resultView(answer, values) : undefined,
  };
}

/** The heading and summary of a search's results; the options are the engine's, as they are. */
export function resultView(answer: ShortlistAnswer, values: CompareFormValues) {
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
  const shortfall = shortfallView(answer);
  // Each wider search is this search again with another distance, as the form would send it.
  const wider = (shortfall?.wider ?? []).map((w) => ({ ...w, href: `/?${new URLSearchParams({ ...values, distance: w.distance })}#results` }));
  return {
    heading,
    summary,
    options: answer.options,
    shortfall: shortfall && { ...shortfall, wider },
    outsideEngland: outsideEnglandView(answer.origin.postcode),
  };
}
