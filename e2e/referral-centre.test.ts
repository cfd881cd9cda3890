// The referral centre's journey in a real browser, with the GP before it and the patient after: the GP refers to the
// musculoskeletal referral assessment service; the centre triages that referral as needing a consultant and offers
// 5 providers; the patient signs in at /manage with the letter's details and books one; a second referral is
// returned with advice, which the GP then sees. axe on every page visited.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import { assertAccessible, launchBrowser, newPage, type RunningApp, startApp } from './browser.ts';

describe('referral centre journey (browser)', () => {
  let running: RunningApp;
  let browser: Browser;
  let gp: Page;
  let centre: Page;
  let patient: Page;

  before(async () => {
    running = await startApp();
    browser = await launchBrowser();
    [gp, centre, patient] = await Promise.all([newPage(browser), newPage(browser), newPage(browser)]);
  });
  after(async () => {
    await browser?.close();
    await running?.close();
  });

  const path = (page: Page) => new URL(page.url()).pathname;
  const submit = async (page: Page, selector = '#continue') => Promise.all([page.waitForNavigation(), page.click(selector)]);
  const signIn = async (page: Page, username: string) => {
    await page.goto(`${running.baseUrl}/sign-in`);
    await page.fill('#username', username);
    await page.fill('#password', DEMO_PASSWORD);
    await submit(page, '#sign-in-button');
  };

  /** The GP refers a patient for trauma and orthopaedics to the assessment service; answers the UBRN and access code. */
  async function gpRefersForTriage(familyName: string, label: string): Promise<{ ubrn: string; accessCode: string }> {
    await gp.goto(`${running.baseUrl}/referrals`);
    await submit(gp, '#make-referral');
    await gp.fill('#nhsNumber', '9990000018');
    await gp.fill('#givenName', 'Rita');
    await gp.fill('#familyName', familyName);
    await gp.fill('#dob-day', '31');
    await gp.fill('#dob-month', '1');
    await gp.fill('#dob-year', '1970');
    await gp.fill('#postcode', 'LS1 4AP');
    await gp.selectOption('#specialty', '110');
    await submit(gp);
    assert.equal(path(gp), '/referrals/new/preferences');
    await gp.check('input[name="sortBy"][value="WAIT"]');
    await gp.check('#origin');
    await gp.check('input[name="distance"][value="50"]');
    await submit(gp);
    assert.equal(path(gp), '/referrals/new/shortlist');
    assert.match(await gp.locator('#assessment-service').innerText(), /West Yorkshire Musculoskeletal Referral Assessment Service/);
    assert.match(await gp.locator('#assessment-service').innerText(), /at least 5 providers/);
    await assertAccessible(gp, `${label}: services step with the assessment service`);
    await submit(gp, '#send-for-triage');
    assert.equal(path(gp), '/referrals/new/clinical');
    await gp.check('#priority');
    await gp.fill('#clinicalSummary', 'Right knee pain for 6 months, worse on stairs. No red flags.');
    await submit(gp);
    assert.equal(path(gp), '/referrals/new/check');
    assert.match(await gp.locator('#check-triage').innerText(), /Musculoskeletal Referral Assessment Service/);
    await assertAccessible(gp, `${label}: check answers`);
    await submit(gp, '#send-referral');
    assert.equal(path(gp), '/referrals/new/confirmation');
    assert.match(await gp.locator('#sent-for-triage').innerText(), /sent to West Yorkshire Musculoskeletal Referral Assessment Service for triage/);
    await assertAccessible(gp, `${label}: confirmation`);
    return { ubrn: (await gp.locator('#ubrn').innerText()).replace(/\s/g, ''), accessCode: (await gp.locator('#access-code').innerText()).trim() };
  }

  let consultant = { ubrn: '', accessCode: '' };
  let advice = { ubrn: '', accessCode: '' };

  test('the GP refers two patients to the musculoskeletal assessment service; both await triage on the worklist', async () => {
    await signIn(gp, 'demo-referrer');
    assert.equal(path(gp), '/referrals');
    consultant = await gpRefersForTriage('Consultant', 'first referral');
    advice = await gpRefersForTriage('Advice', 'second referral');
    await gp.goto(`${running.baseUrl}/referrals`);
    assert.equal(await gp.locator(`#worklist tr[data-ubrn="${consultant.ubrn}"][data-status="AWAITING_TRIAGE"]`).count(), 1);
    assert.equal(await gp.locator(`#worklist tr[data-ubrn="${advice.ubrn}"][data-status="AWAITING_TRIAGE"]`).count(), 1);
    await assertAccessible(gp, 'GP worklist with referrals awaiting triage');
  });

  test('before triage the patient is told their referral is being assessed', async () => {
    await patient.goto(`${running.baseUrl}/manage`);
    await patient.fill('#ubrn', consultant.ubrn);
    await patient.fill('#accessCode', consultant.accessCode);
    await patient.fill('#dob-day', '31');
    await patient.fill('#dob-month', '1');
    await patient.fill('#dob-year', '1970');
    await submit(patient);
    assert.equal(path(patient), '/manage');
    assert.match(await patient.locator('#referral-status').innerText(), /Being assessed/);
    assert.match(await patient.locator('#being-assessed').innerText(), /at least 5 hospitals or clinics/);
    assert.equal(await patient.locator('#choose-service').count(), 0, 'nothing to choose yet');
    await assertAccessible(patient, 'patient: being assessed');
  });

  test('the centre triages the first as needing a consultant and offers 5 providers', async () => {
    await signIn(centre, 'demo-referral-centre');
    assert.equal(path(centre), '/referral-centre');
    assert.equal(await centre.locator(`#to-triage tr[data-ubrn="${consultant.ubrn}"]`).count(), 1);
    assert.match(await centre.locator(`#to-triage tr[data-ubrn="${consultant.ubrn}"]`).innerText(), /14 days left/);
    await assertAccessible(centre, 'centre home');

    await submit(centre, `#to-triage tr[data-ubrn="${consultant.ubrn}"] a`);
    assert.equal(path(centre), `/referral-centre/referrals/${consultant.ubrn}`);
    assert.match(await centre.locator('#clinical-summary').innerText(), /Right knee pain for 6 months/);
    assert.match(await centre.locator('#preference-sort').innerText(), /Shortest wait/);
    await assertAccessible(centre, 'centre: the referral');
    await submit(centre);
    assert.match(await centre.locator('.nhsuk-error-summary').innerText(), /Select the outcome of triage/);
    await assertAccessible(centre, 'centre: the referral with an error');
    await centre.check('input[name="outcome"][value="NEEDS_CONSULTANT"]');
    await submit(centre);
    assert.equal(path(centre), `/referral-centre/referrals/${consultant.ubrn}/consultant`);
    const ticked = centre.locator('input[name="services"]:checked');
    assert.equal(await ticked.count(), 5);
    const providers = new Set(await ticked.evaluateAll((inputs) => inputs.map((i) => i.getAttribute('data-provider'))));
    assert.equal(providers.size, 5, 'five different providers');
    await assertAccessible(centre, 'centre: providers to offer');

    // Fewer than 5 without a reason is refused, the choices kept.
    await centre.uncheck('input[name="services"]:checked >> nth=4');
    await submit(centre, '#offer-providers');
    assert.match(await centre.locator('.nhsuk-error-summary').innerText(), /Only 4 providers are selected: select at least 5 providers, or why fewer are offered/);
    assert.equal(await centre.locator('input[name="services"]:checked').count(), 4);
    await assertAccessible(centre, 'centre: providers to offer, too few');
    await centre.click('.nhsuk-error-summary a');
    assert.equal(await centre.evaluate('document.activeElement && document.activeElement.name'), 'fewerProvidersReason', 'the error links to the field');
    await centre.goto(`${running.baseUrl}/referral-centre/referrals/${consultant.ubrn}/consultant`);
    await submit(centre, '#offer-providers');
    assert.match(await centre.locator('#triaged').innerText(), /Triage recorded: Needs a consultant/);
    assert.equal(await centre.locator('#offered li').count(), 5);
    await assertAccessible(centre, 'centre: triaged');
  });

  test('the patient signs in at /manage and books one of the 5', async () => {
    await patient.goto(`${running.baseUrl}/manage`);
    assert.match(await patient.locator('#referral-status').innerText(), /Not booked/);
    assert.equal(await patient.locator('#options tbody tr').count(), 5, 'the 5 offered, side by side');
    await assertAccessible(patient, 'patient: your referral with 5 options');
    await submit(patient, '#choose-service');
    await patient.check('#serviceId');
    await submit(patient);
    assert.match(path(patient), /^\/manage\/services\/[^/]+\/slots$/);
    await assertAccessible(patient, 'patient: choose an appointment');
    await patient.locator('input[name="slotId"]').first().check();
    await submit(patient);
    await assertAccessible(patient, 'patient: check the appointment');
    await submit(patient, '#book-appointment');
    assert.equal(path(patient), '/manage/booked');
    await assertAccessible(patient, 'patient: booked');
  });

  test('the centre returns the second with advice, and the GP sees it', async () => {
    await centre.goto(`${running.baseUrl}/referral-centre/referrals/${advice.ubrn}`);
    await centre.check('input[name="outcome"][value="ADVICE"]');
    await submit(centre);
    assert.equal(path(centre), `/referral-centre/referrals/${advice.ubrn}/advice`);
    await submit(centre, '#return-with-advice');
    assert.match(await centre.locator('.nhsuk-error-summary').innerText(), /Enter your advice to the referrer/);
    await assertAccessible(centre, 'centre: advice with an error');
    await centre.fill('#advice', 'Try 6 weeks of physiotherapy and weight loss first.\nRefer again if no better.');
    await submit(centre, '#return-with-advice');
    assert.match(await centre.locator('#triaged').innerText(), /Returned with advice/);
    await assertAccessible(centre, 'centre: returned with advice');
    await centre.goto(`${running.baseUrl}/referral-centre`);
    assert.equal(await centre.locator(`#returned tr[data-ubrn="${advice.ubrn}"]`).count(), 1);
    await assertAccessible(centre, 'centre home with a returned referral');

    await gp.goto(`${running.baseUrl}/referrals`);
    assert.match(await gp.locator(`#worklist tr[data-ubrn="${advice.ubrn}"][data-status="REJECTED"]`).innerText(), /Returned with advice/);
    await assertAccessible(gp, 'GP worklist with the returned referral');
    await submit(gp, `#worklist tr[data-ubrn="${advice.ubrn}"] a`);
    assert.match(await gp.locator('#triage-outcome').innerText(), /Returned with advice/);
    assert.match(await gp.locator('#triage-detail').innerText(), /Try 6 weeks of physiotherapy and weight loss first\.\s+Refer again if no better\./);
    await assertAccessible(gp, 'GP: the referral returned with advice');
  });
});
