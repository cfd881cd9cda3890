// Staff sign in to the pages through the configured OpenID Connect provider (NHS CIS2 in the NHS). The account
// must already exist and be linked to the provider's subject: signing in never creates an account.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { PUBLIC } from '../http/access.ts';
import { forbiddenPage, seeOther, sendPage } from '../web/page.ts';
import { secureCookies, sessionToken, setSessionCookie, PAGE_SESSION_HOURS } from '../web/session.ts';
import { homeFor } from '../web/sign-in-pages.ts';
import { accountForSubject, OidcSignIn, OidcSignInError } from './oidc.ts';
import { issueToken, revokeToken } from './sessions.ts';

const BROWSER_COOKIE = 'oc_oidc';
const COOKIE_PATH = '/sign-in/oidc';

export function oidcSignInPages(database: Database, config: Config) {
  const { db } = database;
  const signIn = config.oidc ? new OidcSignIn(config.oidc, 'staff') : null;

  const failed = (request: FastifyRequest, reply: FastifyReply, text: string) =>
    sendPage(request, reply, 'sign-in.njk', { title: 'Sign in', values: { username: '' }, errors: [{ text, href: '#username' }] }, 400);

  return async function (app: FastifyInstance) {
    app.get('/sign-in/oidc', { config: { access: PUBLIC('sends the browser to the identity provider to sign in'), page: true } }, async (request, reply) => {
      if (!signIn) return failed(request, reply, 'Signing in with a smartcard or NHS identity is not set up here. Use your username and password');
      const { url, browserValue } = await signIn.begin(db);
      reply.setCookie(BROWSER_COOKIE, browserValue, { path: COOKIE_PATH, httpOnly: true, sameSite: 'lax', secure: secureCookies(config, request), maxAge: 600 });
      return seeOther(reply, url.href);
    });

    app.get('/sign-in/oidc/callback', { config: { access: PUBLIC('the identity provider sends the browser back here'), page: true } }, async (request, reply) => {
      if (!signIn || !config.oidc) return failed(request, reply, 'Signing in with a smartcard or NHS identity is not set up here');
      reply.clearCookie(BROWSER_COOKIE, { path: COOKIE_PATH });
      let subject: string;
      try {
        // The configured redirect URI names this service as the provider sees it (behind any proxy).
        ({ subject } = await signIn.complete(db, new URL(request.url, config.oidc.redirectUri), request.cookies[BROWSER_COOKIE]));
      } catch (err) {
        if (!(err instanceof OidcSignInError)) throw err;
        request.log.info({ reason: err.message }, 'OpenID Connect sign-in refused');
        return failed(request, reply, `${err.message.replace(/\.$/, '')}`);
      }
      const accountId = await accountForSubject(db, subject);
      if (accountId === null) {
        return forbiddenPage(request, reply, 'No OpenChoice account is linked to the identity you signed in with. Ask your administrator to link it.');
      }
      const { role } = await db.selectFrom('account').select('role').where('id', '=', accountId).executeTakeFirstOrThrow();
      const previous = sessionToken(request);
      if (previous) await revokeToken(db, previous);
      const { token, expiresAt } = await issueToken(db, accountId, 'page', PAGE_SESSION_HOURS);
      setSessionCookie(config, request, reply, token, expiresAt);
      return seeOther(reply, homeFor(role));
    });
  };
}
