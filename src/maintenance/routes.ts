import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PUBLIC, ROLES, staffOf } from '../http/access.ts';
import { ProblemSchema } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import { maintenanceDetail, type MaintenanceState, type MaintenanceSwitch, MAX_PERIOD_HOURS } from './service.ts';

const StateSchema = z.object({
  on: z.boolean(),
  since: z.string().nullable().describe('when it was turned on'),
  until: z.string().nullable().describe('when the work is expected to end; writes stay refused until it is turned off'),
  detail: z.string().nullable().describe('what refused writes say'),
});

const answer = (state: MaintenanceState) =>
  state.on
    ? { on: true, since: state.since.toISOString(), until: state.until.toISOString(), detail: maintenanceDetail(state) }
    : { on: false, since: null, until: null, detail: null };

export function maintenanceRoutes({ maintenance }: { maintenance: MaintenanceSwitch }) {
  return async function (app: FastifyInstance) {
    const api = app as ZodApp;
    api.get(
      '/maintenance',
      {
        config: { access: PUBLIC('clients need to know whether writes are refused, and it names nobody') },
        schema: { tags: ['operating'], summary: 'Whether maintenance mode is on: writes refused on every instance, reads working', response: { 200: StateSchema } },
      },
      async () => answer(await maintenance.current()),
    );
    api.put(
      '/maintenance',
      {
        config: { access: ROLES('admin') },
        schema: {
          tags: ['operating'],
          summary: `Turn maintenance mode on until about a time (within ${MAX_PERIOD_HOURS} hours): every instance refuses writes within a second or two`,
          body: z.object({ until: z.iso.datetime({ offset: true }).describe('when the work is expected to end') }),
          response: { 200: StateSchema, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema },
        },
      },
      async (request) => answer(await maintenance.turnOn(staffOf(request), new Date(request.body.until))),
    );
    api.delete(
      '/maintenance',
      {
        config: { access: ROLES('admin') },
        schema: {
          tags: ['operating'],
          summary: 'Turn maintenance mode off: writes are accepted again on every instance within a second or two',
          response: { 200: StateSchema, 401: ProblemSchema, 403: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (request) => answer(await maintenance.turnOff(staffOf(request))),
    );
  };
}
