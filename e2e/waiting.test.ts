// Waiting too long, in a real browser. (a) The 18-week faster alternative: a referral whose clock started 200 days
// ago; the patient sees their waiting time, asks for a faster alternative (an error first), checks and moves, and
// sees the new reference number. (b) PIDMAS: a patient waiting over 40 weeks at the demo provider is invited, opts
// in through every question (with an error), is validated, matched to another provider's offer of capacity, and
// accepts the offer in the browser. The providers' and the matching run's steps go through the API. axe on every page.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildApp } from '../src/app.ts';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import { issueToken } from '../src/auth/sessions.ts';
import type { Database } from '../src/db/database.ts';
import { londonDate } from '../src/domain/dates.ts';
import { addDays } from '../src/domain/rtt-clock.ts';
import { createAccount } from '../src/testing/accounts.ts';
import { openDemoTestDatabase, testConfig } from '../src/testing/database.ts';
import { assertAccessible, cspRefusals, launchBrowser, newPage, type RunningApp, startApp } from './browser.ts';

const SHORTLIST = ['RR813-110', 'RR801-110', 'RAE01-110'];
/** Another provider's orthopaedic service, 5 km from LS1, which offers capacity in (b). */
const RECEIVING_SERVICE = 'NT332-110';
const RECEIVING_PROVIDER = 'NT332';

describe('waiting too long (browser)', () => {
  let running: RunningApp;
  let database: Database;
  let browser: Browser;
  const tokens: Record<string, string> = {};
  const today = londonDate();

  before(async () => {
    database = await openDemoTestDatabase();
    running = await startApp(async () => ({ app: await buildApp({ config: testConfig(), database, logger: false }) }));
    for (const username of ['demo-referrer', 'demo-provider', 'demo-admin']) {
      const res = await running.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username, password: DEMO_PASSWORD } });
      assert.equal(res.statusCode, 200, res.body);
      tokens[username] = res.json().token;
    }
    const receiving = await createAccount(database, `test-${RECEIVING_PROVIDER.toLowerCase()}-${randomUUID().slice(0, 8)}`, 'provider', RECEIVING_PROVIDER);
    tokens.receiving = (await issueToken(database.db, receiving, 'api')).token;
    tokens.offering = tokens.receiving;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await running?.close();
    await database?.close();
  });

  const call = (method: 'GET' | 'POST', url: string, who: string, payload?: object) =>
    running.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });

  async function makeReferral(nhsNumber: string, givenName: string) {
    const created = await call('POST', '/api/v1/referrals', 'demo-referrer', {
      patient: { nhsNumber, givenName, familyName: 'Waiting', dateOfBirth: '1970-01-31', postcode: 'LS1 4AP' },
      specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Right knee pain for 6 months.', shortlist: SHORTLIST,
    });
    assert.equal(created.statusCode, 201, created.body);
    return created.json() as { ubrn: string; accessCode: string };
  }
  const referralRow = (ubrn: string) => database.db.selectFrom('referral').select(['status', 'rtt_clock_start', 'transferred_from_ubrn']).where('ubrn', '=', ubrn).executeTakeFirstOrThrow();

  async function signedInPatient(ubrn: string, accessCode: string): Promise<Page> {
    const page = await newPage(browser);
    await page.goto(`${running.baseUrl}/manage/sign-in`);
    await page.fill('#ubrn', ubrn);
    await page.fill('#accessCode', accessCode);
    await page.fill('#dob-day', '31');
    await page.fill('#dob-month', '1');
    await page.fill('#dob-year', '1970');
    await Promise.all([page.waitForNavigation(), page.click('#continue')]);
    assert.equal(new URL(page.url()).pathname, '/manage');
    return page;
  }
  const submit = (page: Page, selector = '#continue') => Promise.all([page.waitForNavigation(), page.click(selector)]);
  const path = (page: Page) => new URL(page.url()).pathname;
  const errorSummary = (page: Page) => page.locator('.nhsuk-error-summary').innerText();

  test('(a) the 18-week faster alternative: waiting time, choose (an error first), check, moved with a new reference number', async () => {
    const { ubrn, accessCode } = await makeReferral('9990000018', 'Alt');
    await database.db.updateTable('referral').set({ rtt_clock_start: addDays(today, -200) }).where('ubrn', '=', ubrn).execute();

    const page = await signedInPatient(ubrn, accessCode);
    const csp = cspRefusals(page);
    assert.match(await page.locator('#weeks-waited').innerText(), /^28\.\d weeks$|^28 weeks$/);
    assert.match(await page.locator('#waiting-explanation').innerText(), /more than the 18 weeks/);
    await assertAccessible(page, 'your referral with the waiting time');

    await submit(page, '#faster-link');
    assert.equal(path(page), '/manage/faster');
    assert.ok((await page.locator('input[name="serviceId"]').count()) >= 1, 'at least one faster alternative');
    const firstHint = await page.locator('.nhsuk-radios__hint').first().innerText();
    assert.match(firstHint, /miles away/);
    assert.match(firstHint, /Expected to see you by \d{1,2} \w+ \d{4}/);
    await assertAccessible(page, 'faster alternatives');
    await submit(page);
    assert.match(await page.title(), /^Error: /);
    assert.match(await errorSummary(page), /Select where you would like to be seen/);
    await assertAccessible(page, 'faster alternatives with errors');

    const chosen = await page.locator('input[name="serviceId"]').first().getAttribute('value');
    await page.locator('input[name="serviceId"]').first().check();
    await submit(page);
    assert.equal(path(page), '/manage/faster/confirm');
    await assertAccessible(page, 'check the faster alternative');
    await submit(page, '#confirm-move');
    assert.equal(path(page), '/manage/faster/moved');
    assert.equal((await page.locator('.nhsuk-panel__heading').innerText()).trim(), 'Your referral has moved');
    const newUbrn = (await page.locator('#new-ubrn').innerText()).replace(/\s/g, '');
    assert.match(newUbrn, /^\d{12}$/);
    assert.notEqual(newUbrn, ubrn);
    assert.match(await page.locator('#access-code').innerText(), /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    assert.match(await page.locator('main').innerText(), /by post/);
    await assertAccessible(page, 'referral moved');

    const [old, moved] = [await referralRow(ubrn), await referralRow(newUbrn)];
    assert.equal(old.status, 'TRANSFERRED');
    assert.equal(moved.status, 'NOT_BOOKED');
    assert.equal(moved.rtt_clock_start, old.rtt_clock_start);
    assert.equal(moved.transferred_from_ubrn, ubrn);
    const option = await database.db.selectFrom('referral_option').select('service_id').where('ubrn', '=', newUbrn).executeTakeFirstOrThrow();
    assert.equal(option.service_id, chosen);

    // The access code was shown once; the patient stays signed in, now to the new referral.
    await page.reload();
    assert.equal(await page.locator('#access-code').count(), 0);
    await page.goto(`${running.baseUrl}/manage`);
    assert.match(await page.locator('#signed-in-as').innerText(), new RegExp(newUbrn));
    assert.deepEqual(csp, [], 'no script or style was refused by the CSP');
    await page.context().close();
  });

  test('(b) PIDMAS: invited, opts in on every page (with errors), validated, matched, accepts the offer', async () => {
    const { ubrn } = await makeReferral('9990000026', 'Pid');
    // A mobile number on the referral: the patient may ask to be phoned.
    await database.db.updateTable('referral').set({ rtt_clock_start: addDays(today, -300), current_service_id: 'RR813-110', patient_mobile: '07700900123' }).where('ubrn', '=', ubrn).execute();
    const invited = await call('POST', '/api/v1/pidmas/invitations', 'demo-provider', { ubrn });
    assert.equal(invited.statusCode, 201, invited.body);

    const page = await signedInPatient(ubrn, invited.json().accessCode);
    const csp = cspRefusals(page);
    await submit(page, '#move-link');
    assert.equal(path(page), '/manage/move');
    assert.equal(await page.locator('#eligibility li[data-passed="yes"]').count(), 8, await page.locator('#eligibility').innerText());
    assert.match(await page.locator('#eligibility').innerText(), /You have waited 42(\.\d)? weeks, more than 40/);
    await assertAccessible(page, 'ask to move: eligibility');
    await submit(page, '#start');

    assert.equal(path(page), '/manage/move/travel');
    await assertAccessible(page, 'how far');
    await submit(page);
    assert.match(await errorSummary(page), /Select how far you would be willing to travel/);
    await assertAccessible(page, 'how far with errors');
    await page.check('input[name="travel"][value="50_MILES"]');
    await submit(page);

    assert.equal(path(page), '/manage/move/dates');
    await assertAccessible(page, 'dates');
    await page.fill('#unavailableDates', 'Not in the first week of August');
    await submit(page);

    assert.equal(path(page), '/manage/move/support');
    await assertAccessible(page, 'support');
    await page.check('input[name="support"][value="INTERPRETER"]');
    assert.equal(await page.locator('#interpreterLanguage').isVisible(), true, 'the language is asked when an interpreter is needed');
    await submit(page);
    assert.match(await errorSummary(page), /Enter the language you need an interpreter for/);
    await assertAccessible(page, 'support with errors');
    await page.fill('#interpreterLanguage', 'Polish');
    await page.check('input[name="support"][value="TRANSPORT"]');
    await submit(page);

    assert.equal(path(page), '/manage/move/contact');
    await assertAccessible(page, 'contact');
    await submit(page);
    assert.match(await errorSummary(page), /Select how we should contact you/);
    await page.check('input[name="contact"][value="LETTER"]');
    await submit(page);

    assert.equal(path(page), '/manage/move/check');
    const answers = await page.locator('#check-answers').innerText();
    assert.match(answers, /Up to 50 miles/);
    assert.match(answers, /An interpreter \(Polish\)/);
    assert.match(answers, /Help with transport/);
    assert.match(answers, /Letter/);
    await assertAccessible(page, 'check your answers');
    // A change link goes back to its question, and the answer is kept.
    await submit(page, 'a[href="/manage/move/contact"]');
    assert.equal(await page.isChecked('input[name="contact"][value="LETTER"]'), true);
    await page.check('input[name="contact"][value="PHONE"]');
    await submit(page);
    assert.equal(path(page), '/manage/move/check');
    assert.match(await page.locator('#check-answers').innerText(), /Phone call/);
    await submit(page, '#send-request');
    assert.equal(path(page), '/manage/move/sent');
    assert.match(await page.locator('.nhsuk-panel__heading').innerText(), /Your request to move has been sent/);
    await assertAccessible(page, 'request sent');

    const request = await database.db.selectFrom('pidmas_request').selectAll().where('ubrn', '=', ubrn).executeTakeFirstOrThrow();
    assert.equal(request.status, 'OPTED_IN');
    assert.equal(request.travel, '50_MILES');
    assert.deepEqual([...request.support_needed].sort(), ['INTERPRETER', 'TRANSPORT']);
    assert.equal(request.interpreter_language, 'Polish');
    assert.equal(request.contact_preference, 'PHONE');

    await page.goto(`${running.baseUrl}/manage/move`);
    assert.match(await page.locator('#move-status').innerText(), /checking it/);
    assert.equal(await page.locator('#withdraw').count(), 1);
    await assertAccessible(page, 'request status');
    // The withdraw page asks first; "no" keeps the request.
    await submit(page, '#withdraw');
    assert.equal(path(page), '/manage/move/withdraw');
    await assertAccessible(page, 'withdraw: are you sure');
    await submit(page, '#keep-request');
    assert.equal(path(page), '/manage/move');

    // The provider validates; another provider offers capacity; the matching run proposes; the receiver accepts.
    const validated = await call('POST', `/api/v1/pidmas/requests/${request.id}/validation`, 'demo-provider', { suitable: true });
    assert.equal(validated.statusCode, 200, validated.body);
    const offer = await call('POST', '/api/v1/mutual-aid/offers', 'offering', { serviceId: RECEIVING_SERVICE, capacityPerWeek: 2, startsOn: today, endsOn: addDays(today, 27), minAge: 18, maxAge: null });
    assert.equal(offer.statusCode, 201, offer.body);
    const run = await call('POST', '/api/v1/mutual-aid/matching-runs', 'demo-admin');
    assert.equal(run.statusCode, 200, run.body);
    // The demo's own offers of capacity may be nearer: the receiver is whichever provider the run chose.
    const transfer = await database.db
      .selectFrom('proposed_transfer as t')
      .innerJoin('mutual_aid_offer as o', 'o.id', 't.offer_id')
      .select(['t.id', 'o.provider_ods_code', 'o.service_id'])
      .where('t.ubrn', '=', ubrn)
      .where('t.status', '=', 'PROPOSED')
      .executeTakeFirst();
    assert.ok(transfer, `a transfer was proposed: ${JSON.stringify(run.json())}`);
    if (transfer.provider_ods_code !== RECEIVING_PROVIDER) {
      const account = await createAccount(database, `test-${transfer.provider_ods_code.toLowerCase()}-${randomUUID().slice(0, 8)}`, 'provider', transfer.provider_ods_code);
      tokens.receiving = (await issueToken(database.db, account, 'api')).token;
    }
    const decided = await call('POST', `/api/v1/mutual-aid/transfers/${transfer.id}/decision`, 'receiving', { decision: 'ACCEPT' });
    assert.equal(decided.statusCode, 200, decided.body);

    // The patient sees the offer and accepts it (an error first).
    await page.goto(`${running.baseUrl}/manage/move`);
    assert.match(await page.locator('h1').innerText(), /A provider can see you sooner/);
    assert.match(await page.locator('#offer').innerText(), /miles/);
    await assertAccessible(page, 'the offer');
    await submit(page);
    assert.match(await errorSummary(page), /Select whether you accept the offer to move/);
    await assertAccessible(page, 'the offer with errors');
    await page.check('input[name="decision"][value="ACCEPT"]');
    await submit(page);
    assert.equal(path(page), '/manage/move/answered');
    assert.equal((await page.locator('.nhsuk-panel__heading').innerText()).trim(), 'Your referral has moved');
    const newUbrn = (await page.locator('#new-ubrn').innerText()).replace(/\s/g, '');
    assert.notEqual(newUbrn, ubrn);
    await assertAccessible(page, 'moved after accepting');

    const [old, moved] = [await referralRow(ubrn), await referralRow(newUbrn)];
    assert.equal(old.status, 'TRANSFERRED');
    assert.equal(moved.status, 'ACCEPTED');
    assert.equal(moved.rtt_clock_start, old.rtt_clock_start);
    const service = await database.db.selectFrom('referral').select('current_service_id').where('ubrn', '=', newUbrn).executeTakeFirstOrThrow();
    assert.equal(service.current_service_id, transfer.service_id);
    assert.deepEqual(csp, [], 'no script or style was refused by the CSP');
    await page.context().close();
  });
});
