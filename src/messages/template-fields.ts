// What the message templates of every version share: their fields and the shape of a version.

export type Personalisation = Record<string, string | number>;

export type Template = (p: Personalisation) => { subject: string; body: string };

/** What every message to a patient ends with, in one version: whom to call, and the support they asked for. */
export interface Footer {
  /** "This is a copy for the carer", before the message, when it is one. */
  carerCopy: (carer: string, patient: string) => string;
  call: (who: string, phone: string) => string;
  /** No phone number known for `who`: say so, and where to find one. */
  noPhone: (who: string) => string;
  britishSignLanguage: string;
  interpreter: (language: string) => string;
}

/** A personalisation field as text ('' when absent). */
export const field = (p: Personalisation, name: string): string => String(p[name] ?? '');

export const name = (p: Personalisation): string => `${field(p, 'given_name')} ${field(p, 'family_name')}`;

/** Where to manage the referral. The PIDMAS invitation once carried its own `link`; rows queued before still do. */
export const link = (p: Personalisation): string => field(p, 'manage_link') || field(p, 'link');
