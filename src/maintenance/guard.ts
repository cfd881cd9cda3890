// While maintenance mode is on, every write is refused before its body is read, on the API (503 problem+json with
// Retry-After) and on pages (an NHS-style page saying so, 503), and every page shows a banner. Reads work.
//
// What is let through, by method and route, is listed here in one place rather than marked on each route, so that
// what maintenance stops can be read at a glance: signing in and out (an admin must be able to sign in to turn it
// off, and a user to leave a shared computer), turning it off, and the shortlist, which is a read sent as a POST.
// maintenance.test.ts checks that each entry is a route that exists, so a renamed route cannot slip out of the list.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem, serviceUnavailable } from '../http/problem.ts';
import { sendPage } from '../web/page.ts';
import { addViews } from '../web/render.ts';
import { maintenanceDetail, type MaintenanceState, type MaintenanceSwitch, retryAfterSeconds } from './service.ts';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `METHOD route` of each write allowed during maintenance. */
export const ALLOWED_DURING_MAINTENANCE: readonly string[] = [
  'POST /api/v1/auth/token',
  'DELETE /api/v1/auth/token',
  'POST /api/v1/patient/token',
  'POST /sign-in',
  'POST /sign-out',
  'POST /manage/sign-in',
  'POST /manage/sign-out',
  'DELETE /api/v1/maintenance',
  'POST /admin/maintenance/end',
  'POST /api/v1/shortlists',
];
const allowed = new Set(ALLOWED_DURING_MAINTENANCE);

type On = Extract<MaintenanceState, { on: true }>;

function refusePage(request: FastifyRequest, reply: FastifyReply, state: On): FastifyReply {
  reply.header('retry-after', String(retryAfterSeconds(state)));
  return sendPage(request, reply, 'maintenance-refused.njk', { title: 'Changes cannot be saved just now', detail: maintenanceDetail(state) }, 503);
}

/** Registers the guard on every route of `app` (call it before the routes are registered). */
export function guardWritesDuringMaintenance(app: FastifyInstance, maintenance: MaintenanceSwitch): void {
  addViews(new URL('./views', import.meta.url));
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route === undefined) return; // no such route: answered 404 as ever
    const page = request.routeOptions.config?.page === true;
    const write = !READS.has(request.method);
    if (!write && !page) return; // an API read needs nothing from the switch
    const state = await maintenance.current();
    if (!state.on) return;
    if (!write || allowed.has(`${request.method} ${route}`)) {
      if (page) request.siteNotice = maintenanceDetail(state);
      return;
    }
    if (page) return refusePage(request, reply, state);
    return sendProblem(reply, serviceUnavailable(maintenanceDetail(state), retryAfterSeconds(state)), request);
  });
}
