// The mental health waiting standards through the app on the demo data: the provider's return through the API
// (CSV with quotes and line breaks, JSON rows; errors by line, nothing half-stored, idempotent), the commissioner's
// page (figures equal to the measure's, access by role and ICB, bad input answered 400) and the provider's page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { issueToken } from '../auth/sessions.ts';
import { londonDate } from '../domain/dates.ts';
import { addDays } from '../domain/rtt-clock.ts';
import { createAccount } from '../testing/accounts.ts';
import { staffSession } from '../testing/page-session.ts';
import { startDemoApp, type TestApp } from '../testing/test-app.ts';
import { pathwaysFor } from './figures.ts';
import { defaultFrom } from './query.ts';
import { measure, STANDARDS } from './standards.ts';

let t: TestApp;
const tokens: Record<string, string> = {};
const today = londonDate();

before(async () => {
  t = await startDemoApp('mental_health');
  for (const username of ['demo-mental-health', 'demo-commissioner', 'demo-referrer']) {
    const account = await t.database.db.selectFrom('account').select('id').where('username', '=', username).executeTakeFirstOrThrow();
    tokens[username] = (await issueToken(t.database.db, account.id, 'api')).token;
  }
});
after(() => t.close());

const send = (payload: string | object, who = 'demo-mental-health') =>
  t.app.inject({
    method: 'POST', url: '/api/v1/mental-health/pathways', payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': typeof payload === 'string' ? 'text/csv' : 'application/json' },
  });
const stored = async () => Number((await t.database.db.selectFrom('mental_health_pathway').select((eb) => eb.fn.countAll().as('n')).where('provider_ods_code', '=', 'RGD').executeTakeFirstOrThrow()).n);

test('the demo has a year of pathways at RGD and RXG for QWO, and its rates are near those it documents', async () => {
  const period = { from: defaultFrom(today), to: today };
  const pathways = await pathwaysFor(t.database.db, { icb: 'QWO' }, period);
  const [eip, tt6, tt18] = STANDARDS.map((s) => measure(pathways, s, period));
  assert.ok(eip!.treatedWithin.denominator > 150, `EIP treated: ${eip!.treatedWithin.denominator}`);
  assert.ok(tt6!.treatedWithin.denominator > 2000, `TT treated: ${tt6!.treatedWithin.denominator}`);
  assert.ok(Math.abs(eip!.treatedWithin.value! - 0.65) < 0.08, `EIP ${eip!.treatedWithin.value}`);
  assert.ok(tt6!.treatedWithin.value! > 0.8 && tt6!.treatedWithin.value! < 0.92, `TT 6 weeks ${tt6!.treatedWithin.value}`);
  assert.ok(Math.abs(tt18!.treatedWithin.value! - 0.98) < 0.02, `TT 18 weeks ${tt18!.treatedWithin.value}`);
  // RXG's slow stretch: the 3 months ending 3 months ago, below 75%.
  const slow = { from: addDays(today, -170), to: addDays(today, -100) };
  const rxg = (await pathwaysFor(t.database.db, { provider: 'RXG' }, slow));
  assert.equal(measure(rxg, STANDARDS[1]!, slow).verdict, 'NOT_MET');
  assert.equal(measure(await pathwaysFor(t.database.db, { provider: 'RGD' }, slow), STANDARDS[1]!, slow).verdict, 'MET');
});

test('a CSV return with quoted commas and line breaks is stored; the same return again changes nothing; a later treatment updates', async () => {
  const before = await stored();
  const csv = [
    'Pathway ID,Service,Referred On,First Treatment On,Ended On,Ended Reason,Practice,ICB',
    `P-1,EIP,${addDays(today, -30)},${addDays(today, -16)},,,B86025,`,
    `"P-2, second",TALKING_THERAPIES,${addDays(today, -60)},,${addDays(today, -10)},"Discharged: moved away,\nno treatment",,QWO`,
    `P-3,IAPT,01/01/2026,,,,,QWO`,
  ].join('\r\n');
  const first = await send(csv);
  assert.equal(first.statusCode, 200, first.body);
  assert.deepEqual(first.json(), { received: 3, inserted: 3, updated: 0, unchanged: 0 });
  assert.equal(await stored(), before + 3);
  const row = await t.database.db.selectFrom('mental_health_pathway').selectAll().where('ended_reason', 'like', 'Discharged: moved away,%').executeTakeFirstOrThrow();
  assert.equal(row.ended_reason, 'Discharged: moved away,\nno treatment');
  assert.equal(row.icb_code, 'QWO');
  assert.ok(!JSON.stringify(row).includes('P-2'), 'the pathway id is kept only as a hash');
  const p1 = await t.database.db.selectFrom('mental_health_pathway').select(['icb_code', 'practice_ods_code']).where('practice_ods_code', '=', 'B86025').where('provider_ods_code', '=', 'RGD').executeTakeFirstOrThrow();
  assert.equal(p1.icb_code, 'QWO', 'the ICB comes from the practice');
  assert.deepEqual((await send(csv)).json(), { received: 3, inserted: 0, updated: 0, unchanged: 3 });
  const later = await send({ rows: [{ pathwayId: 'P-3', service: 'TALKING_THERAPIES', referredOn: '2026-01-01', firstTreatmentOn: addDays(today, -1), icb: 'QWO' }] });
  assert.deepEqual(later.json(), { received: 1, inserted: 0, updated: 1, unchanged: 0 });
  assert.equal(await stored(), before + 3);
});

test('a bad date, a duplicate id, an unknown practice and a broken quote are 422 errors by line, and nothing is stored', async () => {
  const before = await stored();
  const csv = [
    'pathway_id,service,referred_on,first_treatment_on,practice,icb',
    `Q-1,EIP,${addDays(today, -20)},,,QWO`,
    `"Q-2 with a\nline break",EIP,2026-02-30,,,QWO`,
    `Q-1,EIP,${addDays(today, -20)},,,QWO`,
    `Q-4,EIP,${addDays(today, -20)},${addDays(today, -25)},ZZZ999,`,
    `Q-5,PHYSIO,${addDays(today, 5)},,,QWO`,
    `9434765919,EIP,${addDays(today, -20)},,,QWO`,
  ].join('\n');
  const res = await send(csv);
  assert.equal(res.statusCode, 422, res.body);
  const body = res.json();
  assert.match(body.detail, /nothing was stored/);
  const errors = body.errors as { field: string; message: string }[];
  const on = (line: number) => errors.filter((e) => e.field === `line ${line}`).map((e) => e.message);
  assert.deepEqual(on(2), [], 'line 2 is good');
  assert.match(on(3).join(' | '), /referred_on "2026-02-30" is not a real date/, 'the record that starts on line 3');
  assert.match(on(5).join(' | '), /pathway_id "Q-1" is on line 2 already/);
  assert.match(on(6).join(' | '), /first_treatment_on .* is before referred_on/);
  assert.match(on(7).join(' | '), /service "PHYSIO"/);
  assert.match(on(7).join(' | '), /in the future/);
  assert.match(on(8).join(' | '), /looks like an NHS number/);
  assert.equal(await stored(), before, 'nothing half-imported');
  const practice = await send(`pathway_id,service,referred_on,practice\nR-1,EIP,${addDays(today, -3)},ZZZ999`);
  assert.deepEqual(practice.json().errors, [{ field: 'line 2', message: 'practice ZZZ999 is not a GP practice in the directory' }]);
  const broken = await send('pathway_id,service,referred_on\n"R-2,EIP,2026-01-01\n');
  assert.equal(broken.statusCode, 422);
  assert.match(broken.json().errors[0].message, /not closed/);
  const header = await send('id_of_pathway,referred\nR-3,2026-01-01');
  assert.equal(header.statusCode, 422);
  assert.equal(header.json().errors[0].message, 'the header has no "pathway_id", "service" column');
  const json = await send({ rows: [{ pathwayId: 'R-4', service: 'EIP', referredOn: 'soon', icb: 'QWO' }] });
  assert.deepEqual(json.json().errors, [{ field: 'row 1', message: 'referred_on "soon" is not a real date (use YYYY-MM-DD or DD/MM/YYYY)' }]);
  assert.equal((await send({ rows: 'no' })).statusCode, 400);
  assert.equal(await stored(), before);
});

test('a return larger than the API\'s usual body limit loads whole', async () => {
  const lines = Array.from({ length: 3000 }, (_, i) => `BIG-${i},TALKING_THERAPIES,${addDays(today, -100 - (i % 50))},${addDays(today, -60)},,QWO`);
  const csv = ['pathway_id,service,referred_on,first_treatment_on,practice,icb', ...lines].join('\n');
  assert.ok(csv.length > 100_000);
  const res = await send(csv);
  assert.equal(res.statusCode, 200, res.body.slice(0, 300));
  assert.deepEqual(res.json(), { received: 3000, inserted: 3000, updated: 0, unchanged: 0 });
});

test('only a provider returns pathways', async () => {
  assert.equal((await send('pathway_id,service,referred_on\n', 'demo-commissioner')).statusCode, 403);
  assert.equal((await send('pathway_id,service,referred_on\n', 'demo-referrer')).statusCode, 403);
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/mental-health/pathways', payload: 'x', headers: { 'content-type': 'text/csv' } })).statusCode, 401);
});

/** The text of the summary row of a standard. */
const summaryOf = (html: string, id: string) => new RegExp(`<div class="nhsuk-summary-list__row" id="standard-${id}">((?:(?!</div>).)*)</div>`, 's').exec(html)?.[1] ?? '';

test('the commissioner\'s page shows each standard\'s share, interval and verdict as the measure has them', async () => {
  const s = await staffSession(t.app, t.database, 'demo-commissioner');
  const from = addDays(today, -200);
  const to = addDays(today, -20);
  const res = await s.get(`/commissioner/mental-health?from=${from}&to=${to}&by=quarter`);
  assert.equal(res.statusCode, 200, res.body);
  const pathways = await pathwaysFor(t.database.db, { icb: 'QWO' }, { from, to });
  for (const standard of STANDARDS) {
    const f = measure(pathways, standard, { from, to });
    const row = summaryOf(res.body, standard.id.toLowerCase());
    assert.ok(row, standard.id);
    assert.ok(row.includes(`${Math.round(f.treatedWithin.value! * 1000) / 10}%`), `${standard.id} share in ${row}`);
    assert.ok(row.includes(`${f.treatedWithin.count} of ${f.treatedWithin.denominator} pathways`), `${standard.id} counts`);
    assert.ok(row.includes(`${Math.round(f.treatedWithin.low! * 1000) / 10}% to ${Math.round(f.treatedWithin.high! * 1000) / 10}%`), `${standard.id} interval`);
    assert.match(row, new RegExp(`<strong class="standard-verdict">${f.verdict === 'MET' ? 'Met' : 'Not met'}</strong>`));
    assert.ok(row.includes(`<span class="standard-waiting-past">${f.stillWaitingPast}</span> of ${f.stillWaiting} open`), `${standard.id} still waiting`);
  }
  assert.match(res.body, /role="img" aria-labelledby="eip-chart-title eip-chart-desc"/);
  assert.match(res.body, /<caption[^>]*>Early intervention in psychosis by quarter of first treatment<\/caption>/);
  assert.match(res.body, /data-provider="RXG"/);
  assert.match(res.body, /NHS England has since raised the early intervention in psychosis ambition to 60%/);
  assert.doesNotMatch(res.body, /B86025|Hyde Park/i, 'no practice named');
});

test('as published, small numbers are withheld', async () => {
  const s = await staffSession(t.app, t.database, 'demo-commissioner');
  const day = addDays(today, -3);
  const res = await s.get(`/commissioner/mental-health?from=${day}&to=${day}&publication=1`);
  assert.equal(res.statusCode, 200);
  const eip = measure(await pathwaysFor(t.database.db, { icb: 'QWO' }, { from: day, to: day }), STANDARDS[0]!, { from: day, to: day });
  assert.ok(eip.treatedWithin.denominator < 10, 'a day of EIP is a small number');
  assert.match(summaryOf(res.body, 'eip_2_weeks'), /<strong class="standard-verdict">Withheld \(small numbers\)<\/strong>/);
  assert.doesNotMatch(summaryOf(res.body, 'eip_2_weeks'), / of \d+ pathways/);
  const ownStaff = await s.get(`/commissioner/mental-health?from=${day}&to=${day}`);
  assert.doesNotMatch(ownStaff.body, /Withheld/, 'nothing is withheld from the ICB\'s own staff');
});

test('other roles are refused, another ICB is refused, an admin names the ICB, bad input is a 400 with the error summary', async () => {
  for (const username of ['demo-referrer', 'demo-provider', 'demo-referral-centre']) {
    assert.equal((await (await staffSession(t.app, t.database, username)).get('/commissioner/mental-health')).statusCode, 403, username);
  }
  const c = await staffSession(t.app, t.database, 'demo-commissioner');
  assert.equal((await c.get('/commissioner/mental-health?icb=QHM')).statusCode, 403);
  assert.equal((await c.get('/commissioner/mental-health?icb=QWO')).statusCode, 200);
  const bad = await c.get('/commissioner/mental-health?from=2026-02-30&to=2026-01-01&by=week');
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /There is a problem/);
  assert.match(bad.body, /href="#from"[^>]*>\s*Enter the start of the period as a real date/);
  assert.match(bad.body, /href="#by"[^>]*>\s*Choose by month or by quarter/);
  const backwards = await c.get('/commissioner/mental-health?from=2026-03-01&to=2026-01-01');
  assert.equal(backwards.statusCode, 400);
  assert.match(backwards.body, /The end of the period must be the same as or after its start/);
  const a = await staffSession(t.app, t.database, 'demo-admin');
  const none = await a.get('/commissioner/mental-health');
  assert.equal(none.statusCode, 400);
  assert.match(none.body, /Name the ICB whose figures you want/);
  assert.equal((await a.get('/commissioner/mental-health?icb=QWO')).statusCode, 200);
  assert.equal((await a.get('/commissioner/mental-health?icb=ZZZZ')).statusCode, 404);
  assert.equal((await a.get('/commissioner/mental-health?icb=not%20a%20code')).statusCode, 400);
});

test('the provider loads a return on its page and sees its own figures; errors by line on the page; others refused', async () => {
  await createAccount(t.database, 'mh-provider-page', 'provider', 'RXG');
  const p = await staffSession(t.app, t.database, 'mh-provider-page');
  const page = await p.get('/provider/mental-health');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /South West Yorkshire/i);
  const bad = await p.post('/provider/mental-health', { csv: `pathway_id,service,referred_on,icb\nW-1,EIP,someday,QWO\nW-2,EIP,${today},QWO` });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /href="#csv"[^>]*>\s*Line 2: referred_on &quot;someday&quot; is not a real date/);
  const good = await p.post('/provider/mental-health', { csv: `pathway_id,service,referred_on,first_treatment_on,icb\nW-1,EIP,${addDays(today, -10)},${today},QWO` });
  assert.equal(good.statusCode, 303);
  const shown = await p.get(good.headers.location as string);
  assert.match(shown.body, /Your pathways were loaded: 1 new, 0 updated, 0 unchanged/);
  const period = { from: defaultFrom(today), to: today };
  const f = measure(await pathwaysFor(t.database.db, { provider: 'RXG' }, period), STANDARDS[0]!, period);
  assert.ok(summaryOf(shown.body, 'eip_2_weeks').includes(`${f.treatedWithin.count} of ${f.treatedWithin.denominator} pathways`));
  const c = await staffSession(t.app, t.database, 'demo-commissioner');
  assert.equal((await c.get('/provider/mental-health')).statusCode, 403);
});
