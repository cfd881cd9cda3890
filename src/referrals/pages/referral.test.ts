// The referrer's pages through app.inject: who may open them, and booking for a patient who did not attend.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../app.ts';
import type { Database } from '../../db/database.ts';
import { DEMO_PASSWORD } from '../../auth/demo-accounts.ts';
import { openDemoTestDatabase, testConfig } from '../../testing/database.ts';
import { issueToken } from '../../auth/sessions.ts';

let app: FastifyInstance;
let database: Database;

/** A tiny cookie jar over app.inject. */
class Browser {
  cookies = new Map<string, string>();
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  keep(res: LightMyRequestResponse) {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }
  async get(url: string) {
    return this.keep(await app.inject({ method: 'GET', url, headers: { cookie: this.header() } }));
  }
  async post(url: string, form: Record<string, string>) {
    return this.keep(
      await app.inject({ method: 'POST', url, headers: { cookie: this.header(), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() }),
    );
  }
}

export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  assert.ok(m, 'the page has a CSRF field');
  return m[1]!;
}

before(async () => {
  database = await openDemoTestDatabase();
  app = await buildApp({ config: testConfig(), database, logger: false });
});
after(async () => {
  await app.close();
  await database.close();
});

describe('page sessions', () => {
  test('anonymous visits to signed-in pages are sent to sign in', async () => {
    const b = new Browser();
    for (const url of ['/referrals', '/referrals/new/patient', '/referrals/123456789012']) {
      const res = await b.get(url);
      assert.equal(res.statusCode, 303, url);
      assert.equal(res.headers.location, '/sign-in');
    }
    const post = await b.post('/referrals/new', {});
    assert.equal(post.statusCode, 303);
    assert.equal(post.headers.location, '/sign-in');
  });

  test('a patient session on a staff page gets the 403 page', async () => {
    const { issuePatientToken } = await import('../../auth/sessions.ts');
    const ref = await database.db.selectFrom('referral').select('ubrn').limit(1).executeTakeFirst();
    if (!ref) return;
    const { token } = await issuePatientToken(database.db, ref.ubrn, 'page');
    const res = await app.inject({ method: 'GET', url: '/referrals', headers: { cookie: `oc_session=${token}` } });
    assert.equal(res.statusCode, 403);
    assert.match(res.headers['content-type'] as string, /text\/html/);
  });

  test('a patient who did not attend can be booked again: the referral is awaiting booking, its page offers "Book", and booking works', async () => {
    const api = (await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-referrer', password: DEMO_PASSWORD } })).json().token;
    const created = await app.inject({
      method: 'POST', url: '/api/v1/referrals', headers: { authorization: `Bearer ${api}` },
      payload: { patient: { nhsNumber: '9990000018', givenName: 'Dee', familyName: 'Missed', dateOfBirth: '1970-01-31', postcode: 'LS1 4AP' }, specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Knee', shortlist: ['RR813-110'] },
    });
    assert.equal(created.statusCode, 201, created.body);
    const { ubrn } = created.json();
    await database.db.updateTable('referral').set({ status: 'DID_NOT_ATTEND' }).where('ubrn', '=', ubrn).execute();

    const account = await database.db.selectFrom('account').select('id').where('username', '=', 'demo-referrer').executeTakeFirstOrThrow();
    const b = new Browser();
    b.cookies.set('oc_session', (await issueToken(database.db, account.id, 'page')).token);
    const worklist = await b.get('/referrals');
    assert.match(worklist.body, new RegExp(`<section aria-labelledby="awaiting-heading" id="awaiting">(?:(?!</section>).)*data-ubrn="${ubrn}"`, 's'), 'awaiting booking');
    const page = await b.get(`/referrals/${ubrn}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Did not attend/);
    assert.match(page.body, new RegExp(`href="/referrals/${ubrn}/book"[^>]*id="book-now"`), 'the page offers to book');

    const form = await b.get(`/referrals/${ubrn}/book`);
    assert.equal(form.statusCode, 200);
    const slotId = /name="slotId" type="radio" value="([^"]+)"/.exec(form.body)?.[1];
    assert.ok(slotId, 'free slots are offered');
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(form.body)![1]!;
    const booked = await b.post(`/referrals/${ubrn}/book`, { _csrf: csrfOf(form.body), slotId, idempotencyKey: key });
    assert.equal(booked.statusCode, 303, booked.body);
    assert.equal(booked.headers.location, `/referrals/${ubrn}/booked`);
    const row = await database.db.selectFrom('referral').select('status').where('ubrn', '=', ubrn).executeTakeFirstOrThrow();
    assert.equal(row.status, 'BOOKED');
  });
});
