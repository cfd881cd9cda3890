// Walks every route of the app as every kind of caller, and proves each route admits exactly the callers
// it declares: anonymous callers get 401 and signed-in callers of other roles 403 on every protected route,
// and public routes never ask anyone to sign in. A caller let in must get an answer, not a failure: a 5xx to
// an admitted caller (or to anyone on a public route) fails too, even for these made-up parameters.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { StaffRole } from '../db/schema.ts';
import type { Role } from './principal.ts';
import { issuePatientToken, issueToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { createRoleAccounts } from '../testing/accounts.ts';
import { anonymousSession, type Method, PageSession } from '../testing/page-session.ts';
import { CSRF_COOKIE } from '../web/session.ts';
import { startFixtureApp } from '../testing/directory-fixture.ts';
import { declaredRoutes } from './access.ts';

const STAFF: StaffRole[] = ['referrer', 'referral-centre', 'provider', 'commissioner', 'admin'];
const ROLES: Role[] = [...STAFF, 'patient'];

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const accountIds = new Map<StaffRole, number>();
let ubrn: string;

before(async () => {
  ({ app, database, close } = await startFixtureApp('authorisation'));
  await createRoleAccounts(database, 'RXX');
  for (const a of await database.db.selectFrom('account').select(['id', 'role']).execute()) accountIds.set(a.role, a.id);
  // A referral for the patient caller to sign in with.
  const referral = await app.inject({
    method: 'POST',
    url: '/api/v1/referrals',
    headers: { authorization: `Bearer ${(await issueToken(database.db, accountIds.get('referrer')!, 'api')).token}` },
    payload: {
      patient: { nhsNumber: '9990000018', givenName: 'Ann', familyName: 'Smith', dateOfBirth: '1970-01-31', postcode: 'LS1 4AP' },
      specialty: '110',
      priority: 'ROUTINE',
      clinicalSummary: 'Knee pain',
    },
  });
  ubrn = referral.json().ubrn;
  assert.ok(ubrn, referral.body);
});

// A fresh token for every call: a route may end the session it was called with (signing out does).
const tokenFor = async (role: Role, page = false) => {
  const kind = page ? 'page' : 'api';
  return role === 'patient' ? (await issuePatientToken(database.db, ubrn, kind)).token : (await issueToken(database.db, accountIds.get(role)!, kind)).token;
};
after(() => close());

test('every route × every caller: admitted exactly as declared', async () => {
  const routes = declaredRoutes(app).filter((r) => r.method !== 'HEAD');
  assert.ok(routes.length >= 10, `found ${routes.length} routes`);
  const protectedRoutes = routes.filter((r) => !('public' in r.access));
  assert.ok(protectedRoutes.length >= 2, 'some routes are protected');
  assert.ok(protectedRoutes.some((r) => 'roles' in r.access && r.access.roles.length < ROLES.length), 'some admit only some roles');
  // Pages sign in with the session cookie, and their forms carry a CSRF token bound to that session: one valid
  // token for each session (and one for none), with the same CSRF cookie.
  const signInForm = anonymousSession(app);
  await signInForm.get('/sign-in');
  const csrfCookie = signInForm.cookies.get(CSRF_COOKIE)!;
  const csrfTokens = new Map<string | null, string>([[null, signInForm.csrf!]]);
  const csrfFor = async (token: string | null) => {
    if (!csrfTokens.has(token)) {
      const page = new PageSession(app, token);
      page.cookies.set(CSRF_COOKIE, csrfCookie);
      // The home page is public and, for someone signed in, carries the sign-out form with its token.
      const home = await page.get('/');
      assert.ok(page.csrf, `a CSRF token for the session (${home.statusCode})`);
      csrfTokens.set(token, page.csrf);
    }
    return csrfTokens.get(token)!;
  };
  const wrong: string[] = [];
  for (const route of routes) {
    const url = route.url.replace(/:(\w+)/g, 'x').replace(/\*$/, 'x');
    const method = route.method as Method;
    const hasBody = !(method === 'GET' || method === 'DELETE');
    const call = async (token?: string) => {
      if (!route.page) return app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(hasBody ? { payload: {} } : {}) });
      const session = new PageSession(app, token ?? null);
      session.cookies.set(CSRF_COOKIE, csrfCookie);
      return session.request(method, url, hasBody ? { _csrf: await csrfFor(token ?? null) } : undefined);
    };
    // For a page, "not signed in" is a 303 to its sign-in page.
    const notSignedIn = (res: { statusCode: number; headers: Record<string, unknown> }) =>
      route.page ? res.statusCode === 303 && /^\/(manage\/)?sign-in$/.test(String(res.headers.location)) : res.statusCode === 401;
    const anonymous = await call();
    if ('public' in route.access) {
      if ([401, 403].includes(anonymous.statusCode) || (route.page && notSignedIn(anonymous))) wrong.push(`${route.method} ${route.url} is public but answered ${anonymous.statusCode}`);
      if (anonymous.statusCode >= 500) wrong.push(`${route.method} ${route.url} (public) failed: ${anonymous.statusCode} ${anonymous.body.slice(0, 200)}`);
      continue;
    }
    // An operators' route (/metrics) admits its token only, never a sign-in of any role: 401, or 404 while it is off.
    if ('operatorToken' in route.access) {
      for (const [who, res] of [['anonymous', anonymous], ...(await Promise.all(ROLES.map(async (role) => [role, await call(await tokenFor(role))] as const)))] as const) {
        if (![401, 404].includes(res.statusCode)) wrong.push(`${route.method} ${route.url} (operators' token only) as ${who}: ${res.statusCode}`);
      }
      continue;
    }
    if (!notSignedIn(anonymous)) wrong.push(`${route.method} ${route.url} without sign-in answered ${anonymous.statusCode} ${String(anonymous.headers.location ?? '')}`);
    // The FHIR interface refuses in FHIR: an OperationOutcome, never problem+json (src/fhir/platform.ts).
    const fhir = route.url.startsWith('/fhir/');
    const refusedInFhir = (res: { statusCode: number; body: string }) => !fhir || (res.body.includes('"resourceType":"OperationOutcome"') && res.body.includes('REC_'));
    if (!refusedInFhir(anonymous)) wrong.push(`${route.method} ${route.url} refused anonymous without an OperationOutcome: ${anonymous.body.slice(0, 120)}`);
    for (const role of ROLES) {
      const res = await call(await tokenFor(role, route.page));
      if (res.statusCode === 403 && !refusedInFhir(res)) wrong.push(`${route.method} ${route.url} refused ${role} without an OperationOutcome`);
      if (route.page && route.method === 'GET' && res.statusCode === 200 && res.headers['cache-control'] !== 'no-store') wrong.push(`${route.url} is cached`);
      if (!route.access.roles.includes(role)) {
        if (res.statusCode !== 403) wrong.push(`${route.method} ${route.url} as ${role}: ${res.statusCode}, not 403`);
      } else if ([401, 403].includes(res.statusCode) || notSignedIn(res)) {
        wrong.push(`${route.method} ${route.url} as ${role}: ${res.statusCode}`);
      } else if (res.statusCode >= 500) {
        wrong.push(`${route.method} ${route.url} as ${role} failed: ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    }
  }
  // Every route is walked before failing, so one run names every route that is wrong.
  assert.ok(wrong.length === 0, `${wrong.length} wrong answer(s):\n${wrong.join('\n')}`);
});

test('the provider\'s appointment slot issue work: its routes admit providers only, and booking admits them too', () => {
  const rolesOf = (method: string, url: string) => {
    const route = declaredRoutes(app).find((r) => r.method === method && r.url === url);
    assert.ok(route, `${method} ${url} is declared`);
    return 'roles' in route.access ? [...route.access.roles].sort() : 'public';
  };
  for (const [method, url] of [
    ['POST', '/api/v1/referrals/:ubrn/contact-attempts'], ['GET', '/api/v1/referrals/:ubrn/contact-attempts'],
    ['GET', '/provider/asi/:ubrn'], ['GET', '/provider/asi/:ubrn/contact'], ['POST', '/provider/asi/:ubrn/contact'],
    ['GET', '/provider/asi/:ubrn/book'], ['POST', '/provider/asi/:ubrn/book'], ['GET', '/provider/asi/:ubrn/book/check'],
    ['POST', '/provider/asi/:ubrn/book/check'], ['GET', '/provider/asi/:ubrn/booked'],
  ] as const) assert.deepEqual(rolesOf(method, url), ['provider'], `${method} ${url}`);
  // Which provider (the one the referral is deferred to, not another on its shortlist) is the service's rule,
  // proved in src/referrals/asi.test.ts.
  assert.deepEqual(rolesOf('POST', '/api/v1/referrals/:ubrn/appointment'), ['patient', 'provider', 'referral-centre', 'referrer']);
});
