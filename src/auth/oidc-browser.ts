// The browser's side of an OpenID Connect sign-in, the same for staff (CIS2) and patients (NHS login): send it to
// the provider with a cookie that binds the sign-in to this browser, then finish the sign-in when it comes back.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config, OidcSettings } from '../config.ts';
import type { DB } from '../db/schema.ts';
import { seeOther } from '../web/page.ts';
import { secureCookies } from '../web/session.ts';
import { type OidcSignIn, OidcSignInError } from './oidc.ts';

const BROWSER_COOKIE = 'oc_oidc';

/** Sends the browser to the provider; the cookie is scoped to `path`, where the provider sends it back. */
export async function sendToProvider(signIn: OidcSignIn, db: Kysely<DB>, config: Config, request: FastifyRequest, reply: FastifyReply, path: string): Promise<FastifyReply> {
  const { url, browserValue } = await signIn.begin(db);
  reply.setCookie(BROWSER_COOKIE, browserValue, { path, httpOnly: true, sameSite: 'lax', secure: secureCookies(config, request), maxAge: 600 });
  return seeOther(reply, url.href);
}

/** Finishes the sign-in the provider sent the browser back from: its claims, or why it was refused (to tell the user). */
export async function backFromProvider(
  signIn: OidcSignIn,
  settings: OidcSettings,
  db: Kysely<DB>,
  request: FastifyRequest,
  reply: FastifyReply,
  path: string,
): Promise<{ ok: true; subject: string; claims: Record<string, unknown> } | { ok: false; reason: string }> {
  reply.clearCookie(BROWSER_COOKIE, { path });
  try {
    // The configured redirect URI names this service as the provider sees it (behind any proxy).
    const { subject, claims } = await signIn.complete(db, new URL(request.url, settings.redirectUri), request.cookies[BROWSER_COOKIE]);
    return { ok: true, subject, claims };
  } catch (err) {
    if (!(err instanceof OidcSignInError)) throw err;
    request.log.info({ reason: err.message }, 'OpenID Connect sign-in refused');
    return { ok: false, reason: err.message.replace(/\.$/, '') };
  }
}
