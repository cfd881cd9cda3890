import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO_PASSWORD } from '../auth/demo-accounts.ts';
import { staffSession } from '../testing/page-session.ts';
import { startDemoApp, type TestApp } from '../testing/test-app.ts';
import { plantPatternHistory, type PlantedHistory } from './test-history.ts';

let t: TestApp;
let h: PlantedHistory;
before(async () => {
  t = await startDemoApp('patterns-pages');
  h = await plantPatternHistory(t.database.db);
});
after(() => t.close());

test('the commissioner sees the planted pattern flagged, with shares, p and q, since when, and a funnel plot with its table', async () => {
  const s = await staffSession(t.app, t.database, 'demo-commissioner');
  const res = await s.get('/commissioner/patterns');
  assert.equal(res.statusCode, 200, res.body.slice(0, 500));
  const row = new RegExp(`<tr class="nhsuk-table__row" data-key="${h.key}">([\\s\\S]*?)</tr>`).exec(res.body)?.[1];
  assert.ok(row, 'the planted pattern is in the flagged table');
  assert.match(row, /Hyde Park Surgery/i);
  assert.match(row, /q &lt; 0\.0001|q 0\.0/);
  assert.match(row, /week of/, 'the move started within the period');
  assert.match(row, /<td class="nhsuk-table__cell">New<\/td>/);
  assert.match(res.body, /<svg[^>]*role="img"[^>]*aria-labelledby="funnel-title funnel-desc"/);
  assert.match(res.body, /<title id="funnel-title">Funnel plot/);
  assert.match(res.body, /class="oc-funnel__flagged"/, 'the flagged practice is a triangle');
  assert.match(res.body, /<table class="nhsuk-table" id="funnel-table">[\s\S]*<caption/);
  assert.match(res.body, /href="\/commissioner"/, 'a way back to the commissioner\'s home');
  // A specialty with no pattern: nothing flagged, said in words.
  const none = await s.get('/commissioner/patterns?specialty=130');
  assert.equal(none.statusCode, 200);
  assert.match(none.body, /id="no-patterns"/);
});

test('one pattern shows what moved and its weeks; a finding is recorded, shown and kept as history', async () => {
  const s = await staffSession(t.app, t.database, 'demo-commissioner');
  const page = await s.get(`/commissioner/patterns/${h.key}`);
  assert.equal(page.statusCode, 200, page.body.slice(0, 300));
  assert.match(page.body, /id="what-moved">Hyde Park Surgery sent \d+% of its trauma (&amp; |and )?orthopaedics referrals/i);
  assert.match(page.body, /<table class="nhsuk-table" id="weeks">/);
  assert.match(page.body, /<strong>\(change starts\)<\/strong>/);
  const refused = await s.post(`/commissioner/patterns/${h.key}`, { status: 'EXPLAINED', note: '   ' });
  assert.equal(refused.statusCode, 400);
  assert.match(refused.body, /There is a problem/);
  assert.match(refused.body, /href="#note">\s*Enter what the ICB found/);
  const noStatus = await s.post(`/commissioner/patterns/${h.key}`, { status: 'CLOSED', note: 'x' });
  assert.equal(noStatus.statusCode, 400);
  assert.match(noStatus.body, /Select where the ICB stands/);
  const done = await s.post(`/commissioner/patterns/${h.key}`, { status: 'EXPLAINED', note: 'A new knee clinic opened at the provider; agreed at the activity meeting.' });
  assert.equal(done.statusCode, 303);
  assert.match(done.headers.location as string, new RegExp(`^/commissioner/patterns/${h.key}\\?recorded=1#finding$`));
  const shown = await s.get(done.headers.location as string);
  assert.match(shown.body, /id="finding-recorded"/);
  assert.match(shown.body, /id="finding-status">Explained/);
  assert.match(shown.body, /A new knee clinic opened/);
  await s.get(`/commissioner/patterns/${h.key}`);
  assert.equal((await s.post(`/commissioner/patterns/${h.key}`, { status: 'REVIEWING', note: '' })).statusCode, 303);
  const notes = await t.database.db.selectFrom('pattern_finding_note').selectAll().orderBy('id').execute();
  assert.deepEqual(notes.map((n) => n.status), ['EXPLAINED', 'REVIEWING']);
  const finding = await t.database.db.selectFrom('pattern_finding').selectAll().executeTakeFirstOrThrow();
  assert.equal(finding.icb_code, 'QWO');
  assert.equal(finding.status, 'REVIEWING');
  assert.equal(new Date(`${finding.first_flagged_week}T00:00:00Z`).getUTCDay(), 1, 'a Monday');
  // The practice moved 120 days ago: the week recorded as the start is within three weeks of it.
  const weeksOff = Math.abs(Date.parse(`${finding.first_flagged_week}T00:00:00Z`) - (Date.now() - 120 * 86_400_000)) / (7 * 86_400_000);
  assert.ok(weeksOff <= 3, `first flagged the week of ${finding.first_flagged_week}`);
  await assert.rejects(t.database.db.updateTable('pattern_finding_note').set({ note: 'rewritten' }).execute(), /append-only/);
  const list = await s.get('/commissioner/patterns');
  assert.match(new RegExp(`data-key="${h.key}">([\\s\\S]*?)</tr>`).exec(list.body)![1]!, /Being reviewed/);
});

test('other roles are refused; another ICB\'s pattern is not found; bad input is a clear 4xx', async () => {
  for (const user of ['demo-referrer', 'demo-provider', 'demo-referral-centre']) {
    const s = await staffSession(t.app, t.database, user);
    assert.equal((await s.get('/commissioner/patterns')).statusCode, 403, user);
    assert.equal((await s.get(`/commissioner/patterns/${h.key}`)).statusCode, 403, user);
  }
  const c = await staffSession(t.app, t.database, 'demo-commissioner');
  assert.equal((await c.get('/commissioner/patterns?icb=QOP')).statusCode, 403, 'a commissioner names another ICB');
  assert.equal((await c.get('/commissioner/patterns/A81001-110-RR8')).statusCode, 404, 'a practice of another ICB');
  assert.equal((await c.get('/commissioner/patterns/not-a-key')).statusCode, 404);
  // The demo's own year of history shares the ICB: a practice of the test history may differ from it throughout, so
  // choose one whose share to the usual provider the detector did not flag.
  const api = await t.app.inject({ method: 'GET', url: '/api/v1/choice-patterns', headers: { authorization: `Bearer ${(await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-commissioner', password: DEMO_PASSWORD } })).json().token}` } });
  const flaggedKeys = new Set((api.json().patterns as { key: string }[]).map((p) => p.key));
  const ordinaryKey = h.all.map((p) => `${p}-110-${h.usual}`).find((k) => !flaggedKeys.has(k));
  assert.ok(ordinaryKey, 'some practice refers as the ICB does');
  const ordinary = await c.get(`/commissioner/patterns/${ordinaryKey}`);
  assert.equal(ordinary.statusCode, 200, 'a practice × provider that is not flagged can still be opened');
  assert.match(ordinary.body, /id="how-unusual">Not flagged in this period/);
  const bad = await c.get('/commissioner/patterns?from=2026-02-30');
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /href="#from">\s*The start of the period must be a real date/);
  assert.equal((await c.get('/commissioner/patterns?from=2026-06-01&to=2026-01-01')).statusCode, 400);
  assert.equal((await c.get('/commissioner/patterns?from=2020-01-01&to=2026-01-01')).statusCode, 400);
  const admin = await staffSession(t.app, t.database, 'demo-admin');
  const pick = await admin.get('/commissioner/patterns');
  assert.equal(pick.statusCode, 400, 'an admin must choose an ICB');
  assert.match(pick.body, /<select class="nhsuk-select" id="icb" name="icb">/);
  const chosen = await admin.get('/commissioner/patterns?icb=QWO');
  assert.equal(chosen.statusCode, 200);
  assert.match(chosen.body, new RegExp(`href="/commissioner/patterns/${h.key}\\?icb=QWO&amp;from=`));
  assert.equal((await admin.get(`/commissioner/patterns/${h.key}?icb=QWO`)).statusCode, 200);
  assert.equal((await admin.get('/commissioner/patterns?icb=ZZZ99')).statusCode, 404);
});

test('GET /api/v1/choice-patterns answers the flagged patterns to commissioners and admins, and a clear 4xx otherwise', async () => {
  const token = async (username: string) => (await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username, password: DEMO_PASSWORD } })).json().token as string;
  const get = async (url: string, user?: string) => t.app.inject({ method: 'GET', url, headers: user ? { authorization: `Bearer ${await token(user)}` } : {} });
  const res = await get('/api/v1/choice-patterns', 'demo-commissioner');
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.equal(body.icb.odsCode, 'QWO');
  const p = body.patterns.find((x: { key: string }) => x.key === h.key);
  assert.ok(p, 'the planted pattern');
  assert.equal(p.direction, 'more');
  assert.equal(p.practice.code, 'B86025');
  assert.ok(p.q <= 0.05 && p.practiceShare.value > p.restShare.value);
  assert.equal(p.changed, true);
  assert.ok(!/patient|nhsNumber|Pattern/.test(JSON.stringify(Object.keys(p))), 'no patient data');
  assert.equal((await get('/api/v1/choice-patterns', 'demo-referrer')).statusCode, 403);
  assert.equal((await get('/api/v1/choice-patterns')).statusCode, 401);
  assert.equal((await get('/api/v1/choice-patterns', 'demo-admin')).statusCode, 400, 'an admin names the ICB');
  assert.equal((await get('/api/v1/choice-patterns?icb=QWO', 'demo-admin')).statusCode, 200);
  const bad = await get('/api/v1/choice-patterns?from=2026-13-01', 'demo-commissioner');
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().errors[0].field, 'from');
  assert.equal((await get('/api/v1/choice-patterns?icb=QOP', 'demo-commissioner')).statusCode, 403);
});
