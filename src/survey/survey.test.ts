// The survey end to end on a copy of the demo database: who the daily run invites (and that it invites each once,
// in the patient's own format, through the outbox), the link (answered once; used, expired, unknown and tampered
// links refused with a plain page), the answers kept with no way back to the patient, and the ICB's results
// (equal to a direct count of the rows, suppressed as for publication, for commissioners and admins only).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { DEMO_PASSWORD } from '../auth/demo-accounts.ts';
import { londonDate } from '../domain/dates.ts';
import { share } from '../domain/statistics.ts';
import { render, withServiceAddress, type Personalisation } from '../messages/templates.ts';
import { anonymousSession, staffSession } from '../testing/page-session.ts';
import { publishTestSlot } from '../testing/slots.ts';
import { referThroughApi, startDemoApp, type TestApp } from '../testing/test-app.ts';
import { halfYearOf, previousHalfYear } from '../domain/half-year.ts';
import { coarsenAnsweredTimes, eligibleForSurvey, inviteToSurvey, runSurvey } from './invitations.ts';
import { counts, QUESTIONS } from './questions.ts';
import { surveyResults } from './results.ts';
import { hashSurveyToken } from './tokens.ts';

const SECRET = 'survey-test-secret-of-32-characters';
const today = londonDate();
const ANSWERS = { discussed: 'AGREE', offered: 'STRONGLY_AGREE', alternative: 'NOT_APPLICABLE', information: 'DISAGREE', time: 'NEITHER', aware: 'NO', recall: 'YES', comment: '' };

let t: TestApp;
let referrerToken = '';

before(async () => {
  t = await startDemoApp('survey');
  referrerToken = (await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-referrer', password: DEMO_PASSWORD } })).json().token;
});
after(async () => t?.close());

/** A referral made by demo-referrer (Hyde Park Surgery, QWO), booked, with its appointment moved to `daysAgo` days before today. */
async function attended(daysAgo: number, familyName = `Survey${randomUUID().slice(0, 6)}`): Promise<string> {
  const { ubrn } = await referThroughApi(t.app, { familyName }, ['RR813-110']);
  const slotId = await publishTestSlot(t.database, 'RR813-110', 5);
  const booked = await t.app.inject({
    method: 'POST', url: `/api/v1/referrals/${ubrn}/appointment`,
    headers: { authorization: `Bearer ${referrerToken}`, 'idempotency-key': randomUUID() }, payload: { slotId },
  });
  assert.equal(booked.statusCode, 201, booked.body);
  await t.database.db
    .updateTable('appointment')
    .set({ starts_at: sql`(${today}::date - ${daysAgo}::int + time '10:00') at time zone 'Europe/London'`, ends_at: sql`(${today}::date - ${daysAgo}::int + time '10:30') at time zone 'Europe/London'` })
    .where('ubrn', '=', ubrn)
    .execute();
  return ubrn;
}

/** An open invitation's link token, for a fresh attended referral. */
async function invitedToken(): Promise<string> {
  const token = await inviteToSurvey(t.database.db, await attended(3), today);
  assert.ok(token);
  return token;
}

describe('the daily run', () => {
  test('invites those whose first appointment was 1 to 28 days ago, not today, not 29 days ago, not cancelled; once', async () => {
    const [d0, d1, d28, d29, cancelled] = [await attended(0), await attended(1), await attended(28), await attended(29), await attended(5)];
    await t.database.db.updateTable('appointment').set({ cancelled_at: new Date(), cancelled_by: 'test', cancel_reason: 'test' }).where('ubrn', '=', cancelled).execute();
    const eligible = new Set(await eligibleForSurvey(t.database.db, today));
    assert.ok(eligible.has(d1) && eligible.has(d28));
    assert.ok(!eligible.has(d0) && !eligible.has(d29) && !eligible.has(cancelled));
    // Everyone eligible at rate 1, so the run is seen to invite; sampling's rate is sampling.test.ts's.
    const first = await runSurvey(t.database.db, { secret: SECRET, today, rate: 1 });
    assert.ok(first.invited >= 2 && first.invited === first.sampled, JSON.stringify(first));
    const invited = await t.database.db.selectFrom('survey_invitation').select(['ubrn', 'icb_code', 'practice_ods_code', 'half_year']).where('ubrn', 'in', [d1, d28]).execute();
    assert.equal(invited.length, 2);
    assert.ok(invited.every((i) => i.icb_code === 'QWO' && i.practice_ods_code === 'B86025' && i.half_year === halfYearOf(today)));
    const again = await runSurvey(t.database.db, { secret: SECRET, today, rate: 1 });
    assert.equal(again.invited, 0);
    assert.equal(await inviteToSurvey(t.database.db, d1, today), null);
  });

  test('at rate 0 nobody is invited; the sample is the keyed hash’s, the same on every run', async () => {
    const ubrn = await attended(2);
    assert.equal((await runSurvey(t.database.db, { secret: SECRET, today, rate: 0 })).invited, 0);
    assert.equal(await t.database.db.selectFrom('survey_invitation').select('id').where('ubrn', '=', ubrn).executeTakeFirst(), undefined);
  });

  test('the invitation goes through the outbox in the patient’s format and language, with the link, and the token is redacted once sent', async () => {
    const easy = await attended(4);
    await t.database.db.updateTable('referral').set({ communication_needs: JSON.stringify({ easyRead: true }), patient_email: 'ann@example.com' }).where('ubrn', '=', easy).execute();
    const welsh = await attended(4);
    await t.database.db.updateTable('referral').set({ communication_needs: JSON.stringify({ language: 'cy' }) }).where('ubrn', '=', welsh).execute();
    const tokens = { easy: await inviteToSurvey(t.database.db, easy, today), welsh: await inviteToSurvey(t.database.db, welsh, today) };
    const rows = await t.database.db.selectFrom('outbox').selectAll().where('kind', '=', 'SURVEY_INVITATION').where('ubrn', 'in', [easy, welsh]).execute();
    const easyRow = rows.find((r) => r.ubrn === easy)!;
    assert.equal(easyRow.channel, 'email');
    assert.equal(rows.filter((r) => r.ubrn === easy).length, 1, 'by email only: a letter only when there is no email or mobile');
    const p = easyRow.personalisation as Personalisation;
    assert.equal(p.version, 'easy-read');
    assert.equal(p.survey_token, tokens.easy);
    const stored = await t.database.db.selectFrom('survey_invitation').select(['token_hash', 'expires_at', 'invited_at']).where('ubrn', '=', easy).executeTakeFirstOrThrow();
    assert.equal(stored.token_hash, hashSurveyToken(tokens.easy!));
    assert.equal(Math.round((stored.expires_at.getTime() - stored.invited_at.getTime()) / 86_400_000), 30);
    const body = render('SURVEY_INVITATION', 'email', withServiceAddress(p, 'https://openchoice.example.nhs.uk')).body;
    assert.ok(body.includes(`https://openchoice.example.nhs.uk/survey/${tokens.easy}`), body);
    assert.match(body, /We want to know if you could choose where to go\./);
    const welshRow = rows.find((r) => r.ubrn === welsh)!;
    assert.equal(welshRow.channel, 'letter');
    assert.equal((welshRow.personalisation as Personalisation).version, 'welsh');
    assert.match(render('SURVEY_INVITATION', 'letter', withServiceAddress(welshRow.personalisation as Personalisation, 'https://x.example')).body, /^Annwyl .*\nCawsoch eich apwyntiad cyntaf/);
    // Sent through the local log: the stored copy and the log hold no working link.
    const { sendPendingMessages } = await import('../messages/send-pending.ts');
    const { LocalLogSender } = await import('../messages/local-log-sender.ts');
    // The demo's year of history gives the daily run many patients to invite: send until the outbox is empty.
    const sender = new LocalLogSender(t.database.db, 'https://x.example');
    while ((await sendPendingMessages(t.database.db, sender, { batch: 500 })).sent > 0);
    const sent = await t.database.db.selectFrom('outbox').select(['status', 'personalisation']).where('id', '=', easyRow.id).executeTakeFirstOrThrow();
    assert.equal(sent.status, 'sent');
    assert.notEqual((sent.personalisation as Personalisation).survey_token, tokens.easy);
    const logged = await t.database.db.selectFrom('message_log').select('body').where('outbox_id', '=', easyRow.id).executeTakeFirstOrThrow();
    assert.ok(!logged.body.includes(tokens.easy!) && logged.body.includes('/survey/••••-••••'), logged.body);
  });

  test('answered times are cut to the day by the next day’s run', async () => {
    const token = await invitedToken();
    const browser = anonymousSession(t.app);
    await browser.get(`/survey/${token}`);
    assert.equal((await browser.post(`/survey/${token}`, ANSWERS)).statusCode, 303);
    const hash = hashSurveyToken(token);
    const at = async () => (await t.database.db.selectFrom('survey_invitation').select(sql<string>`to_char(answered_at at time zone 'Europe/London', 'HH24:MI:SS.US')`.as('t')).where('token_hash', '=', hash).executeTakeFirstOrThrow()).t;
    assert.equal(await coarsenAnsweredTimes(t.database.db, today) >= 0, true);
    const tomorrow = new Date(Date.parse(`${today}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    assert.ok((await coarsenAnsweredTimes(t.database.db, tomorrow)) >= 1);
    assert.equal(await at(), '00:00:00.000000');
  });
});

describe('the link', () => {
  test('opens the questions without signing in and without any patient data; answers once; then says it was used', async () => {
    const token = await invitedToken();
    const browser = anonymousSession(t.app);
    const page = await browser.get(`/survey/${token}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Statement 1 of 5: “I have discussed with my GP\/health care professional the different options, pros and cons including, where appropriate, whether to have treatment\.”/);
    assert.match(page.body, /did you know you have a legal right to choose which hospital or service you are referred to\?/);
    assert.match(page.body, /Were you offered a choice of hospital or service\?/);
    assert.doesNotMatch(page.body, /Survey[0-9a-f]{6}|Ann\b|9990000018|LS1 4AP|RR813/);
    assert.equal((await browser.post(`/survey/${token}`, ANSWERS, { csrf: false })).statusCode, 403, 'no CSRF token, no answer');
    const before = Number((await sql<{ n: number }>`select count(*)::int as n from survey_response`.execute(t.database.db)).rows[0]!.n);
    const saved = await browser.post(`/survey/${token}`, { ...ANSWERS, comment: 'The GP explained everything.' });
    assert.equal(saved.statusCode, 303);
    assert.equal(saved.headers.location, '/survey/thank-you');
    assert.match((await browser.get('/survey/thank-you')).body, /Your answers have been saved/);
    const used = await browser.get(`/survey/${token}`);
    assert.equal(used.statusCode, 410);
    assert.match(used.body, /This survey has already been answered/);
    const twice = await browser.post(`/survey/${token}`, ANSWERS);
    assert.equal(twice.statusCode, 410);
    const afterCount = Number((await sql<{ n: number }>`select count(*)::int as n from survey_response`.execute(t.database.db)).rows[0]!.n);
    assert.equal(afterCount, before + 1);
    const row = await t.database.db.selectFrom('survey_response').selectAll().where('comment', '=', 'The GP explained everything.').executeTakeFirstOrThrow();
    assert.deepEqual(
      [row.icb_code, row.practice_ods_code, row.half_year, row.answered_on, row.discussed_options, row.offered_choice_of_where, row.offered_alternative, row.information_accessible, row.time_to_consider, row.aware_of_right, row.recalls_offer],
      ['QWO', 'B86025', halfYearOf(today), today, 'AGREE', 'STRONGLY_AGREE', 'NOT_APPLICABLE', 'DISAGREE', 'NEITHER', 'NO', 'YES'],
    );
  });

  test('two answers posted at once save one response', async () => {
    const token = await invitedToken();
    const a = anonymousSession(t.app);
    const b = anonymousSession(t.app);
    await a.get(`/survey/${token}`);
    await b.get(`/survey/${token}`);
    const answers = await Promise.all([a.post(`/survey/${token}`, { ...ANSWERS, comment: `race ${token}` }), b.post(`/survey/${token}`, { ...ANSWERS, comment: `race ${token}` })]);
    assert.deepEqual(answers.map((r) => r.statusCode).sort(), [303, 410]);
    assert.equal((await t.database.db.selectFrom('survey_response').select('id').where('comment', '=', `race ${token}`).execute()).length, 1);
  });

  test('an expired, unknown, tampered or malformed link gets a plain page: 410 or 404, never a stack trace', async () => {
    const token = await invitedToken();
    await t.database.db.updateTable('survey_invitation').set({ expires_at: new Date(Date.now() - 1000), invited_at: new Date(Date.now() - 31 * 86_400_000) }).where('token_hash', '=', hashSurveyToken(token)).execute();
    const browser = anonymousSession(t.app);
    const open = await invitedToken();
    await browser.get(`/survey/${open}`); // a page with the form, for its CSRF token
    const expired = await browser.get(`/survey/${token}`);
    assert.equal(expired.statusCode, 410);
    assert.match(expired.body, /This survey link has expired/);
    assert.equal((await browser.post(`/survey/${token}`, ANSWERS)).statusCode, 410);
    const tampered = (open[5] === 'A' ? 'B' : 'A');
    for (const bad of [open.slice(0, 5) + tampered + open.slice(6), 'A'.repeat(43), 'nothing-like-a-token', `${open}x`, 'not%20a%20token']) {
      const res = await browser.get(`/survey/${bad}`);
      assert.equal(res.statusCode, 404, bad);
      assert.match(res.body, /This survey link does not work/);
      assert.doesNotMatch(res.body, /at .*\.ts:\d+/);
    }
    // A NUL in the link is refused at the edge, as everywhere (src/http/text-guard.ts): a plain page, 400.
    const nul = await browser.get('/survey/%00%2e%2e');
    assert.equal(nul.statusCode, 400);
    assert.match(nul.body, /NUL character/);
    assert.doesNotMatch(nul.body, /at .*\.ts:\d+/);
    assert.equal((await browser.get(`/survey/${open}`)).statusCode, 200, 'the untampered link still works');
  });

  test('every question must be answered, and a comment over 1,000 characters is refused: the error summary, 400', async () => {
    const token = await invitedToken();
    const browser = anonymousSession(t.app);
    await browser.get(`/survey/${token}`);
    const empty = await browser.post(`/survey/${token}`, {});
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /There is a problem/);
    for (const href of ['#discussed', '#offered', '#alternative', '#information', '#time', '#aware', '#recall']) assert.ok(empty.body.includes(`href="${href}"`), href);
    const long = await browser.post(`/survey/${token}`, { ...ANSWERS, comment: 'x'.repeat(1001) });
    assert.equal(long.statusCode, 400);
    assert.match(long.body, /Your comment must be 1,000 characters or fewer/);
    assert.match(long.body, /value="AGREE" checked/, 'answers given are kept');
    const bogus = await browser.post(`/survey/${token}`, { ...ANSWERS, discussed: 'MAYBE' });
    assert.equal(bogus.statusCode, 400);
    assert.equal((await browser.post(`/survey/${token}`, { ...ANSWERS, comment: 'y'.repeat(1000) })).statusCode, 303, 'exactly 1,000 is kept');
  });

  test('the response cannot be tied back: no UBRN, invitation, token or time column; a random uuid key', async () => {
    const { rows } = await sql<{ column_name: string; data_type: string }>`
      select column_name, data_type from information_schema.columns where table_name = 'survey_response' order by ordinal_position`.execute(t.database.db);
    const columns = rows.map((r) => r.column_name);
    for (const forbidden of ['ubrn', 'invitation_id', 'survey_invitation_id', 'token', 'token_hash', 'answered_at', 'created_at', 'nhs_number']) assert.ok(!columns.includes(forbidden), forbidden);
    assert.ok(!columns.some((c) => /ubrn|invitation|token|nhs|patient/.test(c)), columns.join());
    assert.equal(rows.find((r) => r.column_name === 'id')!.data_type, 'uuid');
    assert.equal(rows.find((r) => r.column_name === 'answered_on')!.data_type, 'date');
    assert.ok(!rows.some((r) => r.data_type.startsWith('timestamp')));
    const { rows: keys } = await sql<{ n: number }>`
      select count(*)::int as n from information_schema.table_constraints where table_name = 'survey_response' and constraint_type = 'FOREIGN KEY'`.execute(t.database.db);
    assert.equal(keys[0]!.n, 0);
    const { rows: defaults } = await sql<{ d: string }>`select column_default as d from information_schema.columns where table_name = 'survey_response' and column_name = 'id'`.execute(t.database.db);
    assert.match(defaults[0]!.d, /gen_random_uuid/);
  });
});

describe('the results', () => {
  test('every share and interval equals a direct count of the rows, by ICB and by practice, this half-year and the last', async () => {
    const half = halfYearOf(today);
    const r = await surveyResults(t.database.db, 'QWO', half, { comments: true });
    assert.ok(r.current.responses >= 10 && r.before.responses >= 10, 'the demo year has responses in both half-years');
    const rows = await t.database.db.selectFrom('survey_response').selectAll().where('icb_code', '=', 'QWO').execute();
    const invitations = await t.database.db.selectFrom('survey_invitation').select(['half_year', 'practice_ods_code']).where('icb_code', '=', 'QWO').execute();
    const check = (figures: typeof r.current, h: string, practice?: string) => {
      const mine = rows.filter((x) => x.half_year === h && (practice === undefined || x.practice_ods_code === practice));
      const invited = invitations.filter((x) => x.half_year === h && (practice === undefined || x.practice_ods_code === practice)).length;
      assert.equal(figures.invitations, invited);
      assert.equal(figures.responses, mine.length);
      assert.deepEqual(figures.responseRate, share(mine.length, invited));
      for (const q of QUESTIONS) {
        const answered = mine.filter((x) => counts(q.kind, x[q.field]).inDenominator);
        assert.deepEqual(figures.questions[q.field], share(answered.filter((x) => counts(q.kind, x[q.field]).positive).length, answered.length), `${h} ${practice ?? 'ICB'} ${q.field}`);
      }
    };
    check(r.current, half);
    check(r.before, previousHalfYear(half));
    assert.ok(r.practices.length >= 5);
    for (const p of r.practices) check(p.current, half, p.odsCode ?? undefined);
    assert.equal(r.comments.length, rows.filter((x) => x.half_year === half && x.comment !== null).length);
    // Realistic demo figures: response 20 to 30%, agreement 40 to 70%.
    assert.ok(r.before.responseRate.value! > 0.15 && r.before.responseRate.value! < 0.35, String(r.before.responseRate.value));
    for (const q of QUESTIONS) assert.ok(r.before.questions[q.field].value! > 0.25 && r.before.questions[q.field].value! < 0.8, q.field);
  });

  test('the page shows this half-year beside the last, suppresses practices of fewer than 10 responses, and lists comments for the ICB', async () => {
    const commissioner = await staffSession(t.app, t.database, 'demo-commissioner');
    const half = halfYearOf(today);
    const page = await commissioner.get(`/commissioner/survey?half=${half}`);
    assert.equal(page.statusCode, 200, page.body);
    const r = await surveyResults(t.database.db, 'QWO', half, { comments: true });
    assert.match(page.body, new RegExp(`id="row-responses"><th[^>]*>Responses</th><td[^>]*>${r.current.responses}</td><td[^>]*>${r.before.responses}</td>`));
    const s = r.current.questions.offered_choice_of_where;
    assert.ok(page.body.includes(`<strong>${Math.round(100 * s.value!)}%</strong> <span class="nhsuk-body-s">(95% CI ${Math.round(100 * s.low!)}% to ${Math.round(100 * s.high!)}%; ${s.count} of ${s.denominator})</span>`));
    const small = r.practices.find((p) => p.current.responses > 0 && p.current.responses < 10);
    assert.ok(small, 'the demo has a practice with fewer than 10 responses');
    const row = new RegExp(`<tr class="nhsuk-table__row" id="practice-${small.odsCode}">([^]*?)</tr>`).exec(page.body)![1]!;
    assert.match(row, /fewer than 10 responses/);
    assert.doesNotMatch(row, /\d+%/);
    const large = r.practices.find((p) => p.current.responses >= 10);
    assert.ok(large);
    assert.match(new RegExp(`id="practice-${large.odsCode}">([^]*?)</tr>`).exec(page.body)![1]!, /\d+%/);
    assert.match(page.body, /id="comments"/);
    assert.ok(page.body.includes('The GP explained everything.'));
    assert.match(page.body, /href="\/commissioner"/);
  });

  test('an admin names the ICB and sees no comments; other roles are refused; bad half-years get the error summary', async () => {
    const admin = await staffSession(t.app, t.database, 'demo-admin');
    const noIcb = await admin.get('/commissioner/survey');
    assert.equal(noIcb.statusCode, 400);
    assert.match(noIcb.body, /There is a problem[^]*Name the ICB/);
    assert.match(noIcb.body, /<select[^>]*id="icb"/);
    const withIcb = await admin.get('/commissioner/survey?icb=QWO');
    assert.equal(withIcb.statusCode, 200);
    assert.match(withIcb.body, /Comments are shown to the ICB's own commissioners only/);
    assert.ok(!withIcb.body.includes('The GP explained everything.'));
    assert.equal((await admin.get('/commissioner/survey?icb=ZZZ99')).statusCode, 404);
    for (const username of ['demo-referrer', 'demo-provider', 'demo-referral-centre']) {
      assert.equal((await (await staffSession(t.app, t.database, username)).get('/commissioner/survey')).statusCode, 403, username);
    }
    assert.equal((await anonymousSession(t.app).get('/commissioner/survey')).statusCode, 303, 'not signed in: to sign in');
    const commissioner = await staffSession(t.app, t.database, 'demo-commissioner');
    assert.equal((await commissioner.get('/commissioner/survey?icb=QHM')).statusCode, 403);
    for (const bad of ['2026-H3', '1999-H1', '2999-H1', 'last', '2026-H2%3Cscript%3E']) {
      const res = await commissioner.get(`/commissioner/survey?half=${bad}`);
      assert.equal(res.statusCode, 400, bad);
      assert.match(res.body, /There is a problem[^]*href="#half"/);
      assert.doesNotMatch(res.body, /<script>/);
    }
    const previous = await commissioner.get(`/commissioner/survey?half=${previousHalfYear(halfYearOf(today))}`);
    assert.equal(previous.statusCode, 200);
  });
});
