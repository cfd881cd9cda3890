import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { isLostDatabaseConnection } from '../db/connection-lost.ts';

/** One field's problem, as in api.md: `{ field: "patient.nhsNumber", message }`. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** An RFC 9457 problem; throw it from a handler and the error handler sends it as problem+json. */
export class Problem extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldProblem[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    title: string,
    detail: string,
    options: { errors?: FieldProblem[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

// Named constructors: services say what went wrong (`throw conflict('…')`), and the status follows from the name.
type Extra = { errors?: FieldProblem[]; headers?: Record<string, string> };
const withErrors = (errors?: FieldProblem[]) => (errors ? { errors } : {});

export const badRequest = (detail: string, errors?: FieldProblem[]) => new Problem(400, 'Bad request', detail, withErrors(errors));
export const unauthorized = (detail: string) => new Problem(401, 'Not signed in', detail);
export const forbidden = (detail: string) => new Problem(403, 'Forbidden', detail);
export const notFound = (detail: string) => new Problem(404, 'Not found', detail);
export const conflict = (detail: string) => new Problem(409, 'Conflict', detail);
export const contentTooLarge = (detail: string) => new Problem(413, 'Content too large', detail);
export const unsupportedMediaType = (detail: string) => new Problem(415, 'Unsupported media type', detail);
export const unprocessable = (detail: string, errors?: FieldProblem[], title = 'Unprocessable content') =>
  new Problem(422, title, detail, withErrors(errors));
export const tooManyRequests = (detail: string, retryAfterSeconds: number) =>
  new Problem(429, 'Too many attempts', detail, { headers: { 'retry-after': String(retryAfterSeconds) } });
export const internalError = (detail: string) => new Problem(500, 'Internal server error', detail);
/** The database cannot be reached just now (it is restarting, failing over, or full of connections). */
export const serviceUnavailable = (detail: string, retryAfterSeconds = 5) =>
  new Problem(503, 'Service unavailable', detail, { headers: { 'retry-after': String(retryAfterSeconds) } });

// What pg and the network say when the database is down or going: connection refused, the server shutting down or
// starting (57P01–57P03), connection failures (class 08), too many connections (53300), the pool giving up.
// A network code alone (a reset, a timeout) may as well come from a call to another service, so only a refused
// connection counts by its code; pg's own words say the rest, and a reset is the database's when it came out of a
// database connection (src/db/connection-lost.ts).
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300']);
const UNREACHABLE_WORDS = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated due to connection timeout|the database system is (starting up|shutting down|in recovery mode)/i;

/** Whether an error says the database could not be reached (not that a query was wrong). */
export function isDatabaseUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  if (isLostDatabaseConnection(error)) return true;
  if (error instanceof AggregateError && error.errors.some(isDatabaseUnreachable)) return true;
  return UNREACHABLE_WORDS.test(error.message) || (error.cause !== undefined && error.cause !== error && isDatabaseUnreachable(error.cause));
}
/** Any other 4xx (one Fastify raised with its own status). */
export const clientError = (status: number, detail: string, extra: Extra = {}) => new Problem(status, 'Bad request', detail, extra);

const TYPE_BASE = 'https://openchoice.nhs.example/problems/';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldProblem[];
}

export function problemBody(p: Problem, instance?: string): ProblemBody {
  const body: ProblemBody = {
    type: `${TYPE_BASE}${p.status}`,
    title: p.title,
    status: p.status,
    detail: p.detail,
  };
  if (instance) body.instance = instance;
  if (p.errors && p.errors.length > 0) body.errors = p.errors;
  return body;
}

/**
 * Another way of saying a problem, for routes that speak another standard (the FHIR interface answers an
 * OperationOutcome): a route declares it in `config.problemFormat`, and every refusal on that route (access, a NUL,
 * maintenance, its handler's errors) is written that way.
 */
export type ProblemFormat = (problem: Problem, request: FastifyRequest) => { contentType: string; body: unknown };

declare module 'fastify' {
  interface FastifyContextConfig {
    problemFormat?: ProblemFormat;
  }
}

export function sendProblem(reply: FastifyReply, p: Problem, request?: FastifyRequest): FastifyReply {
  for (const [name, value] of Object.entries(p.headers)) reply.header(name, value);
  const format = request?.routeOptions?.config?.problemFormat;
  if (format && request) {
    const { contentType, body } = format(p, request);
    return reply.code(p.status).type(contentType).serializer(JSON.stringify).send(body);
  }
  return reply
    .code(p.status)
    .type('application/problem+json; charset=utf-8')
    .serializer(JSON.stringify)
    .send(problemBody(p, request?.url.split('?')[0]));
}

/** Maps whatever a handler, a schema or Fastify threw to a Problem; anything unknown is a 500 (a bug). */
export function toProblem(error: unknown): Problem {
  if (error instanceof Problem) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as FastifyError).validationContext ?? 'request';
    const errors: FieldProblem[] = error.validation.map((v) => ({
      field: fieldName(where, v.instancePath),
      message: v.message ?? 'is not valid',
    }));
    const summary = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return badRequest(`The ${where} is not valid: ${summary}`, errors);
  }
  if (isResponseSerializationError(error)) {
    return internalError('The server built an answer that breaks its own contract.');
  }
  const fe = error as Partial<FastifyError> & { status?: number };
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return contentTooLarge('The request body is larger than this endpoint accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType('Send the body as application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return badRequest('The request has a JSON content type but no body.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return badRequest(`The request body is not valid JSON: ${fe.message ?? ''}`.trim());
  }
  if (error instanceof SyntaxError && fe.statusCode === 400) {
    return badRequest(`The request body is not valid JSON: ${error.message}`);
  }
  const status = fe.statusCode ?? fe.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return clientError(status, fe.message ?? 'The request could not be handled.');
  }
  if (isDatabaseUnreachable(error)) return serviceUnavailable('The service cannot reach its database just now. Try again in a few seconds.');
  return internalError('Something went wrong on our side. It has been logged.');
}

function fieldName(where: string, instancePath: string): string {
  const path = instancePath.replace(/^\//, '').replaceAll('/', '.');
  if (where === 'body') return path || 'body';
  return path || where;
}

/** Registers problem+json answers for errors and unknown routes on the API. */
export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error);
    // The database down: one line, not a stack per request (the health check and the pool say the rest).
    if (problem.status === 503) request.log.warn({ code: (error as { code?: string }).code, message: (error as Error).message }, 'database unreachable: answered 503');
    else if (problem.status >= 500) request.log.error({ err: loggableError(error) }, 'request failed');
    // Not the detail: it can quote what was sent (a postcode, a UBRN), and nothing of a patient goes in a log.
    else request.log.info({ status: problem.status, title: problem.title, fields: problem.errors?.map((e) => e.field) }, 'request refused');
    return sendProblem(reply, problem, request);
  });
}

/**
 * What of an unexpected error goes in the log: its kind, message and stack, but not the extra fields a
 * database error carries (`detail` can quote a row's values, such as a UBRN or an NHS number).
 */
export function loggableError(error: unknown): object {
  if (!(error instanceof Error)) return { message: String(error) };
  const { code, constraint, table } = error as { code?: string; constraint?: string; table?: string };
  return { type: error.name, message: error.message, code, constraint, table, stack: error.stack };
}
