// The triage pages' forms, read into the text they show again and, when right, the decision for ./outcome.ts.
// Messages follow the NHS service manual's error message patterns.
import { z } from 'zod';
import { FEWER_PROVIDERS_REASONS, TRIAGE_OUTCOMES, type TriageOutcome } from '../domain/triage.ts';
import { REJECTION_REASONS } from '../domain/rejection.ts';
import { checkboxes, oneOf, oneOfKeys, readForm, required, text } from '../web/forms.ts';

/** The outcome chosen on the referral's page, and the page each leads to. */
export const OUTCOME_PAGES: Record<TriageOutcome, string> = { NEEDS_CONSULTANT: 'consultant', ADVICE: 'advice', REDIRECT: 'redirect', REJECT: 'reject' };

export const OUTCOME_CHOICES: readonly { value: TriageOutcome; text: string; hint: string }[] = [
  { value: 'NEEDS_CONSULTANT', text: 'The patient needs to see a consultant', hint: 'Offer the patient at least 5 providers, ranked by what matters to them, to choose and book from' },
  { value: 'ADVICE', text: 'Return to the referrer with advice', hint: 'The practice can manage the patient with your advice' },
  { value: 'REDIRECT', text: 'Redirect to a community service', hint: 'The referral goes back to the practice saying which service to refer to' },
  { value: 'REJECT', text: 'Reject the referral', hint: 'The referral goes back to the practice with your reason' },
];

export const readOutcome = (body: unknown) =>
  readForm({ outcome: text(30) }, z.object({ outcome: oneOf(TRIAGE_OUTCOMES, 'Select the outcome of triage') }), body);

const note = z.string().max(1000, 'Note must be 1,000 characters or fewer').transform((v) => v || null);

export const CONSULTANT_FIELDS = { services: checkboxes(40), fewerProvidersReason: text(40), note: text(1001) };
export const readConsultant = (body: unknown, offered: ReadonlySet<string>) =>
  readForm(
    CONSULTANT_FIELDS,
    z.object({
      services: z
        .array(z.string())
        .transform((ids) => [...new Set(ids)].filter((id) => offered.has(id)))
        .refine((ids) => ids.length > 0, 'Select at least one provider to offer the patient')
        .refine((ids) => ids.length <= 20, 'Select 20 services or fewer'),
      fewerProvidersReason: z.string().refine((v) => !v || Object.hasOwn(FEWER_PROVIDERS_REASONS, v), 'Select why fewer than 5 providers are offered')
        .transform((v) => (v ? (v as keyof typeof FEWER_PROVIDERS_REASONS) : null)),
      note,
    }),
    body,
    { services: '#services', fewerProvidersReason: '#fewerProvidersReason' },
  );

export const readAdvice = (body: unknown) =>
  readForm({ advice: text(5001) }, z.object({ advice: required('Enter your advice to the referrer').max(5000, 'Advice must be 5,000 characters or fewer') }), body);

export const readRedirect = (body: unknown) =>
  readForm(
    { communityService: text(201), note: text(1001) },
    z.object({ communityService: required('Enter the community service the patient should be referred to').max(200, 'Community service must be 200 characters or fewer'), note }),
    body,
  );

export const readReject = (body: unknown) =>
  readForm({ reason: text(40), note: text(1001) }, z.object({ reason: oneOfKeys(REJECTION_REASONS, 'Select why the referral is rejected'), note }), body);
