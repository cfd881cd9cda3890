import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PatientPrincipal, Principal, Role, StaffPrincipal } from '../auth/principal.ts';
import { Problem, sendProblem } from './problem.ts';

/**
 * Who may call a route. Every route must declare it in `config.access`; buildApp refuses to start
 * with a route that does not, so no endpoint is ever public by accident.
 */
export type Access = { public: true; why: string } | { roles: readonly Role[] };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}

export const PUBLIC = (why: string): Access => ({ public: true, why });
export const ROLES = (...roles: Role[]): Access => ({ roles });

/** Routes that plugins register for static files carry no patient data and are public. */
const STATIC_PREFIXES = ['/assets/'];

export interface DeclaredRoute {
  method: string;
  url: string;
  access: Access;
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
    const access = (route.config as { access?: Access } | undefined)?.access;
    if (!access) throw new Error(`Route ${String(route.method)} ${route.url} does not declare config.access`);
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, access });
  });
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match ? match[1]! : null;
}

/**
 * Enforces every route's declaration before its body is even read: 401 without a valid sign-in,
 * 403 for a signed-in caller whose role the route does not admit.
 */
export function enforceAccess(app: FastifyInstance, authenticate: (token: string) => Promise<Principal | null>): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config?.access;
    const token = bearerToken(request);
    if (token) request.principal = await authenticate(token);
    if (!access || 'public' in access) return;
    if (!request.principal) {
      reply.header('www-authenticate', 'Bearer');
      return sendProblem(
        reply,
        new Problem(401, 'Not signed in', token ? 'The token is not valid or has expired: sign in again.' : 'Sign in first: send Authorization: Bearer <token>.'),
        request,
      );
    }
    if (!access.roles.includes(request.principal.role)) {
      return sendProblem(reply, new Problem(403, 'Forbidden', `A ${request.principal.role} may not do this.`), request);
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
