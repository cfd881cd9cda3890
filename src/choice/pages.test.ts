// The commissioner's choice pages through app.inject: the figures on the pages are aggregate()'s, the tables sort,
// the drill-down lists exactly the referrals a figure counts and nothing of the patient, bad input gets the error
// summary with 400, and only commissioners and admins get in.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { londonDate } from '../domain/dates.ts';
import { copyReferrals, type ReferralCopy, withoutDemoHistory } from '../testing/choice-referrals.ts';
import { type PageSession, staffSession } from '../testing/page-session.ts';
import { referThroughApi, startDemoApp, type TestApp } from '../testing/test-app.ts';
import { formatValue } from '../web/charts.ts';
import { defaultPeriod, lastThreeFullMonths } from './dashboard.ts';
import { aggregate, asiPer10000, type Grouping, type MetricsCounts, sharesOf } from './metrics.ts';

/** A count as the pages write it: 16537 → '16,537'. */
const fmt = (v: number) => v.toLocaleString('en-GB');

let t: TestApp;
const QWO = { odsCode: 'QWO', name: 'NHS West Yorkshire Integrated Care Board' };
const PRACTICES = ['B82007', 'B82020', 'B82028', 'B86025'];
const today = londonDate();
const daysAgo = (n: number) => {
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
};
const PATIENT = { givenName: 'Zebedee', familyName: 'Dashboardson' };

before(async () => {
  t = await startDemoApp('choice-pages');
  // These tests count exactly the referrals they make: the demo's year of history is taken out of their copy.
  await withoutDemoHistory(t.database);
  const db = t.database.db;
  const services = (await db.selectFrom('service').select(['id', 'provider_ods_code']).where('specialty_code', '=', '110').where('active', '=', true).where('accreditation_status', '=', 'ACCREDITED').orderBy('id').limit(40).execute());
  const byProvider = [...new Map(services.map((s) => [s.provider_ods_code, s.id])).values()].slice(0, 3);
  const five = services.slice(0, 5).map((s) => s.id);
  const made = await referThroughApi(t.app, PATIENT, five);
  await referThroughApi(t.app, PATIENT, five.slice(0, 2));
  // A spread of referrals over the last 11 months, made with a few rules so each practice's figures differ.
  const copies: ReferralCopy[] = [];
  for (let i = 0; i < 130; i++) {
    const practice = PRACTICES[i % 4 === 3 ? 0 : i % 3]!; // B82007 sends most; B86025 none of these
    const options = [5, 5, 6, 3, 2, 1, 0, 5][i % 8]!;
    copies.push({
      madeOn: daysAgo(3 + ((i * 37) % 330)), practice, optionsOffered: options,
      fewerOptionsCode: options >= 1 && options <= 4 ? (i % 5 === 0 ? null : (['FEWER_WITHIN_REACH', 'PATIENT_ASKED', 'REFERRER_CHOSE'] as const)[i % 3]) : null,
      patientChose: i % 3 !== 0, paper: i % 11 === 0, serviceId: i % 9 === 0 ? null : byProvider[i % byProvider.length]!, slotIssue: i % 13 === 0, rejected: i % 17 === 0,
      specialty: i % 10 === 0 ? '130' : '110',
    });
  }
  await copyReferrals(t.database, made.ubrn, copies);
  // One referral from each of 30 more practices: more than the 25 the practices' table shows before "show all".
  const more = await db.selectFrom('organisation').select('ods_code').where('kind', '=', 'GP_PRACTICE').where('icb_code', '=', 'QWO').where('ods_code', 'not in', PRACTICES).orderBy('ods_code').limit(30).execute();
  await copyReferrals(t.database, made.ubrn, more.map((p) => ({ madeOn: daysAgo(40), practice: p.ods_code, optionsOffered: 5, serviceId: byProvider[0]! })), 1000);
});
after(() => t.close());

const as = (username: string): Promise<PageSession> => staffSession(t.app, t.database, username);
const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;|&#34;/g, '"').replace(/&#39;|&apos;/g, "'");
const textOf = (html: string) => decode(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
const byId = (html: string, id: string) => {
  const m = new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</(dd|p|table|ul)>`).exec(html);
  assert.ok(m, `#${id} on the page`);
  return textOf(m[1]!);
};

async function groups(from: string, to: string, groupings: Grouping[], specialty: string | null = null) {
  return aggregate(t.database.db, { icb: QWO, from, to, specialty }, groupings);
}

/** A table's rows: key → the text of each cell (first the name). */
function tableRows(html: string, id: string): { key: string; cells: string[]; links: string[] }[] {
  const table = new RegExp(`<table class="nhsuk-table" id="${id}-table">([\\s\\S]*?)</table>`).exec(html);
  assert.ok(table, `table ${id}`);
  return [...table[1]!.matchAll(/<tr class="nhsuk-table__row" data-key="([^"]*)">([\s\S]*?)<\/tr>/g)].map((m) => ({
    key: m[1]!,
    cells: [...m[2]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => textOf(c[1]!)),
    links: [...m[2]!.matchAll(/href="([^"]+)"/g)].map((l) => decode(l[1]!)),
  }));
}

describe('the commissioner\'s home', () => {
  test('the headline figures are the last 3 full months\' from aggregate, and every section is linked', async () => {
    const res = await (await as('demo-commissioner')).get('/commissioner');
    assert.equal(res.statusCode, 200);
    const period = lastThreeFullMonths(today);
    const c = (await groups(period.from, period.to, ['icb'])).get('icb')![0]!.counts;
    assert.ok(c.referrals > 0, 'the fixture puts referrals in the last 3 full months');
    assert.equal(byId(res.body, 'headline-referrals'), c.referrals.toLocaleString('en-GB'));
    const s = sharesOf(c);
    assert.match(byId(res.body, 'headline-offered'), new RegExp(`^${formatValue(s.offeredAtLeast5.value, 'percent')} 95% interval ${formatValue(s.offeredAtLeast5.low, 'percent')} to ${formatValue(s.offeredAtLeast5.high, 'percent')}; ${fmt(s.offeredAtLeast5.count)} of ${fmt(s.offeredAtLeast5.denominator)}`));
    assert.match(byId(res.body, 'headline-chose'), new RegExp(`^${formatValue(s.patientChoseProvider.value, 'percent')}`));
    assert.match(byId(res.body, 'headline-asi'), new RegExp(`^${formatValue(asiPer10000(c), 'rate').replace('.', '\\.')}`));
    for (const path of ['/commissioner/choice', '/commissioner/patterns', '/commissioner/availability', '/commissioner/listings', '/commissioner/mental-health', '/commissioner/survey', '/mutual-aid/board']) {
      assert.match(res.body, new RegExp(`href="${path}"`), path);
    }
  });

  test('a commissioner signing in lands on it', async () => {
    const { homeFor } = await import('../web/page.ts');
    assert.equal(homeFor('commissioner'), '/commissioner');
  });
});

describe('the choice figures', () => {
  test('by default the 12 months ending today; every figure and table row is aggregate()\'s', async () => {
    const res = await (await as('demo-commissioner')).get('/commissioner/choice?practices=all');
    assert.equal(res.statusCode, 200, res.body.slice(0, 400));
    const { from, to } = defaultPeriod(today);
    assert.match(res.body, /name="from"[^>]*value="/);
    const g = await groups(from, to, ['icb', 'week', 'practice', 'referral-centre', 'provider']);
    const icb = g.get('icb')![0]!.counts;
    assert.ok(icb.referrals >= 132, 'the demo\'s, the two made through the API and the 130 copies');
    assert.equal(byId(res.body, 'total-referrals'), fmt(icb.referrals));
    const s = sharesOf(icb);
    assert.match(byId(res.body, 'total-offered'), new RegExp(`^${formatValue(s.offeredAtLeast5.value, 'percent')} 95% interval`));
    const practices = tableRows(res.body, 'by-practice');
    assert.deepEqual(new Set(practices.map((r) => r.key)), new Set(g.get('practice')!.map((x) => x.key ?? '')));
    for (const row of practices) {
      const c = g.get('practice')!.find((x) => (x.key ?? '') === row.key)!.counts;
      const sh = sharesOf(c);
      assert.equal(row.cells[1], fmt(c.referrals), `${row.key} referrals`);
      assert.match(row.cells[2]!, new RegExp(`^${formatValue(sh.offeredAtLeast5.value, 'percent')} ${formatValue(sh.offeredAtLeast5.low, 'percent')} to ${formatValue(sh.offeredAtLeast5.high, 'percent')}; ${fmt(c.offeredAtLeast5)} of ${fmt(c.withOptions)}$`));
      assert.equal(row.cells[3], c.withOptions ? (c.optionsOffered / c.withOptions).toFixed(1) : 'no data');
      assert.match(row.cells[4]!, new RegExp(`^${formatValue(sh.patientChoseProvider.value, 'percent')} `));
      assert.equal(row.cells[6], fmt(c.appointmentSlotIssues));
      assert.equal(row.cells[7], fmt(c.rejected));
      assert.equal(row.cells[8], fmt(c.referrals - c.electronic));
    }
    const providers = tableRows(res.body, 'by-provider');
    assert.equal(providers.reduce((n, r) => n + Number(r.cells[1]), 0), icb.referrals, 'providers add up to the ICB');
    // The reasons for fewer than 5: the table beside the chart holds aggregate's counts.
    const reasons = /id="fewer-reasons-table">([\s\S]*?)<\/table>/.exec(res.body)![1]!;
    assert.match(textOf(reasons), new RegExp(`Fewer than 5 services within reach ${icb.fewerThan5.FEWER_WITHIN_REACH} `));
    assert.match(textOf(reasons), new RegExp(`No reason recorded ${icb.fewerThan5.NOT_RECORDED} `));
    // The chart over time: an image with its title and description, and its table of the same weeks.
    assert.match(res.body, /<svg[^>]*role="img"[^>]*aria-labelledby="shares-over-time-title shares-over-time-desc"/);
    const weeks = [...(/id="shares-over-time-table">([\s\S]*?)<\/table>/.exec(res.body)![1]!.matchAll(/<tr class="nhsuk-table__row">/g))].length;
    assert.ok(weeks >= 52 && weeks <= 54, `${weeks} weeks`);
  });

  test('the first 25 practices by the sorted column, and all of them when asked', async () => {
    const s = await as('demo-commissioner');
    const { from, to } = defaultPeriod(today);
    const all = (await groups(from, to, ['practice'])).get('practice')!.length;
    assert.ok(all > 25);
    const first = await s.get('/commissioner/choice');
    assert.equal(tableRows(first.body, 'by-practice').length, 25);
    assert.match(first.body, new RegExp(`the first 25 of ${fmt(all)} by the sorted column`));
    const link = /<a href="([^"]+)" id="show-all-practices">/.exec(first.body);
    assert.ok(link, 'a link to show all');
    const every = await s.get(decode(link[1]!).replace(/#.*/, ''));
    assert.equal(tableRows(every.body, 'by-practice').length, all);
    assert.doesNotMatch(every.body, /id="show-all-practices"/);
  });

  test('a specialty and a period narrow every figure', async () => {
    const from = daysAgo(200);
    const to = daysAgo(10);
    const res = await (await as('demo-commissioner')).get(`/commissioner/choice?from=${from}&to=${to}&interval=month&specialty=130`);
    assert.equal(res.statusCode, 200);
    const c = (await groups(from, to, ['icb'], '130')).get('icb')![0]!.counts;
    assert.ok(c.referrals > 0 && c.referrals < 20);
    assert.equal(byId(res.body, 'total-referrals'), fmt(c.referrals));
    assert.match(res.body, /Month<\/th>/);
  });

  test('the tables sort by any column, both ways, with aria-sort on the sorted one', async () => {
    const s = await as('demo-commissioner');
    for (const [sort, order] of [['referrals', 'asc'], ['referrals', 'desc'], ['offeredAtLeast5', 'desc'], ['name', 'asc'], ['paper', 'desc']] as const) {
      const res = await s.get(`/commissioner/choice?sort=${sort}&order=${order}`);
      assert.equal(res.statusCode, 200);
      const rows = tableRows(res.body, 'by-practice');
      assert.ok(rows.length >= 3);
      const key = (r: (typeof rows)[number]) => (sort === 'name' ? r.cells[0]!.toLowerCase() : sort === 'referrals' ? Number(r.cells[1]) : sort === 'paper' ? Number(r.cells[8]) : parseFloat(r.cells[2]!));
      for (let i = 1; i < rows.length; i++) {
        const [a, b] = [key(rows[i - 1]!), key(rows[i]!)];
        assert.ok(order === 'asc' ? a <= b : a >= b, `${sort} ${order}: ${a} then ${b}`);
      }
      const header = new RegExp(`<th scope="col"[^>]*aria-sort="${order === 'asc' ? 'ascending' : 'descending'}"[^>]*>\\s*<a href="[^"]*" data-sort="${sort}"`);
      assert.match(res.body, header);
      assert.equal([...res.body.matchAll(/aria-sort=/g)].length, 3, 'one sorted column in each of the 3 tables');
    }
    // The sorted column's link reverses the order; another column's starts descending.
    const res = await s.get('/commissioner/choice?sort=referrals&order=asc');
    assert.match(decode(res.body), /href="\/commissioner\/choice\?[^"]*sort=referrals&order=desc#by-practice" data-sort="referrals"/);
    assert.match(decode(res.body), /href="\/commissioner\/choice\?[^"]*sort=rejected&order=desc#by-practice" data-sort="rejected"/);
  });

  test('bad input: the error summary on the page with 400, never a 5xx', async () => {
    const s = await as('demo-commissioner');
    const cases: [string, RegExp][] = [
      ['from=2026-02-30', /The start date must be a real date/],
      ['from=yesterday', /The start date must be a real date/],
      ['from=2026-05-01&to=2026-04-01', /The end date must be the same as or after the start date/],
      ['from=2019-01-01&to=2026-01-01', /The period must be 5 years or shorter/],
      ['interval=day', /Select weeks or months/],
      ['sort=ubrn', /Sort by one of the table/],
      ['order=sideways', /Sort in ascending/],
      ['specialty=999', /Select a specialty from the list/],
      ['practices=some', /Show all practices/],
    ];
    for (const [query, message] of cases) {
      const res = await s.get(`/commissioner/choice?${query}`);
      assert.equal(res.statusCode, 400, query);
      assert.match(res.body, /class="nhsuk-error-summary"/, query);
      assert.match(res.body, message, query);
      assert.match(res.body, /<title>Error: /, query);
      assert.doesNotMatch(res.body, /id="by-practice-table"/, `${query}: no figures`);
    }
    // Every link in the error summary goes to a field on the page.
    for (const query of ['from=2026-02-30&interval=day&specialty=999', 'sort=x', 'order=x', 'practices=x']) {
      const res = await s.get(`/commissioner/choice?${query}`);
      const targets = [...res.body.matchAll(/<a href="#([\w-]+)"/g)].map((m) => m[1]!).filter((id) => id !== 'maincontent');
      assert.ok(targets.length > 0, query);
      for (const target of targets) assert.match(res.body, new RegExp(`id="${target}"`), `${query}: #${target}`);
    }
  });
});

describe('the referrals behind a figure', () => {
  test('lists exactly the referrals each figure counts, and nothing of the patient', async () => {
    const s = await as('demo-commissioner');
    const { from, to } = defaultPeriod(today);
    const g = await groups(from, to, ['icb', 'practice', 'provider']);
    const measures: [string, (c: MetricsCounts) => number][] = [
      ['referrals', (c) => c.referrals], ['offeredAtLeast5', (c) => c.offeredAtLeast5], ['patientChose', (c) => c.patientChoseProvider],
      ['bookedByPatient', (c) => c.bookedByPatient], ['asi', (c) => c.appointmentSlotIssues], ['rejected', (c) => c.rejected],
      ['paper', (c) => c.referrals - c.electronic], ['noOptions', (c) => c.noOptions],
      ['fewerThan5', (c) => Object.values(c.fewerThan5).reduce((a, b) => a + b, 0)],
    ];
    const practice = g.get('practice')!.find((x) => x.key === 'B82007')!;
    for (const [measure, count] of measures) {
      for (const [whose, counts] of [['', g.get('icb')![0]!.counts], ['&practice=B82007', practice.counts]] as const) {
        const res = await s.get(`/commissioner/choice/referrals?from=${from}&to=${to}&measure=${measure}${whose}`);
        assert.equal(res.statusCode, 200, `${measure}${whose}`);
        const n = count(counts);
        const shown = [...res.body.matchAll(/<tr class="nhsuk-table__row" data-ubrn="(\d{12})">/g)].map((m) => m[1]);
        assert.equal(shown.length, Math.min(n, 50), `${measure}${whose}: rows on the first page`);
        assert.equal(new Set(shown).size, shown.length);
        assert.match(byId(res.body, 'results-count'), n === 0 ? /^No referrals\.$/ : new RegExp(`of ${fmt(n)} referrals?\\.$`), `${measure}${whose}`);
      }
    }
    // A reason of fewer than 5: its own count.
    const reason = await s.get(`/commissioner/choice/referrals?from=${from}&to=${to}&measure=fewerThan5&reason=NOT_RECORDED&practice=B82007`);
    assert.match(byId(reason.body, 'results-count'), new RegExp(`of ${fmt(practice.counts.fewerThan5.NOT_RECORDED)} referral`));
    // The provider's list.
    const provider = g.get('provider')!.find((x) => x.key !== null)!;
    const byProvider = await s.get(`/commissioner/choice/referrals?from=${from}&to=${to}&provider=${provider.key}`);
    assert.match(byId(byProvider.body, 'results-count'), new RegExp(`of ${fmt(provider.counts.referrals)} referral`));
    // Nothing of the patient: the API's patient and the demo deferrals' patients are named nowhere.
    const all = await s.get(`/commissioner/choice/referrals?from=${from}&to=${to}&measure=referrals&page=1`);
    for (const name of ['Zebedee', 'Dashboardson', 'Olivia', 'Bennett', 'Kwame', 'Asante', '9990000018', '999 000 0018', 'Knee', 'LS1 4AP', 'Park Square']) {
      for (const res of [all, byProvider]) assert.doesNotMatch(res.body, new RegExp(name), name);
    }
  });

  test('pages of 50: every referral once across the pages', async () => {
    const s = await as('demo-commissioner');
    const { from, to } = defaultPeriod(today);
    const seen: string[] = [];
    const n = (await groups(from, to, ['icb'])).get('icb')![0]!.counts.referrals;
    assert.ok(n > 150 && n <= 200);
    for (let page = 1; page <= 4; page++) {
      const res = await s.get(`/commissioner/choice/referrals?from=${from}&to=${to}&measure=referrals&page=${page}`);
      seen.push(...[...res.body.matchAll(/data-ubrn="(\d{12})"/g)].map((m) => m[1]!));
      if (page < 4) assert.match(res.body, /id="pagination"/);
    }
    assert.equal(seen.length, n);
    assert.equal(new Set(seen).size, n);
  });

  test('bad input gets the error summary and 400', async () => {
    const s = await as('demo-commissioner');
    for (const query of ['from=2026-01-01&to=2025-01-01', 'from=x&to=2026-01-01', 'from=2026-01-01&to=2026-02-01&measure=everything', 'from=2026-01-01&to=2026-02-01&practice=B82007&provider=RR8',
      'from=2026-01-01&to=2026-02-01&page=0', 'from=2026-01-01&to=2026-02-01&measure=referrals&reason=OTHER', 'from=2026-01-01&to=2026-02-01&practice=<script>']) {
      const res = await s.get(`/commissioner/choice/referrals?${query.replace('<script>', '%3Cscript%3E')}`);
      assert.equal(res.statusCode, 400, query);
      assert.match(res.body, /There is a problem/, query);
      assert.doesNotMatch(res.body, /<script>/);
    }
  });
});

describe('who may see them', () => {
  const URLS = ['/commissioner', '/commissioner/choice', '/commissioner/choice/referrals?from=2026-01-01&to=2026-02-01'];

  test('other roles are refused with 403', async () => {
    for (const who of ['demo-referrer', 'demo-provider', 'demo-referral-centre']) {
      const s = await as(who);
      for (const url of URLS) assert.equal((await s.get(url)).statusCode, 403, `${who} ${url}`);
    }
  });

  test('a commissioner naming another ICB is refused; an admin chooses one, and a code that is none is an error', async () => {
    const c = await as('demo-commissioner');
    for (const url of URLS) assert.equal((await c.get(`${url}${url.includes('?') ? '&' : '?'}icb=QWE`)).statusCode, 403, url);
    assert.equal((await c.get('/commissioner?icb=QWO')).statusCode, 200);
    const admin = await as('demo-admin');
    for (const url of URLS) {
      const res = await admin.get(url);
      assert.equal(res.statusCode, 200, url);
      assert.match(res.body, /id="icb-picker"/);
      assert.match(res.body, /<option value="QWO"/);
      assert.doesNotMatch(res.body, /id="headline"|id="totals"/);
    }
    const chosen = await admin.get('/commissioner/choice?icb=QWO');
    assert.equal(chosen.statusCode, 200);
    const { from, to } = defaultPeriod(today);
    assert.equal(byId(chosen.body, 'total-referrals'), fmt((await groups(from, to, ['icb'])).get('icb')![0]!.counts.referrals));
    assert.match(decode(chosen.body), /href="\/commissioner\/choice\/referrals\?[^"]*icb=QWO"/, 'the drill-downs keep the ICB');
    const unknown = await admin.get('/commissioner/choice?icb=ZZZ99');
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.body, /There is a problem[\s\S]*There is no ICB with the ODS code ZZZ99/);
    const bad = await admin.get('/commissioner/choice?icb=%3Cb%3E');
    assert.equal(bad.statusCode, 400);
  });
});
