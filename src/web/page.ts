// Sending a page: the layout's context (CSP nonce, CSRF token, who is signed in) and the headers every page has.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../http/principal.ts';
import { type PageContext, renderPage, serverErrorHtml } from './render.ts';
import { pageNonce } from './security-headers.ts';
import { csrfBinding } from './session.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** A notice every page shows at its top (maintenance mode sets it), or undefined for none. */
    siteNotice?: string;
  }
}

export interface UserView {
  name: string;
  organisation: string | null;
  patient: boolean;
  /** Where the header's service name leads. */
  home: string;
}

/** Where each role starts after signing in, and where the header's service name leads it. */
export function homeFor(role: Principal['role']): string {
  switch (role) {
    case 'referrer':
      return '/referrals';
    case 'referral-centre':
      return '/referral-centre';
    case 'provider':
      return '/provider';
    case 'admin':
      return '/admin/messages';
    case 'commissioner':
      return '/commissioner';
    case 'patient':
      return '/manage';
    default:
      return '/';
  }
}

function userView(principal: Principal | null): UserView | null {
  if (!principal) return null;
  if (principal.kind === 'patient') return { name: `Referral ${principal.ubrn}`, organisation: null, patient: true, home: '/manage' };
  return { name: principal.displayName, organisation: principal.organisation.name, patient: false, home: homeFor(principal.role) };
}

/** The nonce in this page's Content-Security-Policy for its scripts (made, with the policy, on first use). */
export function scriptNonce(reply: FastifyReply): string {
  return pageNonce(reply);
}

/** Renders a view with the layout's context and sends it; no page is ever stored by a cache (they are per user). */
export function sendPage(request: FastifyRequest, reply: FastifyReply, template: string, context: PageContext, status = 200): FastifyReply {
  const html = renderPage(template, {
    ...context,
    cspNonce: scriptNonce(reply),
    csrfToken: reply.generateCsrf({ userInfo: csrfBinding(request) }),
    user: userView(request.principal),
    siteNotice: request.siteNotice,
  });
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'same-origin')
    .send(html);
}

/** 303 See Other: after a form is posted, the browser GETs the next page (so a refresh never posts again). */
export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(303).header('location', location).header('cache-control', 'no-store').send();
}

export function forbiddenPage(request: FastifyRequest, reply: FastifyReply, message?: string): FastifyReply {
  return sendPage(request, reply, 'forbidden.njk', { title: 'You cannot use this page', message }, 403);
}

/** 404 with the NHS "Page not found" page: for an unknown address, and for a record the user may not see. */
export function notFoundPage(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendPage(request, reply, 'not-found.njk', { title: 'Page not found' }, 404);
}

/** 500 with the NHS "problem with the service" page; the error itself is logged, never shown. */
export function serverErrorPage(reply: FastifyReply): FastifyReply {
  return reply.code(500).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(serverErrorHtml(scriptNonce(reply)));
}
