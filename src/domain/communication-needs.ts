// A patient's communication needs under the Accessible Information Standard (NHS England, DCB1605): recorded once
// on the referral and honoured in every letter and message. Pure rules: which written version a letter takes.

/** A UK mobile number as people write it: 07… or +44 7…, spaces allowed. Texts go only to these. */
export const UK_MOBILE = /^(\+44\s?7|07)[\d\s]{9,11}$/;

export interface Carer {
  name: string;
  phone: string | null;
  email: string | null;
}

export interface CommunicationNeeds {
  largePrint: boolean;
  easyRead: boolean;
  /** The language the patient reads and speaks (ISO 639 code), when it is not English. */
  language: string | null;
  britishSignLanguage: boolean;
  /** Someone the patient wants contacted too: they get a copy of every message. */
  carer: Carer | null;
}

export const NO_NEEDS: CommunicationNeeds = { largePrint: false, easyRead: false, language: null, britishSignLanguage: false, carer: null };

/**
 * Languages offered on the pages: Welsh, which letters are written in, and the languages most asked for in
 * West Yorkshire's interpreting services. The API takes any ISO 639 code.
 */
export const LANGUAGES: readonly { code: string; name: string; ownName: string }[] = [
  { code: 'cy', name: 'Welsh', ownName: 'Cymraeg' },
  { code: 'ar', name: 'Arabic', ownName: 'العربية' },
  { code: 'bn', name: 'Bengali', ownName: 'বাংলা' },
  { code: 'zh', name: 'Chinese', ownName: '中文' },
  { code: 'ku', name: 'Kurdish', ownName: 'Kurdî' },
  { code: 'pl', name: 'Polish', ownName: 'Polski' },
  { code: 'pa', name: 'Punjabi', ownName: 'ਪੰਜਾਬੀ' },
  { code: 'ro', name: 'Romanian', ownName: 'Română' },
  { code: 'so', name: 'Somali', ownName: 'Soomaali' },
  { code: 'ur', name: 'Urdu', ownName: 'اردو' },
];

export const languageName = (code: string): string => LANGUAGES.find((l) => l.code === code)?.name ?? code;

/** The written versions of letters and messages: English, English easy read, Welsh. */
export const LETTER_VERSIONS = ['standard', 'easy-read', 'welsh'] as const;
export type LetterVersion = (typeof LETTER_VERSIONS)[number];

/**
 * The version a patient's letters are written in. Welsh when that is their language (a patient in Wales has the
 * right to it; there is no Welsh easy read yet, so Welsh wins over easy read), easy read when asked for, English
 * otherwise: a patient who reads another language gets English and an interpreter, as the letter says.
 */
export function letterVersion(needs: CommunicationNeeds | null): LetterVersion {
  if (!needs) return 'standard';
  if (needs.language === 'cy') return 'welsh';
  return needs.easyRead ? 'easy-read' : 'standard';
}

/** An interpreter is needed for a language no letter is written in (British Sign Language is asked for on its own). */
export function interpreterLanguage(needs: CommunicationNeeds | null): string | null {
  return needs?.language && needs.language !== 'cy' ? languageName(needs.language) : null;
}

/** Whether anything was asked for: no needs and "none recorded" are the same to the patient. */
export function hasNeeds(needs: CommunicationNeeds | null): boolean {
  return !!needs && (needs.largePrint || needs.easyRead || needs.language !== null || needs.britishSignLanguage || needs.carer !== null);
}

/** A stored value (JSON from the database) as needs, or null: tolerant of rows written before a field existed. */
export function needsFrom(stored: unknown): CommunicationNeeds | null {
  if (!stored || typeof stored !== 'object') return null;
  const s = stored as Partial<CommunicationNeeds>;
  const needs: CommunicationNeeds = {
    largePrint: s.largePrint === true,
    easyRead: s.easyRead === true,
    language: typeof s.language === 'string' && s.language !== 'en' ? s.language : null,
    britishSignLanguage: s.britishSignLanguage === true,
    carer: s.carer && typeof s.carer.name === 'string' ? { name: s.carer.name, phone: s.carer.phone ?? null, email: s.carer.email ?? null } : null,
  };
  return hasNeeds(needs) ? needs : null;
}
