// The choice plan through app.inject on a copy of the demo database: the commissioner's plan, actions, notes and
// publishing (a snapshot: the draft does not leak); the public page and its comments with every refusal (markup,
// links, too long, the honeypot, a flood from one address), none of which loses what is saved; moderation and
// answers; who may do what.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { DEMO_PASSWORD } from '../auth/demo-accounts.ts';
import { anonymousSession, csrfOf, staffSession } from '../testing/page-session.ts';
import { startDemoApp, type TestApp } from '../testing/test-app.ts';
import { FLOOD_LIMIT } from './comments.ts';
import { removeDemoChoicePlan } from './demo-plan.ts';
import { actionsByItem } from './service.ts';
import { londonDate } from '../domain/dates.ts';
import { halfYearOf } from '../domain/half-year.ts';

let t: TestApp;
let demoPage = '';
before(async () => {
  t = await startDemoApp('choice-plan');
  // The demo's plan is there to be tried; these tests start from none.
  demoPage = (await t.app.inject({ method: 'GET', url: '/icbs/QWO/choice-plan' })).body;
  await removeDemoChoicePlan(t.database.db);
});
after(() => t.close());

const PLAN = '/commissioner/choice-plan';
const PUBLIC_PAGE = '/icbs/QWO/choice-plan';
let address = 0;

/** A member of the public posting the comment form from their own address (each call a new one unless given). */
async function postComment(form: Record<string, string>, remoteAddress = `198.51.100.${++address}`): Promise<LightMyRequestResponse> {
  const page = await t.app.inject({ method: 'GET', url: PUBLIC_PAGE, remoteAddress });
  const cookie = (page.cookies as { name: string; value: string }[]).map((c) => `${c.name}=${c.value}`).join('; ');
  return t.app.inject({
    method: 'POST', url: `${PUBLIC_PAGE}/comments`, remoteAddress,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrfOf(page.body), ...form }).toString(),
  });
}

const commentCount = async () => Number((await t.database.db.selectFrom('choice_plan_comment').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('the choice plan', () => {
  test('the demo has a published plan for QWO with an answered comment and a "you said, we did"', () => {
    assert.match(demoPage, /You have the right to choose where you go for your first hospital appointment/);
    assert.match(demoPage, /Visit every practice offering fewer than 5 choices/);
    assert.match(demoPage, /Our answer:<\/strong> Thank you\. We have added help with transport/);
    assert.doesNotMatch(demoPage, /community services such as physiotherapy/, 'the pending comment is not shown');
    assert.match(demoPage, /You said:<\/strong> Choosing a hospital further away/);
  });

  test('a commissioner writes the ambition and an action linked to items, notes progress, and publishes; the draft does not leak', async () => {
    const s = await staffSession(t.app, t.database, 'demo-commissioner');
    const home = await s.get('/commissioner');
    assert.match(home.body, /href="\/commissioner\/choice-plan" id="link-choice-plan"/);
    const empty = await s.get(PLAN);
    assert.equal(empty.statusCode, 200, empty.body.slice(0, 400));
    assert.match(empty.body, /id="no-actions"/);
    assert.match(empty.body, /<a class="nhsuk-back-link"[^>]*href="\/commissioner"|href="\/commissioner"[^>]*id="back-link"/, 'a way back to the commissioner home');

    const early = await s.post(`${PLAN}/publish`);
    assert.equal(early.statusCode, 422, 'nothing to publish without the ambition and summary');
    assert.match(early.body, /The three-year ambition is needed before the plan is published/);
    assert.equal((await t.app.inject({ method: 'GET', url: PUBLIC_PAGE })).body.includes('id="not-published"'), true);

    assert.equal((await s.post(`${PLAN}/ambition`, { ambition: 'Every patient offered at least 5 choices by 2029.', summary: 'We want you to choose where you are treated.' })).statusCode, 303);

    await s.get(`${PLAN}/actions/new`);
    const noItems = await s.post(`${PLAN}/actions`, { title: 'Teach practices about choice', owner: 'Head of elective care', 'due[day]': '31', 'due[month]': '1', 'due[year]': '2026', status: 'IN_PROGRESS' });
    assert.equal(noItems.statusCode, 400);
    assert.match(noItems.body, /href="#itemIds">\s*Select at least one self-assessment item/);
    assert.match(noItems.body, /value="Teach practices about choice"/, 'what was typed is shown again');
    const unknownItem = await s.request('POST', `${PLAN}/actions`, { _csrf: s.csrf!, title: 'X', owner: 'Y', 'due[day]': '31', 'due[month]': '1', 'due[year]': '2026', status: 'IN_PROGRESS', itemIds: '9.9' });
    assert.equal(unknownItem.statusCode, 422);
    assert.match(unknownItem.body, /items the guide does not have: 9\.9/);
    const badDate = await s.post(`${PLAN}/actions`, { title: 'X', owner: 'Y', 'due[day]': '31', 'due[month]': '2', 'due[year]': '2026', status: 'IN_PROGRESS', itemIds: '4.1' });
    assert.equal(badDate.statusCode, 400);
    assert.match(badDate.body, /The due date must be a real date/);

    const body = new URLSearchParams({ _csrf: s.csrf!, title: 'Teach practices about choice', description: 'Visits to every practice.', owner: 'Head of elective care', 'due[day]': '31', 'due[month]': '1', 'due[year]': '2026', status: 'IN_PROGRESS' });
    body.append('itemIds', '5.1');
    body.append('itemIds', 'MS6');
    const added = await t.app.inject({ method: 'POST', url: `${PLAN}/actions`, headers: { cookie: s.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() });
    assert.equal(added.statusCode, 303, added.body.slice(0, 500));
    const actionUrl = (added.headers.location as string).split('?')[0]!;
    const stored = await t.database.db.selectFrom('choice_plan_action').selectAll().executeTakeFirstOrThrow();
    assert.deepEqual(stored.item_ids, ['5.1', 'MS6']);
    assert.equal(stored.icb_code, 'QWO');

    const list = await s.get(PLAN);
    const row = new RegExp(`data-action-id="${stored.id}">([\\s\\S]*?)</tr>`).exec(list.body)?.[1] ?? '';
    assert.match(row, /5\.1, MS6/);
    assert.match(row, /In progress[\s\S]*Overdue/, 'due in January 2026 and not done: overdue');
    assert.match(list.body, /1 action is overdue/);

    await s.get(actionUrl);
    assert.equal((await s.post(`${actionUrl}/notes`, { note: '' })).statusCode, 400);
    assert.equal((await s.post(`${actionUrl}/notes`, { note: 'Half the practices visited.' })).statusCode, 303);
    const one = await s.get(actionUrl);
    assert.match(one.body, /Half the practices visited\.[\s\S]*Chris Demo \(ICB\)/);
    await assert.rejects(t.database.db.updateTable('choice_plan_action_note').set({ note: 'rewritten' }).execute(), /append-only/);

    assert.equal((await s.post(`${PLAN}/publish`)).statusCode, 303);
    const pub = await t.app.inject({ method: 'GET', url: PUBLIC_PAGE });
    assert.equal(pub.statusCode, 200);
    assert.match(pub.body, /We want you to choose where you are treated\./);
    assert.match(pub.body, /Teach practices about choice/);
    assert.match(pub.body, /Improves 5\.1, MS6/);
    assert.doesNotMatch(pub.body, /Chris Demo/, 'who typed it is not published');
    assert.equal((await s.post(`${PLAN}/publish`)).statusCode, 409, 'publishing the same plan again is refused');

    // A draft edit is not public until published again.
    await s.get(actionUrl);
    const edit = new URLSearchParams({ _csrf: s.csrf!, title: 'Teach every practice about choice (draft)', description: '', owner: 'Head of elective care', 'due[day]': '31', 'due[month]': '12', 'due[year]': '2099', status: 'DONE', itemIds: '5.1' });
    const saved = await t.app.inject({ method: 'POST', url: actionUrl, headers: { cookie: s.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' }, payload: edit.toString() });
    assert.equal(saved.statusCode, 303);
    assert.doesNotMatch((await t.app.inject({ method: 'GET', url: PUBLIC_PAGE })).body, /\(draft\)/);
    assert.match((await s.get(PLAN)).body, /id="unpublished"/);
    assert.doesNotMatch((await s.get(PLAN)).body, /Overdue/, 'done is never overdue');
    assert.equal((await s.post(`${PLAN}/publish`)).statusCode, 303);
    assert.match((await t.app.inject({ method: 'GET', url: PUBLIC_PAGE })).body, /\(draft\)/);
    const versions = await t.database.db.selectFrom('choice_plan_publication').select('version').orderBy('version').execute();
    assert.deepEqual(versions.map((v) => v.version), [1, 2]);
  });

  test('public comments: refused for markup, links, length, and a flood from one address (429, the text kept); the honeypot keeps nothing', async () => {
    const before = await commentCount();
    const plan = await t.database.db.selectFrom('choice_plan').selectAll().executeTakeFirstOrThrow();

    const markup = await postComment({ comment: 'Great plan <script>alert(1)</script>' });
    assert.equal(markup.statusCode, 422);
    assert.match(markup.body, /There is a problem[\s\S]*href="#comment">\s*Your comment must not contain HTML tags/);
    assert.match(markup.body, /Great plan &lt;script&gt;alert\(1\)&lt;\/script&gt;<\/textarea>/, 'the text is shown again, escaped');

    const spam = await postComment({ comment: 'Visit https://a.example/x and https://b.example/y' });
    assert.equal(spam.statusCode, 422);
    assert.match(spam.body, /at most 1 link/);

    const long = await postComment({ comment: 'x'.repeat(2001) });
    assert.equal(long.statusCode, 422);
    assert.match(long.body, /2,000 characters or fewer/);

    const noEmail = await postComment({ comment: 'Fine', wantsAnswerByEmail: 'yes', email: '' });
    assert.equal(noEmail.statusCode, 422);
    assert.match(noEmail.body, /href="#email">\s*Enter your email address/);

    const robot = await postComment({ comment: 'I am a robot', website: 'http://spam.example' });
    assert.equal(robot.statusCode, 303, 'a robot is told it worked');
    assert.equal(await commentCount(), before, 'nothing kept from any refusal');

    const flooder = '203.0.113.77';
    for (let i = 0; i < FLOOD_LIMIT; i++) assert.equal((await postComment({ comment: `Comment ${i} from one place` }, flooder)).statusCode, 303);
    const flooded = await postComment({ comment: 'One more from the same place' }, flooder);
    assert.equal(flooded.statusCode, 429);
    assert.ok(Number(flooded.headers['retry-after']) > 0 && Number(flooded.headers['retry-after']) <= 600, `retry-after ${flooded.headers['retry-after']}`);
    assert.match(flooded.body, /id="flooded">Too many comments/);
    assert.match(flooded.body, /One more from the same place<\/textarea>/, 'what they typed is still there');
    assert.equal((await postComment({ comment: 'From somewhere else' })).statusCode, 303, 'another address is not held back');
    // Sent all at once from a fresh address, no more than the limit get through.
    const burst = await Promise.all(Array.from({ length: FLOOD_LIMIT + 3 }, (_, i) => postComment({ comment: `Burst ${i}` }, '203.0.113.99')));
    assert.equal(burst.filter((r) => r.statusCode === 303).length, FLOOD_LIMIT);
    assert.equal(burst.filter((r) => r.statusCode === 429).length, 3);
    assert.equal(await commentCount(), before + 2 * FLOOD_LIMIT + 1);

    const keys = await t.database.db.selectFrom('choice_plan_comment_attempt').select('address_key').execute();
    assert.ok(keys.every((k) => /^[0-9a-f]{64}$/.test(k.address_key) && !k.address_key.includes('203')), 'no address kept in clear');
    assert.deepEqual(await t.database.db.selectFrom('choice_plan').selectAll().executeTakeFirstOrThrow(), plan, 'the plan is untouched');

    const anon = anonymousSession(t.app);
    await anon.get(PUBLIC_PAGE);
    assert.equal((await anon.post(`${PUBLIC_PAGE}/comments`, { comment: 'no token' }, { csrf: false })).statusCode, 403, 'CSRF as every form');
    assert.equal((await t.app.inject({ method: 'GET', url: '/icbs/ZZZ99/choice-plan' })).statusCode, 404);
  });

  test('a comment is hidden until approved; the answer and "you said, we did" are shown; a rejection keeps its reason', async () => {
    assert.equal((await postComment({ comment: 'Please say how people in the Dales get to Leeds.', name: 'Sam', wantsAnswerByEmail: 'yes', email: 'sam@example.org' })).statusCode, 303);
    assert.equal((await postComment({ comment: 'Buy cheap watches here', wantsAnswerByEmail: 'yes', email: 'watches@example.org' })).statusCode, 303);
    const rows = await t.database.db.selectFrom('choice_plan_comment').selectAll().orderBy('id', 'desc').limit(2).execute();
    const [watches, dales] = rows as [typeof rows[0], typeof rows[0]];
    assert.equal(dales.email, 'sam@example.org');
    assert.equal(dales.status, 'PENDING');
    assert.doesNotMatch((await t.app.inject({ method: 'GET', url: PUBLIC_PAGE })).body, /the Dales/, 'pending: not shown');

    const s = await staffSession(t.app, t.database, 'demo-commissioner');
    const page = await s.get(`${PLAN}/comments`);
    assert.match(page.body, /the Dales[\s\S]*sam@example\.org/);
    assert.equal((await s.post(`${PLAN}/comments/${dales.id}/answer`, { answer: 'Too soon' })).statusCode, 409, 'answer only what is shown');
    const noReason = await s.post(`${PLAN}/comments/${watches.id}/moderate`, { decision: 'REJECT', reason: '' });
    assert.equal(noReason.statusCode, 400);
    assert.match(noReason.body, new RegExp(`href="#reason-${watches.id}">\\s*Enter why the comment is rejected`));
    assert.equal((await s.post(`${PLAN}/comments/${watches.id}/moderate`, { decision: 'REJECT', reason: 'Advertising' })).statusCode, 303);
    assert.equal((await s.post(`${PLAN}/comments/${dales.id}/moderate`, { decision: 'APPROVE', reason: '' })).statusCode, 303);
    assert.equal((await s.post(`${PLAN}/comments/${dales.id}/moderate`, { decision: 'REJECT', reason: 'x' })).statusCode, 409, 'moderated once');
    assert.equal((await s.post(`${PLAN}/comments/${dales.id}/answer`, { answer: '' })).statusCode, 400);
    assert.equal((await s.post(`${PLAN}/comments/${dales.id}/answer`, { answer: 'We will publish bus routes to each hospital.' })).statusCode, 303);
    await s.get(PLAN);
    assert.equal((await s.post(`${PLAN}/changes`, { youSaid: 'Getting to hospital is hard from the Dales.', weDid: 'We added transport help to the plan.' })).statusCode, 303);

    const pub = await t.app.inject({ method: 'GET', url: PUBLIC_PAGE });
    assert.match(pub.body, /the Dales get to Leeds\.[\s\S]*Sam,[\s\S]*Our answer:<\/strong> We will publish bus routes/);
    assert.doesNotMatch(pub.body, /sam@example\.org|cheap watches|Advertising/);
    assert.match(pub.body, /You said:<\/strong> Getting to hospital is hard[\s\S]*We did:<\/strong> We added transport help/);
    const rejected = await t.database.db.selectFrom('choice_plan_comment').select(['status', 'rejection_reason']).where('id', '=', watches.id).executeTakeFirstOrThrow();
    assert.deepEqual(rejected, { status: 'REJECTED', rejection_reason: 'Advertising' });
    assert.equal((await t.database.db.selectFrom('choice_plan_comment').select('email').where('id', '=', watches.id).executeTakeFirstOrThrow()).email, null, 'a rejected comment keeps no email address');
    assert.equal((await postComment({ comment: 'No answer wanted', email: 'typed@example.org' })).statusCode, 303);
    const unticked = await t.database.db.selectFrom('choice_plan_comment').select(['email', 'name']).where('body', '=', 'No answer wanted').executeTakeFirstOrThrow();
    assert.deepEqual(unticked, { email: null, name: null }, 'an address typed without asking for an answer is not kept');
    const byItem = await actionsByItem(t.database.db, 'QWO');
    assert.deepEqual(byItem.get('5.1')?.map((a) => a.title), ['Teach every practice about choice (draft)'], 'the self-assessment can show the actions of an item');
    const period = halfYearOf(londonDate());
    const itemPage = await s.get(`/commissioner/self-assessment/${period}/items/5.1`);
    assert.equal(itemPage.statusCode, 200);
    assert.match(itemPage.body, /Improvement actions in the choice plan[\s\S]*<a href="\/commissioner\/choice-plan\/actions\/\d+">Teach every practice about choice \(draft\)<\/a>/, 'the item page lists the plan\'s action for it');
    assert.match(itemPage.body, /href="\/commissioner\/choice-plan\/actions\/new\?item=5\.1"/);
    assert.match((await s.get(`/commissioner/self-assessment/${period}/items/1.1`)).body, /No improvement action in the choice plan improves this item yet/);
    const preset = await s.get(`${PLAN}/actions/new?item=5.1`);
    assert.match(preset.body, /value="5\.1"[^>]*checked|checked[^>]*value="5\.1"/, 'the new action starts out improving the item it was added from');

    const api = await t.app.inject({ method: 'GET', url: '/api/v1/choice-plans/QWO' });
    assert.equal(api.statusCode, 200, api.body);
    const json = api.json();
    assert.equal(json.icb.odsCode, 'QWO');
    assert.equal(json.published.version, 2);
    assert.equal(json.sro, null);
    assert.ok(json.comments.some((c: { answer: string | null }) => c.answer?.startsWith('We will publish bus routes')));
    assert.ok(!JSON.stringify(json).includes('sam@example.org'), 'no email address leaves');
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/choice-plans/ZZZ99' })).statusCode, 404);
  });

  test('other roles are refused; a commissioner keeps to their own ICB; an admin names one', async () => {
    for (const user of ['demo-referrer', 'demo-provider', 'demo-referral-centre']) {
      const s = await staffSession(t.app, t.database, user);
      assert.equal((await s.get(PLAN)).statusCode, 403, user);
      assert.equal((await s.get(`${PLAN}/comments`)).statusCode, 403, user);
      assert.equal((await s.post(`${PLAN}/publish`)).statusCode, 403, user);
      assert.equal((await s.post(`${PLAN}/ambition`, { ambition: 'hijack', summary: 'hijack' })).statusCode, 403, user);
    }
    const anon = await t.app.inject({ method: 'GET', url: PLAN });
    assert.equal(anon.statusCode, 303, 'not signed in: to sign in');
    const c = await staffSession(t.app, t.database, 'demo-commissioner');
    assert.equal((await c.get(`${PLAN}?icb=QOP`)).statusCode, 403);
    await c.get(PLAN);
    assert.equal((await c.post(`${PLAN}/ambition?icb=QOP`, { ambition: 'x', summary: 'y' })).statusCode, 403);
    assert.equal((await c.get(`${PLAN}/actions/999999`)).statusCode, 404);
    const admin = await staffSession(t.app, t.database, 'demo-admin');
    const pick = await admin.get(PLAN);
    assert.equal(pick.statusCode, 200);
    assert.match(pick.body, /<select class="nhsuk-select" id="icb" name="icb">/);
    const chosen = await admin.get(`${PLAN}?icb=QWO`);
    assert.equal(chosen.statusCode, 200);
    assert.match(chosen.body, /href="\/commissioner\/choice-plan\/actions\/new\?icb=QWO"/);
    assert.match(chosen.body, /We want you to choose where you are treated/);
    const another = await admin.get(`${PLAN}?icb=QOP`);
    assert.equal(another.statusCode, 200);
    // Another ICB's action is not found through QWO's scope.
    const qwoAction = await t.database.db.selectFrom('choice_plan_action').select('id').executeTakeFirstOrThrow();
    assert.equal((await admin.get(`${PLAN}/actions/${qwoAction.id}?icb=QOP`)).statusCode, 404);
    const token = (await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-referrer', password: DEMO_PASSWORD } })).json().token;
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/choice-plans/QWO', headers: { authorization: `Bearer ${token}` } })).statusCode, 200, 'public: anyone may read it');
  });
});

test('the public page names the SRO once the self-assessment names one, published plan or not, and the public API gives the same', async () => {
  const before = await anonymousSession(t.app).get('/icbs/QWO/choice-plan');
  assert.equal(before.statusCode, 200);
  assert.doesNotMatch(before.body, /id="sro"/, 'no SRO named yet');
  const commissioner = await staffSession(t.app, t.database, 'demo-commissioner');
  await commissioner.get('/commissioner/self-assessment/sro');
  const named = await commissioner.post('/commissioner/self-assessment/sro', { name: 'Dr Ada Sample', role: 'Director of Strategy', contact: 'choice@example.nhs.uk' });
  assert.equal(named.statusCode, 303, named.body.slice(0, 300));
  const after = await anonymousSession(t.app).get('/icbs/QWO/choice-plan');
  assert.match(after.body, /<p id="sro">Dr Ada Sample, Director of Strategy/);
  const api = await t.app.inject({ method: 'GET', url: '/api/v1/choice-plans/QWO' });
  assert.deepEqual(api.json().sro, { name: 'Dr Ada Sample', role: 'Director of Strategy', contact: 'choice@example.nhs.uk' });
});

test('an action naming an item many times, or in another case, keeps each item once as the guide writes it', async () => {
  const s = await staffSession(t.app, t.database, 'demo-commissioner');
  await s.get('/commissioner/choice-plan/actions/new');
  const form = new URLSearchParams({ _csrf: s.csrf!, title: 'Repeat', owner: 'Owner', 'due[day]': '31', 'due[month]': '1', 'due[year]': '2027', status: 'NOT_STARTED' });
  for (let i = 0; i < 34; i++) form.append('itemIds', '1.1');
  form.append('itemIds', 'ms6');
  const res = await t.app.inject({ method: 'POST', url: '/commissioner/choice-plan/actions', headers: { cookie: s.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' }, payload: form.toString() });
  assert.equal(res.statusCode, 303, res.body.slice(0, 300));
  const row = await t.database.db.selectFrom('choice_plan_action').select('item_ids').where('title', '=', 'Repeat').executeTakeFirstOrThrow();
  assert.deepEqual(row.item_ids, ['1.1', 'MS6']);
});
