// The form offering capacity, read into a NewOffer with the error summary's messages; and where the service's own
// refusals go on it.
import { z } from 'zod';
import { calendarDate, dateInput, type FormValues, oneOf, readForm, text, wholeNumber, whenValid } from '../web/forms.ts';

export const COMPLEXITY_TEXT = { ROUTINE: 'Routine cases only', ROUTINE_AND_COMPLEX: 'Routine and complex cases' } as const;

export const OFFER_FIELDS = {
  serviceId: text(200),
  capacityPerWeek: text(8),
  startsOn: dateInput(),
  endsOn: dateInput(),
  minAge: text(4),
  maxAge: text(4),
  complexity: text(30),
  notes: text(1001),
};
export type OfferFormValues = FormValues<typeof OFFER_FIELDS>;

const age = (label: string) => wholeNumber({ min: 0, max: 130, empty: null, invalid: `${label} must be a whole number from 0 to 130` });

/** `serviceIds`: the organisation's own services, which the form offers; `today`: the last day an offer may end. */
function offerSchema(serviceIds: ReadonlySet<string>, today: string) {
  return z
    .object({
      serviceId: z.string().refine((id) => serviceIds.has(id), 'Select the service that has capacity'),
      capacityPerWeek: wholeNumber({ min: 1, max: 10_000, empty: 'Enter the number of places each week', invalid: 'Number of places each week must be a whole number from 1 to 10,000' }),
      startsOn: calendarDate({ empty: 'Enter the start date', invalid: 'Start date must be a real date' }),
      endsOn: calendarDate({ empty: 'Enter the end date', invalid: 'End date must be a real date' }),
      minAge: age('Minimum age'),
      maxAge: age('Maximum age'),
      complexity: oneOf(['ROUTINE', 'ROUTINE_AND_COMPLEX'], 'Select which patients you can take'),
      notes: z.string().max(1000, 'Notes must be 1,000 characters or fewer'),
    })
    .superRefine(({ startsOn, endsOn }, ctx) => {
      if (endsOn < startsOn) ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'End date must be the same as or after the start date' });
    }, whenValid('startsOn', 'endsOn'))
    // Only when the end date is not already refused for coming before the start.
    .superRefine(({ endsOn }, ctx) => {
      if (endsOn < today) ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'End date must be today or in the future' });
    }, whenValid('endsOn'))
    .superRefine(({ minAge, maxAge }, ctx) => {
      if (minAge !== null && maxAge !== null && maxAge < minAge) ctx.addIssue({ code: 'custom', path: ['maxAge'], message: 'Maximum age must be the same as or more than the minimum age' });
    }, whenValid('minAge', 'maxAge'));
}

export function readOfferForm(body: unknown, serviceIds: ReadonlySet<string>, today: string) {
  // Every problem with a date links to its day box, whichever box is missing.
  return readForm(OFFER_FIELDS, offerSchema(serviceIds, today), body, { startsOn: '#startsOn-day', endsOn: '#endsOn-day' });
}

/** The service's field names on this form, where their errors link and the words that start their message. */
export const OFFER_PROBLEMS = {
  field: 'serviceId',
  fields: { serviceId: { label: 'The service' }, endsOn: { href: '#endsOn-day', label: 'End date' }, maxAge: { label: 'Maximum age' } },
};
