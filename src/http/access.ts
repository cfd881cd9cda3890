import type { FastifyInstance } from 'fastify';

/**
 * Who may call a route. Every route must declare it in `config.access`; buildApp refuses to start
 * with a route that does not, so no endpoint is ever public by accident.
 */
export type Access = { public: true; why: string } | { roles: readonly string[] };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}

export const PUBLIC = (why: string): Access => ({ public: true, why });

/** Routes that plugins register for static files carry no patient data and are public. */
const STATIC_PREFIXES = ['/assets/'];

export function requireAccessDeclarations(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (STATIC_PREFIXES.some((p) => route.url.startsWith(p))) return;
    const access = (route.config as { access?: Access } | undefined)?.access;
    if (!access) throw new Error(`Route ${String(route.method)} ${route.url} does not declare config.access`);
  });
}
