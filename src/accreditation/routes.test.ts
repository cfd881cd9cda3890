// The accreditation API through app.inject on a copy of the demo database: a provider applies, the ICB works the
// checklist and decides, a refusal names the criteria not met (and is impossible when all are met), the provider
// resubmits, the accredited service is offered in shortlists, and every step is in the history. Other roles,
// other providers and other ICBs are refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_PASSWORD } from '../auth/demo-accounts.ts';
import { createAccount, createOrganisation, TEST_PASSWORD } from '../testing/accounts.ts';
import { startDemoApp, type TestApp } from '../testing/test-app.ts';
import { accreditationEvidence } from './evidence.ts';

let t: TestApp;
const tokens: Record<string, string> = {};

async function token(username: string, password = DEMO_PASSWORD) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username, password } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().token as string;
}
const as = (who: string) => ({ authorization: `Bearer ${tokens[who]}` });
const call = (who: string | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who ? as(who) : {}, ...(payload ? { payload } : {}) });

let criteria: { id: number; title: string }[] = [];
const evidenceFor = (text: (c: { id: number; title: string }) => string) => Object.fromEntries(criteria.map((c) => [String(c.id), text(c)]));

before(async () => {
  t = await startDemoApp('accreditation_api');
  await createOrganisation(t.database, 'QZZ', 'Another Test ICB', 'ICB');
  await createAccount(t.database, 'other-commissioner', 'commissioner', 'QZZ');
  for (const u of ['demo-provider', 'demo-provider-2', 'demo-commissioner', 'demo-admin', 'demo-referrer']) tokens[u] = await token(u);
  tokens['other-commissioner'] = await token('other-commissioner', TEST_PASSWORD);
});
after(async () => t.close());

describe('accreditation API', () => {
  test('the published criteria are public; only the ICB adds to them', async () => {
    const res = await call(null, 'GET', '/api/v1/accreditation/criteria?icb=QWO');
    assert.equal(res.statusCode, 200, res.body);
    criteria = res.json().criteria;
    assert.equal(criteria.length, 5);
    assert.ok(criteria.some((c) => c.title === 'Registered with the Care Quality Commission'));
    const body = { title: 'Test criterion', description: 'Asked of nobody' };
    assert.equal((await call('demo-provider', 'POST', '/api/v1/accreditation/criteria', body)).statusCode, 403);
    assert.equal((await call('demo-referrer', 'POST', '/api/v1/accreditation/criteria', body)).statusCode, 403);
    assert.equal((await call(null, 'POST', '/api/v1/accreditation/criteria', body)).statusCode, 401);
    const made = await call('other-commissioner', 'POST', '/api/v1/accreditation/criteria', body);
    assert.equal(made.statusCode, 201, made.body);
    assert.equal(made.json().icbCode, 'QZZ', "a commissioner's criterion is its own ICB's");
    assert.equal((await call('demo-commissioner', 'POST', `/api/v1/accreditation/criteria/${made.json().id}/retirement`)).statusCode, 404, "another ICB's criterion");
    assert.equal((await call('demo-commissioner', 'POST', '/api/v1/accreditation/criteria', { ...body, title: '' })).statusCode, 400);
  });

  let appId = 0;
  const serviceId = 'RR814-130';

  test('a provider applies with evidence per criterion; the service awaits accreditation and is not offered', async () => {
    const missing = await call('demo-provider', 'POST', '/api/v1/accreditation/applications', { siteOdsCode: 'RR814', specialtyCode: '130', evidence: {} });
    assert.equal(missing.statusCode, 422, missing.body);
    assert.equal(missing.json().errors.length, 5, 'one problem per criterion without evidence');
    assert.equal((await t.database.db.selectFrom('service').select('id').where('id', '=', serviceId).execute()).length, 0, 'nothing saved');
    const notOurs = await call('demo-provider-2', 'POST', '/api/v1/accreditation/applications', { siteOdsCode: 'RR814', specialtyCode: '130', evidence: evidenceFor(() => 'x') });
    assert.equal(notOurs.statusCode, 422, "not one of the caller's sites");
    assert.equal((await call('demo-commissioner', 'POST', '/api/v1/accreditation/applications', { siteOdsCode: 'RR814', specialtyCode: '130', evidence: {} })).statusCode, 403);
    const res = await call('demo-provider', 'POST', '/api/v1/accreditation/applications', {
      siteOdsCode: 'RR814', specialtyCode: '130', clinicType: 'General ophthalmology', minAge: 18, maxAge: null, consultantTeam: 'Mr Test',
      evidence: evidenceFor((c) => `Evidence for ${c.title}`),
    });
    assert.equal(res.statusCode, 201, res.body);
    const app = res.json();
    appId = app.id;
    assert.equal(app.status, 'SUBMITTED');
    assert.equal(app.serviceStatus, 'PENDING');
    assert.equal(app.icbCode, 'QWO');
    assert.equal(app.checklist.length, 5);
    assert.equal((await call(null, 'GET', `/api/v1/services/${serviceId}`)).statusCode, 404, 'not offered until accredited');
    const again = await call('demo-provider', 'POST', '/api/v1/accreditation/applications', { siteOdsCode: 'RR814', specialtyCode: '130', evidence: evidenceFor(() => 'again') });
    assert.equal(again.statusCode, 409, 'one open application per service');
  });

  test('who may see it: the provider and its ICB; not another provider, another ICB or a referrer', async () => {
    assert.equal((await call('demo-provider', 'GET', `/api/v1/accreditation/applications/${appId}`)).statusCode, 200);
    assert.equal((await call('demo-commissioner', 'GET', `/api/v1/accreditation/applications/${appId}`)).statusCode, 200);
    assert.equal((await call('demo-admin', 'GET', `/api/v1/accreditation/applications/${appId}`)).statusCode, 200);
    assert.equal((await call('demo-provider-2', 'GET', `/api/v1/accreditation/applications/${appId}`)).statusCode, 404);
    assert.equal((await call('other-commissioner', 'GET', `/api/v1/accreditation/applications/${appId}`)).statusCode, 404);
    assert.equal((await call('demo-referrer', 'GET', `/api/v1/accreditation/applications/${appId}`)).statusCode, 403);
    const list = await call('demo-commissioner', 'GET', '/api/v1/accreditation/applications');
    assert.ok(list.json().applications.some((a: { id: number }) => a.id === appId));
    assert.equal((await call('other-commissioner', 'GET', '/api/v1/accreditation/applications')).json().applications.length, 0);
    assert.equal((await call('demo-provider', 'PUT', `/api/v1/accreditation/applications/${appId}/checklist/${criteria[0]!.id}`, { outcome: 'MET' })).statusCode, 403, 'a provider does not check itself');
    assert.equal((await call('other-commissioner', 'PUT', `/api/v1/accreditation/applications/${appId}/checklist/${criteria[0]!.id}`, { outcome: 'MET' })).statusCode, 404);
  });

  test('a provider that meets every criterion may not be refused; accrediting waits for every line', async () => {
    const early = await call('demo-commissioner', 'POST', `/api/v1/accreditation/applications/${appId}/decision`, { decision: 'ACCREDIT' });
    assert.equal(early.statusCode, 422, 'unchecked lines');
    assert.match(early.json().detail, /Check every criterion/);
    const noNote = await call('demo-commissioner', 'PUT', `/api/v1/accreditation/applications/${appId}/checklist/${criteria[0]!.id}`, { outcome: 'NOT_MET' });
    assert.equal(noNote.statusCode, 422, 'not met needs a note');
    const bad = await call('demo-commissioner', 'PUT', `/api/v1/accreditation/applications/${appId}/checklist/${criteria[0]!.id}`, { outcome: 'MAYBE' });
    assert.equal(bad.statusCode, 400);
    for (const c of criteria) {
      const res = await call('demo-commissioner', 'PUT', `/api/v1/accreditation/applications/${appId}/checklist/${c.id}`, { outcome: 'MET', note: null });
      assert.equal(res.statusCode, 200, res.body);
    }
    const refuse = await call('demo-commissioner', 'POST', `/api/v1/accreditation/applications/${appId}/decision`, { decision: 'REFUSE', reason: 'We would rather not' });
    assert.equal(refuse.statusCode, 422, refuse.body);
    assert.match(refuse.json().detail, /may not be refused/);
    const still = (await call('demo-commissioner', 'GET', `/api/v1/accreditation/applications/${appId}`)).json();
    assert.equal(still.status, 'SUBMITTED', 'the refusal changed nothing');
    assert.ok(still.checklist.every((i: { outcome: string }) => i.outcome === 'MET'));
  });

  test('a refusal names the unmet criteria; the provider resubmits; accredited, the service is offered', async () => {
    const cqc = criteria.find((c) => c.title.includes('Care Quality Commission'))!;
    await call('demo-commissioner', 'PUT', `/api/v1/accreditation/applications/${appId}/checklist/${cqc.id}`, { outcome: 'NOT_MET', note: 'No CQC registration for Seacroft' });
    const accredit = await call('demo-commissioner', 'POST', `/api/v1/accreditation/applications/${appId}/decision`, { decision: 'ACCREDIT' });
    assert.equal(accredit.statusCode, 422, 'not while a criterion is not met');
    const refused = await call('demo-commissioner', 'POST', `/api/v1/accreditation/applications/${appId}/decision`, { decision: 'REFUSE', reason: null });
    assert.equal(refused.statusCode, 200, refused.body);
    assert.equal(refused.json().status, 'REFUSED');
    assert.equal(refused.json().serviceStatus, 'REJECTED');
    const refusal = refused.json().history.find((h: { action: string }) => h.action === 'REFUSED');
    assert.deepEqual(refusal.unmet, [{ id: cqc.id, title: cqc.title }]);
    // The provider sees the finding and the history.
    const seen = (await call('demo-provider', 'GET', `/api/v1/accreditation/applications/${appId}`)).json();
    assert.equal(seen.checklist.find((i: { criterionId: number }) => i.criterionId === cqc.id).note, 'No CQC registration for Seacroft');
    assert.equal((await call('demo-provider-2', 'POST', `/api/v1/accreditation/applications/${appId}/resubmission`, { evidence: {} })).statusCode, 404);
    const tooLong = await call('demo-provider', 'POST', `/api/v1/accreditation/applications/${appId}/resubmission`, { evidence: { [cqc.id]: 'x'.repeat(2001) } });
    assert.equal(tooLong.statusCode, 400);
    const blank = await call('demo-provider', 'POST', `/api/v1/accreditation/applications/${appId}/resubmission`, { evidence: { [cqc.id]: '   ' } });
    assert.equal(blank.statusCode, 422);
    assert.equal((await call('demo-provider', 'GET', `/api/v1/accreditation/applications/${appId}`)).json().checklist.find((i: { criterionId: number }) => i.criterionId === cqc.id).evidence, `Evidence for ${cqc.title}`, 'nothing lost');
    const re = await call('demo-provider', 'POST', `/api/v1/accreditation/applications/${appId}/resubmission`, { evidence: { [cqc.id]: 'CQC registration 1-234567890, Seacroft Hospital' } });
    assert.equal(re.statusCode, 200, re.body);
    assert.equal(re.json().status, 'SUBMITTED');
    const lines = re.json().checklist as { criterionId: number; outcome: string | null }[];
    assert.equal(lines.find((i) => i.criterionId === cqc.id)!.outcome, null, 'the unmet line is checked again');
    assert.equal(lines.filter((i) => i.outcome === 'MET').length, 4, 'the met ones stand');
    await call('demo-commissioner', 'PUT', `/api/v1/accreditation/applications/${appId}/checklist/${cqc.id}`, { outcome: 'MET', note: 'Registration seen' });
    const ok = await call('demo-commissioner', 'POST', `/api/v1/accreditation/applications/${appId}/decision`, { decision: 'ACCREDIT', reason: null });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().serviceStatus, 'ACCREDITED');
    assert.equal((await call(null, 'GET', `/api/v1/services/${serviceId}`)).statusCode, 200, 'offered once accredited');
    assert.deepEqual(ok.json().history.map((h: { action: string }) => h.action).filter((a: string) => a !== 'CHECKED'), ['SUBMITTED', 'REFUSED', 'RESUBMITTED', 'ACCREDITED']);
    const ev = await accreditationEvidence(t.database.db, 'QWO', '2020-01-01', '2099-12-31');
    assert.equal(ev.applicationsDecided, 2);
    assert.equal(ev.accredited, 1);
    assert.equal(ev.refused, 1);
    assert.equal(ev.decidedWithinTarget, 2);
    assert.equal(ev.openOverdue, 0);
  });

  test('suspension and withdrawal with reasons take the service out of the directory; a new site or specialty is a new application', async () => {
    assert.equal((await call('demo-provider', 'POST', `/api/v1/accreditation/services/${serviceId}/standing`, { change: 'SUSPEND', reason: 'x' })).statusCode, 403);
    assert.equal((await call('other-commissioner', 'POST', `/api/v1/accreditation/services/${serviceId}/standing`, { change: 'SUSPEND', reason: 'x' })).statusCode, 404);
    assert.equal((await call('demo-commissioner', 'POST', `/api/v1/accreditation/services/${serviceId}/standing`, { change: 'SUSPEND', reason: ' ' })).statusCode, 422, 'a reason is required');
    const s = await call('demo-commissioner', 'POST', `/api/v1/accreditation/services/${serviceId}/standing`, { change: 'SUSPEND', reason: 'CQC inspection pending' });
    assert.equal(s.statusCode, 200, s.body);
    assert.equal((await call(null, 'GET', `/api/v1/services/${serviceId}`)).statusCode, 404, 'not offered while suspended');
    assert.equal((await call('demo-commissioner', 'POST', `/api/v1/accreditation/services/${serviceId}/standing`, { change: 'SUSPEND', reason: 'again' })).statusCode, 409);
    await call('demo-commissioner', 'POST', `/api/v1/accreditation/services/${serviceId}/standing`, { change: 'REINSTATE', reason: 'Inspection passed' });
    assert.equal((await call(null, 'GET', `/api/v1/services/${serviceId}`)).statusCode, 200);
    const w = await call('demo-commissioner', 'POST', `/api/v1/accreditation/services/${serviceId}/standing`, { change: 'WITHDRAW', reason: 'Contract ended' });
    assert.equal(w.json().status, 'WITHDRAWN');
    assert.equal((await call(null, 'GET', `/api/v1/services/${serviceId}`)).statusCode, 404);
    const seen = await call('demo-provider', 'GET', `/api/v1/accreditation/services/${serviceId}`);
    assert.deepEqual(seen.json().history.slice(-3).map((h: { action: string; reason: string }) => [h.action, h.reason]), [['SUSPENDED', 'CQC inspection pending'], ['REINSTATED', 'Inspection passed'], ['WITHDRAWN', 'Contract ended']]);
    // Demo services imported at start stay accredited and may be suspended by their ICB.
    assert.equal((await call('demo-commissioner', 'GET', '/api/v1/accreditation/services/RR801-110')).json().status, 'ACCREDITED');
    // An accredited service is changed through its listing, not a new application.
    const dup = await call('demo-provider', 'POST', '/api/v1/accreditation/applications', { siteOdsCode: 'RR801', specialtyCode: '110', evidence: evidenceFor(() => 'x') });
    assert.equal(dup.statusCode, 409);
  });

  test('a listing made before accreditation (PENDING) is taken up by an application; an open one is overdue after 40 working days', async () => {
    const listed = await call('demo-provider', 'POST', '/api/v1/services', { specialtyCode: '330', siteOdsCode: 'RR807' });
    assert.equal(listed.statusCode, 201, listed.body);
    const res = await call('demo-provider', 'POST', '/api/v1/accreditation/applications', { siteOdsCode: 'RR807', specialtyCode: '330', evidence: evidenceFor(() => 'Evidence') });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().serviceId, 'RR807-330');
    assert.equal(res.json().clock.overdue, false);
    const today = new Date();
    const later = new Date(today.getTime() + 70 * 86_400_000);
    const now = await accreditationEvidence(t.database.db, 'QWO', '2020-01-01', '2099-12-31', today);
    assert.deepEqual([now.open, now.openOverdue], [1, 0]);
    const then = await accreditationEvidence(t.database.db, 'QWO', '2020-01-01', '2099-12-31', later);
    assert.deepEqual([then.open, then.openOverdue], [1, 1], '70 days on, past 40 working days');
    const other = await accreditationEvidence(t.database.db, 'QZZ', '2020-01-01', '2099-12-31');
    assert.equal(other.applicationsDecided + other.open, 0, "another ICB's evidence is its own");
  });

  test('two decisions at once: one is taken, the other is told it was already decided', async () => {
    const made = await call('demo-provider', 'POST', '/api/v1/accreditation/applications', { siteOdsCode: 'RR819', specialtyCode: '101', evidence: evidenceFor(() => 'Evidence') });
    assert.equal(made.statusCode, 201, made.body);
    const id = made.json().id;
    for (const c of criteria) await call('demo-commissioner', 'PUT', `/api/v1/accreditation/applications/${id}/checklist/${c.id}`, { outcome: 'MET' });
    const both = await Promise.all([1, 2].map(() => call('demo-commissioner', 'POST', `/api/v1/accreditation/applications/${id}/decision`, { decision: 'ACCREDIT' })));
    assert.deepEqual(both.map((r) => r.statusCode).sort(), [200, 409]);
    const decided = (await call('demo-admin', 'GET', `/api/v1/accreditation/applications/${id}`)).json();
    assert.equal(decided.history.filter((h: { action: string }) => h.action === 'ACCREDITED').length, 1);
  });

  test('the history is append-only', async () => {
    await assert.rejects(t.database.pool.query(`update accreditation_event set reason = 'changed'`), /append-only/);
    await assert.rejects(t.database.pool.query(`delete from accreditation_event`), /append-only/);
  });
});
