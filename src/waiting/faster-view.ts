// What the faster-alternative pages show, to the patient ("you") or of the patient (to their referrer). Dates,
// weeks and distances are passed as they are; the views format them.
import { z } from 'zod';
import { explainEighteenWeeks } from '../domain/rtt-clock.ts';
import type { Audience } from '../domain/wording.ts';
import { errorContext, type FieldError, text } from '../web/forms.ts';
import { PAGE_WORDING } from '../web/wording.ts';
import { type Alternative, type FoundAlternatives, withSoonerReason } from './alternatives.ts';

/** Where one reader's pages are: the patient's under /manage/faster, the referrer's under /referrals/:ubrn/faster. */
export interface FasterJourney {
  audience: Audience;
  /** the choice; its check page is `${base}/confirm` */
  base: string;
  /** the referral's page */
  back: string;
  /** the confirmation */
  moved: string;
}

export const CHOICE_FIELDS = { serviceId: text(200) };

/** The choice must be one of the alternatives offered. */
export const choiceSchema = (found: FoundAlternatives, audience: Audience) =>
  z.object({
    serviceId: z
      .string()
      .refine((id) => found.alternatives.some((a) => a.service.id === id), audience === 'patient' ? 'Select where you would like to be seen' : 'Select where the patient will be seen'),
  });

function title(found: FoundAlternatives, audience: Audience): string {
  if (!found.pathway.eighteenWeeks.mayAskForAlternative) return audience === 'patient' ? 'You cannot ask for a faster alternative yet' : 'The patient cannot ask for a faster alternative yet';
  if (found.alternatives.length === 0) return 'There are no faster alternatives at the moment';
  return audience === 'patient' ? 'Choose a faster alternative' : 'Choose a faster alternative for the patient';
}

/** waiting-faster.njk: why the patient may (or may not yet) ask, and the alternatives to choose from. */
export function fasterContext(found: FoundAlternatives, journey: FasterJourney, chosen: string, errors: readonly FieldError[] = []) {
  const wording = PAGE_WORDING[journey.audience];
  return {
    title: title(found, journey.audience),
    back: journey.back,
    action: journey.base,
    patient: journey.audience === 'patient',
    mayAsk: found.pathway.eighteenWeeks.mayAskForAlternative,
    explanation: explainEighteenWeeks(found.pathway.eighteenWeeks, wording),
    alternatives: found.alternatives.map((a) => withSoonerReason(a, wording)),
    chosen,
    ...errorContext(errors),
  };
}

/** waiting-faster-confirm.njk: the alternative chosen, before the referral moves. */
export function confirmContext(choice: Alternative, journey: FasterJourney, errors: readonly FieldError[] = []) {
  const patient = journey.audience === 'patient';
  const change = `${journey.base}?serviceId=${encodeURIComponent(choice.service.id)}`;
  return {
    title: patient ? 'Check before your referral moves' : 'Check before the referral moves',
    back: change,
    changeHref: change,
    action: `${journey.base}/confirm`,
    patient,
    choice,
    ...errorContext(errors),
  };
}
