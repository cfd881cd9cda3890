// The pages not yet moved to their features (issue 8): registered together until each has its home.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import type { ReferralPanel } from './panels.ts';
import { managePages } from './manage-pages.ts';
import { providerPages } from './provider-pages.ts';
import { referrerPages } from './referral-pages.ts';

export function legacyPages(deps: Deps, panels: { waiting: ReferralPanel; move: ReferralPanel }) {
  return async function (app: FastifyInstance) {
    await app.register(referrerPages(deps, panels));
    await app.register(managePages(deps, panels));
    await app.register(providerPages(deps));
  };
}
