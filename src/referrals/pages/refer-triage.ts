// The "make a referral" journey's way to a referral assessment service: where the practice's ICB runs one for the
// patient's specialty, the services step offers to send the referral there instead of choosing services now.
import type { Deps } from '../../deps.ts';
import type { StaffPrincipal } from '../../http/principal.ts';
import { assessmentServicesFor } from '../assessment-services.ts';
import type { ReferralDraft } from './refer-forms.ts';

/** The button's value on the services step that sends the referral for triage. */
export const SEND_FOR_TRIAGE = 'triage';

/** The assessment service the draft's referral may go to (the first by name, when an ICB runs several), or null. */
export async function assessmentServiceOffered(db: Deps['database']['db'], staff: StaffPrincipal, draft: ReferralDraft) {
  const specialty = draft.patient?.answer.specialty;
  if (!specialty) return null;
  const [ras] = await assessmentServicesFor(db, staff.organisation.odsCode, specialty);
  return ras ? { id: ras.id, name: ras.name, centre: ras.organisation.name, targetDays: ras.targetDays } : null;
}

/** Whether the services step's form asked to send the referral for triage. */
export const asksForTriage = (body: unknown): boolean => (body as Record<string, unknown> | null)?.route === SEND_FOR_TRIAGE;
