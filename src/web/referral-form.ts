// The "make a referral" pages' forms: each reads its posted fields into text values (to show again) and, when
// every field is right, the typed answer. Messages follow the NHS service manual's error message patterns.
import { isCalendarDate, londonDate } from '../domain/dates.ts';
import { isValidNhsNumber } from '../domain/nhs-number.ts';
import { parsePostcode } from '../domain/postcode.ts';
import type { Priority, SortBy } from '../shortlist/types.ts';
import { DISTANCE_CHOICES, SORT_CHOICES } from '../shortlist/choices.ts';
import { tidyPostcode as normalisePostcode } from '../shortlist/compare-form.ts';

export interface FieldError {
  /** The id of the input to link to from the error summary. */
  href: string;
  field: string;
  message: string;
}

export type StepResult<V, A> = { ok: true; values: V; answer: A } | { ok: false; values: V; errors: FieldError[] };

type Body = Record<string, unknown>;

function text(body: Body, name: string, max = 200): string {
  const v = body[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first.trim().slice(0, max) : '';
}

function list(body: Body, name: string): string[] {
  const v = body[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string').slice(0, 40);
}

// Patient details (and what they are referred for).
export interface PatientValues {
  nhsNumber: string;
  givenName: string;
  familyName: string;
  dobDay: string;
  dobMonth: string;
  dobYear: string;
  address: string;
  postcode: string;
  email: string;
  mobile: string;
  specialty: string;
}
export interface PatientAnswer {
  nhsNumber: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  /** Postal address lines without the postcode, for letters; absent from drafts made before it was asked. */
  addressLines?: string[] | null;
  postcode: string;
  email: string | null;
  mobile: string | null;
  specialty: string;
}

/**
 * A date of birth from the NHS date input's three fields ('dob' field, hrefs to its parts), as 'YYYY-MM-DD',
 * or '' with the problem added to `errors`. `whose` fills "Enter … date of birth".
 */
export function readDateOfBirth(parts: { day: string; month: string; year: string }, whose: string, errors: FieldError[], today = londonDate()): string {
  const { day: d, month: m, year: y } = parts;
  if (!d && !m && !y) {
    errors.push({ field: 'dob', href: '#dob-day', message: `Enter ${whose} date of birth` });
    return '';
  }
  if (!d || !m || !y) {
    const missing = !d ? 'day' : !m ? 'month' : 'year';
    errors.push({ field: 'dob', href: `#dob-${missing}`, message: `Date of birth must include a ${missing}` });
    return '';
  }
  const date = `${y.padStart(4, '0')}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y) || !isCalendarDate(date)) {
    errors.push({ field: 'dob', href: '#dob-day', message: 'Date of birth must be a real date' });
  } else if (date > today) {
    errors.push({ field: 'dob', href: '#dob-day', message: 'Date of birth must be in the past' });
  } else if (Number(y) < Number(today.slice(0, 4)) - 130) {
    errors.push({ field: 'dob', href: '#dob-year', message: 'Date of birth must be within the last 130 years' });
  } else {
    return date;
  }
  return '';
}

export function readPatient(body: Body, specialtyCodes: ReadonlySet<string>, today = londonDate()): StepResult<PatientValues, PatientAnswer> {
  const values: PatientValues = {
    nhsNumber: text(body, 'nhsNumber', 20),
    givenName: text(body, 'givenName', 100),
    familyName: text(body, 'familyName', 100),
    dobDay: text(body, 'dob[day]', 4),
    dobMonth: text(body, 'dob[month]', 4),
    dobYear: text(body, 'dob[year]', 6),
    address: text(body, 'address', 600),
    postcode: text(body, 'postcode', 16),
    email: text(body, 'email', 254),
    mobile: text(body, 'mobile', 20),
    specialty: text(body, 'specialty', 10),
  };
  const errors: FieldError[] = [];
  const nhs = values.nhsNumber.replace(/[\s-]/g, '');
  if (!nhs) errors.push({ field: 'nhsNumber', href: '#nhsNumber', message: 'Enter the patient\'s NHS number' });
  else if (!/^\d{10}$/.test(nhs)) errors.push({ field: 'nhsNumber', href: '#nhsNumber', message: 'NHS number must be 10 numbers' });
  else if (!isValidNhsNumber(nhs)) errors.push({ field: 'nhsNumber', href: '#nhsNumber', message: 'Enter a valid NHS number' });
  if (!values.givenName) errors.push({ field: 'givenName', href: '#givenName', message: 'Enter the patient\'s first name' });
  if (!values.familyName) errors.push({ field: 'familyName', href: '#familyName', message: 'Enter the patient\'s last name' });

  const dateOfBirth = readDateOfBirth({ day: values.dobDay, month: values.dobMonth, year: values.dobYear }, 'the patient\'s', errors, today);

  const postcode = normalisePostcode(values.postcode);
  const parsed = postcode ? parsePostcode(postcode) : null;
  if (!postcode) errors.push({ field: 'postcode', href: '#postcode', message: 'Enter the patient\'s postcode' });
  else if (!parsed || !/^[A-Z0-9]{2,4} [0-9][A-Z]{2}$/.test(postcode)) {
    errors.push({ field: 'postcode', href: '#postcode', message: 'Enter a full postcode, like LS1 4AP' });
  }
  const addressLines = values.address.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (addressLines.length > 5) errors.push({ field: 'address', href: '#address', message: 'Address must be 5 lines or fewer, without the postcode' });
  else if (addressLines.some((l) => l.length > 100)) errors.push({ field: 'address', href: '#address', message: 'Each line of the address must be 100 characters or fewer' });
  if (values.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email)) {
    errors.push({ field: 'email', href: '#email', message: 'Enter an email address in the correct format, like name@example.com' });
  }
  if (values.mobile && !/^(\+44\s?7|07)[\d\s]{9,11}$/.test(values.mobile)) {
    errors.push({ field: 'mobile', href: '#mobile', message: 'Enter a UK mobile number, like 07700 900 982' });
  }
  if (!values.specialty) errors.push({ field: 'specialty', href: '#specialty', message: 'Select what the patient is referred for' });
  else if (!specialtyCodes.has(values.specialty)) errors.push({ field: 'specialty', href: '#specialty', message: 'Select a specialty from the list' });

  if (errors.length > 0) return { ok: false, values, errors };
  return {
    ok: true,
    values,
    answer: {
      nhsNumber: nhs,
      givenName: values.givenName,
      familyName: values.familyName,
      dateOfBirth,
      addressLines: addressLines.length > 0 ? addressLines : null,
      postcode,
      email: values.email || null,
      mobile: values.mobile || null,
      specialty: values.specialty,
    },
  };
}

// What matters to the patient.
export interface PreferencesValues {
  sortBy: string;
  origin: string;
  originPostcode: string;
  distance: string;
}
export interface PreferencesAnswer {
  sortBy: SortBy;
  originPostcode: string | null;
  distance: string;
  maxDistanceKm: number | null;
}

export function readPreferences(body: Body): StepResult<PreferencesValues, PreferencesAnswer> {
  const values: PreferencesValues = {
    sortBy: text(body, 'sortBy', 20),
    origin: text(body, 'origin', 10),
    originPostcode: text(body, 'originPostcode', 16),
    distance: text(body, 'distance', 10),
  };
  const errors: FieldError[] = [];
  const sort = SORT_CHOICES.find((c) => c.value === values.sortBy);
  if (!sort) errors.push({ field: 'sortBy', href: '#sortBy', message: 'Select what matters most to the patient' });
  let originPostcode: string | null = null;
  if (values.origin === 'other') {
    originPostcode = normalisePostcode(values.originPostcode);
    if (!originPostcode) errors.push({ field: 'originPostcode', href: '#originPostcode', message: 'Enter the postcode to measure distance from' });
    else if (!parsePostcode(originPostcode)) errors.push({ field: 'originPostcode', href: '#originPostcode', message: 'Enter a real postcode, like LS1 4AP' });
  } else if (values.origin !== 'home') {
    errors.push({ field: 'origin', href: '#origin', message: 'Select where to measure distance from' });
  }
  const distance = DISTANCE_CHOICES.find((c) => c.value === values.distance);
  if (!distance) errors.push({ field: 'distance', href: '#distance', message: 'Select how far the patient could travel' });
  if (errors.length > 0 || !sort || !distance) return { ok: false, values, errors };
  return { ok: true, values, answer: { sortBy: sort.value, originPostcode, distance: distance.value, maxDistanceKm: distance.km } };
}

// The services to offer.
export function readShortlist(body: Body, offered: ReadonlySet<string>): StepResult<{ services: string[] }, string[]> {
  const services = [...new Set(list(body, 'services'))].filter((id) => offered.has(id));
  if (services.length === 0) {
    return { ok: false, values: { services }, errors: [{ field: 'services', href: '#services', message: 'Select at least one service to offer the patient' }] };
  }
  if (services.length > 20) {
    return { ok: false, values: { services }, errors: [{ field: 'services', href: '#services', message: 'Select 20 services or fewer' }] };
  }
  return { ok: true, values: { services }, answer: services };
}

// Clinical details.
export const PRIORITY_CHOICES: readonly { value: Priority; text: string; hint: string }[] = [
  { value: 'ROUTINE', text: 'Routine', hint: 'The provider must contact the patient within 40 days if no appointment can be booked' },
  { value: 'URGENT', text: 'Urgent', hint: 'Within 10 days' },
  { value: 'TWO_WEEK_WAIT', text: 'Two week wait (suspected cancer)', hint: 'Within 5 days' },
];

export interface ClinicalValues {
  priority: string;
  clinicalSummary: string;
}
export function readClinical(body: Body): StepResult<ClinicalValues, { priority: Priority; clinicalSummary: string }> {
  const values: ClinicalValues = { priority: text(body, 'priority', 20), clinicalSummary: text(body, 'clinicalSummary', 10_001) };
  const errors: FieldError[] = [];
  const priority = PRIORITY_CHOICES.find((c) => c.value === values.priority);
  if (!priority) errors.push({ field: 'priority', href: '#priority', message: 'Select the priority of the referral' });
  if (!values.clinicalSummary) errors.push({ field: 'clinicalSummary', href: '#clinicalSummary', message: 'Enter a clinical summary' });
  else if (values.clinicalSummary.length > 10_000) errors.push({ field: 'clinicalSummary', href: '#clinicalSummary', message: 'Clinical summary must be 10,000 characters or fewer' });
  if (errors.length > 0 || !priority) return { ok: false, values, errors };
  return { ok: true, values, answer: { priority: priority.value, clinicalSummary: values.clinicalSummary } };
}

/** The nhsuk macros' errorMessage for a field, or undefined. */
export function errorFor(errors: readonly FieldError[], field: string): { text: string } | undefined {
  const e = errors.find((x) => x.field === field);
  return e ? { text: e.message } : undefined;
}

export function errorList(errors: readonly FieldError[]): { text: string; href: string }[] {
  return errors.map((e) => ({ text: e.message, href: e.href }));
}

/** The referral being made, as the draft keeps it between its pages. */
export interface Draft {
  patient?: { values: PatientValues; answer: PatientAnswer };
  preferences?: { values: PreferencesValues; answer: PreferencesAnswer };
  /** The services chosen to offer, in the order shown. */
  shortlist?: string[];
  clinical?: { values: ClinicalValues; answer: { priority: Priority; clinicalSummary: string } };
  /** Set once the referral is made: what the confirmation and the patient's letter show (the access code only here). */
  created?: { ubrn: string; accessCode: string; createdAt: string };
}
