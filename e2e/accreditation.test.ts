// Provider accreditation (minimum standard 5) in a real browser: demo-provider (Leeds Teaching Hospitals) applies to
// list Trauma & Orthopaedics at Chapel Allerton Hospital with evidence per criterion; demo-commissioner (NHS West
// Yorkshire ICB) works the checklist and refuses it for a named unmet criterion; the provider reads why, fixes the
// evidence and resubmits; the ICB accredits it, and the service appears in a shortlist. axe on every page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/auth/demo-accounts.ts';
import { assertAccessible, launchBrowser, newPage, type RunningApp, startApp, tabTo } from './browser.ts';

const SERVICE = 'RR819-110';
const CQC = 'Registered with the Care Quality Commission';

describe('provider accreditation journey (browser)', () => {
  let running: RunningApp;
  let browser: Browser;
  let provider: Page;
  let icb: Page;
  let applicationPath = '';
  let criteria: { id: number; title: string }[] = [];

  before(async () => {
    running = await startApp();
    criteria = (await running.database!.db.selectFrom('accreditation_criterion').select(['id', 'title']).where('icb_code', '=', 'QWO').orderBy('position').execute())
      .map((c) => ({ id: Number(c.id), title: c.title }));
    browser = await launchBrowser();
    provider = await newPage(browser);
    icb = await newPage(browser);
  });
  after(async () => {
    await browser?.close();
    await running?.close();
  });

  const submit = (page: Page, selector: string) => Promise.all([page.waitForNavigation(), page.click(selector)]);
  const signIn = async (page: Page, username: string, path: string) => {
    await page.goto(`${running.baseUrl}${path}`);
    await page.fill('#username', username);
    await page.fill('#password', DEMO_PASSWORD);
    await submit(page, '#sign-in-button');
    if (new URL(page.url()).pathname !== path) await page.goto(`${running.baseUrl}${path}`);
    assert.equal(new URL(page.url()).pathname, path);
  };
  const cqc = () => criteria.find((c) => c.title === CQC)!;

  test('the ICB publishes its criteria', async () => {
    await provider.goto(`${running.baseUrl}/accreditation/criteria?icb=QWO`);
    assert.match(await provider.locator('#criteria-general').innerText(), new RegExp(CQC));
    await assertAccessible(provider, 'the published criteria');
  });

  test('the provider applies to list a service, by keyboard, with evidence per criterion', async () => {
    await signIn(provider, 'demo-provider', '/provider/accreditation');
    await assertAccessible(provider, "the provider's applications");
    await submit(provider, '#apply');
    await tabTo(provider, 'specialty');
    await provider.keyboard.type('Trauma');
    assert.equal(await provider.inputValue('#specialty'), '110');
    await provider.check('input[name="site"][value="RR819"]');
    await assertAccessible(provider, 'choosing the site and specialty');
    await submit(provider, '#continue');
    await provider.fill('#clinicType', 'Hand and wrist');
    // One criterion left out: the error summary names it and keeps the rest.
    for (const c of criteria) if (c.title !== CQC) await provider.fill(`#evidence-${c.id}`, `Evidence for ${c.title}`);
    await submit(provider, '#submit-application');
    assert.match(await provider.locator('.nhsuk-error-summary').innerText(), new RegExp(`Enter your evidence for .${CQC}.`));
    assert.equal(await provider.inputValue('#clinicType'), 'Hand and wrist');
    await assertAccessible(provider, 'the application with an error');
    await provider.fill(`#evidence-${cqc().id}`, 'We are registered');
    await submit(provider, '#submit-application');
    applicationPath = new URL(provider.url()).pathname;
    assert.match(applicationPath, /^\/provider\/accreditation\/\d+$/);
    assert.match(await provider.locator('#status').innerText(), /Awaiting decision/);
    await assertAccessible(provider, 'the application sent');
  });

  const icbPath = () => applicationPath.replace('/provider/accreditation/', '/commissioner/accreditation/applications/');

  test('the ICB works the checklist and refuses for the criterion not met; refusing with all met is impossible', async () => {
    await signIn(icb, 'demo-commissioner', '/commissioner');
    await submit(icb, '#link-accreditation');
    assert.match(await icb.locator('#open').innerText(), /Trauma (&|and) Orthopaedics at Chapel Allerton Hospital/);
    await assertAccessible(icb, "the ICB's applications");
    await icb.goto(`${running.baseUrl}${icbPath()}`);
    for (const c of criteria) {
      await icb.check(`#line-${c.id} input[value="MET"]`);
      await submit(icb, `#save-${c.id}`);
      assert.match(await icb.locator('#outcome').innerText(), /finding was saved/);
    }
    await icb.check('input[name="decision"][value="REFUSE"]');
    await submit(icb, '#decide');
    assert.match(await icb.locator('.nhsuk-error-summary').innerText(), /may not be refused/);
    await assertAccessible(icb, 'a refusal refused');
    await icb.check(`#line-${cqc().id} input[value="NOT_MET"]`);
    await icb.fill(`#note-${cqc().id}`, 'No CQC registration number given for Chapel Allerton');
    await submit(icb, `#save-${cqc().id}`);
    await icb.check('input[name="decision"][value="REFUSE"]');
    await submit(icb, '#decide');
    assert.match(await icb.locator('#outcome').innerText(), /refused/);
    assert.match(await icb.locator('#history tr[data-action="REFUSED"]').innerText(), new RegExp(CQC));
    await assertAccessible(icb, 'the refused application');
  });

  test('the provider reads why, fixes the evidence and resubmits', async () => {
    await provider.goto(`${running.baseUrl}${applicationPath}`);
    assert.match(await provider.locator('#unmet').innerText(), /No CQC registration number given/);
    await assertAccessible(provider, 'the refusal, as the provider sees it');
    await provider.fill(`#evidence-${cqc().id}`, 'CQC provider ID RR8, location 1-123456789 (Chapel Allerton Hospital)');
    await submit(provider, '#resubmit');
    assert.match(await provider.locator('#outcome').innerText(), /sent to the ICB again/);
  });

  test('the ICB accredits it and the service appears in a shortlist', async () => {
    await icb.goto(`${running.baseUrl}${icbPath()}`);
    assert.equal(await icb.getAttribute(`#line-${cqc().id} [data-finding]`, 'data-finding'), 'UNCHECKED', 'the unmet line is checked again');
    await icb.check(`#line-${cqc().id} input[value="MET"]`);
    await submit(icb, `#save-${cqc().id}`);
    await icb.check('input[name="decision"][value="ACCREDIT"]');
    await submit(icb, '#decide');
    assert.match(await icb.locator('#outcome').innerText(), /accredited/);
    await assertAccessible(icb, 'the accredited application');

    const status = await running.database!.db.selectFrom('service').select('accreditation_status').where('id', '=', SERVICE).executeTakeFirstOrThrow();
    assert.equal(status.accreditation_status, 'ACCREDITED');
    const anyone = await newPage(browser);
    await anyone.goto(`${running.baseUrl}/?specialty=110&postcode=LS7+4SA&sortBy=DISTANCE&distance=10`);
    assert.match(await anyone.locator('ol.oc-options').innerText(), /Chapel Allerton Hospital/);
  });

  test('the ICB suspends the service through the check page, which says how many patients it touches, then reinstates it', async () => {
    await icb.goto(`${running.baseUrl}/commissioner/accreditation/services/${SERVICE}`);
    await icb.check('input[name="change"][value="SUSPEND"]');
    await icb.fill('#reason', 'Clinical lead left');
    await submit(icb, '#change-standing');
    assert.match(await icb.locator('h1').innerText(), /^Suspend .*\?$/);
    assert.match(await icb.locator('.nhsuk-summary-list').innerText(), /Patients still choosing with it on their shortlist/);
    await assertAccessible(icb, 'suspend: check');
    const before = await running.database!.db.selectFrom('service').select('accreditation_status').where('id', '=', SERVICE).executeTakeFirstOrThrow();
    assert.equal(before.accreditation_status, 'ACCREDITED', 'nothing changes before confirming');
    await submit(icb, '#confirm-standing');
    assert.match(await icb.locator('#outcome').innerText(), /suspended/);
    await icb.check('input[name="change"][value="REINSTATE"]');
    await icb.fill('#reason', 'New lead appointed');
    await submit(icb, '#change-standing');
    assert.match(await icb.locator('#outcome').innerText(), /reinstated/);
  });
});

