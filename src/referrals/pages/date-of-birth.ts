// A date of birth in the NHS date input, as the referrer gives the patient's and the patient gives their own.
import { londonDate } from '../../domain/dates.ts';
import { calendarDate } from '../../web/forms.ts';

/** 'YYYY-MM-DD' from the three boxes; `whose` fills "Enter … date of birth" ("the patient's", "your"). */
export function dateOfBirth(whose: string, today = londonDate()) {
  return calendarDate({
    empty: `Enter ${whose} date of birth`,
    partial: (missing) => `Date of birth must include a ${missing}`,
    invalid: 'Date of birth must be a real date',
  }).superRefine((date, ctx) => {
    if (date > today) ctx.addIssue({ code: 'custom', message: 'Date of birth must be in the past' });
    else if (Number(date.slice(0, 4)) < Number(today.slice(0, 4)) - 130) {
      ctx.addIssue({ code: 'custom', path: ['year'], message: 'Date of birth must be within the last 130 years' });
    }
  });
}
