// The forms of the referral notices' pages: a prior-approval rule, ending one, a capacity notice and the ICB's
// transport policy. Each is read the one way (src/web/forms.ts) with messages written to the NHS error patterns;
// the service checks the same again.
import { z } from 'zod';
import type { DateParts } from '../web/forms.ts';
import { calendarDate, dateInput, emptyDate, type FormValues, readForm, required, text, whenValid } from '../web/forms.ts';
import { LIMITS, NOTICE_KINDS, PHONE } from './service.ts';

const parts = z.object({ day: z.string(), month: z.string(), year: z.string() });

/** An optional date: empty boxes are none; otherwise a real date. */
const optionalDate = (invalid: string) =>
  parts.transform((p, ctx) => {
    if (!p.day && !p.month && !p.year) return null;
    const parsed = calendarDate({ empty: invalid, invalid }).safeParse(p);
    if (parsed.success) return parsed.data;
    ctx.addIssue({ code: 'custom', path: parsed.error.issues[0]?.path ?? ['day'], message: parsed.error.issues[0]!.message });
    return z.NEVER;
  });

const within = (max: number, what: string) => z.string().max(max, `${what} must be ${max} characters or fewer`);

/** The end on or after the start, once both are read. */
function endAfterStart(message: string) {
  return [(v: { startsOn: string; endsOn: string | null }, ctx: z.RefinementCtx) => {
    if (v.endsOn !== null && v.endsOn < v.startsOn) ctx.addIssue({ code: 'custom', path: ['endsOn', 'day'], message });
  }, whenValid('startsOn', 'endsOn')] as const;
}

// ---------------------------------------------------------------- a prior-approval rule

export const RULE_FIELDS = {
  specialty: text(10),
  procedure: text(LIMITS.procedure + 1),
  criteria: text(LIMITS.criteria + 1),
  howToApply: text(LIMITS.howToApply + 1),
  startsOn: dateInput(),
  endsOn: dateInput(),
};
export type RuleValues = FormValues<typeof RULE_FIELDS>;
export const emptyRule = (): RuleValues => ({ specialty: '', procedure: '', criteria: '', howToApply: '', startsOn: emptyDate(), endsOn: emptyDate() });

export function readRuleForm(body: unknown, specialties: ReadonlySet<string>) {
  const schema = z.object({
    specialty: z.string().refine((s) => specialties.has(s), 'Select the specialty that needs prior approval'),
    procedure: within(LIMITS.procedure, 'The procedure'),
    criteria: required('Enter the criteria the ICB approves against').pipe(within(LIMITS.criteria, 'The criteria')),
    howToApply: required('Enter how the referrer applies for approval').pipe(within(LIMITS.howToApply, 'How to apply')),
    startsOn: calendarDate({ empty: 'Enter the date the rule starts', invalid: 'The start date must be a real date' }),
    endsOn: optionalDate('The end date must be a real date'),
  }).superRefine(...endAfterStart('The end date must be the same as or after the start date'))
    .transform((v) => ({ ...v, procedure: v.procedure || null }));
  return readForm(RULE_FIELDS, schema, body);
}

export const END_FIELDS = { endsOn: dateInput() };
export function readEndForm(body: unknown) {
  return readForm(END_FIELDS, z.object({ endsOn: calendarDate({ empty: 'Enter the last day the rule is in force', invalid: 'The last day must be a real date' }) }), body);
}

/** The form's date boxes for a stored date (or none). */
export function dateParts(iso: string | null): DateParts {
  if (!iso) return emptyDate();
  const [year, month, day] = iso.split('-');
  return { day: String(Number(day)), month: String(Number(month)), year: year! };
}

// ---------------------------------------------------------------- a capacity notice

export const NOTICE_FIELDS = {
  kind: text(20),
  specialty: text(10),
  provider: text(10),
  service: text(40),
  title: text(LIMITS.title + 1),
  body: text(LIMITS.body + 1),
  startsOn: dateInput(),
  endsOn: dateInput(),
};
export type NoticeValues = FormValues<typeof NOTICE_FIELDS>;
export const emptyNotice = (): NoticeValues => ({ kind: '', specialty: '', provider: '', service: '', title: '', body: '', startsOn: emptyDate(), endsOn: emptyDate() });

export function readNoticeForm(body: unknown, specialties: ReadonlySet<string>) {
  const schema = z.object({
    kind: z.string().refine((k) => Object.hasOwn(NOTICE_KINDS, k), 'Select whether there is spare capacity or referrals are paused'),
    specialty: z.string().refine((s) => specialties.has(s), 'Select the specialty the notice is about'),
    provider: z.string().transform((s) => s.toUpperCase()).pipe(z.string().regex(/^([A-Z0-9]{3,5})?$/, 'The provider must be an ODS code, like RR8')),
    service: z.string(),
    title: required('Enter a title for the notice').pipe(within(LIMITS.title, 'The title')),
    body: required('Enter what referrers need to know').pipe(within(LIMITS.body, 'The notice')),
    startsOn: calendarDate({ empty: 'Enter the date the notice starts', invalid: 'The start date must be a real date' }),
    endsOn: calendarDate({ empty: 'Enter the date the notice ends', invalid: 'The end date must be a real date' }),
  }).superRefine(...endAfterStart('The end date must be the same as or after the start date'))
    .transform((v) => ({ ...v, provider: v.provider || null, service: v.service || null }));
  return readForm(NOTICE_FIELDS, schema, body);
}

// ---------------------------------------------------------------- the transport policy

export const TRANSPORT_FIELDS = {
  summary: text(LIMITS.summary + 1),
  whoCanGetHelp: text(LIMITS.whoCanGetHelp + 1),
  howToGetHelp: text(LIMITS.howToGetHelp + 1),
  phone: text(30),
  linkUrl: text(LIMITS.linkUrl + 1),
  linkText: text(LIMITS.linkText + 1),
};
export type TransportValues = FormValues<typeof TRANSPORT_FIELDS>;
export const emptyTransport = (): TransportValues => ({ summary: '', whoCanGetHelp: '', howToGetHelp: '', phone: '', linkUrl: '', linkText: '' });

export function readTransportForm(body: unknown) {
  return readForm(TRANSPORT_FIELDS, z.object({
    summary: required('Enter a summary of the transport support').pipe(within(LIMITS.summary, 'The summary')),
    whoCanGetHelp: required('Enter who can get help with transport').pipe(within(LIMITS.whoCanGetHelp, 'Who can get help')),
    howToGetHelp: required('Enter how patients ask for help').pipe(within(LIMITS.howToGetHelp, 'How to ask for help')),
    phone: z.string().refine((p) => p === '' || PHONE.test(p), 'Enter a phone number, like 0113 496 0123'),
    linkUrl: required('Enter the web address of the full policy').pipe(z.string().regex(/^https:\/\/[^\s/]+\.[^\s]+$/, 'Enter a web address starting https://, like https://www.example.nhs.uk/transport')),
    linkText: required('Enter the words of the link').pipe(within(LIMITS.linkText, 'The words of the link')),
  }), body);
}
