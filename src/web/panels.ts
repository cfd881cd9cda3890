// A panel: one feature's part of another feature's page (the waiting time on a referral, the link to ask to move on
// the patient's page). The feature that owns it renders it; buildApp hands it to the page that shows it, so the
// page knows nothing of the feature behind the panel.
import type { Principal } from '../http/principal.ts';

/** The panel's HTML for this referral as this principal may see it, or null to show nothing. */
export type ReferralPanel = (principal: Principal, ubrn: string) => Promise<string | null>;

/** A panel that shows nothing, for pages built without one. */
export const NO_PANEL: ReferralPanel = async () => null;
