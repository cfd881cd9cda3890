// Page sessions: a random token in an HttpOnly cookie, its hash in auth_session (kind 'page'), exactly as the
// API's bearer tokens; CSRF protection for every form that changes something; security headers with a CSP
// nonce per request.
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import type { Role } from '../http/principal.ts';
import type { Config } from '../config.ts';
import type { PageSessions } from '../http/access.ts';
import { registerSecurityHeaders } from './security-headers.ts';

export const SESSION_COOKIE = 'oc_session';
export const CSRF_COOKIE = 'oc_csrf';
/** A signed-in page session lasts a working day, as the API's tokens. */
export const PAGE_SESSION_HOURS = 8;
export const STAFF_SIGN_IN = '/sign-in';
export const PATIENT_SIGN_IN = '/manage/sign-in';

/** Secure when in production, or when this request itself came over https. */
export function secureCookies(config: Config, request: FastifyRequest): boolean {
  return config.env === 'production' || request.protocol === 'https';
}

export function setSessionCookie(config: Config, request: FastifyRequest, reply: FastifyReply, token: string, expiresAt: Date): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: secureCookies(config, request),
    expires: expiresAt,
  });
}

export function clearSessionCookie(config: Config, request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies(config, request) });
}

export function sessionToken(request: FastifyRequest): string | null {
  return request.cookies[SESSION_COOKIE] ?? null;
}

/** The stored form of a session token (as src/auth/sessions.ts stores it), to key server-side drafts. */
export function sessionHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Registers cookies, security headers and CSRF protection on the whole app. Call before enforceAccess. */
export async function registerPageSecurity(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(cookie);
  registerSecurityHeaders(app, config);
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure: config.env === 'production' },
    // Forms send it as the hidden field _csrf; nothing else is read.
    getToken: (request) => (request.body as { _csrf?: unknown } | undefined)?._csrf as string | undefined,
    // Each token is bound to the session it was made for: one made before signing in, or in someone else's session,
    // is refused once the session has changed (the CSRF cookie alone outlives a sign-in).
    getUserInfo: csrfBinding,
    csrfOpts: { hmacKey: `csrf:${config.accessCodeSecret}` },
  });
}

/** What a page's CSRF token is bound to: the session it is shown in (none before signing in). */
export function csrfBinding(request: FastifyRequest): string {
  const token = sessionToken(request);
  return token ? sessionHash(token) : 'no session';
}

export function pageSessions(forbidden: PageSessions['forbidden']): PageSessions {
  return {
    cookie: SESSION_COOKIE,
    signInPath: (roles: readonly Role[]) => (roles.length === 1 && roles[0] === 'patient' ? PATIENT_SIGN_IN : STAFF_SIGN_IN),
    forbidden,
  };
}
