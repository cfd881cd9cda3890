// Staff sign in and out of the pages: the API's checks and rate limits, a session cookie instead of a token.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { issueToken, revokeToken } from '../auth/sessions.ts';
import { signInWithPassword } from '../auth/sign-in.ts';
import { PUBLIC, ROLES } from '../http/access.ts';
import { deleteDraft } from './drafts.ts';
import { homeFor, seeOther, sendPage } from './page.ts';
import { clearSessionCookie, PAGE_SESSION_HOURS, sessionHash, sessionToken, setSessionCookie } from './session.ts';

const STAFF_ROLES = ['referrer', 'referral-centre', 'provider', 'commissioner', 'admin'] as const;
// One message for every failure: it must not tell which usernames exist.
const BAD_CREDENTIALS = 'Enter a correct username and password';



export function signInPages(database: Database, config: Config) {
  const { db } = database;
  return async function (app: FastifyInstance) {
    app.get('/sign-in', { config: { access: PUBLIC('the sign-in form'), page: true } }, async (request, reply) => {
      if (request.principal?.kind === 'staff') return seeOther(reply, homeFor(request.principal.role));
      return sendPage(request, reply, 'sign-in.njk', { title: 'Sign in', values: { username: '' }, errors: [], oidcEnabled: config.oidc !== null });
    });

    app.post('/sign-in', { config: { access: PUBLIC('signing in is how a user gets a session'), page: true } }, async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const username = typeof body.username === 'string' ? body.username.trim().slice(0, 100) : '';
      const password = typeof body.password === 'string' ? body.password.slice(0, 200) : '';
      const again = (status: number, errors: { text: string; href: string }[]) =>
        sendPage(request, reply, 'sign-in.njk', { title: 'Sign in', values: { username }, errors, oidcEnabled: config.oidc !== null }, status);

      const missing: { text: string; href: string }[] = [];
      if (!username) missing.push({ text: 'Enter your username', href: '#username' });
      if (!password) missing.push({ text: 'Enter your password', href: '#password' });
      if (missing.length > 0) return again(400, missing);

      const result = await signInWithPassword(db, username, password, request.ip);
      if (!result.ok && result.retryAfterSeconds !== null) {
        reply.header('retry-after', String(result.retryAfterSeconds));
        return again(429, [{ text: `Too many failed attempts to sign in. Try again in ${Math.ceil(result.retryAfterSeconds / 60)} minutes`, href: '#username' }]);
      }
      if (!result.ok) return again(401, [{ text: BAD_CREDENTIALS, href: '#username' }]);
      // A new session on every sign-in (never one chosen by the browser), and the old one, if any, ended.
      const previous = sessionToken(request);
      if (previous) await revokeToken(db, previous);
      const { token, expiresAt } = await issueToken(db, result.accountId, 'page', PAGE_SESSION_HOURS);
      setSessionCookie(config, request, reply, token, expiresAt);
      return seeOther(reply, homeFor(result.role));
    });

    app.post('/sign-out', { config: { access: ROLES(...STAFF_ROLES), page: true } }, async (request, reply) => {
      const token = sessionToken(request)!;
      await deleteDraft(db, sessionHash(token));
      await revokeToken(db, token);
      clearSessionCookie(config, request, reply);
      return seeOther(reply, '/signed-out');
    });

    app.get('/signed-out', { config: { access: PUBLIC('says the user has signed out'), page: true } }, async (request, reply) =>
      sendPage(request, reply, 'signed-out.njk', { title: 'You have signed out' }),
    );
  };
}
