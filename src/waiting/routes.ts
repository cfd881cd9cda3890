// The API for waiting too long: the RTT pathway and the 18-week alternative.
import type { Deps } from '../deps.ts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ROLES, staffOf } from '../http/access.ts';
import { contentTooLarge, unprocessable, unsupportedMediaType } from '../http/problem.ts';
import { ProblemSchema, UbrnText } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import { chooseAlternative, findAlternatives } from './alternatives.ts';
import { AlternativesSchema, alternativesAnswer, MovedSchema, PROBLEMS, WaitingListReportSchema } from './schemas.ts';
import { importWaitingList } from './waiting-list-import.ts';
import { READS } from '../http/read-audit.ts';

const Ubrn = z.object({ ubrn: UbrnText });
const ImportQuery = z.object({
  dryRun: z.enum(['true', 'false'], { error: 'must be true or false' }).optional().transform((v) => v === 'true')
    .describe('true: a preview of what the import would do (rows to add, rows already loaded to leave, errors); nothing is changed'),
});

const isReadable = (body: unknown): body is AsyncIterable<Uint8Array> => typeof body === 'object' && body !== null && Symbol.asyncIterator in body;

/** The body as it arrives, refused with a 413 (and so nothing imported) once it passes `limit` bytes. */
async function* limitedTo(body: AsyncIterable<Uint8Array>, limit: number): AsyncGenerator<Uint8Array> {
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.length;
    if (bytes > limit) throw contentTooLarge(`The waiting list is larger than ${limit} bytes (IMPORT_BODY_LIMIT_BYTES): nothing was imported. Split it into smaller files.`);
    yield chunk;
  }
}

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

    // A waiting list arrives as CSV, as trusts export their patient tracking lists: a stream, read as it arrives
    // (hundreds of thousands of rows are never held whole), up to its own limit rather than the API's.
    app.addContentTypeParser('text/csv', { bodyLimit: deps.config.importBodyLimitBytes }, (_request, payload, done) => done(null, payload));
    api.post(
      '/pathways/import',
      {
        config: { access: ROLES('provider') },
        bodyLimit: deps.config.importBodyLimitBytes,
        schema: {
          tags: ['waiting too long'],
          summary: 'Load your waiting list (text/csv: nhs_number, provider, specialty, clock_start, next_appointment_date, date_of_birth, postcode, …); all rows or none, errors by line. With dryRun=true, a preview: what it would add and leave, and its errors, with nothing changed',
          querystring: ImportQuery,
          response: { 200: WaitingListReportSchema, 201: WaitingListReportSchema, ...PROBLEMS, 413: ProblemSchema, 415: ProblemSchema },
        },
      },
      async (request, reply) => {
        const staff = staffOf(request);
        const body = request.body as unknown;
        if (!isReadable(body)) throw unsupportedMediaType('Send the waiting list as text/csv.');
        const limit = deps.config.importBodyLimitBytes;
        const report = await importWaitingList(deps.database, limitedTo(body, limit), {
          accountId: staff.accountId, onlyProvider: staff.organisation.odsCode, accessCodeSecret: deps.config.accessCodeSecret,
          travelCostPencePerMile: deps.config.travelCostPencePerMile, dryRun: request.query.dryRun,
        });
        if (report.dryRun) return reply.code(200).send(report);
        if (report.errors.length > 0) {
          const count = report.errors.length + report.errorsNotShown;
          const more = report.errorsNotShown > 0 ? ` The first ${report.errors.length} are listed; ${report.errorsNotShown} more are not.` : '';
          throw unprocessable(`The waiting list was not loaded: ${count} problem${count === 1 ? '' : 's'} (nothing was imported).${more}`, report.errors.map((e) => ({ field: `line ${e.line}`, message: e.message })));
        }
        return reply.code(201).send(report);
      },
    );
  };
}
