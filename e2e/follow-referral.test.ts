// Following a referral after it is sent, in a real browser, as the GP (demo-referrer) and the provider
// (demo-provider, Leeds Teaching Hospitals RR8) hand it to each other: the GP refers and books with the patient;
// the provider accepts it and finds it again afterwards; the GP finds it under "Accepted". Another referral is
// rejected: the GP reads the reason and note and re-refers with a new shortlist; a third, rejected, is closed.
// axe on every page visited.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import { assertAccessible, launchBrowser, newPage, type RunningApp, startApp } from './browser.ts';

const spaced = (ubrn: string) => ubrn.replace(/^(\d{4})(\d{4})(\d{4})$/, '$1 $2 $3');

describe('following a referral (browser)', () => {
  let running: RunningApp;
  let browser: Browser;
  let gp: Page;
  let provider: Page;
  let providerToken: string;

  before(async () => {
    running = await startApp();
    browser = await launchBrowser();
    gp = await newPage(browser);
    provider = await newPage(browser);
    providerToken = (await running.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-provider', password: DEMO_PASSWORD } })).json().token;
  });
  after(async () => {
    await browser?.close();
    await running?.close();
  });

  const path = (page: Page) => new URL(page.url()).pathname;
  const submit = async (page: Page, selector = '#continue') => Promise.all([page.waitForNavigation(), page.click(selector)]);
  const signIn = async (page: Page, username: string, start: string) => {
    await page.goto(`${running.baseUrl}${start}`);
    assert.equal(path(page), '/sign-in');
    await page.fill('#username', username);
    await page.fill('#password', DEMO_PASSWORD);
    await submit(page, '#sign-in-button');
    assert.equal(path(page), start);
  };

  /** A referral made through the API by demo-referrer and booked by the patient at Leeds (RR813-110). */
  async function bookedAtLeeds(familyName: string): Promise<string> {
    const { app } = running;
    const staff = (await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-referrer', password: DEMO_PASSWORD } })).json().token;
    const made = await app.inject({
      method: 'POST', url: '/api/v1/referrals', headers: { authorization: `Bearer ${staff}` },
      payload: {
        patient: { nhsNumber: '9990000018', givenName: 'Rita', familyName, dateOfBirth: '1970-01-31', postcode: 'LS1 4AP' },
        specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Hand pain.', shortlist: ['RR813-110', 'RR801-110'],
      },
    });
    assert.equal(made.statusCode, 201, made.body);
    const { ubrn, accessCode } = made.json();
    const patient = (await app.inject({ method: 'POST', url: '/api/v1/patient/token', payload: { ubrn, accessCode, dateOfBirth: '1970-01-31' } })).json().token;
    const slot = (await app.inject({ method: 'GET', url: '/api/v1/services/RR813-110/slots' })).json().slots.at(-1);
    const booked = await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/appointment`, headers: { authorization: `Bearer ${patient}`, 'idempotency-key': randomUUID() }, payload: { slotId: slot.id } });
    assert.equal(booked.statusCode, 201, booked.body);
    return ubrn;
  }

  let accepted = '';

  test('the GP refers, choosing the nearest services, and books with the patient', async () => {
    await signIn(gp, 'demo-referrer', '/referrals');
    await assertAccessible(gp, 'worklist');
    await submit(gp, '#make-referral');
    await gp.fill('#nhsNumber', '9990000018');
    await gp.fill('#givenName', 'Alma');
    await gp.fill('#familyName', 'Followthrough');
    await gp.fill('#dob-day', '31');
    await gp.fill('#dob-month', '1');
    await gp.fill('#dob-year', '1970');
    await gp.fill('#address', '12 Park Row\nLeeds');
    await gp.fill('#postcode', 'LS1 4AP');
    await gp.selectOption('#specialty', '110');
    await submit(gp);
    assert.equal(path(gp), '/referrals/new/preferences');
    await gp.check('input[name="sortBy"][value="DISTANCE"]');
    await gp.check('#origin');
    await gp.check('input[name="distance"][value="50"]');
    await submit(gp);
    assert.equal(path(gp), '/referrals/new/shortlist');
    // The nearest to Leeds city centre are Leeds Teaching Hospitals' own.
    assert.ok((await gp.locator('input[name="services"][value^="RR8"]:checked').count()) > 0, 'a Leeds service is offered');
    await submit(gp);
    await gp.check('#priority');
    await gp.fill('#clinicalSummary', 'Left knee pain for 4 months.');
    await submit(gp);
    assert.equal(path(gp), '/referrals/new/check');
    await submit(gp, '#send-referral');
    assert.equal(path(gp), '/referrals/new/confirmation');
    accepted = (await gp.locator('#ubrn').innerText()).replace(/\s/g, '');
    assert.match(accepted, /^\d{12}$/);
    await assertAccessible(gp, 'confirmation');

    await gp.goto(`${running.baseUrl}/referrals/${accepted}`);
    await submit(gp, '#book-now');
    await gp.locator('input[name="slotId"]').first().check();
    await submit(gp, '#book-appointment');
    assert.equal(path(gp), `/referrals/${accepted}/booked`);
    await assertAccessible(gp, 'booked');
  });

  test('the provider accepts it, and finds it again afterwards', async () => {
    await signIn(provider, 'demo-provider', '/provider');
    await submit(provider, '#referrals-link');
    const row = provider.locator(`#to-review tr[data-ubrn="${accepted}"]`);
    assert.equal(await row.count(), 1, 'booked at a Leeds service, so Leeds reviews it');
    await submit(provider, `#to-review tr[data-ubrn="${accepted}"] a`);
    await assertAccessible(provider, 'referral to review');
    await submit(provider, '#accept');
    assert.match(await provider.locator('#review-outcome').innerText(), /accepted/);
    await assertAccessible(provider, 'referrals after accepting');

    // Its page once answered 404 after accepting.
    await submit(provider, '#done-link');
    assert.equal(path(provider), `/provider/referrals/${accepted}`);
    assert.equal((await provider.locator('#referral-status').innerText()).trim(), 'Accepted');
    assert.equal(await provider.locator('#accept').count(), 0, 'nothing more to accept');
    assert.match(await provider.locator('#history').innerText(), /Accepted/);
    await assertAccessible(provider, 'accepted referral');

    await provider.goto(`${running.baseUrl}/provider`);
    await submit(provider, '#find-referral-link');
    assert.equal(path(provider), '/provider/referrals/find');
    await assertAccessible(provider, 'find a referral');
    await provider.fill('#q', spaced(accepted));
    await submit(provider, '#search');
    assert.equal(await provider.locator(`#worklist tr[data-ubrn="${accepted}"][data-status="ACCEPTED"]`).count(), 1);
    await assertAccessible(provider, 'search results');
    await submit(provider, `#worklist tr[data-ubrn="${accepted}"] a`);
    assert.equal(path(provider), `/provider/referrals/${accepted}`);
  });

  test('the GP finds it under "Accepted"', async () => {
    await gp.goto(`${running.baseUrl}/referrals`);
    await submit(gp, '#filter-accepted');
    assert.equal(await gp.locator('#filter-accepted').getAttribute('aria-current'), 'true');
    assert.equal(await gp.locator(`#worklist tr[data-ubrn="${accepted}"][data-status="ACCEPTED"]`).count(), 1, 'the worklist once had no place for it');
    await assertAccessible(gp, 'accepted referrals');
    await submit(gp, `#worklist tr[data-ubrn="${accepted}"] a`);
    assert.match(await gp.locator('main').innerText(), /Accepted/);
    await assertAccessible(gp, 'accepted referral');

    // A page at a time (the demo practice has 7 accepted referrals from its waiting lists, and this one).
    await gp.goto(`${running.baseUrl}/referrals?state=accepted&size=3`);
    assert.match(await gp.locator('#results-count').innerText(), /Showing 1 to 3 of \d+ referrals/);
    await assertAccessible(gp, 'accepted referrals, page 1');
    await submit(gp, '#pagination a[rel="next"]');
    assert.equal(new URL(gp.url()).searchParams.get('page'), '2');
    assert.match(await gp.locator('#results-count').innerText(), /Showing 4 to 6 of/);
    assert.equal(await gp.locator('#pagination a[rel="prev"]').count(), 1);
    await assertAccessible(gp, 'accepted referrals, page 2');
  });

  let rejected = '';

  test('another referral is rejected: the GP sees the reason, the note and what to do, and no forecast', async () => {
    rejected = await bookedAtLeeds('Rejectedhand');
    await provider.goto(`${running.baseUrl}/provider/referrals/${rejected}`);
    await submit(provider, '#reject');
    await provider.check('input[name="reason"][value="SERVICE_CANNOT_MEET_NEEDS"]');
    await provider.fill('#note', 'We have no hand surgeon this year; try a hand unit.');
    await submit(provider, '#confirm-reject');
    assert.match(await provider.locator('#review-outcome').innerText(), /rejected/);

    await gp.goto(`${running.baseUrl}/referrals`);
    await submit(gp, '#filter-rejected');
    await gp.fill('#q', 'rejectedhand');
    await submit(gp, '#search');
    assert.equal(await gp.locator(`#worklist tr[data-ubrn="${rejected}"]`).count(), 1);
    await assertAccessible(gp, 'rejected referrals, searched');
    await submit(gp, `#worklist tr[data-ubrn="${rejected}"] a`);
    assert.equal((await gp.locator('#rejection-reason').innerText()).trim(), 'The service cannot meet the patient\'s needs');
    assert.equal((await gp.locator('#rejection-note').innerText()).trim(), 'We have no hand surgeon this year; try a hand unit.');
    assert.match(await gp.locator('#next-step').innerText(), /Re-refer with a new shortlist/);
    assert.equal((await gp.locator('#forecast').innerText()).trim(), 'Not until the patient is referred again');
    assert.doesNotMatch(await gp.locator('main').innerText(), /within 18 weeks/);
    assert.match(await gp.locator('#waiting-explanation').innerText(), /keeps running/);
    await assertAccessible(gp, 'rejected referral');
  });

  test('the GP re-refers it with a new shortlist; the patient can choose again', async () => {
    await submit(gp, '#re-refer');
    assert.equal(path(gp), `/referrals/${rejected}/re-refer`);
    assert.match(await gp.locator('#clock-rule').innerText(), /keeps running from/);
    await assertAccessible(gp, 're-refer');
    // Nothing selected: the error links to the services.
    const ticked = gp.locator('input[name="services"]:checked');
    while ((await ticked.count()) > 0) await ticked.first().uncheck();
    await submit(gp, '#confirm-re-refer');
    assert.match(await gp.locator('.nhsuk-error-summary').innerText(), /Select at least one service/);
    await assertAccessible(gp, 're-refer with errors');
    await gp.locator('input[name="services"]').first().check();
    await submit(gp, '#confirm-re-refer');
    assert.equal(path(gp), `/referrals/${rejected}`);
    assert.match(await gp.locator('#done').innerText(), /new shortlist/);
    assert.match(await gp.locator('main').innerText(), /Not booked/);
    assert.equal(await gp.locator('#book-now').count(), 1);
    assert.match(await gp.locator('#history').innerText(), /Re-referred with a new shortlist of 1 option/);
    await assertAccessible(gp, 're-referred');
    await gp.goto(`${running.baseUrl}/referrals`);
    await submit(gp, '#filter-to-book');
    assert.equal(await gp.locator(`#worklist tr[data-ubrn="${rejected}"]`).count(), 1);
  });

  test('a third, rejected as clinically inappropriate, is closed with a reason', async () => {
    const third = await bookedAtLeeds('Closedknee');
    const review = await running.app.inject({
      method: 'POST', url: `/api/v1/referrals/${third}/review`, headers: { authorization: `Bearer ${providerToken}` },
      payload: { outcome: 'REJECT', reason: 'CLINICALLY_INAPPROPRIATE', note: 'Physiotherapy first.' },
    });
    assert.equal(review.statusCode, 200, review.body);
    await gp.goto(`${running.baseUrl}/referrals/${third}`);
    assert.match(await gp.locator('#waiting-explanation').innerText(), /clock stopped/);
    await submit(gp, '#close-referral');
    assert.equal(path(gp), `/referrals/${third}/close`);
    await assertAccessible(gp, 'close');
    await submit(gp, '#confirm-close');
    assert.match(await gp.locator('.nhsuk-error-summary').innerText(), /Enter why you are closing the referral/);
    await assertAccessible(gp, 'close with errors');
    await gp.fill('#reason', 'Referred to community physiotherapy instead.');
    await submit(gp, '#confirm-close');
    assert.equal(path(gp), `/referrals/${third}`);
    assert.match(await gp.locator('#done').innerText(), /Referral closed/);
    assert.equal(await gp.locator('#re-refer').count(), 0);
    await assertAccessible(gp, 'closed referral');
    await gp.goto(`${running.baseUrl}/referrals?state=closed`);
    assert.equal(await gp.locator(`#worklist tr[data-ubrn="${third}"][data-status="CANCELLED"]`).count(), 1);
    await assertAccessible(gp, 'closed referrals');
  });
});
