// The referrals feature's pages: registered by buildApp with the panels other features show on them.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { addViews } from '../web/render.ts';
import { nhsLoginPages } from './pages/nhs-login.ts';

export function referralPages(deps: Deps) {
  return async function (app: FastifyInstance) {
    addViews(new URL('./views', import.meta.url));
    await app.register(nhsLoginPages(deps.database, deps.config));
  };
}
