// Least data before choice (issue 12): every provider with a service on a referral's shortlist may see the referral,
// but only the provider the patient chose sees who the patient is and why they were referred. Until then a provider
// sees what it needs to publish capacity: the specialty, the priority, that its service was offered, the dates.
// The one home of the rule; src/referrals/least-data.ts loads the facts and applies it to every read.

/** What decides which providers a referral has chosen, as ODS codes of the providers running each service. */
export interface ReferralChoiceFacts {
  /** the provider of the service the live (not cancelled) appointment is booked at */
  bookedWith: string | null;
  /** the provider the referral is deferred to (no slot was free), kept after it accepts */
  deferredTo: string | null;
  /** the provider whose waiting list holds the pathway: loaded from its list, or moved to it by mutual aid (PIDMAS) */
  heldBy: string | null;
  /** the providers of the shortlisted services, one entry per service */
  shortlisted: readonly string[];
}

/**
 * The providers the patient has chosen: booked with, deferred to, holding the pathway, or the only service offered
 * (a referral sent to one named service, as a referrer does when the patient asked for it, or a triage that offered
 * one provider). A booking elsewhere moves the choice: the provider left behind stops being chosen.
 */
export function chosenProviders(facts: ReferralChoiceFacts): Set<string> {
  const chosen = new Set<string>();
  for (const ods of [facts.bookedWith, facts.deferredTo, facts.heldBy]) if (ods) chosen.add(ods);
  const named = new Set(facts.shortlisted);
  // Several services of one provider on a shortlist of that provider alone name it as surely as one service does.
  if (named.size === 1) chosen.add([...named][0]!);
  return chosen;
}

/** Whether the provider may see the patient's identity, contact details and clinical summary on this referral. */
export function providerMaySeePatient(facts: ReferralChoiceFacts, providerOds: string): boolean {
  return chosenProviders(facts).has(providerOds);
}
