// Signing in to Manage Your Referral with the reference number (UBRN), access code and date of birth from the
// patient's letter, and signing out. (NHS login is the other way in: ./nhs-login.ts.)
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { tryAgainIn } from '../../auth/rate-limit.ts';
import { revokeToken } from '../../auth/sessions.ts';
import type { Deps } from '../../deps.ts';
import { isUbrn, normaliseUbrn } from '../../domain/ubrn.ts';
import { PUBLIC, ROLES } from '../../http/access.ts';
import { dateInput, emptyDate, errorContext, type FieldError, type FormValues, readForm, text } from '../../web/forms.ts';
import { seeOther, sendPage } from '../../web/page.ts';
import { clearSessionCookie, sessionToken, setSessionCookie } from '../../web/session.ts';
import { signInPatient } from '../patient-sign-in.ts';
import { dateOfBirth } from './date-of-birth.ts';

const NOT_RECOGNISED = 'We could not find a referral with those details. Check the reference number, access code and date of birth against your letter';

const SIGN_IN_FIELDS = { ubrn: text(20), accessCode: text(20), dob: dateInput() };
type SignInValues = FormValues<typeof SIGN_IN_FIELDS>;

const signInSchema = () =>
  z.object({
    ubrn: z.string().transform((raw, ctx) => {
      const ubrn = normaliseUbrn(raw);
      if (isUbrn(ubrn)) return ubrn;
      ctx.addIssue({ code: 'custom', message: raw ? 'Reference number must be 12 numbers, like 1234 5678 9012' : 'Enter your reference number (UBRN)' });
      return z.NEVER;
    }),
    accessCode: z.string().transform((raw) => raw.replace(/\s/g, '')).pipe(z.string().min(1, 'Enter your access code')),
    dob: dateOfBirth('your'),
  });

export function manageSignInPages(deps: Deps) {
  const { db } = deps.database;
  const { config } = deps;

  const signInPage = (request: FastifyRequest, reply: FastifyReply, values: SignInValues, errors: FieldError[], status = 200) =>
    sendPage(request, reply, 'manage-sign-in.njk', {
      title: 'Manage your referral',
      // The access code is never shown again on the page.
      values: { ...values, accessCode: '' },
      ...errorContext(errors),
      dobErrorField: errors.find((e) => e.field === 'dob')?.href.slice('#dob-'.length) ?? null,
      nhsLoginEnabled: config.nhsLogin !== null,
    }, status);

  return async function (app: FastifyInstance) {
    app.get('/manage/sign-in', { config: { access: PUBLIC('the patient sign-in form'), page: true } }, async (request, reply) => {
      if (request.principal?.kind === 'patient') return seeOther(reply, '/manage');
      return signInPage(request, reply, { ubrn: '', accessCode: '', dob: emptyDate() }, []);
    });

    app.post('/manage/sign-in', { config: { access: PUBLIC('how a patient signs in, with the UBRN and access code from their letter'), page: true } }, async (request, reply) => {
      const form = readForm(SIGN_IN_FIELDS, signInSchema(), request.body);
      if (!form.ok) return signInPage(request, reply, form.values, form.errors, 400);
      const { ubrn, accessCode, dob } = form.answer;
      const result = await signInPatient(deps, { ubrn, accessCode, dateOfBirth: dob }, request, 'page');
      if (result.outcome === 'too-many') {
        reply.header('retry-after', String(result.retryAfterSeconds));
        const message = `Too many attempts to sign in. ${tryAgainIn(result.retryAfterSeconds)}`;
        return signInPage(request, reply, form.values, [{ field: 'ubrn', href: '#ubrn', message }], 429);
      }
      if (result.outcome === 'not-recognised') return signInPage(request, reply, form.values, [{ field: 'ubrn', href: '#ubrn', message: NOT_RECOGNISED }], 401);
      // A new session on every sign-in (never one chosen by the browser); any earlier one is ended.
      const previous = sessionToken(request);
      if (previous) await revokeToken(db, previous);
      setSessionCookie(config, request, reply, result.token, result.expiresAt);
      return seeOther(reply, '/manage');
    });

    app.post('/manage/sign-out', { config: { access: ROLES('patient'), page: true } }, async (request, reply) => {
      await revokeToken(db, sessionToken(request)!);
      clearSessionCookie(config, request, reply);
      return seeOther(reply, '/signed-out');
    });
  };
}
