// The communication needs question, as the referrer asks it when referring and the patient answers it in Manage
// Your Referral: one form, read one way, worded for its reader (staff: "the patient"; the patient: "you").
import { z } from 'zod';
import { type CommunicationNeeds, LANGUAGES, NO_NEEDS } from '../../domain/communication-needs.ts';
import type { Audience } from '../../domain/wording.ts';
import { checkboxes, type FormValues, readForm, text } from '../../web/forms.ts';
import { UK_PHONE } from '../schemas.ts';

export const NEEDS_FIELDS = {
  formats: checkboxes(5),
  language: text(3),
  carer: text(3),
  carerName: text(100),
  carerPhone: text(20),
  carerEmail: text(254),
};
export type NeedsValues = FormValues<typeof NEEDS_FIELDS>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const FORMATS = ['largePrint', 'easyRead', 'britishSignLanguage'] as const;

function needsSchema(audience: Audience) {
  const whose = audience === 'patient' ? 'your' : "the patient's";
  return z
    .object({
      formats: z.array(z.string()).transform((v) => v.filter((f): f is (typeof FORMATS)[number] => (FORMATS as readonly string[]).includes(f))),
      language: z.string().refine((v) => v === '' || v === 'en' || LANGUAGES.some((l) => l.code === v), 'Select a language from the list'),
      carer: z.string(),
      carerName: z.string(),
      carerPhone: z.string(),
      carerEmail: z.string(),
    })
    .superRefine((v, ctx) => {
      if (v.carer !== 'yes') return;
      if (!v.carerName) ctx.addIssue({ code: 'custom', path: ['carerName'], message: `Enter the name of ${whose} carer` });
      if (v.carerPhone && !UK_PHONE.test(v.carerPhone)) ctx.addIssue({ code: 'custom', path: ['carerPhone'], message: 'Enter a UK phone number, like 0113 496 0000 or 07700 900 982' });
      if (v.carerEmail && !EMAIL.test(v.carerEmail)) ctx.addIssue({ code: 'custom', path: ['carerEmail'], message: 'Enter an email address in the correct format, like name@example.com' });
      if (!v.carerPhone && !v.carerEmail) ctx.addIssue({ code: 'custom', path: ['carerPhone'], message: `Enter a phone number or an email address for ${whose} carer` });
    })
    .transform((v): CommunicationNeeds => ({
      largePrint: v.formats.includes('largePrint'),
      easyRead: v.formats.includes('easyRead'),
      britishSignLanguage: v.formats.includes('britishSignLanguage'),
      language: v.language === '' || v.language === 'en' ? null : v.language,
      carer: v.carer === 'yes' ? { name: v.carerName, phone: v.carerPhone || null, email: v.carerEmail || null } : null,
    }));
}

export const readNeeds = (body: unknown, audience: Audience) => readForm(NEEDS_FIELDS, needsSchema(audience), body);

/** The form's values for needs already recorded (or none), to show them again. */
export function needsValues(needs: CommunicationNeeds | null): NeedsValues {
  const n = needs ?? NO_NEEDS;
  return {
    formats: FORMATS.filter((f) => n[f]),
    language: n.language ?? '',
    carer: n.carer ? 'yes' : '',
    carerName: n.carer?.name ?? '',
    carerPhone: n.carer?.phone ?? '',
    carerEmail: n.carer?.email ?? '',
  };
}

/** What the view needs besides the values: the choices, worded for the reader, with what was chosen. */
export function needsChoices(values: Partial<NeedsValues>, audience: Audience) {
  const you = audience === 'patient';
  const formats = values.formats ?? [];
  return {
    formatItems: [
      { value: 'largePrint', text: 'Large print', hint: { text: 'Letters printed in large type (18 point), as a PDF to print too' } },
      { value: 'easyRead', text: 'Easy read', hint: { text: 'Short sentences and everyday words' } },
      { value: 'britishSignLanguage', text: 'British Sign Language', hint: { text: `An interpreter at ${you ? 'your' : 'their'} appointments` } },
    ].map((i) => ({ ...i, checked: formats.includes(i.value) })),
    languageItems: [
      { value: '', text: 'English', selected: !values.language },
      ...LANGUAGES.map((l) => ({ value: l.code, text: `${l.name} (${l.ownName})`, selected: values.language === l.code })),
    ],
  };
}
