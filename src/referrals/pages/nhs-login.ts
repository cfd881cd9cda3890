// Patients sign in to Manage Your Referral through NHS login (OpenID Connect): its verified `nhs_number` claim finds
// their open referral. The sign-in itself is auth's (src/auth/oidc.ts); which referral it opens is this feature's.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OidcSignIn } from '../../auth/oidc.ts';
import { backFromProvider, sendToProvider } from '../../auth/oidc-browser.ts';
import { issuePatientToken, revokeToken } from '../../auth/sessions.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/database.ts';
import { isValidNhsNumber, standardiseNhsNumber } from '../../domain/nhs-number.ts';
import { PUBLIC } from '../../http/access.ts';
import { emptyDate, errorContext } from '../../web/forms.ts';
import { seeOther, sendPage } from '../../web/page.ts';
import { sessionToken, setSessionCookie } from '../../web/session.ts';
import { latestOpenReferralOf } from '../queries.ts';

const NHS_LOGIN_PATH = '/manage/nhs-login';

export function nhsLoginPages(database: Database, config: Config) {
  const { db } = database;
  const nhsLogin = config.nhsLogin ? new OidcSignIn(config.nhsLogin, 'patient') : null;

  const failed = (request: FastifyRequest, reply: FastifyReply, message: string, status = 400) =>
    sendPage(request, reply, 'manage-sign-in.njk', {
      title: 'Manage your referral',
      values: { ubrn: '', accessCode: '', dob: emptyDate() },
      ...errorContext([{ field: 'ubrn', href: '#ubrn', message }]),
      nhsLoginEnabled: nhsLogin !== null,
    }, status);

  return async function (app: FastifyInstance) {
    app.get(NHS_LOGIN_PATH, { config: { access: PUBLIC('sends the patient to NHS login to sign in'), page: true } }, async (request, reply) => {
      if (!nhsLogin) return failed(request, reply, 'NHS login is not set up here. Use the reference number and access code from your letter');
      return sendToProvider(nhsLogin, db, config, request, reply, NHS_LOGIN_PATH);
    });

    app.get(`${NHS_LOGIN_PATH}/callback`, { config: { access: PUBLIC('NHS login sends the patient back here'), page: true } }, async (request, reply) => {
      if (!nhsLogin || !config.nhsLogin) return failed(request, reply, 'NHS login is not set up here');
      const back = await backFromProvider(nhsLogin, config.nhsLogin, db, request, reply, NHS_LOGIN_PATH);
      if (!back.ok) return failed(request, reply, back.reason);
      const nhsNumber = back.claims.nhs_number;
      if (typeof nhsNumber !== 'string' || !isValidNhsNumber(nhsNumber)) {
        return failed(request, reply, 'NHS login did not give us your NHS number. Use the reference number and access code from your letter', 403);
      }
      // A patient may have several referrals: NHS login opens the one most recently changed that is still open.
      const ubrn = await latestOpenReferralOf(db, standardiseNhsNumber(nhsNumber));
      if (!ubrn) return failed(request, reply, 'We could not find an open referral for you. If you have a letter, use its reference number and access code', 404);
      const previous = sessionToken(request);
      if (previous) await revokeToken(db, previous);
      const { token, expiresAt } = await issuePatientToken(db, ubrn, 'page');
      setSessionCookie(config, request, reply, token, expiresAt);
      return seeOther(reply, '/manage');
    });
  };
}
