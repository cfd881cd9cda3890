// The provider's PIDMAS pages through app.inject: who may open them, the validation form's error summary, a request
// that is not the provider's, and that the list of candidates speaks of "the patient".
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD } from '../../auth/demo-accounts.ts';
import type { Database } from '../../db/database.ts';
import { londonDate } from '../../domain/dates.ts';
import { addDays } from '../../domain/rtt-clock.ts';
import { startDemoApp } from '../../testing/test-app.ts';
import { anonymousSession, csrfOf, staffSession } from '../../testing/page-session.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;

before(async () => ({ app, database, close } = await startDemoApp()));
after(() => close());

const as = (username: string | null) => (username ? staffSession(app, database, username) : anonymousSession(app));

const PIDMAS_PAGES = ['/provider/pidmas', '/provider/pidmas/validation'];

describe('who may open the pages', () => {
  test('the provider sees them; a commissioner, admin or referrer is refused; no one signed in is sent to sign in', async () => {
    const provider = await as('demo-provider');
    for (const url of PIDMAS_PAGES) assert.equal((await provider.get(url)).statusCode, 200, url);
    for (const who of ['demo-commissioner', 'demo-admin', 'demo-referrer']) {
      const s = await as(who);
      for (const url of PIDMAS_PAGES) assert.equal((await s.get(url)).statusCode, 403, `${who} ${url}`);
    }
    const anonymous = await (await as(null)).get('/provider/pidmas');
    assert.equal(anonymous.statusCode, 303);
    assert.equal(anonymous.headers.location, '/sign-in');
  });
});

describe('forms', () => {
  test('validation with no answer, and of a request that is not the provider\'s', async () => {
    const s = await as('demo-provider');
    const page = await s.get('/provider/pidmas/validation');
    const empty = await s.post('/provider/pidmas/validation/999999999', { _csrf: csrfOf(page.body) });
    assert.equal(empty.statusCode, 400, 'the answer is checked first');
    assert.match(empty.body, /Select whether the patient is suitable to move/);
    assert.match(empty.body, /href="#suitable-999999999"/, 'the error summary links to the request\'s radios');
    const unknown = await s.post('/provider/pidmas/validation/999999999', { _csrf: csrfOf(page.body), suitable: 'yes' });
    assert.equal(unknown.statusCode, 404);
    const noReason = await s.post('/provider/pidmas/validation/999999999', { _csrf: csrfOf(page.body), suitable: 'no' });
    assert.match(noReason.body, /Select why the patient is not suitable to move/);
    assert.match(noReason.body, /href="#reason-999999999"/);
  });

  test('an invitation for a reference that is not a UBRN is not found', async () => {
    const s = await as('demo-provider');
    const page = await s.get('/provider/pidmas');
    assert.equal((await s.post('/provider/pidmas/invitations', { _csrf: csrfOf(page.body), ubrn: '12ab' })).statusCode, 404);
  });
});

describe('the patients who may ask to move, as their provider reads them', () => {
  test('a rule that failed is explained of "the patient", its date as people read it', async () => {
    const staff = (await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-referrer', password: DEMO_PASSWORD } })).json().token;
    const created = await app.inject({
      method: 'POST', url: '/api/v1/referrals', headers: { authorization: `Bearer ${staff}` },
      payload: { patient: { nhsNumber: '9990000018', givenName: 'Ann', familyName: 'Dated', dateOfBirth: '1970-01-31', postcode: 'LS1 4AP' }, specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Knee', shortlist: ['RR813-110'] },
    });
    const { ubrn } = created.json();
    const next = addDays(londonDate(), 20);
    await database.db.updateTable('referral').set({ rtt_clock_start: addDays(londonDate(), -300), current_service_id: 'RR813-110', next_appointment_date: next }).where('ubrn', '=', ubrn).execute();
    try {
      const page = await (await as('demo-provider')).get('/provider/pidmas');
      const row = new RegExp(`<tr class="nhsuk-table__row" data-ubrn="${ubrn}">[\\s\\S]*?</tr>`).exec(page.body)?.[0] ?? assert.fail('the patient is listed');
      const spoken = new Date(`${next}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
      assert.match(row, new RegExp(`<li>The patient already has a date \\(${spoken}\\) in the next 8 weeks\\.</li>`));
      assert.doesNotMatch(row, /\byou\b/i);
      assert.match(row, /UBRN \d{4} \d{4} \d{4}/);
      // Invited all the same (from a page shown before the date was set): refused, in the same words.
      const s = await as('demo-provider');
      const form = await s.get('/provider/pidmas');
      const refused = await s.post('/provider/pidmas/invitations', { _csrf: csrfOf(form.body), ubrn });
      assert.equal(refused.statusCode, 422);
      assert.match(refused.body, new RegExp(`The patient is not eligible to ask to move: The patient already has a date \\(${spoken}\\) in the next 8 weeks`));
    } finally {
      await database.db.updateTable('referral').set({ status: 'CANCELLED' }).where('ubrn', '=', ubrn).execute();
    }
  });
});
