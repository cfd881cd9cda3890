// The "make a referral" questions' forms: each read into the text it shows again and, when every field is right,
// the typed answer kept in the journey's draft. Messages follow the NHS service manual's error message patterns.
import { z } from 'zod';
import { londonDate } from '../../domain/dates.ts';
import { isValidNhsNumber, standardiseNhsNumber } from '../../domain/nhs-number.ts';
import { normalisePostcode, parsePostcode, type ParsedPostcode } from '../../domain/postcode.ts';
import { DISTANCE_CHOICES, SORT_CHOICES } from '../../shortlist/choices.ts';
import type { NoLongerFits } from '../../shortlist/service.ts';
import type { Priority } from '../../shortlist/types.ts';
import { checkboxes, dateInput, type FormValues, oneOf, readForm, required, text } from '../../web/forms.ts';
import { UK_MOBILE } from '../schemas.ts';
import type { CommunicationNeeds } from '../../domain/communication-needs.ts';
import { dateOfBirth } from './date-of-birth.ts';
import type { NeedsValues } from './needs-form.ts';

// ---------------------------------------------------------------- the patient, and what they are referred for

export const PATIENT_FIELDS = {
  nhsNumber: text(20),
  givenName: text(100),
  familyName: text(100),
  dob: dateInput(),
  address: text(600),
  postcode: text(16),
  email: text(254),
  mobile: text(20),
  specialty: text(10),
};
export type PatientValues = FormValues<typeof PATIENT_FIELDS>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function patientSchema(specialtyCodes: ReadonlySet<string>, today: string) {
  return z.object({
    nhsNumber: z.string().transform((raw, ctx) => {
      const digits = standardiseNhsNumber(raw);
      const problem = !raw ? 'Enter the patient\'s NHS number' : digits.length !== 10 ? 'NHS number must be 10 numbers' : !isValidNhsNumber(digits) ? 'Enter a valid NHS number' : null;
      return problem ? (ctx.addIssue({ code: 'custom', message: problem }), z.NEVER) : digits;
    }),
    givenName: required('Enter the patient\'s first name'),
    familyName: required('Enter the patient\'s last name'),
    dob: dateOfBirth('the patient\'s', today),
    address: z
      .string()
      .transform((raw) => raw.split(/\r?\n/).map((line) => line.trim()).filter(Boolean))
      .refine((lines) => lines.length <= 5, 'Address must be 5 lines or fewer, without the postcode')
      .refine((lines) => lines.every((line) => line.length <= 100), 'Each line of the address must be 100 characters or fewer')
      .transform((lines) => (lines.length > 0 ? lines : null)),
    postcode: z.string().transform((raw, ctx) => {
      const postcode = normalisePostcode(raw);
      if (postcode) return postcode;
      ctx.addIssue({ code: 'custom', message: raw ? 'Enter a full postcode, like LS1 4AP' : 'Enter the patient\'s postcode' });
      return z.NEVER;
    }),
    email: z.string().refine((v) => !v || EMAIL.test(v), 'Enter an email address in the correct format, like name@example.com').transform((v) => v || null),
    mobile: z.string().refine((v) => !v || UK_MOBILE.test(v), 'Enter a UK mobile number, like 07700 900 982').transform((v) => v || null),
    specialty: required('Select what the patient is referred for').refine((code) => specialtyCodes.has(code), 'Select a specialty from the list'),
  });
}
export type PatientAnswer = z.output<ReturnType<typeof patientSchema>>;

export const readPatient = (body: unknown, specialtyCodes: ReadonlySet<string>, today = londonDate()) =>
  readForm(PATIENT_FIELDS, patientSchema(specialtyCodes, today), body);

// ---------------------------------------------------------------- what matters to the patient

export const PREFERENCES_FIELDS = { sortBy: text(20), origin: text(10), originPostcode: text(16), distance: text(10) };
export type PreferencesValues = FormValues<typeof PREFERENCES_FIELDS>;

/** A full or partial postcode in its normal form ('LS1 4AP', 'LS1 4', 'LS1'). */
const normalForm = (p: ParsedPostcode) => (p.kind === 'postcode' ? p.postcode : p.kind === 'sector' ? p.sector : p.outcode);

const PreferencesSchema = z
  .object({
    sortBy: z.string().transform((v, ctx) => SORT_CHOICES.find((c) => c.value === v)?.value ?? (ctx.addIssue({ code: 'custom', message: 'Select what matters most to the patient' }), z.NEVER)),
    origin: oneOf(['home', 'other'], 'Select where to measure distance from'),
    originPostcode: z.string(),
    distance: z.string().transform((v, ctx) => DISTANCE_CHOICES.find((c) => c.value === v) ?? (ctx.addIssue({ code: 'custom', message: 'Select how far the patient could travel' }), z.NEVER)),
  })
  // The other postcode is asked for only when distance is measured from it; checked whatever else is wrong.
  .superRefine(({ origin, originPostcode }, ctx) => {
    if (origin !== 'other') return;
    const message = !originPostcode ? 'Enter the postcode to measure distance from' : !parsePostcode(originPostcode) ? 'Enter a real postcode, like LS1 4AP' : null;
    if (message) ctx.addIssue({ code: 'custom', path: ['originPostcode'], message });
  }, { when: () => true })
  .transform(({ sortBy, origin, originPostcode, distance }) => ({
    sortBy,
    originPostcode: origin === 'other' ? normalForm(parsePostcode(originPostcode)!) : null,
    distance: distance.value,
    maxDistanceKm: distance.km,
  }));
export type PreferencesAnswer = z.output<typeof PreferencesSchema>;

export const readPreferences = (body: unknown) => readForm(PREFERENCES_FIELDS, PreferencesSchema, body);

// ---------------------------------------------------------------- the services to offer

/** The services ticked, among those offered (`offered`), each once, in the order sent. */
export function readShortlist(body: unknown, offered: ReadonlySet<string>) {
  const schema = z.object({
    services: z
      .array(z.string())
      .transform((ids) => [...new Set(ids)].filter((id) => offered.has(id)))
      .refine((ids) => ids.length > 0, 'Select at least one service to offer the patient')
      .refine((ids) => ids.length <= 20, 'Select 20 services or fewer'),
  });
  return readForm({ services: checkboxes(40) }, schema, body);
}

// ---------------------------------------------------------------- clinical details

export const PRIORITY_CHOICES: readonly { value: Priority; text: string; hint: string }[] = [
  { value: 'ROUTINE', text: 'Routine', hint: 'The provider must contact the patient within 40 days if no appointment can be booked' },
  { value: 'URGENT', text: 'Urgent', hint: 'Within 10 days' },
  { value: 'TWO_WEEK_WAIT', text: 'Two week wait (suspected cancer)', hint: 'Within 5 days' },
];

export const CLINICAL_FIELDS = { priority: text(20), clinicalSummary: text(10_001) };
export type ClinicalValues = FormValues<typeof CLINICAL_FIELDS>;

const ClinicalSchema = z.object({
  priority: z.string().transform((v, ctx) => PRIORITY_CHOICES.find((c) => c.value === v)?.value ?? (ctx.addIssue({ code: 'custom', message: 'Select the priority of the referral' }), z.NEVER)),
  clinicalSummary: required('Enter a clinical summary').max(10_000, 'Clinical summary must be 10,000 characters or fewer'),
});
export type ClinicalAnswer = z.output<typeof ClinicalSchema>;

export const readClinical = (body: unknown) => readForm(CLINICAL_FIELDS, ClinicalSchema, body);

// ---------------------------------------------------------------- the draft

/** The referral being made, as the journey keeps it between its pages. */
export interface ReferralDraft {
  patient?: { values: PatientValues; answer: PatientAnswer };
  preferences?: { values: PreferencesValues; answer: PreferencesAnswer };
  /** The services chosen to offer, in the engine's order. */
  shortlist?: string[];
  /** Instead of a shortlist: the referral assessment service it is sent to, which offers the services after triage. */
  triage?: { rasId: string; name: string };
  clinical?: { values: ClinicalValues; answer: ClinicalAnswer };
  /**
   * Services taken off the shortlist because a changed answer means they no longer fit, with why: shown on the
   * shortlist and check pages until the referrer next confirms the services (never dropped without a word).
   */
  removedServices?: RemovedService[];
  /** The patient's communication needs: an optional question, asked from check your answers (./needs.ts). */
  needs?: { values: NeedsValues; answer: CommunicationNeeds };
  /** Set once the referral is made: what the confirmation and the patient's letter show (the access code only here). */
  created?: { ubrn: string; accessCode: string; createdAt: string };
}

/** A service taken off the shortlist, and why it no longer fits the referral's answers. */
export interface RemovedService {
  serviceId: string;
  /** null when the service is no longer listed at all */
  name: string | null;
  why: NoLongerFits;
}
