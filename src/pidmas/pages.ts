// The PIDMAS feature's pages: the patient asking to move provider, and their provider's invitations and checks.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { addViews } from '../web/render.ts';
import { patientMovePages } from './pages/patient.ts';
import { providerPidmasPages } from './pages/provider.ts';

export function pidmasPages(deps: Deps) {
  return async function (app: FastifyInstance) {
    addViews(new URL('./views', import.meta.url));
    await app.register(patientMovePages(deps));
    await app.register(providerPidmasPages(deps));
  };
}
