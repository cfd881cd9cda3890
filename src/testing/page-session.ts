// A browser's side of the pages over app.inject: it keeps the cookies the app sets and sends them back, and posts
// forms with the CSRF token of the last page it was shown, as a browser posting that page's form would. Start one
// signed in with `staffSession` or `patientSession` (a page session issued directly, as fastify/demo's
// injectWithLogin does) rather than by walking through a sign-in page in every test.
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { issuePatientToken, issueToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { SESSION_COOKIE } from '../web/session.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The CSRF token of a page's form. */
export function csrfOf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(token, 'the page has a CSRF field');
  return token;
}

export class PageSession {
  readonly cookies = new Map<string, string>();
  /** The CSRF token of the last page that had one. */
  csrf: string | null = null;

  readonly app: FastifyInstance;

  constructor(app: FastifyInstance, sessionToken: string | null = null) {
    this.app = app;
    if (sessionToken) this.cookies.set(SESSION_COOKIE, sessionToken);
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** Keeps what an answer sets (a cleared or expired cookie is forgotten) and the CSRF token of its page. */
  keep(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of res.cookies as { name: string; value: string; expires?: Date }[]) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (token) this.csrf = token;
    return res;
  }

  /** A request with this session's cookies; a form is sent URL-encoded, as a browser sends it. */
  async request(method: Method, url: string, form?: Record<string, string>): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = { cookie: this.cookieHeader() };
    if (!form) return this.keep(await this.app.inject({ method, url, headers }));
    headers['content-type'] = 'application/x-www-form-urlencoded';
    return this.keep(await this.app.inject({ method, url, headers, payload: new URLSearchParams(form).toString() }));
  }

  get(url: string): Promise<LightMyRequestResponse> {
    return this.request('GET', url);
  }

  /**
   * Posts a form. Without its own `_csrf` it carries the token of the last page shown, when there was one;
   * `{ csrf: false }` posts it without, to prove a route refuses that.
   */
  post(url: string, form: Record<string, string> = {}, options: { csrf?: boolean } = {}): Promise<LightMyRequestResponse> {
    const withToken = options.csrf !== false && form._csrf === undefined && this.csrf !== null ? { _csrf: this.csrf, ...form } : form;
    return this.request('POST', url, withToken);
  }
}

/** Nobody signed in yet. */
export function anonymousSession(app: FastifyInstance): PageSession {
  return new PageSession(app);
}

/** Signed in as the member of staff with this username. */
export async function staffSession(app: FastifyInstance, database: Database, username: string): Promise<PageSession> {
  const account = await database.db.selectFrom('account').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  return new PageSession(app, (await issueToken(database.db, account.id, 'page')).token);
}

/** Signed in as the patient of this referral, as the access code or NHS login would sign them in. */
export async function patientSession(app: FastifyInstance, database: Database, ubrn: string): Promise<PageSession> {
  return new PageSession(app, (await issuePatientToken(database.db, ubrn, 'page')).token);
}
