// A panel: one feature's part of another feature's page (the waiting time on a referral, the link to ask to move on
// the patient's page). The feature that owns it renders it; buildApp hands it to the page that shows it, so the
// page knows nothing of the feature behind the panel.
import type { Principal, StaffPrincipal } from '../http/principal.ts';

/** The panel's HTML for this referral as this principal may see it, or null to show nothing. */
export type ReferralPanel = (principal: Principal, ubrn: string) => Promise<string | null>;

/** A panel that shows nothing, for pages built without one. */
export const NO_PANEL: ReferralPanel = async () => null;

/**
 * What the referrer sees of the ICB's assurance (src/referral-notices): above the shortlist and on the check page
 * the prior-approval rules and notices for the specialty (`above`), beside each option the capacity notices that
 * concern it (`byService`, by service id); and on the worklist the ICB's current notices. HTML, or null for none.
 */
export interface ReferrerNotices {
  /** `referringOrganisation`: whose ICB's rules apply, when not the staff's own (a referral centre triaging a practice's referral). */
  shortlist(
    staff: StaffPrincipal,
    specialty: { code: string; name: string },
    options: readonly { serviceId: string; providerOdsCode: string }[],
    referringOrganisation?: string,
  ): Promise<{ above: string | null; byService: Record<string, string> }>;
  worklist(staff: StaffPrincipal): Promise<string | null>;
}

/** Notices that show nothing, for pages built without the feature. */
export const NO_REFERRER_NOTICES: ReferrerNotices = {
  shortlist: async () => ({ above: null, byService: {} }),
  worklist: async () => null,
};

/**
 * The improvement actions of the ICB's choice plan that improve one self-assessment item (src/choice-plan), for the
 * item's page in the self-assessment: HTML, or null for none. `icbParam`: the ICB an admin chose, carried on links.
 */
export type ImprovementActionsPanel = (icbCode: string, itemId: string, icbParam: string | null) => Promise<string | null>;

/** Shows nothing, for pages built without the choice plan. */
export const NO_IMPROVEMENT_ACTIONS: ImprovementActionsPanel = async () => null;
