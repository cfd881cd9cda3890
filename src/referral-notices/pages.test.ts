// The referral notices through app.inject on the demo data set: who may write them, bad input refused with what is
// saved kept, and what the referrer (shortlist, check page, worklist) and the patient (travel cost and transport) see.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { londonDate } from '../domain/dates.ts';
import { addDays } from '../domain/rtt-clock.ts';
import { anonymousSession, type PageSession, patientSession, staffSession } from '../testing/page-session.ts';
import { referThroughApi, startDemoApp, type TestApp } from '../testing/test-app.ts';
import { DEMO_CAPACITY_NOTICE, DEMO_PRIOR_APPROVAL } from './demo-notices.ts';
import { capacityNoticeEvidence, LIMITS } from './service.ts';

let t: TestApp;
before(async () => { t = await startDemoApp('referral-notices'); });
after(() => t.close());

const today = londonDate();
const boxes = (name: string, iso: string | null) => {
  if (!iso) return { [`${name}[day]`]: '', [`${name}[month]`]: '', [`${name}[year]`]: '' };
  const [y, m, d] = iso.split('-');
  return { [`${name}[day]`]: String(Number(d)), [`${name}[month]`]: String(Number(m)), [`${name}[year]`]: y! };
};
const summaryLinks = (html: string) => {
  const summary = /<div class="nhsuk-error-summary"[^]*?<\/div>\s*<\/div>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]);
};
const rules = () => t.database.db.selectFrom('prior_approval_rule').selectAll().where('icb_code', '=', 'QWO').orderBy('id').execute();
const notices = () => t.database.db.selectFrom('capacity_notice').selectAll().orderBy('id').execute();

async function signedIn(username: string): Promise<PageSession> {
  return staffSession(t.app, t.database, username);
}

describe('who may write them', () => {
  test('the commissioner\'s pages refuse referrers and providers, and send the signed-out to sign in', async () => {
    for (const username of ['demo-referrer', 'demo-provider']) {
      const s = await signedIn(username);
      for (const url of ['/commissioner/prior-approval', '/commissioner/prior-approval/new', '/commissioner/capacity-notices', '/commissioner/transport']) {
        assert.equal((await s.get(url)).statusCode, 403, `${username} ${url}`);
      }
      await s.get('/referrals');
      const posted = await s.post('/commissioner/prior-approval/new', { specialty: '110', criteria: 'x', howToApply: 'y', ...boxes('startsOn', today), ...boxes('endsOn', null) });
      assert.equal(posted.statusCode, 403, `${username} may not post a rule`);
    }
    const anonymous = await anonymousSession(t.app).get('/commissioner/capacity-notices');
    assert.equal(anonymous.statusCode, 303);
    assert.equal((await rules()).length, 1, 'only the demo rule');
  });

  test('the provider\'s notices page refuses commissioners and referrers', async () => {
    for (const username of ['demo-commissioner', 'demo-referrer']) {
      assert.equal((await (await signedIn(username)).get('/provider/capacity-notices')).statusCode, 403, username);
    }
  });

  test('an admin chooses the ICB; a commissioner naming another ICB is refused', async () => {
    const admin = await signedIn('demo-admin');
    const picker = await admin.get('/commissioner/prior-approval');
    assert.equal(picker.statusCode, 200);
    assert.match(picker.body, /id="icb-picker"/);
    const qwo = await admin.get('/commissioner/prior-approval?icb=QWO');
    assert.equal(qwo.statusCode, 200);
    assert.match(qwo.body, /Knee arthroscopy/);
    const other = await (await signedIn('demo-commissioner')).get('/commissioner/prior-approval?icb=QF7');
    assert.equal(other.statusCode, 403);
  });
});

describe('prior approval', () => {
  test('bad input is refused clearly and saves nothing: unknown specialty, end before start, criteria too long', async () => {
    const s = await signedIn('demo-commissioner');
    await s.get('/commissioner/prior-approval/new');
    const bad = await s.post('/commissioner/prior-approval/new', {
      specialty: '999', procedure: '', criteria: 'x'.repeat(LIMITS.criteria + 1), howToApply: '',
      ...boxes('startsOn', addDays(today, 5)), ...boxes('endsOn', today),
    });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(summaryLinks(bad.body), ['#specialty', '#criteria', '#howToApply', '#endsOn-day']);
    assert.match(bad.body, /Select the specialty that needs prior approval/);
    assert.match(bad.body, /The criteria must be 2000 characters or fewer/);
    assert.match(bad.body, /The end date must be the same as or after the start date/);
    assert.equal((await rules()).length, 1);
  });

  test('a rule is added, listed, changed and ended with its dates; ending before it starts is refused', async () => {
    const s = await signedIn('demo-commissioner');
    await s.get('/commissioner/prior-approval/new');
    const added = await s.post('/commissioner/prior-approval/new', {
      specialty: '101', procedure: 'Circumcision', criteria: 'Only for phimosis that did not respond to 6 weeks of steroid cream.', howToApply: 'Use the ICB portal form PA-1.',
      ...boxes('startsOn', today), ...boxes('endsOn', null),
    });
    assert.equal(added.statusCode, 303, added.body.slice(0, 800));
    assert.equal(added.headers.location, '/commissioner/prior-approval?saved=1');
    const rule = (await rules()).at(-1)!;
    assert.equal(rule.procedure, 'Circumcision');
    assert.equal(rule.ends_on, null);
    const list = await s.get('/commissioner/prior-approval');
    assert.match(list.body, new RegExp(`id="rule-${rule.id}"[^]*?Circumcision[^]*?In force`));
    const edit = await s.get(`/commissioner/prior-approval/${rule.id}`);
    assert.equal(edit.statusCode, 200);
    assert.match(edit.body, /value="Circumcision"/);
    const tooEarly = await s.post(`/commissioner/prior-approval/${rule.id}/end`, boxes('endsOn', addDays(today, -1)));
    assert.equal(tooEarly.statusCode, 422);
    assert.match(tooEarly.body, /The last day must be the same as or after the start date/);
    assert.equal((await rules()).at(-1)!.ends_on, null, 'nothing changed');
    const changed = await s.post(`/commissioner/prior-approval/${rule.id}`, {
      specialty: '101', procedure: 'Circumcision', criteria: 'Changed criteria.', howToApply: 'Use form PA-2.', ...boxes('startsOn', today), ...boxes('endsOn', null),
    });
    assert.equal(changed.statusCode, 303);
    await s.get(`/commissioner/prior-approval/${rule.id}`);
    const ended = await s.post(`/commissioner/prior-approval/${rule.id}/end`, boxes('endsOn', today));
    assert.equal(ended.statusCode, 303);
    const after = (await rules()).at(-1)!;
    assert.deepEqual([after.criteria, after.how_to_apply, after.ends_on], ['Changed criteria.', 'Use form PA-2.', today]);
    // Another ICB's rule is not found from this ICB.
    assert.equal((await s.get('/commissioner/prior-approval/999999')).statusCode, 404);
  });
});

describe('capacity notices', () => {
  test('the ICB\'s notice: end before start, no end, an unknown provider and a service not the provider\'s are refused', async () => {
    const s = await signedIn('demo-commissioner');
    await s.get('/commissioner/capacity-notices/new');
    const before = (await notices()).length;
    const bad = await s.post('/commissioner/capacity-notices/new', {
      kind: 'SPARE_CAPACITY', specialty: '110', provider: '', service: '', title: 't', body: 'b', ...boxes('startsOn', today), ...boxes('endsOn', addDays(today, -3)),
    });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(summaryLinks(bad.body), ['#endsOn-day']);
    const noEnd = await s.post('/commissioner/capacity-notices/new', {
      kind: 'PAUSE', specialty: '110', provider: '', service: '', title: 't', body: 'b', ...boxes('startsOn', today), ...boxes('endsOn', null),
    });
    assert.equal(noEnd.statusCode, 400);
    assert.match(noEnd.body, /Enter the date the notice ends/);
    const unknown = await s.post('/commissioner/capacity-notices/new', {
      kind: 'PAUSE', specialty: '110', provider: 'ZZZ9', service: '', title: 't', body: 'b', ...boxes('startsOn', today), ...boxes('endsOn', today),
    });
    assert.equal(unknown.statusCode, 422);
    assert.match(unknown.body, /The provider &quot;ZZZ9&quot; is not a provider we know/);
    assert.match(unknown.body, /value="ZZZ9"/, 'what was typed is kept');
    const notTheirs = await s.post('/commissioner/capacity-notices/new', {
      kind: 'PAUSE', specialty: '110', provider: 'RR8', service: 'RWY01-110', title: 't', body: 'b', ...boxes('startsOn', today), ...boxes('endsOn', today),
    });
    assert.equal(notTheirs.statusCode, 422);
    assert.match(notTheirs.body, /The service must be one of RR8&#39;s services/);
    assert.equal((await notices()).length, before, 'nothing saved');
  });

  test('a provider posts a notice about its own service only, and cannot withdraw the ICB\'s', async () => {
    const p = await signedIn('demo-provider');
    const form = await p.get('/provider/capacity-notices/new');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /<option value="RR801-110">/, 'its own services to choose from');
    const other = await p.post('/provider/capacity-notices/new', {
      kind: 'PAUSE', specialty: '110', provider: 'RWY', service: 'RWY01-110', title: 'Not ours', body: 'b', ...boxes('startsOn', today), ...boxes('endsOn', today),
    });
    assert.equal(other.statusCode, 422, 'the provider field is ignored: a provider posts for itself, and RWY01-110 is not its service');
    const posted = await p.post('/provider/capacity-notices/new', {
      kind: 'PAUSE', specialty: '110', service: 'RR801-110', title: 'Knee clinic paused', body: 'The knee clinic at Leeds General Infirmary takes no new referrals this week.', ...boxes('startsOn', today), ...boxes('endsOn', addDays(today, 6)),
    });
    assert.equal(posted.statusCode, 303, posted.body.slice(0, 600));
    const mine = (await notices()).at(-1)!;
    assert.deepEqual([mine.posted_by, mine.posted_by_ods_code, mine.provider_ods_code, mine.service_id, mine.icb_code], ['PROVIDER', 'RR8', 'RR8', 'RR801-110', 'QWO']);
    const icbs = (await notices()).find((n) => n.posted_by === 'ICB')!;
    await p.get('/provider/capacity-notices');
    assert.equal((await p.post(`/provider/capacity-notices/${icbs.id}/withdraw`)).statusCode, 404);
    // The ICB sees its provider's notice among its own.
    const c = await (await signedIn('demo-commissioner')).get('/commissioner/capacity-notices');
    assert.match(c.body, new RegExp(`id="notice-${mine.id}"[^]*?Knee clinic paused`));
  });
});

describe('what the referrer sees', () => {
  test('the shortlist and the check page show the rule and the notices, the worklist the ICB\'s current notices', async () => {
    const b = await signedIn('demo-referrer');
    const worklist = await b.get('/referrals');
    assert.match(worklist.body, /id="worklist-notices"/);
    assert.match(worklist.body, new RegExp(DEMO_CAPACITY_NOTICE.title));
    await b.post('/referrals/new');
    await b.get('/referrals/new/patient');
    await b.post('/referrals/new/patient', {
      nhsNumber: '9990000018', givenName: 'Ann', familyName: 'Smith', 'dob[day]': '31', 'dob[month]': '1', 'dob[year]': '1970', address: '12 Park Row', postcode: 'LS1 4AP', specialty: '110',
    });
    await b.get('/referrals/new/preferences');
    await b.post('/referrals/new/preferences', { sortBy: 'DISTANCE', origin: 'home', originPostcode: '', distance: '25' });
    const shortlist = await b.get('/referrals/new/shortlist');
    assert.equal(shortlist.statusCode, 200);
    assert.match(shortlist.body, /id="prior-approval"[^]*Prior approval needed[^]*Knee arthroscopy[^]*Criteria:/);
    assert.ok(shortlist.body.includes(DEMO_PRIOR_APPROVAL.criteria));
    // The provider's notice beside its service (RR801-110), and none beside a service it does not name.
    assert.match(shortlist.body, /id="option-notices-RR801-110"[^]*?Knee clinic paused/);
    assert.doesNotMatch(shortlist.body, /id="option-notices-RR813-110"[^]*?Knee clinic paused/);
    assert.match(shortlist.body, /id="referrer-transport-QWO"[^]*0113 496 0123/, 'the transport policy for the referrer');
    const ids = [...shortlist.body.matchAll(/value="([A-Z0-9]+-110)"[^>]*checked/g)].map((m) => m[1]!);
    const form = new URLSearchParams([...new Set([...ids, 'RR801-110'])].map((id): [string, string] => ['services', id]));
    form.set('_csrf', b.csrf!);
    const posted = await t.app.inject({ method: 'POST', url: '/referrals/new/shortlist', payload: form.toString(), headers: { cookie: b.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(posted.statusCode, 303);
    await b.get('/referrals/new/clinical');
    await b.post('/referrals/new/clinical', { priority: 'ROUTINE', clinicalSummary: 'Knee' });
    const check = await b.get('/referrals/new/check');
    assert.equal(check.statusCode, 200);
    assert.match(check.body, /id="prior-approval"/, 'the rule again before the referrer sends');
    assert.match(check.body, /id="check-services"[^]*Knee clinic paused/);
  });

  test('a rule that has ended and a withdrawn notice are no longer shown', async () => {
    const c = await signedIn('demo-commissioner');
    const demoRule = (await rules())[0]!;
    const demoNotice = (await notices()).find((n) => n.title === DEMO_CAPACITY_NOTICE.title)!;
    await c.get(`/commissioner/prior-approval/${demoRule.id}`);
    assert.equal((await c.post(`/commissioner/prior-approval/${demoRule.id}/end`, boxes('endsOn', addDays(today, -1)))).statusCode, 303);
    await c.get('/commissioner/capacity-notices');
    assert.equal((await c.post(`/commissioner/capacity-notices/${demoNotice.id}/withdraw`)).statusCode, 303);
    const worklist = await (await signedIn('demo-referrer')).get('/referrals');
    assert.doesNotMatch(worklist.body, new RegExp(DEMO_CAPACITY_NOTICE.title));
    // Put back for the tests after.
    await t.database.db.updateTable('prior_approval_rule').set({ ends_on: null }).where('id', '=', demoRule.id).execute();
    await t.database.db.updateTable('capacity_notice').set({ withdrawn_at: null }).where('id', '=', demoNotice.id).execute();
  });
});

describe('transport', () => {
  test('bad input is refused and the published policy kept; a good one is what the patient sees with the travel cost', async () => {
    const c = await signedIn('demo-commissioner');
    const page = await c.get('/commissioner/transport');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /0113 496 0123/, 'the demo policy, to edit');
    const bad = await c.post('/commissioner/transport', { summary: 'S', whoCanGetHelp: '', howToGetHelp: 'H', phone: 'call us', linkUrl: 'http://example.org', linkText: 'L' });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(summaryLinks(bad.body), ['#whoCanGetHelp', '#phone', '#linkUrl']);
    const kept = await t.database.db.selectFrom('icb_transport_support').selectAll().where('icb_code', '=', 'QWO').executeTakeFirstOrThrow();
    assert.equal(kept.phone, '0113 496 0123', 'the published policy is untouched');
    const saved = await c.post('/commissioner/transport', {
      summary: 'West Yorkshire patient transport.', whoCanGetHelp: 'People who cannot travel any other way because of their health.',
      howToGetHelp: 'Phone at least 2 working days before.', phone: '0113 496 0999', linkUrl: 'https://www.example.nhs.uk/transport', linkText: 'Read the transport policy',
    });
    assert.equal(saved.statusCode, 303);
    const ref = await referThroughApi(t.app, { familyName: 'Transport' }, ['RR801-110', 'RR813-110', 'RWY01-110']);
    const patient = await patientSession(t.app, t.database, ref.ubrn);
    const manage = await patient.get('/manage');
    assert.equal(manage.statusCode, 200);
    assert.match(manage.body, /Travel cost[^]*£[\d.]+ by car, there and back/);
    assert.match(manage.body, /id="transport-QWO"[^]*Who can get help[^]*People who cannot travel any other way[^]*How to ask for help[^]*0113 496 0999[^]*Read the transport policy/);
  });
});

test('the evidence for the self-assessment (action 5.6) counts the notices of the period, by the ICB and by providers', async () => {
  const e = await capacityNoticeEvidence(t.database.db, 'QWO', addDays(today, -30), addDays(today, 30));
  assert.ok(e.byIcb >= 1, 'the demo notice');
  assert.ok(e.byProviders >= 1, 'the provider\'s notice posted above');
  assert.equal(e.notices, e.byIcb + e.byProviders);
  assert.deepEqual(e.specialties.map((s) => s.code), ['110']);
  const none = await capacityNoticeEvidence(t.database.db, 'QWO', addDays(today, 400), addDays(today, 500));
  assert.equal(none.notices, 0);
});

test('dates are written in words with their month\'s capital, on the list and on a notice', async () => {
  const list = await (await signedIn('demo-commissioner')).get('/commissioner/prior-approval');
  assert.match(list.body, /From \d{1,2} [A-Z][a-z]+ \d{4}, until the ICB ends it/);
  const worklist = await (await signedIn('demo-referrer')).get('/referrals');
  assert.match(worklist.body, /\d{1,2} [A-Z][a-z]+ \d{4} to \d{1,2} [A-Z][a-z]+ \d{4}\. Posted by NHS West Yorkshire Integrated Care Board\./);
});

test('the referral centre offering providers for a practice\'s referral sees the practice\'s ICB\'s rule and notices', async () => {
  const token = (await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-referrer', password: 'demo-password' } })).json().token;
  const made = await t.app.inject({
    method: 'POST', url: '/api/v1/referrals', headers: { authorization: `Bearer ${token}` },
    payload: {
      patient: { nhsNumber: '9990000018', givenName: 'Tia', familyName: 'Notices', dateOfBirth: '1970-01-31', postcode: 'LS1 4AP' },
      specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Knee pain.', shortlist: null, triage: { rasId: 'DEMO-RAS-MSK' },
      preferences: { sortBy: 'DISTANCE', maxDistanceKm: 40, originPostcode: null },
    },
  });
  assert.equal(made.statusCode, 201, made.body);
  const centre = await signedIn('demo-referral-centre');
  const page = await centre.get(`/referral-centre/referrals/${made.json().ubrn}/consultant`);
  assert.equal(page.statusCode, 200, page.body.slice(0, 400));
  assert.match(page.body, /id="prior-approval"[^]*Knee arthroscopy/, 'the practice\'s ICB (the centre itself has none)');
  assert.match(page.body, /id="option-notices-RR801-110"[^]*?Knee clinic paused/);
});
