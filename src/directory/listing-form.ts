// The provider's listing forms: what a listing says of itself, a new listing's specialty and site, and the
// reason for withdrawing one. Read as every form is (src/web/forms.ts), with messages for the provider.
import { z } from 'zod';
import { londonDate } from '../domain/dates.ts';
import { calendarDate, dateInput, emptyDate, type FormValues, readForm, required, text, wholeNumber, whenValid } from '../web/forms.ts';
import { type Listing, type ListingFields, MAX_AGE_YEARS } from './listings.ts';

export const LISTING_FIELDS = {
  name: text(200), clinicType: text(100), directlyBookable: text(3), minAge: text(4), maxAge: text(4), sex: text(6),
  consultantTeam: text(200), accessibility: text(2000), waitWeeks: text(6), waitAsOf: dateInput(),
};
export type ListingValues = FormValues<typeof LISTING_FIELDS>;

const isoParts = (iso: string | null) => (iso ? { day: String(Number(iso.slice(8, 10))), month: String(Number(iso.slice(5, 7))), year: iso.slice(0, 4) } : emptyDate());

/** The form filled in with what the listing says now. */
export function listingValues(l: Listing): ListingValues {
  return {
    name: l.name, clinicType: l.clinicType ?? '', directlyBookable: l.directlyBookable ? 'yes' : 'no',
    minAge: l.minAge === null ? '' : String(l.minAge), maxAge: l.maxAge === null ? '' : String(l.maxAge), sex: l.sex,
    consultantTeam: l.consultantTeam ?? '', accessibility: l.accessibility ?? '',
    waitWeeks: l.indicativeWait ? String(l.indicativeWait.weeks) : '', waitAsOf: isoParts(l.indicativeWait?.asOf ?? null),
  };
}

const orNull = (s: string) => (s === '' ? null : s);
const age = (which: string) => wholeNumber({ min: 0, max: MAX_AGE_YEARS, empty: null, invalid: `${which} age must be a whole number of years from 0 to ${MAX_AGE_YEARS}` });

function listingSchema(today: string) {
  return z.object({
    name: required('Enter the name patients see for this service'),
    clinicType: z.string().transform(orNull),
    directlyBookable: z.enum(['yes', 'no'], { error: 'Select whether patients can book this service directly' }).transform((v) => v === 'yes'),
    minAge: age('Lowest'),
    maxAge: age('Highest'),
    sex: z.enum(['any', 'female', 'male'], { error: 'Select who the service sees' }),
    consultantTeam: z.string().transform(orNull),
    accessibility: z.string().transform(orNull),
    waitWeeks: z.string().refine((w) => w === '' || (/^\d{1,3}(\.\d)?$/.test(w) && Number(w) <= 260), 'Wait must be a number of weeks from 0 to 260, like 12 or 12.5'),
    waitAsOf: z.object({ day: z.string(), month: z.string(), year: z.string() }),
  }).superRefine((v, ctx) => {
    if (v.minAge !== null && v.maxAge !== null && v.minAge > v.maxAge) ctx.addIssue({ code: 'custom', path: ['maxAge'], message: 'Highest age must be the same as or more than the lowest age' });
  }, whenValid('minAge', 'maxAge')).superRefine((v, ctx) => {
    const dateGiven = Boolean(v.waitAsOf.day || v.waitAsOf.month || v.waitAsOf.year);
    if (v.waitWeeks === '' && dateGiven) ctx.addIssue({ code: 'custom', path: ['waitWeeks'], message: 'Enter the wait in weeks, or clear the date it was measured' });
    if (v.waitWeeks === '') return;
    const asOf = calendarDate({ empty: 'Enter the date the wait was measured', invalid: 'Date the wait was measured must be a real date' }).safeParse(v.waitAsOf);
    if (!asOf.success) return void ctx.addIssue({ code: 'custom', path: ['waitAsOf', ...(asOf.error.issues[0]?.path ?? [])], message: asOf.error.issues[0]!.message });
    if (asOf.data > today) ctx.addIssue({ code: 'custom', path: ['waitAsOf', 'day'], message: 'Date the wait was measured must be today or in the past' });
  }, whenValid('waitWeeks')).transform(({ waitWeeks, waitAsOf, ...rest }): ListingFields => ({
    ...rest,
    indicativeWait: waitWeeks === '' ? null : { weeks: Number(waitWeeks), asOf: `${waitAsOf.year.padStart(4, '0')}-${waitAsOf.month.padStart(2, '0')}-${waitAsOf.day.padStart(2, '0')}` },
  }));
}

export function readListing(body: unknown, now = new Date()) {
  return readForm(LISTING_FIELDS, listingSchema(londonDate(now)), body, { directlyBookable: '#directlyBookable', sex: '#sex' });
}

export const NEW_LISTING_FIELDS = { specialtyCode: text(8), siteOdsCode: text(20) };
export type NewListingValues = FormValues<typeof NEW_LISTING_FIELDS>;

export function readNewListing(body: unknown) {
  return readForm(NEW_LISTING_FIELDS, z.object({
    specialtyCode: required('Select the specialty'),
    siteOdsCode: required('Select the site'),
  }), body);
}

export const WITHDRAW_FIELDS = { reason: text(500) };

export function readWithdrawal(body: unknown) {
  return readForm(WITHDRAW_FIELDS, z.object({ reason: required('Enter why you are withdrawing this listing') }), body);
}

/** The check page's hidden answers: the reason and the version of what it showed; anything else is no answer. */
export function readWithdrawalConfirmation(body: unknown) {
  return readForm({ ...WITHDRAW_FIELDS, previewVersion: text(64) }, z.object({ reason: z.string().min(1), previewVersion: z.string().min(1) }), body);
}
