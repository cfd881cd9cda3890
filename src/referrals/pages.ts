// The referrals feature's pages: the referrer's (worklist, making a referral, booking with the patient), the
// patient's Manage Your Referral (with NHS login), and the provider's review and ASI worklists. buildApp hands
// them the panels other features show on them: the waiting time, the patient's way to ask to move, and the ICB's
// prior-approval rules and capacity notices on the referrer's shortlist, check page and worklist.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import type { ReferralPanel, ReferrerNotices } from '../web/panels.ts';
import { addViews } from '../web/render.ts';
import { managePages } from './pages/manage.ts';
import { manageAppointmentPages } from './pages/manage-appointment.ts';
import { manageSearchPages } from './pages/manage-search.ts';
import { manageSignInPages } from './pages/manage-sign-in.ts';
import { needsPages } from './pages/needs.ts';
import { nhsLoginPages } from './pages/nhs-login.ts';
import { providerPages } from './pages/provider.ts';
import { providerAsiPages } from './pages/provider-asi.ts';
import { referPages } from './pages/refer.ts';
import { referrerPages } from './pages/referral.ts';
import { reReferPages } from './pages/re-refer.ts';
import { providerWorklistPages } from './pages/provider-worklist.ts';

export function referralPages(deps: Deps, panels: { waiting: ReferralPanel; move: ReferralPanel; notices?: ReferrerNotices }) {
  return async function (app: FastifyInstance) {
    addViews(new URL('./views', import.meta.url));
    await app.register(referPages(deps, panels.notices));
    await app.register(referrerPages(deps, panels));
    await app.register(reReferPages(deps));
    await app.register(manageSignInPages(deps));
    await app.register(nhsLoginPages(deps.database, deps.config));
    await app.register(managePages(deps, panels));
    await app.register(manageAppointmentPages(deps));
    await app.register(manageSearchPages(deps));
    await app.register(providerPages(deps));
    await app.register(providerAsiPages(deps));
    await app.register(providerWorklistPages(deps));
    await app.register(needsPages(deps));
  };
}
