import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PatientPrincipal, Principal, Role, StaffPrincipal } from './principal.ts';
import { forbidden, notFound, sendProblem, unauthorized } from './problem.ts';

/**
 * Who may call a route. Every route must declare it in `config.access`; buildApp refuses to start
 * with a route that does not, so no endpoint is ever public by accident.
 */
export type Access = { public: true; why: string } | { roles: readonly Role[] } | OperatorAccess;

/**
 * For operators' machines, not people: a bearer token that is a setting (METRICS_TOKEN), compared as it is and never
 * looked up as a sign-in, so no account of any role gets in with its own token. Unset (null): the route is off, 404.
 */
export interface OperatorAccess {
  operatorToken: string | null;
  why: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** A web page: signed in by the session cookie, and answered with a redirect or a page instead of problem+json. */
    page?: boolean;
  }
}

export const PUBLIC = (why: string): Access => ({ public: true, why });
export const ROLES = (...roles: Role[]): Access => ({ roles });
export const OPERATOR_TOKEN = (token: string | null, why: string): Access => ({ operatorToken: token, why });

const digest = (text: string) => createHash('sha256').update(text).digest();
/** In constant time whatever is sent: comparing digests hides the token's length too. */
function isOperatorToken(request: FastifyRequest, token: string): boolean {
  const given = bearerToken(request);
  return given !== null && timingSafeEqual(digest(given), digest(token));
}

/** Routes that plugins register for static files carry no patient data and are public. */
const STATIC_PREFIXES = ['/assets/'];

export interface DeclaredRoute {
  method: string;
  url: string;
  access: Access;
  page: boolean;
  /** The statuses its response schema describes (what may leave, and what the OpenAPI document shows). */
  responses: string[];
  /** Whether it declares `config.audit`: its reads of patients are recorded (src/http/read-audit.ts). */
  audited: boolean;
}

const declared = new WeakMap<FastifyInstance, DeclaredRoute[]>();

/** Every route of the app with what it declared, for the authorisation tests that walk them all. */
export function declaredRoutes(app: FastifyInstance): readonly DeclaredRoute[] {
  return declared.get(app) ?? [];
}

export function requireAccessDeclarations(app: FastifyInstance): void {
  const routes: DeclaredRoute[] = [];
  declared.set(app, routes);
  app.addHook('onRoute', (route) => {
    if (STATIC_PREFIXES.some((p) => route.url.startsWith(p))) return;
    const config = route.config as { access?: Access; page?: boolean; audit?: unknown } | undefined;
    const access = config?.access;
    if (!access) throw new Error(`Route ${String(route.method)} ${route.url} does not declare config.access`);
    // Pages are for browsers, not API clients: the API's OpenAPI document leaves them out.
    if (config?.page) route.schema = { ...route.schema, hide: true };
    const responses = Object.keys((route.schema as { response?: object } | undefined)?.response ?? {});
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, access, page: config?.page === true, responses, audited: config?.audit !== undefined });
  });
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match ? match[1]! : null;
}

/**
 * How web pages sign in: a session cookie instead of a bearer token (pages never read the Authorization header,
 * API routes never read the cookie, so a cookie cannot be used for cross-site calls to the API), and answers that
 * a browser can follow instead of problem+json.
 */
export interface PageSessions {
  /** The name of the session cookie (its value is a token issued with kind 'page'). */
  cookie: string;
  /** Where to send someone who is not signed in, for a page that admits these roles. */
  signInPath(roles: readonly Role[]): string;
  /** Answers 403 with a page for a signed-in user whose role the page does not admit. */
  forbidden(request: FastifyRequest, reply: FastifyReply): FastifyReply | Promise<FastifyReply>;
}

/**
 * Enforces every route's declaration before its body is even read: 401 without a valid sign-in,
 * 403 for a signed-in caller whose role the route does not admit. Page routes (`config.page`) authenticate
 * the session cookie instead and answer a 303 redirect to sign in, or a 403 page.
 */
export function enforceAccess(app: FastifyInstance, authenticate: (token: string) => Promise<Principal | null>, pages?: PageSessions): void {
  app.decorateRequest('principal', null);
  // What a signed-in caller is answered may hold patient data, or data only their role may see: no cache (a shared
  // proxy's, or the browser's on a shared computer) may keep it. Pages say so themselves (src/web/page.ts).
  app.addHook('onSend', async (request, reply) => {
    if (request.principal && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    const access = config?.access;
    if (access && 'operatorToken' in access) {
      reply.header('cache-control', 'no-store');
      if (access.operatorToken === null) return sendProblem(reply, notFound(`There is no ${request.method} ${request.url.split('?')[0]}.`), request);
      if (isOperatorToken(request, access.operatorToken)) return;
      reply.header('www-authenticate', 'Bearer');
      return sendProblem(reply, unauthorized('Send the operators\' token: Authorization: Bearer <METRICS_TOKEN>.'), request);
    }
    if (pages && config?.page) {
      const cookie = (request as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies?.[pages.cookie];
      if (cookie) request.principal = await authenticate(cookie);
      if (!access || 'public' in access) return;
      if (!request.principal) return reply.code(303).header('location', pages.signInPath(access.roles)).header('cache-control', 'no-store').send();
      if (!access.roles.includes(request.principal.role)) return pages.forbidden(request, reply);
      return;
    }
    const token = bearerToken(request);
    if (token) request.principal = await authenticate(token);
    if (!access || 'public' in access) return;
    if (!request.principal) {
      reply.header('www-authenticate', 'Bearer');
      return sendProblem(
        reply,
        unauthorized(token ? 'The token is not valid or has expired: sign in again.' : 'Sign in first: send Authorization: Bearer <token>.'),
        request,
      );
    }
    if (!access.roles.includes(request.principal.role)) {
      return sendProblem(reply, forbidden(`A ${request.principal.role} may not do this.`), request);
    }
  });
}

/** The signed-in member of staff, on a route whose declaration admits only staff roles. */
export function staffOf(request: FastifyRequest): StaffPrincipal {
  const p = request.principal;
  if (p?.kind !== 'staff') throw new Error(`${request.url}: a staff route was reached without a staff principal`);
  return p;
}

/** The signed-in patient, on a route whose declaration admits only patients. */
export function patientOf(request: FastifyRequest): PatientPrincipal {
  const p = request.principal;
  if (p?.kind !== 'patient') throw new Error(`${request.url}: a patient route was reached without a patient principal`);
  return p;
}
