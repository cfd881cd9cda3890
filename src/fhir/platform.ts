// The FHIR interface's own platform, inside its scope (/fhir/R4): FHIR JSON in and out, OperationOutcome for every
// refusal, the correlation ids NHS England's APIs echo, and the record of what each route serves for the
// CapabilityStatement. Access, NUL refusal, maintenance and the read audit are the app's own (src/app.ts) and apply
// here unchanged; only the way a refusal is written differs (config.problemFormat, src/http/problem.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFound, Problem, sendProblem } from '../http/problem.ts';
import type { FhirRouteDeclaration } from './interactions.ts';
import { FHIR_JSON, operationOutcome, operationOutcomeFormat } from './operation-outcome.ts';

export const FHIR_PREFIX = '/fhir/R4';

/** X-Correlation-ID and X-Request-ID are echoed when they are sensible ids (never a header injection or a novel). */
const ECHOABLE_ID = /^[\w.:-]{1,200}$/;

const ACCEPTABLE = /(^|[\s,])(\*\/\*|application\/\*|application\/(fhir\+)?json)(\s*[;,]|\s*$)/i;
const FORMATS = new Set(['json', 'application/json', 'application/fhir+json']);

/**
 * Sets up the scope it is called in (call it first in the FHIR plugin) and returns what the routes registered
 * after it declared, in order, for the CapabilityStatement.
 */
export function registerFhirPlatform(scope: FastifyInstance): readonly FhirRouteDeclaration[] {
  const declared: FhirRouteDeclaration[] = [];
  scope.addHook('onRoute', (route) => {
    route.config = { ...(route.config as object), problemFormat: operationOutcomeFormat } as typeof route.config;
    const fhir = (route.config as { fhir?: FhirRouteDeclaration }).fhir;
    if (!fhir) throw new Error(`FHIR route ${String(route.method)} ${route.url} does not declare config.fhir (what it serves, for the CapabilityStatement)`);
    if (route.method !== 'HEAD') declared.push(fhir);
  });

  // FHIR clients send application/fhir+json; parse it as the JSON it is.
  scope.addContentTypeParser(['application/fhir+json', 'application/json-patch+json'], { parseAs: 'string' }, scope.getDefaultJsonParser('error', 'error'));

  scope.addHook('onRequest', async (request, reply) => {
    for (const header of ['x-correlation-id', 'x-request-id']) {
      const value = request.headers[header];
      if (typeof value === 'string' && ECHOABLE_ID.test(value)) reply.header(header, value);
    }
    const format = (request.query as Record<string, unknown> | undefined)?._format;
    if (typeof format === 'string' && !FORMATS.has(format)) {
      return sendProblem(reply, new Problem(406, 'Not acceptable', `This interface speaks JSON only: _format=${format.slice(0, 40)} cannot be answered. Use _format=json or leave it out.`), request);
    }
    const accept = request.headers.accept;
    if (accept && !ACCEPTABLE.test(accept)) {
      return sendProblem(reply, new Problem(406, 'Not acceptable', 'This interface answers application/fhir+json only: send Accept: application/fhir+json.'), request);
    }
  });

  // Whatever a route sent as JSON goes out as FHIR JSON.
  scope.addHook('onSend', async (_request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (type === '' || type.startsWith('application/json')) reply.header('content-type', FHIR_JSON);
    return payload;
  });

  scope.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? request.url;
    const outcome = operationOutcome(notFound(`This FHIR interface serves no ${request.method} ${path}: GET ${FHIR_PREFIX}/metadata lists what it serves.`));
    return reply.code(404).type(FHIR_JSON).send(outcome);
  });

  return declared;
}
