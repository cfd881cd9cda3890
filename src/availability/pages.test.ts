// The availability pages through app.inject: the figures shown match a brute-force count over the demo directory;
// the map is well-formed XML with every practice a point inside its viewBox; who may see which ICB; bad filters are
// answered 400 with the error summary; asking for a test run queues one (with CSRF), never runs it in the request.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';
import { createDeps } from '../deps.ts';
import { haversineKm, milesToKm } from '../domain/distance.ts';
import { startDemoApp } from '../testing/test-app.ts';
import { testConfig } from '../testing/database.ts';
import { staffSession } from '../testing/page-session.ts';
import { parseXml } from '../testing/xml.ts';
import { practicesOf } from './practices.ts';
import { runQueued } from './test-runs.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;

before(async () => ({ app, database, close } = await startDemoApp('availability_pages')));
after(() => close());

const as = (username: string) => staffSession(app, database, username);
const decode = (html: string) => html.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"');

/** How many QWO practices have fewer than 5 providers of the specialty within `miles`: counted the slow way. */
async function bruteForceFewer(specialty: string, miles: number): Promise<{ fewer: number; practices: number }> {
  const { placed } = await practicesOf(database.db, 'QWO');
  const services = await database.db
    .selectFrom('service')
    .select(['provider_ods_code', 'latitude', 'longitude'])
    .where('specialty_code', '=', specialty)
    .where('active', '=', true)
    .where('accreditation_status', '=', 'ACCREDITED')
    .where('service_type', '=', 'FIRST_OUTPATIENT')
    .execute();
  let fewer = 0;
  for (const p of placed) {
    const providers = new Set(services.filter((s) => haversineKm(p, s) <= milesToKm(miles)).map((s) => s.provider_ods_code));
    if (providers.size < 5) fewer++;
  }
  return { fewer, practices: placed.length };
}

const svgOf = (html: string) => {
  const m = /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" id="availability-map"[\s\S]*?<\/svg>/.exec(html);
  assert.ok(m, 'the page has the map');
  return m[0];
};

describe('the choice-availability map', () => {
  test('a commissioner sees their ICB: the sentence, the map and the table agree with a brute-force count', async () => {
    const s = await as('demo-commissioner');
    const res = await s.get('/commissioner/availability?specialty=110&radius=25');
    assert.equal(res.statusCode, 200, res.body);
    const { fewer, practices } = await bruteForceFewer('110', 25);
    assert.ok(practices > 100, `QWO has its practices placed (${practices})`);
    const sentence = `${fewer} of ${practices} practices have fewer than 5 providers of Trauma & Orthopaedics within 25 miles`;
    assert.ok(decode(res.body).includes(sentence), sentence);
    assert.match(res.body, /href="\/commissioner"/);

    const elements = parseXml(svgOf(res.body));
    const svg = elements[0]!;
    assert.equal(svg.attributes.role, 'img');
    assert.ok(decode(elements.find((e) => e.name === 'desc')!.text).includes(sentence));
    assert.ok(elements.find((e) => e.name === 'title')!.text.length > 10);
    const [, , width, height] = svg.attributes.viewBox!.split(' ').map(Number);
    const points = elements.filter((e) => e.attributes['data-practice']);
    assert.equal(points.length, practices);
    for (const p of points) {
      const [, x, y] = /^translate\(([\d.]+) ([\d.]+)\)$/.exec(p.attributes.transform!)!.map(Number);
      assert.ok(x! >= 0 && x! <= width! && y! >= 0 && y! <= height!, `${p.attributes['data-practice']} at ${x},${y} inside ${width}×${height}`);
    }
    assert.equal(points.filter((p) => p.attributes['data-mark'] !== 'enough').length, fewer);
    assert.ok(elements.some((e) => e.attributes['data-site']), 'sites are drawn');

    // The table: a row per practice, those under 5 first.
    const rows = [...res.body.matchAll(/<tr class="nhsuk-table__row" data-practice="([A-Z0-9]+)">([\s\S]*?)<\/tr>/g)];
    assert.equal(rows.length, practices);
    const at25 = rows.map((r) => Number(/data-radius="25">(\d+)/.exec(r[2]!)![1]));
    assert.deepEqual(at25, [...at25].sort((a, b) => a - b));
    assert.equal(at25.filter((n) => n < 5).length, fewer);
    // Monotone in the radius, row by row.
    for (const r of rows) {
      const [a, b, c] = [10, 25, 50].map((m) => Number(new RegExp(`data-radius="${m}">(\\d+)`).exec(r[2]!)![1]));
      assert.ok(a! <= b! && b! <= c!, r[1]);
    }
    // The whole ICB's summary: the same count for this specialty at each radius.
    const summary = /<tr class="nhsuk-table__row" data-specialty="110">([\s\S]*?)<\/tr>/.exec(res.body)![1]!;
    for (const miles of [10, 25, 50]) {
      const shown = Number(new RegExp(`data-radius="${miles}">(\\d+)`).exec(summary)![1]);
      assert.equal(shown, (await bruteForceFewer('110', miles)).fewer, `${miles} miles`);
    }
  });

  test('the table sorts by practice name and by shortest wait', async () => {
    const s = await as('demo-commissioner');
    const byName = await s.get('/commissioner/availability?specialty=130&radius=10&sort=practice');
    assert.equal(byName.statusCode, 200);
    assert.match(byName.body, /aria-sort="ascending">\s*Practice/);
    // The other columns sort by a link that keeps the specialty and radius.
    assert.match(byName.body, /href="\/commissioner\/availability\?specialty=130&amp;radius=10&amp;sort=wait#practices"/);
    const names = [...byName.body.matchAll(/data-practice="[A-Z0-9]+">\s*<th scope="row" class="nhsuk-table__header">([^<]+)</g)].map((m) => decode(m[1]!));
    assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
    const byWait = await s.get('/commissioner/availability?specialty=130&radius=50&sort=wait');
    assert.equal(byWait.statusCode, 200);
    const waits = [...byWait.body.matchAll(/<tr class="nhsuk-table__row" data-practice[\s\S]*?<\/tr>/g)].map((m) => {
      const cells = [...m[0].matchAll(/<td[^>]*>([^<]*)</g)].map((c) => c[1]!);
      const w = /([\d.]+) weeks?/.exec(cells[4] ?? '');
      return w ? Number(w[1]) : Infinity;
    });
    assert.deepEqual(waits, [...waits].sort((a, b) => a - b));
  });

  test('bad filters are answered 400 with the error summary; the map is not drawn', async () => {
    const s = await as('demo-commissioner');
    for (const [url, message] of [
      ['/commissioner/availability?radius=7', 'Select a distance of 10, 25 or 50 miles'],
      ['/commissioner/availability?specialty=999', 'Select a specialty from the list'],
      ['/commissioner/availability?specialty=102', 'Select a specialty from the list'], // no listed services
      ['/commissioner/availability?sort=x', 'Sort the table by practice, providers or wait'],
    ] as const) {
      const res = await s.get(url);
      assert.equal(res.statusCode, 400, url);
      assert.match(res.body, /nhsuk-error-summary/);
      assert.ok(res.body.includes(message), message);
      assert.doesNotMatch(res.body, /id="availability-map"/);
    }
  });

  test('who may see which ICB: another ICB is refused a commissioner; other roles are refused; an admin chooses', async () => {
    const commissioner = await as('demo-commissioner');
    assert.equal((await commissioner.get('/commissioner/availability?icb=QWO')).statusCode, 200);
    assert.equal((await commissioner.get('/commissioner/availability?icb=QHM')).statusCode, 403);
    assert.equal((await commissioner.get('/commissioner/availability/tests?icb=QHM')).statusCode, 403);
    for (const who of ['demo-referrer', 'demo-provider', 'demo-referral-centre']) {
      const s = await as(who);
      assert.equal((await s.get('/commissioner/availability')).statusCode, 403, who);
      assert.equal((await s.get('/commissioner/availability/tests')).statusCode, 403, who);
    }
    const admin = await as('demo-admin');
    const choose = await admin.get('/commissioner/availability');
    assert.equal(choose.statusCode, 200);
    assert.match(choose.body, /id="icb"/);
    assert.doesNotMatch(choose.body, /id="availability-map"/);
    const other = await admin.get('/commissioner/availability?icb=QHM&specialty=110&radius=10');
    assert.equal(other.statusCode, 200);
    assert.match(other.body, /id="availability-map"/);
    const unknown = await admin.get('/commissioner/availability?icb=ZZZZ');
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.body, /nhsuk-error-summary/);
    const malformed = await admin.get('/commissioner/availability?icb=%3Cb%3E');
    assert.equal(malformed.statusCode, 400);
    assert.match(malformed.body, /nhsuk-error-summary/);
  });
});

describe('the test shortlists page', () => {
  test('asking for a run needs CSRF, queues one run (never two), shows it waiting, then its results once the job has run', async () => {
    const s = await as('demo-commissioner');
    const first = await s.get('/commissioner/availability/tests');
    assert.equal(first.statusCode, 200);
    assert.match(first.body, /No run has finished yet/);
    assert.equal((await s.post('/commissioner/availability/tests', {}, { csrf: false })).statusCode, 403);
    const asked = await s.post('/commissioner/availability/tests');
    assert.equal(asked.statusCode, 303);
    assert.equal(asked.headers.location, '/commissioner/availability/tests?queued=new');
    const waiting = await s.get(asked.headers.location as string);
    assert.match(waiting.body, /is waiting to start/);
    assert.match(waiting.body, /id="queued-new"/);
    assert.doesNotMatch(waiting.body, /id="run-tests"/);
    const again = await s.post('/commissioner/availability/tests');
    assert.equal(again.headers.location, '/commissioner/availability/tests?queued=already');
    const open = await database.db.selectFrom('test_shortlist_run').selectAll().where('icb_code', '=', 'QWO').execute();
    assert.equal(open.length, 1);
    assert.equal(open[0]!.started_at, null, 'the request only queued it');

    // A commissioner cannot queue another ICB's run.
    assert.equal((await s.post('/commissioner/availability/tests', { icb: 'QHM' })).statusCode, 403);

    const deps = createDeps(testConfig(), database, () => {});
    const started = performance.now();
    const summary = await runQueued(deps);
    const ms = performance.now() - started;
    deps.directory.close();
    deps.postcodes.close();
    console.log(`test shortlists for QWO: ${summary.shortlists} shortlists in ${Math.round(ms)} ms, ${summary.short} short`);
    assert.equal(summary.runs, 1);
    const done = await s.get('/commissioner/availability/tests');
    assert.equal(done.statusCode, 200);
    assert.match(done.body, /id="run-tests"/);
    assert.equal(Number(/id="latest-run-count">(\d+)/.exec(done.body)![1]), summary.shortlists);
    assert.equal(Number(/id="latest-short">(\d+)/.exec(done.body)![1]), summary.short);
    assert.match(done.body, /data-state="finished"/);
    // By specialty: the counts add up to the run's, and each specialty's drill-down lists its practices.
    const bySpecialty = [...done.body.matchAll(/<tr class="nhsuk-table__row" data-specialty="(\d+)">[\s\S]*?data-count="short">(\d+)<[\s\S]*?data-count="options">(\d+)<[\s\S]*?data-count="providers">(\d+)</g)]
      .map((m) => ({ code: m[1]!, short: Number(m[2]), options: Number(m[3]), providers: Number(m[4]) }));
    assert.ok(bySpecialty.length > 0);
    assert.equal(bySpecialty.reduce((n, b) => n + b.short, 0), summary.short);
    for (const b of bySpecialty) assert.equal(b.options + b.providers, b.short);
    const [most] = bySpecialty;
    const drill = await s.get(`/commissioner/availability/tests?specialty=${most!.code}`);
    assert.equal(drill.statusCode, 200);
    const rows = [...drill.body.matchAll(new RegExp(`<tr class="nhsuk-table__row" data-practice="[A-Z0-9]+" data-specialty="${most!.code}">`, 'g'))].length;
    assert.equal(rows, Math.min(most!.short, 1000));
    const recorded = await database.db.selectFrom('test_shortlist_result').select((eb) => eb.fn.countAll<string>().as('n')).where('specialty_code', '=', most!.code).executeTakeFirstOrThrow();
    assert.equal(Number(recorded.n), most!.short);
    const bad = await s.get('/commissioner/availability/tests?specialty=nope');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /nhsuk-error-summary/);
  });
});
