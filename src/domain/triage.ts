// Triage by a referral assessment service (CAS/RMC): the outcomes a referral centre may reach, when each referral
// is due, and the rule that a patient who needs a consultant is offered at least 5 providers unless a reason from a
// fixed list says why not (the policy letter: "where practicable and clinically appropriate").
import { addDays } from './rtt-clock.ts';
import type { Priority } from './contact-by.ts';

export const TRIAGE_OUTCOMES = ['NEEDS_CONSULTANT', 'ADVICE', 'REDIRECT', 'REJECT'] as const;
export type TriageOutcome = (typeof TRIAGE_OUTCOMES)[number];

/** The outcomes that send the referral back to the practice that made it. */
export const RETURNED_OUTCOMES: readonly TriageOutcome[] = ['ADVICE', 'REDIRECT', 'REJECT'];

/** What a referral centre must offer a patient who needs a consultant. */
export const MINIMUM_PROVIDERS = 5;

/** Why a patient who needs a consultant may be offered fewer than 5 providers: the reasons the centre records. */
export const FEWER_PROVIDERS_REASONS = {
  FEWER_WITHIN_REACH: 'Fewer than 5 providers offer this service within reach of the patient',
  PATIENT_ASKED: 'The patient asked to choose from fewer providers',
  CLINICALLY_SPECIALIST: 'Only these providers are clinically appropriate (a specialist service)',
  URGENT_CAPACITY: 'Only these providers can see the patient in the time the condition needs',
} as const;
export type FewerProvidersReason = keyof typeof FEWER_PROVIDERS_REASONS;

/** Days a referral assessment service has to triage a referral, by priority. */
export type TriageTargets = Readonly<Record<Priority, number>>;

/** The date a referral sent on `sentOn` ('YYYY-MM-DD') must be triaged by. */
export function triageDueDate(sentOn: string, priority: Priority, targets: TriageTargets): string {
  return addDays(sentOn, targets[priority]);
}

/** Whether a triage due on `dueOn` is overdue on `today`: the due day itself still counts as in time. */
export const isTriageOverdue = (dueOn: string, today: string): boolean => dueOn < today;

/**
 * Whether an offer of `providers` distinct providers may be made: 5 or more always; fewer only with a recorded
 * reason, and never none at all (a patient who needs a consultant needs somewhere to go).
 */
export function offerAllowed(providers: number, reason: FewerProvidersReason | null): { ok: true } | { ok: false; why: 'NONE' | 'REASON_NEEDED' } {
  if (providers === 0) return { ok: false, why: 'NONE' };
  if (providers < MINIMUM_PROVIDERS && reason === null) return { ok: false, why: 'REASON_NEEDED' };
  return { ok: true };
}
