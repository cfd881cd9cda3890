// Staff sign in and out of the pages: with a username and password (the API's checks and rate limits, a session
// cookie instead of a token), or through the configured OpenID Connect provider (NHS CIS2 in the NHS). Signing in
// through a provider never creates an account: it must already exist and be linked to the provider's subject.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { PUBLIC, ROLES } from '../http/access.ts';
import { deleteDrafts } from '../web/drafts.ts';
import { errorContext, type FieldError, readForm, secret, text } from '../web/forms.ts';
import { forbiddenPage, homeFor, seeOther, sendPage } from '../web/page.ts';
import { addViews } from '../web/render.ts';
import { clearSessionCookie, PAGE_SESSION_HOURS, sessionHash, sessionToken, setSessionCookie } from '../web/session.ts';
import { accountForSubject, OidcSignIn } from './oidc.ts';
import { backFromProvider, sendToProvider } from './oidc-browser.ts';
import { tryAgainIn } from './rate-limit.ts';
import { issueToken, revokeToken } from './sessions.ts';
import { signInWithPassword } from './sign-in.ts';

const STAFF_ROLES = ['referrer', 'referral-centre', 'provider', 'commissioner', 'admin'] as const;
// One message for every failure: it must not tell which usernames exist. It says what went wrong rather than
// "enter your password" under a field the user filled in; the password field comes back empty, to type again.
const BAD_CREDENTIALS: FieldError = { field: 'password', href: '#password', message: 'Your username or password is wrong' };
const OIDC_PATH = '/sign-in/oidc';

const SIGN_IN_FIELDS = { username: text(100), password: secret(200) };
const SignInForm = z.object({ username: z.string().min(1, 'Enter your username'), password: z.string().min(1, 'Enter your password') });

export function authPages({ database, config }: { database: Database; config: Config }) {
  const { db } = database;
  const oidc = config.oidc ? new OidcSignIn(config.oidc, 'staff') : null;

  const signInPage = (request: FastifyRequest, reply: FastifyReply, username: string, errors: FieldError[], status = 200) =>
    sendPage(request, reply, 'sign-in.njk', { title: 'Sign in', values: { username }, ...errorContext(errors), oidcEnabled: oidc !== null }, status);

  /** A new session on every sign-in (never one chosen by the browser), and the old one, if any, ended. */
  async function startSession(request: FastifyRequest, reply: FastifyReply, accountId: number): Promise<void> {
    const previous = sessionToken(request);
    if (previous) await revokeToken(db, previous);
    const { token, expiresAt } = await issueToken(db, accountId, 'page', PAGE_SESSION_HOURS);
    setSessionCookie(config, request, reply, token, expiresAt);
  }

  return async function (app: FastifyInstance) {
    addViews(new URL('./views', import.meta.url));

    app.get('/sign-in', { config: { access: PUBLIC('the sign-in form'), page: true } }, async (request, reply) => {
      if (request.principal?.kind === 'staff') return seeOther(reply, homeFor(request.principal.role));
      return signInPage(request, reply, '', []);
    });

    app.post('/sign-in', { config: { access: PUBLIC('signing in is how a user gets a session'), page: true } }, async (request, reply) => {
      const form = readForm(SIGN_IN_FIELDS, SignInForm, request.body);
      if (!form.ok) return signInPage(request, reply, form.values.username, form.errors, 400);
      const { username, password } = form.answer;
      const result = await signInWithPassword(db, username, password, { address: request.ip, log: request.log, addressSecret: config.accessCodeSecret });
      if (!result.ok && result.retryAfterSeconds !== null) {
        reply.header('retry-after', String(result.retryAfterSeconds));
        const message = `Too many failed attempts to sign in. ${tryAgainIn(result.retryAfterSeconds)}`;
        return signInPage(request, reply, username, [{ field: 'username', href: '#username', message }], 429);
      }
      if (!result.ok) return signInPage(request, reply, username, [BAD_CREDENTIALS], 401);
      await startSession(request, reply, result.accountId);
      return seeOther(reply, homeFor(result.role));
    });

    app.post('/sign-out', { config: { access: ROLES(...STAFF_ROLES), page: true } }, async (request, reply) => {
      const token = sessionToken(request)!;
      await deleteDrafts(db, sessionHash(token));
      await revokeToken(db, token);
      clearSessionCookie(config, request, reply);
      return seeOther(reply, '/signed-out');
    });

    app.get('/signed-out', { config: { access: PUBLIC('says the user has signed out'), page: true } }, async (request, reply) =>
      sendPage(request, reply, 'signed-out.njk', { title: 'You have signed out' }),
    );

    const oidcFailed = (request: FastifyRequest, reply: FastifyReply, message: string) =>
      signInPage(request, reply, '', [{ field: 'username', href: '#username', message }], 400);

    app.get(OIDC_PATH, { config: { access: PUBLIC('sends the browser to the identity provider to sign in'), page: true } }, async (request, reply) => {
      if (!oidc) return oidcFailed(request, reply, 'Signing in with a smartcard or NHS identity is not set up here. Use your username and password');
      return sendToProvider(oidc, db, config, request, reply, OIDC_PATH);
    });

    app.get(`${OIDC_PATH}/callback`, { config: { access: PUBLIC('the identity provider sends the browser back here'), page: true } }, async (request, reply) => {
      if (!oidc || !config.oidc) return oidcFailed(request, reply, 'Signing in with a smartcard or NHS identity is not set up here');
      const back = await backFromProvider(oidc, config.oidc, db, request, reply, OIDC_PATH);
      if (!back.ok) return oidcFailed(request, reply, back.reason);
      const subject = back.subject;
      const account = await accountForSubject(db, subject);
      if (!account) return forbiddenPage(request, reply, 'No OpenChoice account is linked to the identity you signed in with. Ask your administrator to link it.');
      await startSession(request, reply, account.id);
      return seeOther(reply, homeFor(account.role));
    });
  };
}
