// The words of each message. GOV.UK Notify holds its own copy of these templates (one per kind and channel, ids
// in NOTIFY_TEMPLATE_IDS) and fills in the same personalisation fields; the local channel renders them here.
import type { MessageKind } from '../db/schema.ts';

export type Personalisation = Record<string, string | number>;

/** What an access code looks like once redacted, in stored copies and in anything shown to staff. */
export const ACCESS_CODE_MASK = '••••-••••';

// Fields that must not outlive the sending: the access code lets anyone with the UBRN and date of birth in.
const SECRET_FIELDS = ['access_code'] as const;

/** The personalisation with every secret field replaced by the mask: what is kept after a message is sent. */
export function redact(personalisation: Personalisation): Personalisation {
  const copy = { ...personalisation };
  for (const field of SECRET_FIELDS) if (field in copy) copy[field] = ACCESS_CODE_MASK;
  return copy;
}

// Access codes as generateAccessCode makes them (4 + 4 of an unambiguous alphabet): a second line of defence for
// text shown to staff, in case a secret ever reaches a free-text field.
const ACCESS_CODE_PATTERN = /\b[A-Z0-9]{4}-[A-Z0-9]{4}\b/g;

export function maskAccessCodes(text: string): string {
  return text.replace(ACCESS_CODE_PATTERN, ACCESS_CODE_MASK);
}

export interface Rendered {
  subject: string | null;
  body: string;
}

const field = (p: Personalisation, name: string): string => String(p[name] ?? '');

const TEMPLATES: Record<MessageKind, (p: Personalisation) => { subject: string; body: string }> = {
  REFERRAL_LETTER: (p) => ({
    subject: 'Your NHS referral: choose where to be seen',
    body: [
      `Dear ${field(p, 'given_name')} ${field(p, 'family_name')},`,
      // A referral sent to a referral assessment service has no options until the centre offers them.
      Number(p.options_offered) > 0
        ? `You have been referred for ${field(p, 'specialty')}. You can choose from ${field(p, 'options_offered')} hospitals or clinics and book your appointment.`
        : `You have been referred for ${field(p, 'specialty')}. Your referral is being assessed first. If you need to see a consultant, you will be offered at least 5 hospitals or clinics to choose from, and can then book your appointment.`,
      `Your booking reference number (UBRN) is ${field(p, 'ubrn')} and your access code is ${field(p, 'access_code')}.`,
      'Keep this letter safe: you need both, with your date of birth, to book.',
    ].join('\n'),
  }),
  BOOKING_CONFIRMATION: (p) => ({
    subject: 'Your NHS appointment is booked',
    body: [
      `Dear ${field(p, 'given_name')} ${field(p, 'family_name')},`,
      `Your appointment at ${field(p, 'service')} is on ${field(p, 'appointment')}.`,
      `Your booking reference number (UBRN) is ${field(p, 'ubrn')}.`,
    ].join('\n'),
  }),
  APPOINTMENT_CANCELLED: (p) => ({
    subject: 'Your NHS appointment is cancelled',
    body: [
      `Dear ${field(p, 'given_name')} ${field(p, 'family_name')},`,
      `Your appointment at ${field(p, 'service')} on ${field(p, 'appointment')} has been cancelled.`,
      `You can book another with your booking reference number (UBRN) ${field(p, 'ubrn')}.`,
    ].join('\n'),
  }),
  DEFERRED_TO_PROVIDER: (p) => ({
    subject: 'Your NHS referral: the hospital will contact you',
    body: [
      `Dear ${field(p, 'given_name')} ${field(p, 'family_name')},`,
      `There were no appointments free to book at ${field(p, 'service')}. They will contact you by ${field(p, 'contact_by')} to arrange one.`,
      `Your booking reference number (UBRN) is ${field(p, 'ubrn')}.`,
    ].join('\n'),
  }),
  PIDMAS_INVITATION: (p) => ({
    subject: 'You can ask to be treated by another NHS provider',
    body: [
      `Dear ${field(p, 'given_name')} ${field(p, 'family_name')},`,
      `You have waited a long time for ${field(p, 'specialty')} at ${field(p, 'provider')}. You can ask to move to another provider who may treat you sooner. You keep your place on the waiting list whatever happens.`,
      `To ask, go to ${field(p, 'link')} and sign in with your booking reference number (UBRN) ${field(p, 'ubrn')}, your access code ${field(p, 'access_code')} and your date of birth.`,
    ].join('\n'),
  }),
  PIDMAS_OFFER: (p) => ({
    subject: 'An NHS provider can see you sooner',
    body: [
      `Dear ${field(p, 'given_name')} ${field(p, 'family_name')},`,
      `${field(p, 'provider')} can see you at ${field(p, 'site')}, ${field(p, 'distance')} from your home, expected from ${field(p, 'expected')}.`,
      `Sign in with your booking reference number (UBRN) ${field(p, 'ubrn')} to accept or decline. If you decline you keep your place where you are.`,
    ].join('\n'),
  }),
  PIDMAS_NO_MATCH: (p) => ({
    subject: 'Your request to move: no provider found yet',
    body: [
      `Dear ${field(p, 'given_name')} ${field(p, 'family_name')},`,
      'We have not found another provider who can see you sooner within the distance you said you would travel. You keep your place on your current waiting list, and we will keep looking while your request is open.',
      `Your booking reference number (UBRN) is ${field(p, 'ubrn')}.`,
    ].join('\n'),
  }),
  PIDMAS_NOT_SUITABLE: (p) => ({
    subject: 'Your request to move provider',
    body: [
      `Dear ${field(p, 'given_name')} ${field(p, 'family_name')},`,
      `Your clinical team has reviewed your request and it is not suitable for you to move: ${field(p, 'reason')}. You keep your place on your current waiting list.`,
      `Your booking reference number (UBRN) is ${field(p, 'ubrn')}.`,
    ].join('\n'),
  }),
  TRANSFERRED: (p) => ({
    subject: 'Your NHS referral has moved',
    body: [
      `Dear ${field(p, 'given_name')} ${field(p, 'family_name')},`,
      `Your referral for ${field(p, 'specialty')} has moved to ${field(p, 'service')}. The time you have already waited still counts.`,
      `Your new booking reference number (UBRN) is ${field(p, 'ubrn')} and your access code is ${field(p, 'access_code')}. Keep this letter safe.`,
    ].join('\n'),
  }),
  // To providers: the UBRN is enough to find the referral on the ASI worklist; no patient details.
  CONTACT_BY_REMINDER: (p) => ({
    subject: `Appointment slot issue: contact the patient by ${field(p, 'contact_by')}`,
    body: [
      `Referral ${field(p, 'ubrn')} was deferred to ${field(p, 'service')} because no slot could be booked.`,
      `The patient must be contacted by ${field(p, 'contact_by')} (${field(p, 'days_left')} days left). See your ASI worklist.`,
    ].join('\n'),
  }),
  DEFERRAL_OVERDUE: (p) => ({
    subject: `Overdue appointment slot issue: referral ${field(p, 'ubrn')}`,
    body: [
      `Referral ${field(p, 'ubrn')} was deferred to ${field(p, 'service')}, and the patient was to be contacted by ${field(p, 'contact_by')}.`,
      `It is ${field(p, 'days_overdue')} days overdue and has been escalated. See your ASI worklist.`,
    ].join('\n'),
  }),
};

/** The message as the recipient reads it; a text message has no subject. */
export function render(kind: MessageKind, channel: 'letter' | 'email' | 'sms', personalisation: Personalisation): Rendered {
  const { subject, body } = TEMPLATES[kind](personalisation);
  return { subject: channel === 'sms' ? null : subject, body };
}
