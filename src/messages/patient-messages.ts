// The messages a change to a referral sends its patient, each written to the outbox inside that change's
// transaction (one call from src/referrals/). Each reads what it needs through the same transaction, so it sees
// the change itself.
import type { Transaction } from 'kysely';
import type { DB, MessageChannel, MessageKind } from '../db/schema.ts';
import { enqueueMessage } from './enqueue.ts';
import type { Personalisation } from './templates.ts';

const whenFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit', hour12: true,
});
const dateFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

/** '9:30am on Tuesday 1 December 2026' style, in UK time whatever the server's zone. */
export const formatInstant = (at: Date | string): string => whenFormat.format(new Date(at));
/** A calendar date ('YYYY-MM-DD') as 'Saturday 2 January 2027'. */
export const formatDate = (date: string): string => dateFormat.format(new Date(`${date}T00:00:00Z`));

async function patientOf(trx: Transaction<DB>, ubrn: string) {
  return trx
    .selectFrom('referral as r')
    .innerJoin('specialty as sp', 'sp.code', 'r.specialty_code')
    .select(['r.patient_given_name', 'r.patient_family_name', 'r.patient_address_lines', 'r.patient_postcode', 'r.patient_email', 'r.patient_mobile', 'r.options_offered', 'sp.name as specialty'])
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

async function toPatient(trx: Transaction<DB>, ubrn: string, kind: MessageKind, fields: (p: Patient) => Personalisation, letterToo = false) {
  const patient = await patientOf(trx, ubrn);
  const personalisation = { given_name: patient.patient_given_name, family_name: patient.patient_family_name, ubrn, ...fields(patient) };
  for (const to of destinations(patient, letterToo)) {
    await enqueueMessage(trx, { ubrn, kind, audience: 'patient', ...to, personalisation });
  }
}

async function appointmentOf(trx: Transaction<DB>, appointmentId: string) {
  return trx
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

export async function enqueueBookingConfirmation(trx: Transaction<DB>, ubrn: string, appointmentId: string): Promise<void> {
  const a = await appointmentOf(trx, appointmentId);
  await toPatient(trx, ubrn, 'BOOKING_CONFIRMATION', () => ({ service: a.service, appointment: formatInstant(a.starts_at) }));
}

export async function enqueueCancellation(trx: Transaction<DB>, ubrn: string, appointmentId: string): Promise<void> {
  const a = await appointmentOf(trx, appointmentId);
  await toPatient(trx, ubrn, 'APPOINTMENT_CANCELLED', () => ({ service: a.service, appointment: formatInstant(a.starts_at) }));
}

/** Tells the patient the provider will contact them by the contact-by date; call after the referral is deferred. */
export async function enqueueDeferralNotice(trx: Transaction<DB>, ubrn: string): Promise<void> {
  const d = await trx
    .selectFrom('referral as r')
    .innerJoin('service as s', 's.id', 'r.deferred_service_id')
    .select(['r.contact_by', 's.name as service'])
    .where('r.ubrn', '=', ubrn)
    .executeTakeFirstOrThrow();
  await toPatient(trx, ubrn, 'DEFERRED_TO_PROVIDER', () => ({ service: d.service, contact_by: formatDate(d.contact_by!) }));
}

/** A PIDMAS invitation with a fresh access code, by post always (it is the patient's way in). */
export async function enqueuePidmasInvitation(trx: Transaction<DB>, ubrn: string, accessCode: string, provider: string, link: string): Promise<void> {
  await toPatient(trx, ubrn, 'PIDMAS_INVITATION', (p) => ({ access_code: accessCode, specialty: p.specialty, provider, link }), true);
}

/** A place offered to a patient who asked to move; `expectedFrom` is a calendar date, written as people read it. */
export async function enqueuePidmasOffer(trx: Transaction<DB>, ubrn: string, offer: { provider: string; site: string; distance: string; expectedFrom: string }): Promise<void> {
  const { expectedFrom, ...rest } = offer;
  await toPatient(trx, ubrn, 'PIDMAS_OFFER', () => ({ ...rest, expected: formatDate(expectedFrom) }));
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
