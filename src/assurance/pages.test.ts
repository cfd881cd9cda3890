// The self-assessment's pages through app.inject on the demo data: the period's items by enabler, an item rated with
// the key beside it and forced Red, documents attached (refused by type and size, served only as downloads and only
// to the ICB and admins), the SRO named, the sign-off (refused until every item is rated, reopened by a change), the
// print copy and PDF, NHS England's view and best practice, and every other role refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { extractText, getDocumentProxy } from 'unpdf';
import { londonDate } from '../domain/dates.ts';
import { halfYearOf, previousHalfYear } from '../domain/half-year.ts';
import { ASSESSMENT_ITEMS } from '../domain/self-assessment-items.ts';
import type { StaffPrincipal } from '../http/principal.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { type PageSession, staffSession } from '../testing/page-session.ts';
import { startDemoApp, type TestApp } from '../testing/test-app.ts';
import { saveItem } from './service.ts';

let t: TestApp;
// The current half-year: the demo holds the one before, signed off (src/assurance/demo-assessment.ts).
const P = halfYearOf(londonDate());
const BEFORE = previousHalfYear(P);
const BASE = `/commissioner/self-assessment/${P}`;
before(async () => {
  t = await startDemoApp('assurance-pages');
  await createOrganisation(t.database, 'QHM', 'NHS North East and North Cumbria Integrated Care Board', 'ICB');
  await createAccount(t.database, 'other-commissioner', 'commissioner', 'QHM');
});
after(() => t.close());

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n', 'latin1');

/** Posts a file as a browser's multipart form would, with the session's cookies and CSRF token. */
async function upload(s: PageSession, url: string, filename: string, data: Buffer, type = 'application/octet-stream'): Promise<LightMyRequestResponse> {
  const boundary = '----OpenChoiceTest8d3f';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${s.csrf}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`), data, Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return s.keep(await t.app.inject({ method: 'POST', url, headers: { cookie: s.cookieHeader(), 'content-type': `multipart/form-data; boundary=${boundary}` }, payload }));
}

test('the commissioner home links to the self-assessment; the period shows the items by enabler with held evidence', async () => {
  const s = await staffSession(t.app, t.database, 'demo-commissioner');
  const home = await s.get('/commissioner');
  assert.match(home.body, /id="link-self-assessment"/);
  const list = await s.get('/commissioner/self-assessment');
  assert.equal(list.statusCode, 200, list.body.slice(0, 400));
  assert.match(list.body, /id="current-period"/);
  const page = await s.get(BASE);
  assert.equal(page.statusCode, 200, page.body.slice(0, 400));
  for (let e = 1; e <= 6; e++) assert.match(page.body, new RegExp(`id="items-${e}"`));
  for (const item of ASSESSMENT_ITEMS) assert.match(page.body, new RegExp(`id="item-${item.id.replace('.', '\\.')}"`), item.id);
  assert.match(page.body, /id="sign-off-status">Not signed off yet/);
});

test('an item is rated with the scoring key beside it; evidence of practice contrary to legal rights forces it Red', async () => {
  const s = await staffSession(t.app, t.database, 'demo-commissioner');
  const item = await s.get(`${BASE}/items/MS7`);
  assert.equal(item.statusCode, 200, item.body.slice(0, 400));
  assert.match(item.body, /id="scoring-key"/);
  assert.match(item.body, /Where there is a minimum standard/);
  assert.match(item.body, /id="offered-summary">[^<]*made electronically/);
  assert.match(item.body, /id="suggested-rating"/);

  // Against the held evidence's suggestion without a reason: refused, the reason asked for.
  const suggested = /Suggests: (Red|Amber|Green)/.exec(item.body)?.[1]!.toUpperCase();
  const against = suggested === 'GREEN' ? 'RED' : 'GREEN';
  const unexplained = await s.post(`${BASE}/items/MS7`, { rating: against, evidence: 'Our own count differs.' });
  assert.equal(unexplained.statusCode, 422, unexplained.body.slice(0, 300));
  assert.match(unexplained.body, /class="nhsuk-error-summary"[\s\S]*href="#overruleReason"/);
  const explained = await s.post(`${BASE}/items/MS7`, { rating: against, evidence: 'Our own count differs.', overruleReason: 'The extract misses the referral centre\'s e-RS referrals.' });
  assert.equal(explained.statusCode, 303);
  assert.match((await s.get(`${BASE}/items/MS7`)).body, /id="overruled">Suggestion \(\w+\) overruled: The extract misses/);

  const missing = await s.post(`${BASE}/items/2.2`, { evidence: 'Something' });
  assert.equal(missing.statusCode, 400);
  assert.match(missing.body, /class="nhsuk-error-summary"[\s\S]*href="#rating"/);
  assert.match(missing.body, /Something/, 'what was typed is shown again');

  const saved = await s.post(`${BASE}/items/2.2`, { rating: 'GREEN', contrary: 'yes', evidence: 'Practice visits each quarter.', links: 'https://example.org/visits', owner: 'Choice lead' });
  assert.equal(saved.statusCode, 303, saved.body.slice(0, 400));
  const after = await s.get(saved.headers.location as string);
  assert.match(after.body, /id="effective-rating">Red/);
  assert.match(after.body, /id="forced-red"/);
  assert.match(after.body, /id="item-history"[\s\S]*Choice lead|id="item-history"[\s\S]*Not rated<\/td>|Not rated to Red/);
  const tooLong = await s.post(`${BASE}/items/2.2`, { rating: 'AMBER', evidence: 'x'.repeat(4001) });
  assert.equal(tooLong.statusCode, 400);
  assert.match(tooLong.body, /href="#evidence"/);
  const kept = await s.get(`${BASE}/items/2.2`);
  assert.match(kept.body, /Practice visits each quarter\./, 'nothing saved was lost');
});

test('documents: allowed types by name and content, at most 5 MB, served only as downloads and only to those who may see them', async () => {
  const s = await staffSession(t.app, t.database, 'demo-commissioner');
  await s.get(`${BASE}/items/1.1`);
  const ok = await upload(s, `${BASE}/items/1.1/attachments`, '../board <minutes>.pdf', PDF, 'application/pdf');
  assert.equal(ok.statusCode, 303, ok.body.slice(0, 400));
  const page = await s.get(ok.headers.location as string);
  const href = /href="(\/commissioner\/self-assessment\/attachments\/[0-9a-f-]+)"/.exec(page.body)?.[1];
  assert.ok(href, 'the document is listed');
  const file = await s.get(href);
  assert.equal(file.statusCode, 200);
  assert.match(file.headers['content-disposition'] as string, /^attachment; filename="board minutes\.pdf"/);
  assert.equal(file.headers['x-content-type-options'], 'nosniff');
  assert.equal(file.headers['content-type'], 'application/pdf');
  assert.deepEqual(file.rawPayload, PDF);

  const disguised = await upload(s, `${BASE}/items/1.1/attachments`, 'report.pdf', Buffer.from('<html><script>alert(1)</script></html>'));
  assert.equal(disguised.statusCode, 415);
  assert.match(disguised.body, /class="nhsuk-error-summary"[\s\S]*href="#file"[\s\S]*content is not a PDF/);
  const wrongType = await upload(s, `${BASE}/items/1.1/attachments`, 'tool.exe', Buffer.from('MZ'));
  assert.equal(wrongType.statusCode, 415);
  const big = await upload(s, `${BASE}/items/1.1/attachments`, 'big.pdf', Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024)]));
  assert.equal(big.statusCode, 413);
  assert.match(big.body, /smaller than 5 MB/);
  // Far over the limit the body is not even read: the page still says it was too large, not that it was unreadable.
  const huge = await upload(s, `${BASE}/items/1.1/attachments`, 'huge.pdf', Buffer.concat([PDF, Buffer.alloc(11 * 1024 * 1024)]));
  assert.equal(huge.statusCode, 413);
  assert.match(huge.body, /larger than this form accepts/);
  const stored = await t.database.db.selectFrom('self_assessment_attachment').select('id').where('removed_at', 'is', null).execute();
  assert.equal(stored.length, 1, 'only the good document is kept');

  const other = await staffSession(t.app, t.database, 'other-commissioner');
  assert.equal((await other.get(href)).statusCode, 404, 'another ICB cannot open it');
  const referrer = await staffSession(t.app, t.database, 'demo-referrer');
  assert.equal((await referrer.get(href)).statusCode, 403);
  const adminSession = await staffSession(t.app, t.database, 'demo-admin');
  assert.equal((await adminSession.get(href)).statusCode, 200, 'NHS England may');

  const remove = await s.post(`${href}/remove`);
  assert.equal(remove.statusCode, 303);
  assert.equal((await s.get(href)).statusCode, 404);
});

test('the SRO is named, the sign-off waits for every item, and a change after it reopens it', async () => {
  const s = await staffSession(t.app, t.database, 'demo-commissioner');
  await s.get('/commissioner/self-assessment/sro');
  const empty = await s.post('/commissioner/self-assessment/sro', { name: '', role: '', contact: '' });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /href="#name"[\s\S]*href="#role"[\s\S]*href="#contact"/);
  const named = await s.post(`/commissioner/self-assessment/sro?period=${P}`, { name: 'Dr Sam Patel', role: 'Chief Medical Officer', contact: 'choice@example.nhs.uk' });
  assert.equal(named.statusCode, 303);
  await s.get(BASE);
  const early = await s.post(`${BASE}/sign-off`);
  assert.equal(early.statusCode, 409);
  assert.match(early.body, /Rate every item/);

  const account = await t.database.db.selectFrom('account').select(['id', 'display_name']).where('username', '=', 'demo-commissioner').executeTakeFirstOrThrow();
  const staff: StaffPrincipal = { kind: 'staff', accountId: account.id, username: 'demo-commissioner', displayName: account.display_name, role: 'commissioner', organisation: { odsCode: 'QWO', name: 'NHS West Yorkshire Integrated Care Board' } };
  for (const item of ASSESSMENT_ITEMS) {
    await saveItem(t.database.db, staff, P, item.id, { rating: 'AMBER', contraryToLegalRights: false, texts: ['Partly in place.'], links: [], overruleReason: 'Assessed by the choice board.' });
  }
  await s.get(BASE);
  const signed = await s.post(`${BASE}/sign-off`);
  assert.equal(signed.statusCode, 303, signed.body.slice(0, 400));
  const page = await s.get(signed.headers.location as string);
  assert.match(page.body, /id="sign-off-status">Signed off for Dr Sam Patel \(Chief Medical Officer\)/);
  // Against the demo's half-year before: 1.1 was Green (now Amber), 4.1 Red (now Amber), 2.1 Amber.
  const row = (id: string) => new RegExp(`id="item-${id.replace('.', '\\.')}"[\\s\\S]*?</tr>`).exec(page.body)?.[0] ?? '';
  assert.match(row('1.1'), new RegExp(`Down since ${BEFORE}`));
  assert.match(row('4.1'), new RegExp(`Up since ${BEFORE}`));
  assert.match(row('2.1'), new RegExp(`Same as ${BEFORE}`));

  // Signing off again what is signed off records nothing more.
  await s.post(`${BASE}/sign-off`);
  const signOffs = () => t.database.db.selectFrom('self_assessment_sign_off').select('id').where('period', '=', P).execute();
  assert.equal((await signOffs()).length, 1);
  // The history and sign-offs are append-only.
  await assert.rejects(t.database.db.updateTable('self_assessment_item_change').set({ what: 'rewritten' }).where('period', '=', P).execute(), /append-only/);
  await assert.rejects(t.database.db.deleteFrom('self_assessment_sign_off').where('period', '=', P).execute(), /append-only/);

  await s.post(`${BASE}/items/6.1`, { rating: 'GREEN', evidence: 'Named governing body member.', overruleReason: '' });
  const reopened = await s.get(BASE);
  assert.match(reopened.body, /id="sign-off-status">Reopened/);

  const print = await s.get(`${BASE}/print`);
  assert.equal(print.statusCode, 200);
  assert.match(print.body, /Dr Sam Patel/);
  const pdf = await s.get(`${BASE}/pdf`);
  assert.equal(pdf.statusCode, 200);
  assert.equal(pdf.headers['content-type'], 'application/pdf');
  assert.equal(pdf.headers['content-disposition'], `attachment; filename="self-assessment-QWO-${P}.pdf"; filename*=UTF-8''self-assessment-QWO-${P}.pdf`);
  const { text: raw } = await extractText(await getDocumentProxy(new Uint8Array(pdf.rawPayload)), { mergePages: true });
  const text = raw.replace(/\s+/g, ' ');
  assert.match(text, new RegExp(`NHS West Yorkshire Integrated Care Board: choice self-assessment ${P}`));
  assert.match(text, /Senior responsible owner: Dr Sam Patel, Chief Medical Officer/);
  assert.match(text, /Not signed off: changed since the sign-off/);
  assert.match(text, /6\.1 Green/);
  const history = await s.get(`${BASE}/history`);
  assert.match(history.body, /id="sign-offs"[\s\S]*Dr Sam Patel/);
});

test('NHS England sees every ICB side by side; other ICBs\' Greens are offered as best practice', async () => {
  const adminSession = await staffSession(t.app, t.database, 'demo-admin');
  const national = await adminSession.get(`${BASE}/national`);
  assert.equal(national.statusCode, 200, national.body.slice(0, 300));
  assert.match(national.body, /id="icb-QWO"/);
  const s = await staffSession(t.app, t.database, 'demo-commissioner');
  assert.equal((await s.get(`${BASE}/national`)).statusCode, 403);
  const other = await staffSession(t.app, t.database, 'other-commissioner');
  const best = await other.get(`${BASE}/best-practice`);
  assert.equal(best.statusCode, 200);
  assert.match(best.body, /id="example-QWO-6\.1"[\s\S]*Named governing body member\./);
  const own = await s.get(`${BASE}/best-practice`);
  assert.doesNotMatch(own.body, /id="example-QWO-/, 'an ICB is not shown its own');
});

test('an admin chooses the ICB, then works on its assessment with icb= kept on every link and form', async () => {
  const a = await staffSession(t.app, t.database, 'demo-admin');
  const choose = await a.get(BASE);
  assert.equal(choose.statusCode, 400);
  assert.match(choose.body, /id="icb-picker"/);
  const page = await a.get(`${BASE}?icb=QWO`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, new RegExp(`href="${BASE}/items/3\\.2\\?icb=QWO"`));
  await a.get(`${BASE}/items/3.2?icb=QWO`);
  const saved = await a.post(`${BASE}/items/3.2?icb=QWO`, { rating: 'AMBER', evidence: 'Easy read versions for two providers only.' });
  assert.equal(saved.statusCode, 303);
  assert.match(saved.headers.location as string, /\?saved=1&icb=QWO$/);
});

test('other roles are refused every page', async () => {
  for (const username of ['demo-referrer', 'demo-provider', 'demo-referral-centre']) {
    const s = await staffSession(t.app, t.database, username);
    for (const url of ['/commissioner/self-assessment', BASE, `${BASE}/items/1.1`, '/commissioner/self-assessment/sro', `${BASE}/pdf`]) {
      assert.equal((await s.get(url)).statusCode, 403, `${username} ${url}`);
    }
  }
});

test('evidence the API kept as several pieces comes back on the page one piece a paragraph, and is saved back unchanged', async () => {
  const account = await t.database.db.selectFrom('account').select(['id', 'display_name']).where('username', '=', 'demo-commissioner').executeTakeFirstOrThrow();
  const staff: StaffPrincipal = { kind: 'staff', accountId: account.id, username: 'demo-commissioner', displayName: account.display_name, role: 'commissioner', organisation: { odsCode: 'QWO', name: 'NHS West Yorkshire Integrated Care Board' } };
  const pieces = ['a'.repeat(3000), 'b'.repeat(3000)];
  await saveItem(t.database.db, staff, P, '6.5', { rating: 'AMBER', contraryToLegalRights: false, texts: pieces, links: [] });
  const s = await staffSession(t.app, t.database, 'demo-commissioner');
  const page = await s.get(`${BASE}/items/6.5`);
  const shown = /<textarea[^>]*name="evidence"[^>]*>([\s\S]*?)<\/textarea>/.exec(page.body)?.[1]?.replace(/^\n/, '') ?? '';
  assert.equal(shown, pieces.join('\n\n'));
  const saved = await s.post(`${BASE}/items/6.5`, { rating: 'GREEN', evidence: shown });
  assert.equal(saved.statusCode, 303, saved.body.slice(0, 300));
  const row = await t.database.db.selectFrom('self_assessment_item').select(['evidence_texts', 'rating']).where('icb_code', '=', 'QWO').where('period', '=', P).where('item_id', '=', '6.5').executeTakeFirstOrThrow();
  assert.deepEqual(row.evidence_texts, pieces);
  assert.equal(row.rating, 'GREEN');
});
