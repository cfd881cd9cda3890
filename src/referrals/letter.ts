// The patient's letter, to print: their reference number and access code (which exist in clear only when the
// referral is made or moved, so this page is shown then and only then), where to manage the referral (the
// service's public address), whom to call, and the services they can choose from. It comes in each version the
// posted letter does (standard, easy read, Welsh: the same words, from the message templates) and in large print
// as a PDF; the version the patient asked for comes first.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { type LetterVersion, letterVersion, interpreterLanguage, LETTER_VERSIONS } from '../domain/communication-needs.ts';
import { type Block, largePrintPdf } from '../messages/large-print-pdf.ts';
import { bookingConfirmationFields } from '../messages/patient-messages.ts';
import { helpLines, manageLink, type Personalisation, render, withServiceAddress } from '../messages/templates.ts';
import { whoToCall } from '../messages/who-to-call.ts';
import { formatKm, formatMiles, formatWeeks } from '../web/filters.ts';
import { sendPage } from '../web/page.ts';
import { withPatient } from './least-data.ts';
import type { Referral } from './schemas.ts';

/** Where the letter is (its versions are `?version=`) and where its large print PDF is, if it has one. */
export interface LetterPlace {
  href: string;
  pdfHref: string | null;
  back: string;
}

// The words around the list of services, in each version; the rest of the letter is the message template's.
const SERVICES: Record<LetterVersion, { heading: string; lang: string; item: (o: Referral['shortlist'][number]) => string }> = {
  standard: {
    heading: 'The services you can choose from',
    lang: 'en-GB',
    item: (o) => `${o.service.name}, ${o.service.site.name}${o.service.site.postcode ? `, ${o.service.site.postcode}` : ''}. Typical wait ${typeof o.indicativeWaitWeeks === 'number' ? formatWeeks(o.indicativeWaitWeeks) : 'not published'}; ${formatMiles(o.distanceMiles)} (${formatKm(o.distanceKm)}) away.`,
  },
  'easy-read': {
    heading: 'Places you can choose',
    lang: 'en-GB',
    item: (o) => `${o.service.name}. ${o.service.site.name}${o.service.site.postcode ? `, ${o.service.site.postcode}` : ''}. Wait: ${typeof o.indicativeWaitWeeks === 'number' ? `about ${formatWeeks(Math.round(o.indicativeWaitWeeks))}` : 'not known'}. Distance: ${formatMiles(o.distanceMiles)}.`,
  },
  welsh: {
    heading: "Y gwasanaethau y gallwch ddewis ohonynt",
    lang: 'cy',
    // Welsh counts in the singular after a number: 12 wythnos, 3.5 milltir.
    item: (o) => `${o.service.name}, ${o.service.site.name}${o.service.site.postcode ? `, ${o.service.site.postcode}` : ''}. Amser aros arferol: ${typeof o.indicativeWaitWeeks === 'number' ? `${Math.round(o.indicativeWaitWeeks * 10) / 10} wythnos` : 'heb ei gyhoeddi'}; ${Math.round(o.distanceMiles * 10) / 10} milltir i ffwrdd.`,
  },
};

const VERSION_NAMES: Record<LetterVersion, { text: string; lang: string }> = {
  standard: { text: 'English', lang: 'en-GB' },
  'easy-read': { text: 'Easy read', lang: 'en-GB' },
  welsh: { text: 'Cymraeg (Welsh)', lang: 'cy' },
};

/** The letter in one version: its title and paragraphs, as the posted letter says them, and the services. */
async function letterIn(deps: Deps, referral: Referral, accessCode: string, version: LetterVersion) {
  const contact = await whoToCall(deps.database.db, referral.ubrn);
  const needs = referral.communicationNeeds;
  const fields: Personalisation = {
    // Letters go to the patient, from the referrer or the patient's own pages: never written for a provider.
    given_name: withPatient(referral).patient.givenName,
    family_name: withPatient(referral).patient.familyName,
    ubrn: referral.ubrn,
    access_code: accessCode,
    specialty: referral.specialty.name,
    options_offered: referral.optionsOffered,
    version,
    contact_name: contact.name,
    contact_phone: contact.phone ?? '',
    bsl: needs?.britishSignLanguage ? 'yes' : '',
    interpreter: interpreterLanguage(needs) ?? '',
    manage_link: manageLink(deps.config.publicUrl),
  };
  const { subject, body } = render('REFERRAL_LETTER', 'letter', fields);
  const words = SERVICES[version];
  return {
    title: subject ?? '',
    paragraphs: body.split('\n'),
    /** whom to call and the support asked for, as the posted letter ends */
    help: helpLines(fields),
    lang: words.lang,
    servicesHeading: words.heading,
    services: referral.shortlist.map(words.item),
    manageLink: fields.manage_link,
  };
}

const versionAsked = (request: FastifyRequest, referral: Referral): LetterVersion => {
  const asked = (request.query as { version?: unknown } | undefined)?.version;
  return (LETTER_VERSIONS as readonly unknown[]).includes(asked) ? (asked as LetterVersion) : letterVersion(referral.communicationNeeds);
};

export async function sendLetter(deps: Deps, request: FastifyRequest, reply: FastifyReply, referral: Referral, accessCode: string, place: LetterPlace): Promise<FastifyReply> {
  const version = versionAsked(request, referral);
  const letter = await letterIn(deps, referral, accessCode, version);
  const versions = LETTER_VERSIONS.map((v) => ({ ...VERSION_NAMES[v], value: v, href: `${place.href}?version=${v}`, current: v === version }));
  return sendPage(request, reply, version === 'standard' ? 'letter.njk' : 'letter-version.njk', {
    title: version === 'standard' ? 'Your NHS referral' : letter.title,
    referral,
    accessCode,
    back: place.back,
    letter,
    version,
    versions,
    pdfHref: place.pdfHref ? `${place.pdfHref}?version=${version}` : null,
    largePrint: referral.communicationNeeds?.largePrint ?? false,
  });
}

/** A PDF, inline so that the browser shows it; never stored by a cache (it is the patient's). */
const sendPdf = (reply: FastifyReply, pdf: Buffer, name: string) =>
  reply.type('application/pdf').header('content-disposition', `inline; filename="${name}"`).header('cache-control', 'no-store').send(pdf);

/** The letter in large print, as a PDF to print or send. */
export async function sendLetterPdf(deps: Deps, request: FastifyRequest, reply: FastifyReply, referral: Referral, accessCode: string): Promise<FastifyReply> {
  const letter = await letterIn(deps, referral, accessCode, versionAsked(request, referral));
  const blocks: Block[] = [...letter.paragraphs, { heading: letter.servicesHeading }, { list: letter.services }];
  return sendPdf(reply, await largePrintPdf({ title: letter.title, lang: letter.lang, blocks }), `nhs-referral-${referral.ubrn}-large-print.pdf`);
}

/** The booking confirmation, as the posted letter words it, in large print: for the patient to print. */
export async function sendConfirmationPdf(deps: Deps, request: FastifyRequest, reply: FastifyReply, referral: Referral & { appointment: { id: string } }): Promise<FastifyReply> {
  const version = versionAsked(request, referral);
  const fields = await bookingConfirmationFields(deps.database.db, referral.ubrn, referral.appointment.id, version);
  const { subject, body } = render('BOOKING_CONFIRMATION', 'letter', withServiceAddress(fields, deps.config.publicUrl));
  return sendPdf(reply, await largePrintPdf({ title: subject ?? '', lang: SERVICES[version].lang, blocks: body.split('\n') }), `nhs-appointment-${referral.ubrn}-large-print.pdf`);
}

/** Links to the booking confirmation in each version, as large print PDFs. */
export const confirmationVersions = (href: string) => LETTER_VERSIONS.map((v) => ({ ...VERSION_NAMES[v], value: v, href: `${href}?version=${v}` }));
