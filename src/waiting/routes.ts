// The API for waiting too long: the RTT pathway and the 18-week alternative.
import type { Deps } from '../deps.ts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ROLES, staffOf } from '../http/access.ts';
import { unprocessable } from '../http/problem.ts';
import { UbrnText } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import { chooseAlternative, findAlternatives } from './alternatives.ts';
import { AlternativesSchema, alternativesAnswer, MovedSchema, PROBLEMS, WaitingListReportSchema } from './schemas.ts';
import { importWaitingList } from './waiting-list-import.ts';
import { READS } from '../http/read-audit.ts';

const Ubrn = z.object({ ubrn: UbrnText });

export function waitingRoutes(deps: Deps) {
  return async function (app: FastifyInstance) {
    const api = app as ZodApp;

    api.get(
      '/referrals/:ubrn/alternatives',
      {
        config: { access: ROLES('patient', 'referrer', 'referral-centre'), audit: READS('referral') },
        schema: {
          tags: ['waiting too long'],
          summary: 'The RTT pathway (weeks waited, forecast, 18-week date) and, where it passes or will pass 18 weeks, the services that can see the patient sooner',
          params: Ubrn,
          response: { 200: AlternativesSchema, ...PROBLEMS },
        },
      },
      async (request) => alternativesAnswer(await findAlternatives(deps, request.principal!, request.params.ubrn)),
    );

    api.post(
      '/referrals/:ubrn/alternatives',
      {
        config: { access: ROLES('patient', 'referrer', 'referral-centre') },
        schema: {
          tags: ['waiting too long'],
          summary: 'Move the pathway to one of the faster alternatives: this referral becomes TRANSFERRED, a new one (new UBRN and access code, same clock start) continues at the chosen service',
          params: Ubrn,
          body: z.object({ serviceId: z.string().min(1).max(200) }),
          response: { 201: MovedSchema, ...PROBLEMS },
        },
      },
      async (request, reply) => reply.code(201).send(await chooseAlternative(deps, request.principal!, request.params.ubrn, request.body.serviceId)),
    );

    // A waiting list arrives as CSV, as trusts export their patient tracking lists.
    app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    api.post(
      '/pathways/import',
      {
        config: { access: ROLES('provider') },
        schema: {
          tags: ['waiting too long'],
          summary: 'Load your waiting list (text/csv: nhs_number, provider, specialty, clock_start, next_appointment_date, date_of_birth, postcode, …); all rows or none, errors by line',
          response: { 201: WaitingListReportSchema, ...PROBLEMS },
        },
      },
      async (request, reply) => {
        const staff = staffOf(request);
        if (typeof request.body !== 'string') throw unprocessable('Send the waiting list as text/csv.', [{ field: 'body', message: 'must be CSV text' }]);
        const report = await importWaitingList(deps.database, request.body, { accountId: staff.accountId, onlyProvider: staff.organisation.odsCode, accessCodeSecret: deps.config.accessCodeSecret, travelCostPencePerMile: deps.config.travelCostPencePerMile });
        if (report.errors.length > 0) {
          throw unprocessable(`The waiting list was not loaded: ${report.errors.length} problem${report.errors.length === 1 ? '' : 's'} (nothing was imported).`, report.errors.slice(0, 100).map((e) => ({ field: `line ${e.line}`, message: e.message })));
        }
        return reply.code(201).send(report);
      },
    );
  };
}
