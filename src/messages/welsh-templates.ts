// Cymraeg: the messages written in Welsh for patients who asked for it (the Welsh Language Standards ask that a
// patient who chooses Welsh gets their letters in Welsh). Written for these messages, not machine-translated at
// run time; dates come in Welsh too (see formatDateTimeWelsh). Kinds not written here fall back to the English words.
import type { MessageKind } from '../db/schema.ts';
import { field, type Footer, link, name, type Template } from './template-fields.ts';

/** "â" before a consonant, "ag" before a vowel: cysylltwch â'r feddygfa, cysylltwch ag Ysbyty… */
const withWho = (who: string): string => (/^[aeiouwyâêîôûŵŷ]/i.test(who) ? `ag ${who}` : `â ${who}`);

const templates: Partial<Record<MessageKind, Template>> = {
  REFERRAL_LETTER: (p) => ({
    subject: 'Eich atgyfeiriad GIG: dewiswch ble i gael eich gweld',
    body: [
      `Annwyl ${name(p)},`,
      `Rydych wedi cael eich atgyfeirio at wasanaeth ${field(p, 'specialty')}. Gallwch ddewis o blith ${field(p, 'options_offered')} o ysbytai neu glinigau, a threfnu eich apwyntiad.`,
      `Eich cyfeirnod archebu (UBRN) yw ${field(p, 'ubrn')} a'ch cod mynediad yw ${field(p, 'access_code')}.`,
      `I ddewis a threfnu apwyntiad, ewch i ${link(p)} a nodwch y ddau, gyda'ch dyddiad geni. Cadwch y llythyr hwn yn ddiogel: bydd eu hangen arnoch i newid eich apwyntiad hefyd.`,
    ].join('\n'),
  }),
  BOOKING_CONFIRMATION: (p) => ({
    subject: "Mae eich apwyntiad GIG wedi'i drefnu",
    body: [
      `Annwyl ${name(p)},`,
      `Mae eich apwyntiad wedi'i drefnu yn ${field(p, 'service')}.`,
      `Dyddiad ac amser: ${field(p, 'appointment')}.`,
      `Eich cyfeirnod archebu (UBRN) yw ${field(p, 'ubrn')}. I newid neu ganslo eich apwyntiad, ewch i ${link(p)}.`,
    ].join('\n'),
  }),
  APPOINTMENT_CANCELLED: (p) => ({
    subject: "Mae eich apwyntiad GIG wedi'i ganslo",
    body: [
      `Annwyl ${name(p)},`,
      `Mae eich apwyntiad yn ${field(p, 'service')} wedi'i ganslo.`,
      `Dyddiad ac amser yr apwyntiad: ${field(p, 'appointment')}.`,
      `Gallwch drefnu apwyntiad arall yn ${link(p)} gyda'ch cyfeirnod archebu (UBRN) ${field(p, 'ubrn')}.`,
    ].join('\n'),
  }),
  DEFERRED_TO_PROVIDER: (p) => ({
    subject: 'Eich atgyfeiriad GIG: bydd yr ysbyty yn cysylltu â chi',
    body: [
      `Annwyl ${name(p)},`,
      `Nid oedd apwyntiadau ar gael i'w trefnu yn ${field(p, 'service')}. Byddant yn cysylltu â chi erbyn ${field(p, 'contact_by')} i drefnu un.`,
      `Eich cyfeirnod archebu (UBRN) yw ${field(p, 'ubrn')}. Gallwch weld eich atgyfeiriad yn ${link(p)}.`,
    ].join('\n'),
  }),
  SURVEY_INVITATION: (p) => ({
    subject: 'A gawsoch chi ddewis ble i gael eich gweld?',
    body: [
      `Annwyl ${name(p)},`,
      `Cawsoch eich apwyntiad cyntaf yn ddiweddar ar gyfer ${field(p, 'specialty')}. Dywedwch wrthym a gawsoch chi ddewis go iawn o ble i fynd. Mae'n cymryd tua 3 munud.`,
      `Ewch i ${field(p, 'survey_link')} erbyn ${field(p, 'expires')}. Mae'r ddolen yn gweithio unwaith. Cedwir eich atebion ar wahân i'ch enw a'ch atgyfeiriad, a dim ond cyfansymiau y mae'r GIG yn eu cyhoeddi.`,
      "Nid oes rhaid i chi ateb. Nid yw ateb neu beidio yn newid eich gofal.",
    ].join('\n'),
  }),
};

const footer: Footer = {
  carerCopy: (carer, patient) => `Copi i ${carer} yw hwn: gofynnodd ${patient} i ni anfon eu llythyrau GIG atoch.`,
  call: (who, phone) => `Os oes gennych gwestiwn, neu os na allwch fynd ar-lein, ffoniwch ${who} ar ${phone}.`,
  noPhone: (who) => `Os oes gennych gwestiwn, neu os na allwch fynd ar-lein, cysylltwch ${withWho(who)}. Nid oes gennym eu rhif ffôn: gallwch ddod o hyd iddo yn www.nhs.uk/service-search.`,
  britishSignLanguage: 'Gofynnoch am ddehonglydd Iaith Arwyddion Prydain: bydd yr ysbyty yn trefnu un ar gyfer eich apwyntiad. I ffonio drwy Relay UK, deialwch 18001 cyn y rhif.',
  interpreter: (language) => `Gofynnoch am ddehonglydd (${language}): bydd yr ysbyty yn trefnu un ar gyfer eich apwyntiad, yn rhad ac am ddim.`,
};

export const WELSH = { templates, footer };
