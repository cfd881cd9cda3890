// Signing in to the pages through OpenID Connect. Staff use the configured provider (NHS CIS2 in the NHS); the
// account must already exist and be linked to the provider's subject: signing in never creates an account.
// Patients use NHS login, whose verified `nhs_number` claim finds their referral.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { isValidNhsNumber, standardiseNhsNumber } from '../domain/nhs-number.ts';
import { PUBLIC } from '../http/access.ts';
import { forbiddenPage, homeFor, seeOther, sendPage } from '../web/page.ts';
import { secureCookies, sessionToken, setSessionCookie, PAGE_SESSION_HOURS } from '../web/session.ts';
import { errorFor, errorList } from '../web/referral-form.ts';
import { accountForSubject, OidcSignIn, OidcSignInError } from './oidc.ts';
import { issuePatientToken, issueToken, revokeToken } from './sessions.ts';

const BROWSER_COOKIE = 'oc_oidc';
const COOKIE_PATH = '/sign-in/oidc';
const NHS_LOGIN_PATH = '/manage/nhs-login';

export function oidcSignInPages(database: Database, config: Config) {
  const { db } = database;
  const signIn = config.oidc ? new OidcSignIn(config.oidc, 'staff') : null;
  const nhsLogin = config.nhsLogin ? new OidcSignIn(config.nhsLogin, 'patient') : null;

  const failed = (request: FastifyRequest, reply: FastifyReply, text: string) =>
    sendPage(request, reply, 'sign-in.njk', { title: 'Sign in', values: { username: '' }, errors: [{ text, href: '#username' }], oidcEnabled: signIn !== null }, 400);

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

    const patientFailed = (request: FastifyRequest, reply: FastifyReply, message: string, status = 400) => {
      const errors = [{ field: 'ubrn', href: '#ubrn', message }];
      return sendPage(
        request,
        reply,
        'manage-sign-in.njk',
        {
          title: 'Manage your referral',
          values: { ubrn: '', accessCode: '', dobDay: '', dobMonth: '', dobYear: '' },
          errors,
          errorList: errorList(errors),
          err: { ubrn: errorFor(errors, 'ubrn') },
          nhsLoginEnabled: nhsLogin !== null,
        },
        status,
      );
    };

    app.get('/manage/nhs-login', { config: { access: PUBLIC('sends the patient to NHS login to sign in'), page: true } }, async (request, reply) => {
      if (!nhsLogin) return patientFailed(request, reply, 'NHS login is not set up here. Use the reference number and access code from your letter');
      const { url, browserValue } = await nhsLogin.begin(db);
      reply.setCookie(BROWSER_COOKIE, browserValue, { path: NHS_LOGIN_PATH, httpOnly: true, sameSite: 'lax', secure: secureCookies(config, request), maxAge: 600 });
      return seeOther(reply, url.href);
    });

    app.get('/manage/nhs-login/callback', { config: { access: PUBLIC('NHS login sends the patient back here'), page: true } }, async (request, reply) => {
      if (!nhsLogin || !config.nhsLogin) return patientFailed(request, reply, 'NHS login is not set up here');
      reply.clearCookie(BROWSER_COOKIE, { path: NHS_LOGIN_PATH });
      let nhsNumber: unknown;
      try {
        ({ claims: { nhs_number: nhsNumber } } = await nhsLogin.complete(db, new URL(request.url, config.nhsLogin.redirectUri), request.cookies[BROWSER_COOKIE]));
      } catch (err) {
        if (!(err instanceof OidcSignInError)) throw err;
        request.log.info({ reason: err.message }, 'NHS login refused');
        return patientFailed(request, reply, err.message.replace(/\.$/, ''));
      }
      if (typeof nhsNumber !== 'string' || !isValidNhsNumber(nhsNumber)) {
        return patientFailed(request, reply, 'NHS login did not give us your NHS number. Use the reference number and access code from your letter', 403);
      }
      // A patient may have several referrals: NHS login opens the one most recently changed that is still open.
      const referral = await db
        .selectFrom('referral')
        .select('ubrn')
        .where('patient_nhs_number', '=', standardiseNhsNumber(nhsNumber))
        .where('status', 'not in', ['CANCELLED', 'TRANSFERRED'])
        .orderBy('updated_at', 'desc')
        .executeTakeFirst();
      if (!referral) return patientFailed(request, reply, 'We could not find an open referral for you. If you have a letter, use its reference number and access code', 404);
      const previous = sessionToken(request);
      if (previous) await revokeToken(db, previous);
      const { token, expiresAt } = await issuePatientToken(db, referral.ubrn, 'page');
      setSessionCookie(config, request, reply, token, expiresAt);
      return seeOther(reply, '/manage');
    });
  };
}
