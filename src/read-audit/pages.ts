// The pages of who saw what: a search for administrators and providers' staff (/audit/reads), and, for a patient
// signed in to Manage your referral, who has looked at theirs (/manage/who-has-looked).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { patientOf, ROLES, staffOf } from '../http/access.ts';
import { Problem } from '../http/problem.ts';
import { READS, auditReads } from '../http/read-audit.ts';
import { errorContext, readForm, text, type FieldError } from '../web/forms.ts';
import { sendPage } from '../web/page.ts';
import { addViews } from '../web/render.ts';
import { isValidNhsNumber, standardiseNhsNumber } from '../domain/nhs-number.ts';
import { isUbrn, normaliseUbrn } from '../domain/ubrn.ts';
import { Instant } from './schemas.ts';
import { readsOfMyReferral, searchReads, type AuditedRead } from './service.ts';

const ROLE_TEXT: Readonly<Record<string, string>> = {
  patient: 'You',
  referrer: 'Referrer (for example your GP practice)',
  'referral-centre': 'Referral centre',
  provider: 'Hospital or clinic (the provider)',
  commissioner: 'Commissioner (the integrated care board)',
  admin: 'Administrator of this service',
};

const fields = { nhsNumber: text(20), ubrn: text(20), accountId: text(12), from: text(30), to: text(30) };
// An empty box is no filter; a filled one must be right, with the message the page shows beside it.
const box = <T>(read: (text: string) => T | undefined, message: string) =>
  z.string().transform((text, ctx) => {
    if (text === '') return undefined;
    const value = read(text);
    if (value === undefined) ctx.addIssue({ code: 'custom', message });
    return value;
  });
const instant = (end: 'from' | 'to') => (text: string) => {
  const parsed = Instant(end).safeParse(text);
  return parsed.success ? parsed.data : undefined;
};
const searchForm = z.object({
  nhsNumber: box((t) => (isValidNhsNumber(t) ? standardiseNhsNumber(t) : undefined), 'Enter a valid 10-digit NHS number, like 943 476 5919'),
  ubrn: box((t) => (isUbrn(normaliseUbrn(t)) ? normaliseUbrn(t) : undefined), 'Enter the 12-digit UBRN, like 0000 0000 0000'),
  accountId: box((t) => (/^\d{1,9}$/.test(t) && Number(t) > 0 ? Number(t) : undefined), 'Enter the account number as digits, like 12'),
  from: box(instant('from'), 'Enter the first date like 2026-12-01'),
  to: box(instant('to'), 'Enter the last date like 2026-12-31'),
});

export function readAuditPages(deps: Deps) {
  const { db } = deps.database;
  return async function (app: FastifyInstance) {
    addViews(new URL('./views', import.meta.url));

    // A search is a GET form: it changes nothing, and its address can be kept in an incident's notes.
    app.get('/audit/reads', { config: { access: ROLES('admin', 'provider'), page: true, audit: READS('referrals', 'audit search') } }, async (request, reply) => {
      const staff = staffOf(request);
      const query = request.query as Record<string, unknown>;
      const asked = Object.keys(fields).some((k) => typeof query[k] === 'string' && query[k] !== '');
      const form = readForm(fields, searchForm, query);
      let errors: FieldError[] = form.ok ? [] : form.errors;
      let found: { reads: AuditedRead[]; total: number } | null = null;
      if (form.ok && asked) {
        try {
          const { nhsNumber, ubrn, accountId, from, to } = form.answer;
          found = await searchReads(db, staff, { ...(nhsNumber && { nhsNumber }), ...(ubrn && { ubrn }), ...(accountId && { accountId }), ...(from && { from }), ...(to && { to }), limit: 200, offset: 0 });
          auditReads(request, found.reads);
        } catch (err) {
          if (!(err instanceof Problem) || err.status !== 400) throw err;
          errors = [{ field: 'nhsNumber', href: '#nhsNumber', message: err.detail }];
        }
      }
      return sendPage(request, reply, 'audit-reads.njk', {
        title: 'Who saw a patient\'s record',
        values: form.values,
        providerOnly: staff.role === 'provider',
        reads: found?.reads.map((r) => ({ ...r, roleText: ROLE_TEXT[r.role] ?? r.role })) ?? null,
        total: found?.total ?? 0,
        ...errorContext(errors),
      }, errors.length ? 400 : 200);
    });

    app.get('/manage/who-has-looked', { config: { access: ROLES('patient'), page: true, audit: READS('referral') } }, async (request, reply) => {
      const reads = await readsOfMyReferral(db, patientOf(request));
      return sendPage(request, reply, 'who-has-looked.njk', {
        title: 'Who has looked at your referral',
        back: '/manage',
        reads: reads.map((r) => ({ ...r, roleText: ROLE_TEXT[r.role] ?? r.role })),
      });
    });
  };
}
