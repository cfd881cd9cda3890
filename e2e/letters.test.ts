// Letters a patient can use, in a real browser, axe on every page. From `/`, staff sign in; the referrer makes a
// referral for a Welsh speaker who wants large print and a carer contacted (the optional question reached from
// check your answers, its errors first); the letter comes in Welsh with the service's address and the practice's
// number, and in English, easy read and a large print PDF. The patient reads the address off the letter, opens
// it, signs in at /manage and asks for easy read instead. The message log shows the Welsh letter and the carer's
// copies.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { extractText, getDocumentProxy } from 'unpdf';
import { buildApp } from '../src/app.ts';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import { LocalLogSender } from '../src/messages/local-log-sender.ts';
import { sendPendingMessages } from '../src/messages/send-pending.ts';
import { openDemoTestDatabase, type TestDatabase, testConfig } from '../src/testing/database.ts';
import { assertAccessible, cspRefusals, launchBrowser, newPage } from './browser.ts';

const NHS_NUMBER = '9990000018';

/** A port free now, so that the app's public address (PUBLIC_URL) can be the one the browser uses. */
const freePort = () => new Promise<number>((resolve, reject) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  }).on('error', reject);
});

describe('letters a patient can use (browser)', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let publicUrl = '';
  let browser: Browser;
  let page: Page;
  let cspErrors: string[] = [];
  let ubrn = '';
  let accessCode = '';
  let letterAddress = '';

  before(async () => {
    database = await openDemoTestDatabase('letters');
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    // Listening at its public address, which the letters give (startApp would pick a port after the app is built).
    app = await buildApp({ config: testConfig({ PUBLIC_URL: publicUrl }), database, logger: false });
    await app.listen({ host: '127.0.0.1', port });
    browser = await launchBrowser();
    page = await newPage(browser);
    cspErrors = cspRefusals(page);
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
  });

  const path = (p = page) => new URL(p.url()).pathname;
  const submit = async (selector = '#continue', p = page) => Promise.all([p.waitForNavigation(), p.click(selector)]);
  const main = async (p = page) => (await p.locator('main').innerText()).replace(/\s+/g, ' ');

  test('the public page leads to Manage your referral and to staff sign-in', async () => {
    await page.goto(`${publicUrl}/`);
    assert.equal(await page.locator('#manage-your-referral').getAttribute('href'), '/manage');
    await assertAccessible(page, 'compare hospitals, with the ways in');
    await submit('#staff-sign-in');
    assert.equal(path(), '/sign-in');
    await assertAccessible(page, 'staff sign in');
    await page.fill('#username', 'demo-referrer');
    await page.fill('#password', DEMO_PASSWORD);
    await submit('#sign-in-button');
    assert.equal(path(), '/referrals');
  });

  test('the referrer records a Welsh speaker\'s needs from check your answers, errors first', async () => {
    await submit('#make-referral');
    await page.fill('#nhsNumber', NHS_NUMBER);
    await page.fill('#givenName', 'Siân');
    await page.fill('#familyName', 'Hughes');
    await page.fill('#dob-day', '31');
    await page.fill('#dob-month', '1');
    await page.fill('#dob-year', '1970');
    await page.fill('#address', '12 Park Row\nLeeds');
    await page.fill('#postcode', 'LS1 4AP');
    await page.selectOption('#specialty', '110');
    await submit();
    assert.equal(path(), '/referrals/new/preferences');
    await page.check('#sortBy');
    await page.check('#origin');
    await page.check('input[name="distance"][value="50"]');
    await submit();
    assert.equal(path(), '/referrals/new/shortlist');
    await submit();
    assert.equal(path(), '/referrals/new/clinical');
    await page.check('#priority');
    await page.fill('#clinicalSummary', 'Right hip pain for 6 months.');
    await submit();
    assert.equal(path(), '/referrals/new/check');
    assert.match(await page.locator('#needs-summary').innerText(), /None recorded/);

    await submit('#change-needs');
    assert.equal(path(), '/referrals/new/needs');
    await assertAccessible(page, 'communication needs');
    await page.check('#carer');
    await submit('#save-needs');
    assert.equal(path(), '/referrals/new/needs');
    const summary = await page.locator('.nhsuk-error-summary').innerText();
    assert.match(summary, /Enter the name of the patient's carer/);
    assert.match(summary, /Enter a phone number or an email address for the patient's carer/);
    assert.equal(await page.locator('.nhsuk-error-summary a[href="#carerName"]').count(), 1, 'the error links to the field');
    await assertAccessible(page, 'communication needs with errors');

    await page.check('input[name="formats"][value="largePrint"]');
    await page.selectOption('#language', 'cy');
    await page.fill('#carerName', 'Gareth Price');
    await page.fill('#carerEmail', 'gareth@example.com');
    await page.fill('#carerPhone', '07700 900456');
    await submit('#save-needs');
    assert.equal(path(), '/referrals/new/check');
    assert.equal(await page.locator('#needs-summary').innerText(), 'Large print, Welsh, a carer to contact');
    await assertAccessible(page, 'check answers with needs');
    await submit('#send-referral');
    assert.equal(path(), '/referrals/new/confirmation');
    ubrn = (await page.locator('#ubrn').innerText()).replace(/\s/g, '');
    accessCode = (await page.locator('#access-code').innerText()).trim();
  });

  test('the letter comes in Welsh first, with the address and the practice\'s number; in English, easy read and large print too', async () => {
    await submit('#letter-link');
    assert.equal(path(), '/referrals/new/letter');
    assert.equal(await page.locator('#letter').getAttribute('lang'), 'cy');
    const welsh = await main();
    assert.match(welsh, /Annwyl Siân Hughes,/);
    assert.match(welsh, /ffoniwch Hyde Park Surgery ar 0113 2001090\./);
    letterAddress = (await page.locator('#letter-address').innerText()).trim();
    assert.equal(letterAddress, `${publicUrl}/manage`);
    assert.equal((await page.locator('#letter-access-code').innerText()).trim(), accessCode);
    await assertAccessible(page, 'letter in Welsh');

    await submit('#letter-version-standard');
    assert.match(await main(), /Go to http:\/\/127\.0\.0\.1:\d+\/manage on a computer, tablet or phone/);
    assert.match(await page.locator('#letter-phone').innerText(), /call Hyde Park Surgery on 0113 2001090/);
    await assertAccessible(page, 'letter in English');

    await submit('#letter-version-easy-read');
    const easy = await main();
    assert.match(easy, /You can choose where you go\./);
    assert.match(easy, /Need help\? Call Hyde Park Surgery on 0113 2001090\./);
    await assertAccessible(page, 'letter in easy read');

    const href = await page.locator('#letter-large-print').getAttribute('href');
    assert.equal(href, '/referrals/new/letter.pdf?version=easy-read');
    const pdf = await page.request.get(`${publicUrl}/referrals/new/letter.pdf?version=welsh`);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(await pdf.body())), { mergePages: true });
    assert.match(text.replace(/\s+/g, ' '), /Annwyl Siân Hughes,/);
    assert.ok(text.replace(/\s+/g, '').includes(`cod mynediad yw ${accessCode}`.replace(/\s+/g, '')));
  });

  test('the patient opens the letter\'s address, signs in at /manage and asks for easy read instead', async () => {
    const patient = await newPage(browser);
    const patientCsp = cspRefusals(patient);
    await patient.goto(letterAddress);
    assert.equal(path(patient), '/manage/sign-in');
    await assertAccessible(patient, 'patient sign in from the letter');
    await patient.fill('#ubrn', ubrn);
    await patient.fill('#accessCode', accessCode);
    await patient.fill('#dob-day', '31');
    await patient.fill('#dob-month', '1');
    await patient.fill('#dob-year', '1970');
    await submit('#continue', patient);
    assert.equal(path(patient), '/manage');
    assert.equal(await patient.locator('#needs-summary').innerText(), 'You asked for: Large print, Welsh, a carer to contact');
    await assertAccessible(patient, 'your referral, with how we contact you');

    await submit('#change-needs', patient);
    assert.equal(path(patient), '/manage/needs');
    assert.equal(await patient.inputValue('#language'), 'cy', 'what was recorded is shown');
    assert.equal(await patient.inputValue('#carerName'), 'Gareth Price');
    await assertAccessible(patient, 'how we contact you');
    await patient.fill('#carerPhone', '12345');
    await submit('#save-needs', patient);
    assert.match(await patient.locator('.nhsuk-error-summary').innerText(), /Enter a UK phone number/);
    assert.equal(await patient.inputValue('#carerName'), 'Gareth Price', 'nothing lost on bad input');
    await assertAccessible(patient, 'how we contact you, with errors');
    await patient.fill('#carerPhone', '07700 900456');
    await patient.check('input[name="formats"][value="easyRead"]');
    await patient.selectOption('#language', '');
    await submit('#save-needs', patient);
    assert.equal(path(patient), '/manage');
    assert.match(await patient.locator('#needs-saved').innerText(), /Saved/);
    assert.equal(await patient.locator('#needs-summary').innerText(), 'You asked for: Large print, easy read, a carer to contact');
    await assertAccessible(patient, 'your referral, needs saved');
    assert.deepEqual(patientCsp, []);
    await patient.context().close();
  });

  test('the message log: the letter went in Welsh with the address, and the carer got copies', async () => {
    await sendPendingMessages(database.db, new LocalLogSender(database.db, publicUrl));
    const admin = await newPage(browser);
    await admin.goto(`${publicUrl}/sign-in`);
    await admin.fill('#username', 'demo-admin');
    await admin.fill('#password', DEMO_PASSWORD);
    await submit('#sign-in-button', admin);
    await admin.goto(`${publicUrl}/admin/messages`);
    const ours = admin.locator(`.nhsuk-card[data-ubrn="${ubrn}"]`);
    const letter = ours.and(admin.locator('[data-audience="patient"][data-channel="letter"]'));
    assert.equal(await letter.count(), 1);
    const text = await letter.innerText();
    assert.match(text, /Annwyl S\. H\.,/);
    assert.ok(text.includes(`ewch i ${publicUrl}/manage`), text);
    assert.match(text, /cod mynediad yw ••••-••••/);
    assert.match(text, /In Welsh · Large print/);
    const copies = ours.and(admin.locator('[data-audience="carer"]'));
    assert.equal(await copies.count(), 2, 'by email and by text');
    assert.match(await copies.first().innerText(), /a copy for the patient's carer/);
    await assertAccessible(admin, 'message log with a Welsh letter');
    await admin.context().close();
    assert.deepEqual(cspErrors, []);
  });
});
