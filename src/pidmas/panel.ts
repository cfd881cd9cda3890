// On the patient's page: an offer to move waiting for their answer, flagged with the way to answer it; otherwise the
// link to ask to move provider (PIDMAS), shown when they are eligible or have asked.
import type { Deps } from '../deps.ts';
import type { ReferralPanel } from '../web/panels.ts';
import { addViews, renderFragment } from '../web/render.ts';
import { pidmasView } from './service.ts';

export function movePanel(deps: Deps): ReferralPanel {
  addViews(new URL('./views', import.meta.url));
  return async (principal, ubrn) => {
    const view = await pidmasView(deps, principal, ubrn);
    const hasRequest = view.request !== null && view.request.status !== 'INVITED';
    const offer = view.request?.status === 'OFFERED' ? view.offer : null;
    if (!view.eligibility.eligible && !hasRequest) return null;
    return renderFragment('pidmas-move-link.njk', { hasRequest, offer });
  };
}
