// The provider's "withdraw a day or a range of days" form: the first day, the last (empty for one day) and the
// reason the patients are given; and the confirmation page's hidden answers, read again when it is posted.
import { z } from 'zod';
import { isCalendarDate, londonDate } from '../domain/dates.ts';
import { calendarDate, dateInput, emptyDate, type FormValues, readForm, required, text, whenValid } from '../web/forms.ts';
import { MAX_WITHDRAWAL_DAYS, rangeProblems } from './withdrawal.ts';

export const WITHDRAWAL_FIELDS = { from: dateInput(), to: dateInput(), reason: text(500) };
export type WithdrawalValues = FormValues<typeof WITHDRAWAL_FIELDS>;
export const emptyWithdrawal = (): WithdrawalValues => ({ from: emptyDate(), to: emptyDate(), reason: '' });

const RANGE_MESSAGES: Record<string, string> = {
  'from:must be today or later': 'First day must be today or in the future',
  'to:must be the same as or after from': 'Last day must be the same as or after the first day',
  [`to:must be within ${MAX_WITHDRAWAL_DAYS} days of from`]: `Withdraw at most ${MAX_WITHDRAWAL_DAYS} days at a time`,
};

function withdrawalSchema(today: string) {
  const parts = z.object({ day: z.string(), month: z.string(), year: z.string() });
  return z.object({
    from: calendarDate({ empty: 'Enter the first day to withdraw', invalid: 'First day must be a real date' })
      .refine((from) => from >= today, RANGE_MESSAGES['from:must be today or later']!),
    to: parts.transform((p, ctx) => {
      if (!p.day && !p.month && !p.year) return null;
      const parsed = calendarDate({ empty: 'Enter the last day', invalid: 'Last day must be a real date' }).safeParse(p);
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: 'custom', path: parsed.error.issues[0]?.path ?? ['day'], message: parsed.error.issues[0]!.message });
      return z.NEVER;
    }),
    reason: required('Enter why the clinic is not running: the patients whose appointments are cancelled are told'),
  }).superRefine((v, ctx) => {
    // Run once both days are read, whatever the reason says, so the summary lists every problem at once.
    for (const p of rangeProblems({ from: v.from, to: v.to ?? v.from }, today)) {
      ctx.addIssue({ code: 'custom', path: [p.field, 'day'], message: RANGE_MESSAGES[`${p.field}:${p.message}`] ?? `${p.field === 'from' ? 'First' : 'Last'} day ${p.message}` });
    }
  }, whenValid('from', 'to')).transform(({ from, to, reason }) => ({ from, to: to ?? from, reason }));
}

export function readWithdrawalForm(body: unknown, now = new Date()) {
  return readForm(WITHDRAWAL_FIELDS, withdrawalSchema(londonDate(now)), body);
}

const CONFIRM_FIELDS = { from: text(10), to: text(10), reason: text(500), previewVersion: text(64) };

/**
 * The answers the confirmation page carries, with the version of what it showed; anything else (edited by hand,
 * or a page from before confirmations carried a version) is no answer at all.
 */
export function readConfirmation(body: unknown) {
  const day = z.string().refine(isCalendarDate);
  return readForm(CONFIRM_FIELDS, z.object({ from: day, to: day, reason: z.string().min(1), previewVersion: z.string().min(1) }), body);
}
