// The messages a change to a referral sends its patient, each written to the outbox inside that change's
// transaction (one call from src/referrals/). Each reads what it needs through the same transaction, so it sees
// the change itself. Every one is written in the version the patient asked for (easy read, Welsh), says whom to
// call, and goes to the carer they named too.
import type { Kysely, Transaction } from 'kysely';
import type { DB, MessageAudience, MessageChannel, MessageKind } from '../db/schema.ts';
import { type CommunicationNeeds, interpreterLanguage, type LetterVersion, letterVersion, needsFrom, UK_MOBILE } from '../domain/communication-needs.ts';
import { formatDateTimeWelsh, formatDateWelsh } from '../web/filters.ts';
import { enqueueMessage } from './enqueue.ts';
import type { Personalisation } from './templates.ts';
import { whoToCall } from './who-to-call.ts';

const whenFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit', hour12: true,
});
const dateFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

/** '9:30am on Tuesday 1 December 2026' style, in UK time whatever the server's zone. */
export const formatInstant = (at: Date | string): string => whenFormat.format(new Date(at));
/** A calendar date ('YYYY-MM-DD') as 'Saturday 2 January 2027'. */
export const formatDate = (date: string): string => dateFormat.format(new Date(`${date}T00:00:00Z`));

/** Dates and times as the version's reader reads them: in Welsh for a Welsh letter. */
const when = (version: LetterVersion) => ({
  instant: version === 'welsh' ? formatDateTimeWelsh : formatInstant,
  date: version === 'welsh' ? formatDateWelsh : formatDate,
});
type When = ReturnType<typeof when>;

async function patientOf(db: Kysely<DB> | Transaction<DB>, ubrn: string) {
  return db
    .selectFrom('referral as r')
    .innerJoin('specialty as sp', 'sp.code', 'r.specialty_code')
    .select(['r.patient_given_name', 'r.patient_family_name', 'r.patient_address_lines', 'r.patient_postcode', 'r.patient_email', 'r.patient_mobile', 'r.options_offered', 'r.communication_needs', 'sp.name as specialty'])
    .where('r.ubrn', '=', ubrn)
    .executeTakeFirstOrThrow();
}

type Patient = Awaited<ReturnType<typeof patientOf>>;

/**
 * Where a message goes: by email and text when the patient gave them; by post otherwise, or always when
 * `letterToo` (the referral letter is the patient's record of their UBRN and access code).
 */
function destinations(p: Patient, letterToo: boolean): { channel: MessageChannel; recipient: string }[] {
  const out: { channel: MessageChannel; recipient: string }[] = [];
  if (p.patient_email) out.push({ channel: 'email', recipient: p.patient_email });
  if (p.patient_mobile) out.push({ channel: 'sms', recipient: p.patient_mobile });
  if (letterToo || out.length === 0) {
    // Name, address lines, postcode: as GOV.UK Notify takes a letter's address, one line each.
    const lines = [`${p.patient_given_name} ${p.patient_family_name}`, ...(p.patient_address_lines ?? []), p.patient_postcode];
    out.unshift({ channel: 'letter', recipient: lines.join('\n') });
  }
  return out;
}

/** A carer gets a copy by email and by text to a mobile; a landline is for staff to call, and no postal address is kept. */
function carerDestinations(needs: CommunicationNeeds | null): { channel: MessageChannel; recipient: string }[] {
  const carer = needs?.carer;
  if (!carer) return [];
  return [
    ...(carer.email ? [{ channel: 'email' as const, recipient: carer.email }] : []),
    ...(carer.phone && UK_MOBILE.test(carer.phone) ? [{ channel: 'sms' as const, recipient: carer.phone }] : []),
  ];
}

type Db = Kysely<DB> | Transaction<DB>;

/** The fields every message to this patient has, in the version they asked for; `fields` adds the kind's own. */
async function personalisationOf(db: Db, ubrn: string, fields: (p: Patient, when: When) => Personalisation, version?: LetterVersion) {
  const patient = await patientOf(db, ubrn);
  const needs = needsFrom(patient.communication_needs);
  const written = version ?? letterVersion(needs);
  const contact = await whoToCall(db, ubrn);
  const personalisation: Personalisation = {
    given_name: patient.patient_given_name,
    family_name: patient.patient_family_name,
    ubrn,
    version: written,
    contact_name: contact.name,
    contact_phone: contact.phone ?? '',
    large_print: needs?.largePrint ? 'yes' : '',
    bsl: needs?.britishSignLanguage ? 'yes' : '',
    interpreter: interpreterLanguage(needs) ?? '',
    ...fields(patient, when(written)),
  };
  return { patient, needs, personalisation };
}

async function toPatient(trx: Transaction<DB>, ubrn: string, kind: MessageKind, fields: (p: Patient, when: When) => Personalisation, letterToo = false) {
  const { patient, needs, personalisation } = await personalisationOf(trx, ubrn, fields);
  const send = (audience: MessageAudience, to: { channel: MessageChannel; recipient: string }, p: Personalisation) => enqueueMessage(trx, { ubrn, kind, audience, ...to, personalisation: p });
  for (const to of destinations(patient, letterToo)) await send('patient', to, personalisation);
  for (const to of carerDestinations(needs)) await send('carer', to, { ...personalisation, carer_name: needs!.carer!.name });
}

async function appointmentOf(db: Kysely<DB> | Transaction<DB>, appointmentId: string) {
  return db
    .selectFrom('appointment as a')
    .innerJoin('service as s', 's.id', 'a.service_id')
    .select(['a.starts_at', 's.name as service'])
    .where('a.id', '=', appointmentId)
    .executeTakeFirstOrThrow();
}

/** The UBRN and access code, by post always and by email and text when given. The code is in clear until sent. */
export async function enqueueReferralLetter(trx: Transaction<DB>, ubrn: string, accessCode: string): Promise<void> {
  await toPatient(trx, ubrn, 'REFERRAL_LETTER', (p) => ({ access_code: accessCode, specialty: p.specialty, options_offered: p.options_offered }), true);
}

const bookingFields = (a: Awaited<ReturnType<typeof appointmentOf>>) => (_: Patient, w: When) => ({ service: a.service, appointment: w.instant(a.starts_at) });

export async function enqueueBookingConfirmation(trx: Transaction<DB>, ubrn: string, appointmentId: string): Promise<void> {
  await toPatient(trx, ubrn, 'BOOKING_CONFIRMATION', bookingFields(await appointmentOf(trx, appointmentId)));
}

/** The booking confirmation's fields as the posted letter has them, in `version` or the patient's own: for a page to print it. */
export async function bookingConfirmationFields(db: Kysely<DB>, ubrn: string, appointmentId: string, version?: LetterVersion): Promise<Personalisation> {
  return (await personalisationOf(db, ubrn, bookingFields(await appointmentOf(db, appointmentId)), version)).personalisation;
}

export async function enqueueCancellation(trx: Transaction<DB>, ubrn: string, appointmentId: string): Promise<void> {
  const a = await appointmentOf(trx, appointmentId);
  await toPatient(trx, ubrn, 'APPOINTMENT_CANCELLED', (_, w) => ({ service: a.service, appointment: w.instant(a.starts_at) }));
}

/** Tells the patient the provider will contact them by the contact-by date; call after the referral is deferred. */
export async function enqueueDeferralNotice(trx: Transaction<DB>, ubrn: string): Promise<void> {
  const d = await trx
    .selectFrom('referral as r')
    .innerJoin('service as s', 's.id', 'r.deferred_service_id')
    .select(['r.contact_by', 's.name as service'])
    .where('r.ubrn', '=', ubrn)
    .executeTakeFirstOrThrow();
  await toPatient(trx, ubrn, 'DEFERRED_TO_PROVIDER', (_, w) => ({ service: d.service, contact_by: w.date(d.contact_by!) }));
}

/** A PIDMAS invitation with a fresh access code, by post always (it is the patient's way in). */
export async function enqueuePidmasInvitation(trx: Transaction<DB>, ubrn: string, accessCode: string, provider: string): Promise<void> {
  await toPatient(trx, ubrn, 'PIDMAS_INVITATION', (p) => ({ access_code: accessCode, specialty: p.specialty, provider }), true);
}

/** The offer with a fresh access code, by post always: a patient on a loaded waiting list was never given one. `expectedFrom` is a calendar date, written as people read it. */
export async function enqueuePidmasOffer(trx: Transaction<DB>, ubrn: string, accessCode: string, offer: { provider: string; site: string; distance: string; expectedFrom: string }): Promise<void> {
  const { expectedFrom, ...rest } = offer;
  await toPatient(trx, ubrn, 'PIDMAS_OFFER', () => ({ ...rest, expected: formatDate(expectedFrom), access_code: accessCode }), true);
}

export async function enqueuePidmasNoMatch(trx: Transaction<DB>, ubrn: string): Promise<void> {
  await toPatient(trx, ubrn, 'PIDMAS_NO_MATCH', () => ({}));
}

export async function enqueuePidmasNotSuitable(trx: Transaction<DB>, ubrn: string, reason: string): Promise<void> {
  await toPatient(trx, ubrn, 'PIDMAS_NOT_SUITABLE', () => ({ reason }));
}

/** The new UBRN and access code after the pathway moved, by post always. */
export async function enqueueTransferLetter(trx: Transaction<DB>, newUbrn: string, accessCode: string, service: string): Promise<void> {
  await toPatient(trx, newUbrn, 'TRANSFERRED', (p) => ({ access_code: accessCode, specialty: p.specialty, service }), true);
}

/**
 * The invitation to the survey of meaningful choice, with its one-time link (the token in clear until sent, then
 * redacted), by email and text when given, by post otherwise. `expiresOn` is a calendar date.
 */
export async function enqueueSurveyInvitation(trx: Transaction<DB>, ubrn: string, token: string, expiresOn: string): Promise<void> {
  await toPatient(trx, ubrn, 'SURVEY_INVITATION', (p, w) => ({ specialty: p.specialty, survey_token: token, expires: w.date(expiresOn) }));
}
