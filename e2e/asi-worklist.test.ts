// The provider works its appointment slot issue (ASI) worklist in a real browser, as demo-provider (Leeds Teaching
// Hospitals, RR8): a referral the referrer deferred to it through the API shows on the list; the provider opens the
// item (how to reach the patient, the contact-by date, the history), logs a failed call (after a mistake the error
// summary points to), then books the patient into a free slot of another of its services on the shortlist, and the
// item leaves the list. axe on every page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import type { Database } from '../src/db/database.ts';
import { openDemoTestDatabase, testConfig } from '../src/testing/database.ts';
import { assertAccessible, focusedId, launchBrowser, newPage, type RunningApp, startApp } from './browser.ts';

/** An RR8 orthopaedics service with no slots (not directly bookable), so a referral to it can only be deferred. */
const NO_SLOTS = 'RR813-110-E2E-ASI';
const WITH_SLOTS = 'RR813-110';

describe('ASI worklist (browser)', () => {
  let running: RunningApp;
  let database: Database;
  let browser: Browser;
  let page: Page;
  let ubrn: string;

  before(async () => {
    database = await openDemoTestDatabase('e2e-asi');
    await sql`insert into service (id, name, specialty_code, provider_ods_code, site_ods_code, directly_bookable, accreditation_status, latitude, longitude)
      select ${NO_SLOTS}, 'Knee clinic (no slots, browser tests) – St James''s Hospital', specialty_code, provider_ods_code, site_ods_code, false, 'ACCREDITED', latitude, longitude
      from service where id = ${WITH_SLOTS}`.execute(database.db);
    running = await startApp(async () => ({ app: await buildApp({ config: testConfig(), database, logger: false }) }));
    const { app } = running;
    const referrer = { authorization: `Bearer ${(await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-referrer', password: DEMO_PASSWORD } })).json().token}` };
    const referred = await app.inject({
      method: 'POST', url: '/api/v1/referrals', headers: referrer,
      payload: {
        patient: {
          nhsNumber: '9990000018', givenName: 'Asha', familyName: 'Deferred', dateOfBirth: '1970-01-31', postcode: 'LS1 4AP',
          addressLines: ['1 Park Row', 'Leeds'], email: 'asha@example.org', mobile: '07700 900456',
        },
        specialty: '110', priority: 'URGENT', clinicalSummary: 'Knee giving way on stairs.', shortlist: [NO_SLOTS, WITH_SLOTS],
      },
    });
    assert.equal(referred.statusCode, 201, referred.body);
    ubrn = referred.json().ubrn;
    const deferred = await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/deferral`, headers: referrer, payload: { serviceId: NO_SLOTS } });
    assert.equal(deferred.statusCode, 200, deferred.body);
    browser = await launchBrowser();
    page = await newPage(browser);
  });
  after(async () => {
    await browser?.close();
    await running?.close();
    await database?.close();
  });

  const path = () => new URL(page.url()).pathname;
  const submit = async (selector: string) => Promise.all([page.waitForNavigation(), page.click(selector)]);
  const row = () => page.locator(`#asi tr[data-ubrn="${ubrn}"]`);

  test('the provider signs in and opens the ASI worklist from its home', async () => {
    await page.goto(`${running.baseUrl}/provider`);
    await page.fill('#username', 'demo-provider');
    await page.fill('#password', DEMO_PASSWORD);
    await submit('#sign-in-button');
    assert.equal(path(), '/provider');
    await assertAccessible(page, 'provider home');
    await submit('#asi-link');
    assert.equal(path(), '/provider/asi');
    assert.equal(await row().count(), 1);
    assert.match(await row().locator('.days-left').innerText(), /^10 days$/);
    assert.equal(await row().locator('.contact-attempts').innerText(), 'None yet');
    await assertAccessible(page, 'ASI worklist');
  });

  test('the item shows how to reach the patient, the deadline and the history', async () => {
    await submit(`#asi tr[data-ubrn="${ubrn}"] a`);
    assert.equal(path(), `/provider/asi/${ubrn}`);
    const contact = await page.locator('#contact-details').innerText();
    assert.match(contact, /07700 900456/);
    assert.match(contact, /asha@example\.org/);
    assert.match(contact, /1 Park Row\s+Leeds\s+LS1 4AP/);
    assert.equal(await page.locator('#contact-details a[href="tel:07700900456"]').count(), 1);
    assert.match(await page.locator('#days-left').innerText(), /10 days left/);
    assert.match(await page.locator('#referral-details').innerText(), /Knee giving way on stairs\./);
    const history = await page.locator('#history').innerText();
    assert.match(history, /Not booked to Deferred to provider/);
    assert.match(history, /must contact the patient by/);
    assert.match(await page.locator('#no-attempts').innerText(), /No contact attempts/);
    await assertAccessible(page, 'ASI item');
  });

  test('the provider logs a failed call, after correcting a mistake the error summary points to', async () => {
    await submit('#contact-link');
    assert.equal(path(), `/provider/asi/${ubrn}/contact`);
    await assertAccessible(page, 'log a contact attempt');
    await page.check('input[name="method"][value="PHONE"]');
    await page.fill('#note', 'Rang the mobile at lunchtime.');
    await submit('#log-attempt');
    const summary = page.locator('.nhsuk-error-summary');
    assert.match(await summary.innerText(), /Select what happened/);
    assert.equal(await page.locator('#note').inputValue(), 'Rang the mobile at lunchtime.', 'nothing lost');
    assert.ok(await page.locator('input[name="method"][value="PHONE"]').isChecked());
    await assertAccessible(page, 'log a contact attempt with errors');
    await page.click('.nhsuk-error-summary a[href="#outcome"]');
    assert.equal(await focusedId(page), 'outcome', 'the summary link takes the keyboard to the field');
    await page.check('input[name="outcome"][value="NO_ANSWER"]');
    await submit('#log-attempt');
    assert.equal(path(), `/provider/asi/${ubrn}`);
    assert.match(await page.locator('#attempt-logged').innerText(), /Contact attempt logged/);
    const attempts = await page.locator('#attempts').innerText();
    assert.match(attempts, /Phone call\s+No answer\s+Rang the mobile at lunchtime\./);
    assert.match(await page.locator('#history').innerText(), /Contact attempt \(phone call .*\): No answer/);
    await assertAccessible(page, 'ASI item after logging an attempt');

    await page.goto(`${running.baseUrl}/provider/asi`);
    assert.equal(await row().locator('.contact-attempts').innerText(), '1 attempt, last: no answer, today');
    await assertAccessible(page, 'ASI worklist with an attempt');
  });

  test('the provider books a slot for the patient, and the item leaves the list', async () => {
    await submit(`#asi tr[data-ubrn="${ubrn}"] a`);
    await submit('#book-link');
    assert.equal(path(), `/provider/asi/${ubrn}/book`);
    await assertAccessible(page, 'choose an appointment');
    await submit('#continue');
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Select an appointment/);
    await assertAccessible(page, 'choose an appointment with errors');
    const first = page.locator('input[name="slotId"]').first();
    const slotId = await first.getAttribute('value');
    await first.check();
    await submit('#continue');
    assert.equal(path(), `/provider/asi/${ubrn}/book/check`);
    assert.match(await page.locator('main').innerText(), /St James's Hospital/);
    await assertAccessible(page, 'check the appointment');
    await submit('#confirm-booking');
    assert.equal(path(), `/provider/asi/${ubrn}/booked`);
    assert.match(await page.locator('#booked-service').innerText(), /St James's Hospital/);
    await assertAccessible(page, 'appointment booked');

    const r = await database.db.selectFrom('referral').select('status').where('ubrn', '=', ubrn).executeTakeFirstOrThrow();
    assert.equal(r.status, 'BOOKED');
    const appointment = await database.db.selectFrom('appointment').select('slot_id').where('ubrn', '=', ubrn).where('cancelled_at', 'is', null).executeTakeFirstOrThrow();
    assert.equal(appointment.slot_id, slotId);
    const confirmation = await database.db.selectFrom('outbox').select('channel').where('ubrn', '=', ubrn).where('kind', '=', 'BOOKING_CONFIRMATION').execute();
    assert.ok(confirmation.length > 0, 'the patient is sent the booking confirmation');

    await submit('#asi-link');
    assert.equal(path(), '/provider/asi');
    assert.equal(await row().count(), 0, 'the item has left the worklist');
    await assertAccessible(page, 'ASI worklist after booking');
  });
});
