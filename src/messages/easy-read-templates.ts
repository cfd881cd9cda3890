// Easy read: short sentences, one idea each, everyday words, the most important thing first (NHS England's
// Accessible Information Standard and Mencap's "Make it clear" guidance). Written for these messages, not made from
// the standard words at run time. Kinds not written here fall back to the standard words.
import type { MessageKind } from '../db/schema.ts';
import { field, type Footer, link, name, type Template } from './template-fields.ts';

const templates: Partial<Record<MessageKind, Template>> = {
  REFERRAL_LETTER: (p) => ({
    subject: 'Your NHS referral: you can choose your hospital',
    body: [
      `Dear ${name(p)},`,
      `You need to see a specialist about ${field(p, 'specialty')}.`,
      'You can choose where you go.',
      `There are ${field(p, 'options_offered')} hospitals or clinics to choose from.`,
      `Your booking number is ${field(p, 'ubrn')}.`,
      `Your access code is ${field(p, 'access_code')}.`,
      `To choose and book, go to ${link(p)} on a computer or phone.`,
      'You need your booking number, your access code and your date of birth.',
      'Keep this letter safe.',
    ].join('\n'),
  }),
  BOOKING_CONFIRMATION: (p) => ({
    subject: 'Your NHS appointment is booked',
    body: [
      `Dear ${name(p)},`,
      'Your appointment is booked.',
      `Where: ${field(p, 'service')}.`,
      `When: ${field(p, 'appointment')}.`,
      `Your booking number is ${field(p, 'ubrn')}.`,
      'If you cannot go, please tell us.',
      `You can change or cancel your appointment at ${link(p)}.`,
    ].join('\n'),
  }),
  APPOINTMENT_CANCELLED: (p) => ({
    subject: 'Your NHS appointment is cancelled',
    body: [
      `Dear ${name(p)},`,
      'Your appointment is cancelled.',
      `It was at ${field(p, 'service')} on ${field(p, 'appointment')}.`,
      `You can book a new appointment at ${link(p)}.`,
      `Your booking number is ${field(p, 'ubrn')}.`,
    ].join('\n'),
  }),
  DEFERRED_TO_PROVIDER: (p) => ({
    subject: 'Your NHS referral: the hospital will contact you',
    body: [
      `Dear ${name(p)},`,
      `There were no appointments to book at ${field(p, 'service')}.`,
      `The hospital will contact you by ${field(p, 'contact_by')}.`,
      'They will give you an appointment.',
      `Your booking number is ${field(p, 'ubrn')}.`,
      `You can see your referral at ${link(p)}.`,
    ].join('\n'),
  }),
  SURVEY_INVITATION: (p) => ({
    subject: 'Did you choose where you were seen?',
    body: [
      `Dear ${name(p)},`,
      `You saw a specialist about ${field(p, 'specialty')}.`,
      'We want to know if you could choose where to go.',
      'Please answer some questions.',
      'It takes about 3 minutes.',
      `Go to ${field(p, 'survey_link')} on a computer or phone.`,
      `Please answer by ${field(p, 'expires')}.`,
      'Your name is not kept with your answers.',
      'You do not have to answer. It does not change your care.',
    ].join('\n'),
  }),
};

const footer: Footer = {
  carerCopy: (carer, patient) => `This is a copy for you, ${carer}. ${patient} asked us to send you their NHS letters.`,
  call: (who, phone) => `Need help? Call ${who} on ${phone}.`,
  noPhone: (who) => `Need help? Ask ${who}. We do not have their phone number. You can find it at www.nhs.uk/service-search.`,
  britishSignLanguage: 'You asked for a British Sign Language interpreter. The hospital will book one for you. To phone with Relay UK, dial 18001 and then the number.',
  interpreter: (language) => `You asked for an interpreter for ${language}. The hospital will book one for you. It is free.`,
};

export const EASY_READ = { templates, footer };
