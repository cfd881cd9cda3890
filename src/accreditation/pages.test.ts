// The accreditation pages through app.inject, signed in as a browser would be: who may open which page, the error
// summary for bad input (nothing saved is lost), and the provider's and the ICB's journey in pages.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { anonymousSession, staffSession } from '../testing/page-session.ts';
import { startDemoApp, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
before(async () => {
  t = await startDemoApp('accreditation_pages');
});
after(async () => t.close());

const criteria = async () => (await t.database.db.selectFrom('accreditation_criterion').select(['id', 'title']).where('icb_code', '=', 'QWO').orderBy('position').execute()).map((c) => ({ id: Number(c.id), title: c.title }));

describe('accreditation pages', () => {
  test('the criteria are public; the ICB pages are the ICB\'s and the provider pages the provider\'s', async () => {
    const anon = anonymousSession(t.app);
    const pub = await anon.get('/accreditation/criteria?icb=QWO');
    assert.equal(pub.statusCode, 200);
    assert.match(pub.body, /Signed NHS Standard Contract/);
    assert.match((await anon.get('/accreditation/criteria')).body, /NHS West Yorkshire/);
    assert.equal((await anon.get('/accreditation/criteria?icb=QZZZ')).statusCode, 404);
    assert.equal((await anon.get('/commissioner/accreditation')).statusCode, 303, 'sign in first');
    const referrer = await staffSession(t.app, t.database, 'demo-referrer');
    const provider = await staffSession(t.app, t.database, 'demo-provider');
    const commissioner = await staffSession(t.app, t.database, 'demo-commissioner');
    for (const url of ['/commissioner/accreditation', '/commissioner/accreditation/criteria', '/commissioner/accreditation/services/RR801-110']) {
      assert.equal((await referrer.get(url)).statusCode, 403, url);
      assert.equal((await provider.get(url)).statusCode, 403, url);
      assert.equal((await commissioner.get(url)).statusCode, 200, url);
    }
    for (const url of ['/provider/accreditation', '/provider/accreditation/new', '/provider/accreditation/services/RR801-110']) {
      assert.equal((await referrer.get(url)).statusCode, 403, url);
      assert.equal((await commissioner.get(url)).statusCode, 403, url);
      assert.equal((await provider.get(url)).statusCode, 200, url);
    }
    const admin = await staffSession(t.app, t.database, 'demo-admin');
    assert.equal((await admin.get('/commissioner/accreditation')).statusCode, 200, 'every ICB');
    assert.match((await admin.get('/commissioner/accreditation?icb=QWO')).body, /ICB QWO/);
    assert.equal((await admin.get('/commissioner/accreditation?icb=ZZZ99')).statusCode, 404);
    const home = await commissioner.get('/commissioner');
    assert.match(home.body, /id="link-accreditation"/);
    assert.equal((await (await staffSession(t.app, t.database, 'demo-provider-2')).get('/provider/accreditation/services/RR801-110')).statusCode, 404, "another provider's service");
  });

  test('a provider applies in pages; the ICB refuses naming the unmet criterion; resubmitted, it is accredited', async () => {
    const cs = await criteria();
    const provider = await staffSession(t.app, t.database, 'demo-provider');
    await provider.get('/provider/accreditation/new');
    const none = await provider.post('/provider/accreditation/new', {});
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /Select the specialty/);
    const chosen = await provider.post('/provider/accreditation/new', { specialty: '320', site: 'RR819' });
    assert.equal(chosen.statusCode, 303);
    const detailsUrl = chosen.headers.location as string;
    const details = await provider.get(detailsUrl);
    assert.match(details.body, /Registered with the Care Quality Commission/);
    const form = Object.fromEntries(cs.map((c) => [`evidence-${c.id}`, `Evidence: ${c.title}`]));
    const partial = await provider.post(detailsUrl, { ...form, [`evidence-${cs[1]!.id}`]: '', minAge: '70', maxAge: '20', clinicType: 'Heart failure' });
    assert.equal(partial.statusCode, 400);
    assert.match(partial.body, /Enter your evidence for &quot;Registered with the Care Quality Commission&quot;|Enter your evidence for "Registered with the Care Quality Commission"/);
    assert.match(partial.body, /Highest age|lowest age/);
    assert.match(partial.body, /Heart failure/, 'what was typed is shown again');
    assert.match(partial.body, /Evidence: Signed NHS Standard Contract/);
    const sent = await provider.post(detailsUrl, { ...form, clinicType: 'Heart failure', minAge: '18' });
    assert.equal(sent.statusCode, 303, sent.body);
    const appUrl = (sent.headers.location as string).split('?')[0]!;
    const again = await provider.get(detailsUrl);
    assert.equal(again.statusCode, 303, 'applied already: to the open application');
    assert.equal(again.headers.location, appUrl);
    const id = appUrl.split('/').pop()!;
    assert.match((await provider.get(sent.headers.location as string)).body, /Awaiting decision/);

    const commissioner = await staffSession(t.app, t.database, 'demo-commissioner');
    const list = await commissioner.get('/commissioner/accreditation');
    assert.match(list.body, new RegExp(`data-application="${id}"`));
    const page = await commissioner.get(`/commissioner/accreditation/applications/${id}`);
    assert.equal(page.statusCode, 200);
    const cqc = cs[1]!;
    const noNote = await commissioner.post(`/commissioner/accreditation/applications/${id}/checklist/${cqc.id}`, { [`outcome-${cqc.id}`]: 'NOT_MET', [`note-${cqc.id}`]: '' });
    assert.equal(noNote.statusCode, 400);
    assert.match(noNote.body, /Say what is missing/);
    for (const c of cs) {
      const res = await commissioner.post(`/commissioner/accreditation/applications/${id}/checklist/${c.id}`, { [`outcome-${c.id}`]: 'MET', [`note-${c.id}`]: '' });
      assert.equal(res.statusCode, 303, res.body);
    }
    const refuseAllMet = await commissioner.post(`/commissioner/accreditation/applications/${id}/decision`, { decision: 'REFUSE', reason: '' });
    assert.equal(refuseAllMet.statusCode, 422);
    assert.match(refuseAllMet.body, /may not be refused/);
    await commissioner.post(`/commissioner/accreditation/applications/${id}/checklist/${cqc.id}`, { [`outcome-${cqc.id}`]: 'NOT_MET', [`note-${cqc.id}`]: 'Registration number not given' });
    const withUnmet = await commissioner.get(`/commissioner/accreditation/applications/${id}`);
    assert.equal(withUnmet.statusCode, 200);
    assert.match(withUnmet.body, /Names the criteria not met: Registered with the Care Quality Commission/);
    const refused = await commissioner.post(`/commissioner/accreditation/applications/${id}/decision`, { decision: 'REFUSE', reason: '' });
    assert.equal(refused.statusCode, 303);

    const seen = await provider.get(appUrl);
    assert.match(seen.body, /id="unmet"[\s\S]*Registered with the Care Quality Commission[\s\S]*Registration number not given/);
    const blank = await provider.post(`${appUrl}/resubmit`, { ...form, [`evidence-${cqc.id}`]: '' });
    assert.equal(blank.statusCode, 400);
    const re = await provider.post(`${appUrl}/resubmit`, { ...form, [`evidence-${cqc.id}`]: 'CQC 1-000000001' });
    assert.equal(re.statusCode, 303);
    await commissioner.get(`/commissioner/accreditation/applications/${id}`);
    await commissioner.post(`/commissioner/accreditation/applications/${id}/checklist/${cqc.id}`, { [`outcome-${cqc.id}`]: 'MET', [`note-${cqc.id}`]: '' });
    const ok = await commissioner.post(`/commissioner/accreditation/applications/${id}/decision`, { decision: 'ACCREDIT', reason: '' });
    assert.equal(ok.statusCode, 303);
    const status = await t.database.db.selectFrom('service').select('accreditation_status').where('id', '=', 'RR819-320').executeTakeFirstOrThrow();
    assert.equal(status.accreditation_status, 'ACCREDITED');
    const history = (await provider.get(appUrl)).body;
    for (const a of ['SUBMITTED', 'REFUSED', 'RESUBMITTED', 'ACCREDITED']) assert.match(history, new RegExp(`data-action="${a}"`));
  });

  test('the ICB suspends a service with a reason; the provider sees it', async () => {
    const commissioner = await staffSession(t.app, t.database, 'demo-commissioner');
    await commissioner.get('/commissioner/accreditation/services/RR819-320');
    const noReason = await commissioner.post('/commissioner/accreditation/services/RR819-320', { change: 'SUSPEND', reason: '' });
    assert.equal(noReason.statusCode, 400);
    assert.match(noReason.body, /Enter the reason/);
    const check = await commissioner.post('/commissioner/accreditation/services/RR819-320', { change: 'SUSPEND', reason: 'Clinical lead left' });
    assert.equal(check.statusCode, 200, 'suspending goes through the check page');
    const previewVersion = /name="previewVersion" value="([^"]+)"/.exec(check.body)![1]!;
    const done = await commissioner.post('/commissioner/accreditation/services/RR819-320/confirm', { change: 'SUSPEND', reason: 'Clinical lead left', previewVersion });
    assert.equal(done.statusCode, 303);
    const provider = await staffSession(t.app, t.database, 'demo-provider');
    assert.match((await provider.get('/provider/accreditation/services/RR819-320')).body, /Clinical lead left/);
  });

  test('the ICB publishes and retires a criterion; bad input is refused and kept', async () => {
    const commissioner = await staffSession(t.app, t.database, 'demo-commissioner');
    await commissioner.get('/commissioner/accreditation/criteria');
    const bad = await commissioner.post('/commissioner/accreditation/criteria', { title: '', description: 'Kept text', specialtyCode: '' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Kept text/);
    const made = await commissioner.post('/commissioner/accreditation/criteria', { title: 'Dermoscopy available', description: 'The clinic has dermoscopy', specialtyCode: '330' });
    assert.equal(made.statusCode, 303);
    const row = await t.database.db.selectFrom('accreditation_criterion').select('id').where('title', '=', 'Dermoscopy available').executeTakeFirstOrThrow();
    assert.match((await anonymousSession(t.app).get('/accreditation/criteria?icb=QWO')).body, /Dermatology: Dermoscopy available/);
    await commissioner.get('/commissioner/accreditation/criteria');
    assert.equal((await commissioner.post(`/commissioner/accreditation/criteria/${row.id}/retire`)).statusCode, 303);
    assert.doesNotMatch((await anonymousSession(t.app).get('/accreditation/criteria?icb=QWO')).body, /Dermoscopy available/);
  });
});
