// Walks every GET route of the app, on the demo data, as every role it admits (the demo accounts, and a patient
// signed in with a referral the demo provider was sent), and fails when an answer shows a patient's UBRN or NHS
// number but its route declares no `config.audit`, or declares it but wrote no row for that answer. As the
// authorisation matrix does for access, one run names every route that is wrong.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { issuePatientToken, issueToken } from '../auth/sessions.ts';
import type { StaffRole } from '../db/schema.ts';
import { declaredRoutes } from '../http/access.ts';
import type { Role } from '../http/principal.ts';
import { readAuditSettled } from '../http/read-audit.ts';
import { PageSession } from '../testing/page-session.ts';
import { referThroughApi, startDemoApp, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let app: FastifyInstance;
let patientUbrn: string;
const staffAccount = new Map<StaffRole, number>();
// Every identifier that names a patient in the demo data: a 12-digit UBRN or a 10-digit NHS number.
const identifiers = new Set<string>();

before(async () => {
  t = await startDemoApp('read-audit-walk');
  app = t.app;
  for (const username of ['demo-referrer', 'demo-referral-centre', 'demo-provider', 'demo-commissioner', 'demo-admin']) {
    const a = await t.database.db.selectFrom('account').select(['id', 'role']).where('username', '=', username).executeTakeFirstOrThrow();
    staffAccount.set(a.role, a.id);
  }
  ({ ubrn: patientUbrn } = await referThroughApi(app, { familyName: 'Walkover' }, ['RR813-110']));
  for (const r of await t.database.db.selectFrom('referral').select(['ubrn', 'patient_nhs_number']).execute()) {
    identifiers.add(r.ubrn);
    identifiers.add(r.patient_nhs_number);
  }
});
after(() => t.close());

/** The UBRNs and NHS numbers an answer shows, however formatted (pages group digits with spaces). */
function shownIdentifiers(body: string): string[] {
  const found = new Set<string>();
  for (const m of body.matchAll(/\d[\d ]{8,14}\d/g)) {
    const digits = m[0].replace(/ /g, '');
    if (identifiers.has(digits)) found.add(digits);
  }
  return [...found];
}

test('every GET route that shows a patient declares its audit and records the read', { timeout: 600_000 }, async (ctx) => {
  // Public routes show no patient; operators' routes (a token, no role) show counts only.
  const routes = declaredRoutes(app).filter((r) => r.method === 'GET' && 'roles' in r.access);
  assert.ok(routes.length > 50, `found ${routes.length} routes`);
  const wrong: string[] = [];
  let showing = 0;
  for (const route of routes) {
    const declared = route.audited;
    const url = route.url.replace(':ubrn', patientUbrn).replace(/:(\w+)/g, 'x');
    for (const role of (route.access as { roles: readonly Role[] }).roles) {
      const kind = route.page ? 'page' : 'api';
      const token = role === 'patient' ? (await issuePatientToken(t.database.db, patientUbrn, kind)).token : (await issueToken(t.database.db, staffAccount.get(role)!, kind)).token;
      const before = await t.database.db.selectFrom('patient_read_audit').select((eb) => sql<string>`coalesce(max(id), 0)`.as('n')).executeTakeFirstOrThrow();
      const res = route.page ? await new PageSession(app, token).get(url) : await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      await readAuditSettled(app);
      if (res.statusCode >= 300) continue;
      const shown = shownIdentifiers(res.body);
      if (shown.length === 0) continue;
      showing += 1;
      if (!declared) {
        wrong.push(`${route.url} as ${role} shows ${shown.length} patient identifier(s) but declares no config.audit`);
        continue;
      }
      const rows = await t.database.db
        .selectFrom('patient_read_audit')
        .select(['ubrn', 'nhs_number', 'route', 'role'])
        .where('id', '>', before.n)
        .execute();
      if (rows.length === 0) wrong.push(`${route.url} as ${role} shows ${shown.length} patient identifier(s) but recorded no read`);
      else if (!rows.every((r) => r.route === `GET ${route.url}` && r.role === role)) wrong.push(`${route.url} as ${role}: rows name ${rows[0]!.route} ${rows[0]!.role}`);
    }
  }
  ctx.diagnostic(`${routes.length} GET routes walked; ${showing} answers showed a patient`);
  assert.ok(showing >= 10, `only ${showing} answers showed a patient: the walk is not reaching them`);
  assert.ok(wrong.length === 0, `${wrong.length} route(s) wrong:\n${wrong.join('\n')}`);
});
