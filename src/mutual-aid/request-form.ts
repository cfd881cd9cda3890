// The form asking for mutual aid, read into a NewRequest with the error summary's messages; and where the service's
// own refusals go on it.
import { z } from 'zod';
import { calendarDate, dateInput, type FormValues, readForm, text, wholeNumber } from '../web/forms.ts';

export const REQUEST_FIELDS = { specialty: text(10), patients: text(8), neededBy: dateInput(), constraints: text(1001) };
export type RequestFormValues = FormValues<typeof REQUEST_FIELDS>;

/** `specialtyCodes`: those the form offers; `today`: the first day help may be needed by. */
function requestSchema(specialtyCodes: ReadonlySet<string>, today: string) {
  return z.object({
    specialty: z.string().refine((code) => specialtyCodes.has(code), 'Select the specialty you need help with'),
    patients: wholeNumber({ min: 1, max: 100_000, empty: 'Enter the number of patients', invalid: 'Number of patients must be a whole number from 1 to 100,000' }),
    neededBy: calendarDate({ empty: 'Enter the date you need help by', invalid: 'Date you need help by must be a real date' })
      .refine((date) => date >= today, 'The date you need help by must be today or in the future'),
    constraints: z.string().max(1000, 'Constraints must be 1,000 characters or fewer'),
  });
}

export function readRequestForm(body: unknown, specialtyCodes: ReadonlySet<string>, today: string) {
  // Every problem with the date links to its day box, whichever box is missing.
  return readForm(REQUEST_FIELDS, requestSchema(specialtyCodes, today), body, { neededBy: '#neededBy-day' });
}

/** The service's field names on this form, where their errors link and the words that start their message. */
export const REQUEST_PROBLEMS = {
  field: 'specialty',
  fields: { specialty: { label: 'Specialty' }, neededBy: { href: '#neededBy-day', label: 'The date you need help by' } },
};
