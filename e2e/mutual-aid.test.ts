// Mutual aid in a real browser, end to end: demo-provider (Leeds Teaching Hospitals, RR8) invites a long-waiting
// patient under PIDMAS (the letter shows the new access code), asks for mutual aid and validates the patient's
// request to move; a second provider (Mid Yorkshire, RXF) offers capacity through the form; demo-admin runs the
// matching on the national board; the second provider accepts the proposed transfer and sees why it was proposed.
// axe on every page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildApp } from '../src/app.ts';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import type { Database } from '../src/db/database.ts';
import { londonDate } from '../src/domain/dates.ts';
import { addDays } from '../src/domain/rtt-clock.ts';
import { createAccount, TEST_PASSWORD } from '../src/testing/accounts.ts';
import { openDemoTestDatabase, testConfig } from '../src/testing/database.ts';
import { assertAccessible, launchBrowser, newPage, type RunningApp, startApp } from './browser.ts';

const OTHER = 'RXF'; // Mid Yorkshire Teaching NHS Trust: same ICB as Leeds, about 12 km away
const OTHER_SERVICE = 'RXF05-110';
const OTHER_USER = 'e2e-mutual-aid-rxf';
const DOB = '1965-03-02';
const today = londonDate();

describe('mutual aid journey (browser)', () => {
  let running: RunningApp;
  let database: Database;
  let browser: Browser;
  let ubrn = '';
  let accessCode = '';
  const patients = String(100 + Math.floor(Math.random() * 800)); // tells this run's request from earlier runs'
  const notes = `Browser test ${Date.now()}`;

  before(async () => {
    database = await openDemoTestDatabase();
    const exists = await database.db.selectFrom('account').select('id').where('username', '=', OTHER_USER).executeTakeFirst();
    if (!exists) await createAccount(database, OTHER_USER, 'provider', OTHER);
    running = await startApp(async () => ({ app: await buildApp({ config: testConfig(), database, logger: false }) }));
    const { app } = running;
    const staff = (await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-referrer', password: DEMO_PASSWORD } })).json().token;
    const res = await app.inject({
      method: 'POST', url: '/api/v1/referrals', headers: { authorization: `Bearer ${staff}` },
      payload: {
        patient: { nhsNumber: '9990000026', givenName: 'Mo', familyName: `Waiting${Date.now() % 100000}`, dateOfBirth: DOB, postcode: 'LS1 4AP' },
        specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Knee replacement, waiting a long time.', shortlist: ['RR813-110'],
      },
    });
    assert.equal(res.statusCode, 201, res.body);
    ubrn = res.json().ubrn;
    // A patient who has waited about 43 weeks at Leeds, as a pathway from a waiting list would be.
    await database.db.updateTable('referral').set({ current_service_id: 'RR813-110', rtt_clock_start: addDays(today, -300) }).where('ubrn', '=', ubrn).execute();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await running?.close();
    await database?.close();
  });

  const pathOf = (page: Page) => new URL(page.url()).pathname;
  const submit = (page: Page, selector: string) => Promise.all([page.waitForNavigation(), page.click(selector)]);
  async function signIn(username: string, password: string): Promise<Page> {
    const page = await newPage(browser);
    await page.goto(`${running.baseUrl}/sign-in`);
    await page.fill('#username', username);
    await page.fill('#password', password);
    await submit(page, '#sign-in-button');
    return page;
  }
  const fillDate = async (page: Page, id: string, iso: string) => {
    await page.fill(`#${id}-day`, String(Number(iso.slice(8, 10))));
    await page.fill(`#${id}-month`, String(Number(iso.slice(5, 7))));
    await page.fill(`#${id}-year`, iso.slice(0, 4));
  };

  let leeds: Page;
  let other: Page;

  test('demo-provider invites the long-waiting patient and prints the letter with the new access code', async () => {
    leeds = await signIn('demo-provider', DEMO_PASSWORD);
    assert.equal(pathOf(leeds), '/provider');
    await assertAccessible(leeds, 'provider home with mutual aid links');
    await submit(leeds, '#pidmas-link');
    assert.equal(pathOf(leeds), '/provider/pidmas');
    const row = leeds.locator(`#candidates tr[data-ubrn="${ubrn}"]`);
    assert.equal(await row.count(), 1);
    assert.match(await row.locator('.eligibility').innerText(), /^Yes/);
    assert.match(await row.locator('.request-status').innerText(), /Not asked yet/);
    await assertAccessible(leeds, 'PIDMAS candidates');
    await submit(leeds, `#invite-${ubrn}`);
    assert.match(await leeds.locator('h1').first().innerText(), /Invitation sent/);
    accessCode = (await leeds.locator('#letter-access-code').innerText()).trim();
    assert.match(accessCode, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    assert.equal((await leeds.locator('#letter-ubrn').innerText()).replace(/\s/g, ''), ubrn);
    await assertAccessible(leeds, 'invitation letter');
  });

  test('the patient opts in through the API with the new access code', async () => {
    const { app } = running;
    const token = await app.inject({ method: 'POST', url: '/api/v1/patient/token', payload: { ubrn, accessCode, dateOfBirth: DOB } });
    assert.equal(token.statusCode, 200, token.body);
    const opted = await app.inject({
      method: 'POST', url: '/api/v1/patient/pidmas', headers: { authorization: `Bearer ${token.json().token}` },
      payload: { travel: '50_MILES', unavailableDates: 'Not in the first week of next month', supportNeeded: ['TRANSPORT'], contactPreference: 'LETTER' },
    });
    assert.equal(opted.statusCode, 200, opted.body);
  });

  test('demo-provider asks for mutual aid', async () => {
    await leeds.goto(`${running.baseUrl}/provider/mutual-aid`);
    await assertAccessible(leeds, 'own mutual aid');
    await submit(leeds, '#new-request');
    assert.equal(pathOf(leeds), '/provider/mutual-aid/requests/new');
    await assertAccessible(leeds, 'ask for mutual aid');
    await submit(leeds, '#post-request');
    const summary = await leeds.locator('.nhsuk-error-summary').innerText();
    assert.match(summary, /Select the specialty/);
    assert.match(summary, /Enter the number of patients/);
    assert.match(summary, /Enter the date you need help by/);
    await assertAccessible(leeds, 'ask for mutual aid with errors');
    await leeds.selectOption('#specialty', '110');
    await leeds.fill('#patients', patients);
    await fillDate(leeds, 'neededBy', addDays(today, 60));
    await leeds.fill('#constraints', notes);
    await submit(leeds, '#post-request');
    assert.equal(pathOf(leeds), '/provider/mutual-aid');
    assert.match(await leeds.locator('#mutual-aid-outcome').innerText(), /request for mutual aid was posted/);
    const mine = leeds.locator(`#requests tr:has-text("${notes}")`);
    assert.equal(await mine.count(), 1);
    assert.match(await mine.innerText(), new RegExp(`Trauma.*${patients}.*Open`, 's'));
    await assertAccessible(leeds, 'own mutual aid with a request');

  });

  test('a second provider offers capacity through the form', async () => {
    other = await signIn(OTHER_USER, TEST_PASSWORD);
    assert.equal(pathOf(other), '/provider');
    await submit(other, '#mutual-aid-link');
    await submit(other, '#new-offer');
    assert.equal(pathOf(other), '/provider/mutual-aid/offers/new');
    await assertAccessible(other, 'offer capacity');
    await other.selectOption('#serviceId', OTHER_SERVICE);
    await other.fill('#capacityPerWeek', '50');
    await fillDate(other, 'startsOn', addDays(today, 14));
    await fillDate(other, 'endsOn', addDays(today, 7));
    await other.check('input[name="complexity"][value="ROUTINE_AND_COMPLEX"]');
    await other.fill('#notes', notes);
    await submit(other, '#post-offer');
    assert.match(await other.locator('.nhsuk-error-summary').innerText(), /End date must be the same as or after the start date/);
    assert.equal(await other.inputValue('#notes'), notes, 'answers are kept');
    await assertAccessible(other, 'offer capacity with an error');
    await fillDate(other, 'endsOn', addDays(today, 90));
    await submit(other, '#post-offer');
    assert.equal(pathOf(other), '/provider/mutual-aid');
    assert.match(await other.locator('#mutual-aid-outcome').innerText(), /offer of capacity was posted/);
    assert.equal(await other.locator('#offers tr:has-text("Routine and complex cases")').count() >= 1, true);
    await assertAccessible(other, 'own mutual aid with an offer');
  });

  test('demo-provider validates the request to move', async () => {
    const { id } = await database.db.selectFrom('pidmas_request').select('id').where('ubrn', '=', ubrn).executeTakeFirstOrThrow();
    await leeds.goto(`${running.baseUrl}/provider`);
    await submit(leeds, '#pidmas-validation-link');
    assert.equal(pathOf(leeds), '/provider/pidmas/validation');
    const card = leeds.locator(`[data-request-id="${id}"]`);
    assert.match(await card.innerText(), /Up to 50 miles[\s\S]*Transport[\s\S]*Not in the first week/);
    await assertAccessible(leeds, 'validation worklist');
    await submit(leeds, `#validate-${id}`);
    assert.match(await leeds.locator('.nhsuk-error-summary').innerText(), /Select whether the patient is suitable to move/);
    await assertAccessible(leeds, 'validation worklist with an error');
    await leeds.check(`#suitable-${id}`);
    await submit(leeds, `#validate-${id}`);
    assert.match(await leeds.locator('#validation-outcome').innerText(), /validated/);
    const q = await database.db.selectFrom('pidmas_request').select('status').where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(q.status, 'VALIDATED');
  });

  test('demo-admin runs the matching on the national board', async () => {
    const admin = await signIn('demo-admin', DEMO_PASSWORD);
    await submit(admin, '#board-link');
    assert.equal(pathOf(admin), '/mutual-aid/board');
    assert.match(await admin.locator('#board').innerText(), /Trauma/);
    await assertAccessible(admin, 'national board');
    await submit(admin, '#run-matching');
    assert.equal(pathOf(admin), '/mutual-aid/board');
    assert.match(await admin.locator('#run-proposed').innerText(), /^\d+$/, await admin.locator('#run-summary').innerText());
    const proposed = await database.db.selectFrom('proposed_transfer as t').innerJoin('mutual_aid_offer as o', 'o.id', 't.offer_id').select(['t.status', 'o.provider_ods_code']).where('t.ubrn', '=', ubrn).execute();
    assert.deepEqual(proposed, [{ status: 'PROPOSED', provider_ods_code: OTHER }]);
    assert.ok(await admin.locator('#runs tbody tr').count() >= 1);
    await assertAccessible(admin, 'national board after a run');
  });

  test('the second provider sees why the patient was proposed and accepts', async () => {
    await other.goto(`${running.baseUrl}/provider/mutual-aid/transfers`);
    const card = other.locator(`#incoming [data-ubrn="${ubrn}"]`);
    assert.equal(await card.count(), 1);
    assert.match(await card.locator('.transfer-status').innerText(), /Proposed/);
    assert.ok((await card.locator('.transfer-why li').count()) >= 1);
    assert.match(await card.innerText(), /From\s+Leeds Teaching Hospitals[\s\S]*Waited[\s\S]*weeks[\s\S]*miles/);
    await assertAccessible(other, 'proposed transfers');
    const id = await card.getAttribute('data-transfer-id');
    await submit(other, `#accept-${id}`);
    assert.match(await other.locator('#transfer-outcome').innerText(), /You accepted the transfer/);
    assert.match(await other.locator(`#incoming [data-ubrn="${ubrn}"] .transfer-status`).innerText(), /Offered/);
    await assertAccessible(other, 'proposed transfers after accepting');
    const t = await database.db.selectFrom('proposed_transfer').select('status').where('id', '=', Number(id)).executeTakeFirstOrThrow();
    assert.equal(t.status, 'OFFERED');

    // Leeds sees its patient's transfer out, read-only.
    await leeds.goto(`${running.baseUrl}/provider/mutual-aid/transfers`);
    assert.match(await leeds.locator(`#outgoing tr[data-ubrn="${ubrn}"]`).innerText(), /Mid Yorkshire[\s\S]*Offered/);
    await assertAccessible(leeds, 'transfers out');
  });

  test('withdrawing the offer checks first and is stopped while a patient is offered a place; Leeds closes its request through the check page', async () => {
    const { offer_id: offerId } = await database.db.selectFrom('proposed_transfer').select('offer_id').where('ubrn', '=', ubrn).where('status', '=', 'OFFERED').executeTakeFirstOrThrow();
    await other.goto(`${running.baseUrl}/provider/mutual-aid`);
    await submit(other, `#offers tr[data-offer-id="${offerId}"] a.withdraw-offer`);
    assert.equal(pathOf(other), `/provider/mutual-aid/offers/${offerId}/withdraw`);
    assert.match(await other.locator('h1').innerText(), /Withdraw this offer of capacity\?/);
    assert.match(await other.locator('#offer-blocked').innerText(), /You cannot withdraw this offer yet/);
    assert.equal(await other.locator('#confirm-withdraw-offer').count(), 0, 'no button while a patient is offered a place');
    await assertAccessible(other, 'withdraw an offer: check');

    await leeds.goto(`${running.baseUrl}/provider/mutual-aid`);
    await submit(leeds, `#requests tr:has-text("${notes}") a.close-request`);
    assert.match(await leeds.locator('.nhsuk-summary-list').innerText(), new RegExp(`${patients} patients`));
    await assertAccessible(leeds, 'close a request: check');
    await submit(leeds, '#confirm-close-request');
    assert.equal(pathOf(leeds), '/provider/mutual-aid');
    assert.match(await leeds.locator('#mutual-aid-outcome').innerText(), /The request was closed/);
    assert.match(await leeds.locator(`#requests tr:has-text("${notes}")`).innerText(), /Closed/);
  });
});
