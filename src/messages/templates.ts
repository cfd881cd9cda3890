// The words of each message. GOV.UK Notify holds its own copy of these templates (one per kind, channel and
// version, ids in NOTIFY_TEMPLATE_IDS) and fills in the same personalisation fields; the local channel renders them
// here. Each message to a patient (or their carer) ends the same way: where to manage the referral online and whom
// to call. The easy read and Welsh versions are written, not translated at run time: ./easy-read-templates.ts and
// ./welsh-templates.ts.
import type { MessageKind } from '../db/schema.ts';
import type { LetterVersion } from '../domain/communication-needs.ts';
import { EASY_READ } from './easy-read-templates.ts';
import { field, type Footer, link, name, type Personalisation, type Template } from './template-fields.ts';
import { WELSH } from './welsh-templates.ts';

export type { Personalisation } from './template-fields.ts';

/** What an access code looks like once redacted, in stored copies and in anything shown to staff. */
export const ACCESS_CODE_MASK = '••••-••••';

// Fields that must not outlive the sending: the access code lets anyone with the UBRN and date of birth in.
// The survey link's token is a way in too (once, for the survey), and goes the same way.
const SECRET_FIELDS = ['access_code', 'survey_token'] as const;

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

/** Where patients manage their referral: the service's public address (PUBLIC_URL) and the path. */
export const manageLink = (publicUrl: string): string => `${publicUrl.replace(/\/$/, '')}/manage`;

/**
 * The fields added as a message is sent rather than when it is queued: the service's address is a setting, and a
 * message waiting in the outbox when it changes goes out with the address that works.
 */
export function withServiceAddress(p: Personalisation, publicUrl: string): Personalisation {
  const survey: Personalisation = p.survey_token ? { survey_link: `${publicUrl.replace(/\/$/, '')}/survey/${p.survey_token}` } : {};
  return { ...p, manage_link: manageLink(publicUrl), ...survey };
}

/** Messages to providers: they carry no patient details and no patient's footer. */
const TO_PROVIDERS: ReadonlySet<MessageKind> = new Set(['CONTACT_BY_REMINDER', 'DEFERRAL_OVERDUE']);

const STANDARD: Record<MessageKind, Template> = {
  REFERRAL_LETTER: (p) => ({
    subject: 'Your NHS referral: choose where to be seen',
    body: [
      `Dear ${name(p)},`,
      // A referral sent to a referral assessment service has no options until the centre offers them.
      Number(p.options_offered) > 0
        ? `You have been referred for ${field(p, 'specialty')}. You can choose from ${field(p, 'options_offered')} hospitals or clinics and book your appointment.`
        : `You have been referred for ${field(p, 'specialty')}. Your referral is being assessed first. If you need to see a consultant, you will be offered at least 5 hospitals or clinics to choose from, and can then book your appointment.`,
      `Your booking reference number (UBRN) is ${field(p, 'ubrn')} and your access code is ${field(p, 'access_code')}.`,
      `To choose and book, go to ${link(p)} and enter both, with your date of birth. Keep this letter safe: you need them to change your appointment too.`,
    ].join('\n'),
  }),
  BOOKING_CONFIRMATION: (p) => ({
    subject: 'Your NHS appointment is booked',
    body: [
      `Dear ${name(p)},`,
      `Your appointment at ${field(p, 'service')} is on ${field(p, 'appointment')}.`,
      `Your booking reference number (UBRN) is ${field(p, 'ubrn')}. To change or cancel your appointment, go to ${link(p)}.`,
    ].join('\n'),
  }),
  APPOINTMENT_CANCELLED: (p) => ({
    subject: 'Your NHS appointment is cancelled',
    body: [
      `Dear ${name(p)},`,
      `Your appointment at ${field(p, 'service')} on ${field(p, 'appointment')} has been cancelled.`,
      `You can book another at ${link(p)} with your booking reference number (UBRN) ${field(p, 'ubrn')}.`,
    ].join('\n'),
  }),
  DEFERRED_TO_PROVIDER: (p) => ({
    subject: 'Your NHS referral: the hospital will contact you',
    body: [
      `Dear ${name(p)},`,
      `There were no appointments free to book at ${field(p, 'service')}. They will contact you by ${field(p, 'contact_by')} to arrange one.`,
      `Your booking reference number (UBRN) is ${field(p, 'ubrn')}. You can see your referral at ${link(p)}.`,
    ].join('\n'),
  }),
  PIDMAS_INVITATION: (p) => ({
    subject: 'You can ask to be treated by another NHS provider',
    body: [
      `Dear ${name(p)},`,
      `You have waited a long time for ${field(p, 'specialty')} at ${field(p, 'provider')}. You can ask to move to another provider who may treat you sooner. You keep your place on the waiting list whatever happens.`,
      `To ask, go to ${link(p)} and sign in with your booking reference number (UBRN) ${field(p, 'ubrn')}, your access code ${field(p, 'access_code')} and your date of birth.`,
    ].join('\n'),
  }),
  // The patient may never have had an access code (a waiting list loaded from a provider's system gives none), so
  // the offer brings a new one: without it the patient could not sign in to accept.
  PIDMAS_OFFER: (p) => ({
    subject: 'An NHS provider can see you sooner',
    body: [
      `Dear ${name(p)},`,
      `${field(p, 'provider')} can see you at ${field(p, 'site')}, ${field(p, 'distance')} from your home, expected from ${field(p, 'expected')}.`,
      `To accept or decline, go to ${link(p)} and sign in with your booking reference number (UBRN) ${field(p, 'ubrn')}, your access code ${field(p, 'access_code')} and your date of birth. This access code replaces any you had before. If you decline you keep your place where you are.`,
    ].join('\n'),
  }),
  PIDMAS_NO_MATCH: (p) => ({
    subject: 'Your request to move: no provider found yet',
    body: [
      `Dear ${name(p)},`,
      'We have not found another provider who can see you sooner within the distance you said you would travel. You keep your place on your current waiting list, and we will keep looking while your request is open.',
      `Your booking reference number (UBRN) is ${field(p, 'ubrn')}. You can see your request at ${link(p)}.`,
    ].join('\n'),
  }),
  PIDMAS_NOT_SUITABLE: (p) => ({
    subject: 'Your request to move provider',
    body: [
      `Dear ${name(p)},`,
      `Your clinical team has reviewed your request and it is not suitable for you to move: ${field(p, 'reason')}. You keep your place on your current waiting list.`,
      `Your booking reference number (UBRN) is ${field(p, 'ubrn')}. You can see your referral at ${link(p)}.`,
    ].join('\n'),
  }),
  TRANSFERRED: (p) => ({
    subject: 'Your NHS referral has moved',
    body: [
      `Dear ${name(p)},`,
      `Your referral for ${field(p, 'specialty')} has moved to ${field(p, 'service')}. The time you have already waited still counts.`,
      `Your new booking reference number (UBRN) is ${field(p, 'ubrn')} and your access code is ${field(p, 'access_code')}. Use them at ${link(p)} with your date of birth. Keep this letter safe.`,
    ].join('\n'),
  }),
  // The survey of meaningful choice: its link is the way in (no sign-in), so no UBRN is needed to answer.
  SURVEY_INVITATION: (p) => ({
    subject: 'Were you given a choice of where to be seen?',
    body: [
      `Dear ${name(p)},`,
      `You recently had your first appointment for ${field(p, 'specialty')}. Please tell us whether you were given a real choice of where to go. It takes about 3 minutes.`,
      `Go to ${field(p, 'survey_link')} by ${field(p, 'expires')}. The link works once. Your answers are kept apart from your name and your referral, and the NHS publishes only totals.`,
      'You do not have to answer. Answering or not does not change your care.',
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

const STANDARD_FOOTER: Footer = {
  carerCopy: (carer, patient) => `This is a copy for ${carer}: ${patient} asked us to send you their NHS letters.`,
  call: (who, phone) => `If you have a question, or cannot go online, call ${who} on ${phone}.`,
  noPhone: (who) => `If you have a question, or cannot go online, contact ${who}. We do not have their phone number: you can find it at www.nhs.uk/service-search.`,
  britishSignLanguage: 'You asked for a British Sign Language interpreter: the hospital will book one for your appointment. To phone through Relay UK, dial 18001 before the number.',
  interpreter: (language) => `You asked for an interpreter for ${language}: the hospital will book one for your appointment, free of charge.`,
};

const VERSIONS: Record<LetterVersion, { templates: Partial<Record<MessageKind, Template>>; footer: Footer }> = {
  standard: { templates: STANDARD, footer: STANDARD_FOOTER },
  'easy-read': EASY_READ,
  welsh: WELSH,
};

export const versionOf = (p: Personalisation): LetterVersion => {
  const v = field(p, 'version');
  return v === 'easy-read' || v === 'welsh' ? v : 'standard';
};

/** The lines after the message: help and whom to call, an interpreter. */
function footerLines(p: Personalisation, footer: Footer = VERSIONS[versionOf(p)].footer): string[] {
  const who = field(p, 'contact_name');
  const phone = field(p, 'contact_phone');
  const lines = [];
  if (who) lines.push(phone ? footer.call(who, phone) : footer.noPhone(who));
  if (field(p, 'bsl') === 'yes') lines.push(footer.britishSignLanguage);
  if (field(p, 'interpreter')) lines.push(footer.interpreter(field(p, 'interpreter')));
  return lines;
}

/** What every message ends with, for a page that shows a letter in its own layout (the referral letter page). */
export const helpLines = (p: Personalisation): string[] => footerLines(p);

/**
 * The message as the recipient reads it, in the version the patient asked for (a kind not written in that
 * version falls back to the standard words); a text message has no subject.
 */
export function render(kind: MessageKind, channel: 'letter' | 'email' | 'sms', personalisation: Personalisation): Rendered {
  const version = VERSIONS[versionOf(personalisation)];
  const written = version.templates[kind];
  const { subject, body } = (written ?? STANDARD[kind])(personalisation);
  if (TO_PROVIDERS.has(kind)) return { subject: channel === 'sms' ? null : subject, body };
  // One language a message: a kind not written in the version keeps the standard footer too.
  const footer = written ? version.footer : STANDARD_FOOTER;
  const carer = field(personalisation, 'carer_name');
  const lines = [...(carer ? [footer.carerCopy(carer, name(personalisation))] : []), body, ...footerLines(personalisation, footer)];
  return { subject: channel === 'sms' ? null : subject, body: lines.join('\n') };
}
