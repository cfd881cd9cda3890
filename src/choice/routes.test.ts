// The choice measures' API through the whole app on the demo data: the figures move exactly with the referrals made
// and acted on through the API (compared before and after, since the demo data has history), every grouping adds up
// to the ICB, the CSV says what the JSON says, bad input gets a problem naming the field, only commissioners and
// admins may look, and small numbers are hidden only for publication.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD } from '../auth/demo-accounts.ts';
import { issuePatientToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { londonDate } from '../domain/dates.ts';
import { isSmallNumber } from '../domain/statistics.ts';
import { referThroughApi, startDemoApp } from '../testing/test-app.ts';
import { publishTestSlot } from '../testing/slots.ts';
import { parseCsv } from './csv.ts';
import { METRICS_COLUMNS, EXTRACT_COLUMNS } from './measures.ts';
import { weekStart, shiftDays } from './period.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const tokens: Record<string, string> = {};

before(async () => {
  ({ app, database, close } = await startDemoApp('choice-routes'));
  for (const username of ['demo-commissioner', 'demo-admin', 'demo-referrer', 'demo-referral-centre', 'demo-provider']) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username, password: DEMO_PASSWORD } });
    assert.equal(res.statusCode, 200, res.body);
    tokens[username] = res.json().token;
  }
});
after(() => close());

const today = londonDate();
const call = (who: string | null, method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
  app.inject({ method, url, headers: { ...(who ? { authorization: `Bearer ${tokens[who] ?? who}` } : {}), ...headers }, ...(payload ? { payload } : {}) });

type Row = Record<string, unknown> & { odsCode: string | null; name: string; referrals: number | null; suppressed: boolean };
async function metrics(groupBy: string, extra = '', who = 'demo-commissioner'): Promise<Row[]> {
  const res = await call(who, 'GET', `/api/v1/choice-metrics?from=${today}&to=${today}&groupBy=${groupBy}${extra}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json().rows;
}
const icbRow = async () => (await metrics('icb'))[0]!;

/** Every count of a row, flattened (fewerThan5.CODE), for comparing before and after. */
function countsOf(row: Row): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(row)) {
    if (typeof v === 'number' && Number.isInteger(v) && k !== 'meanOptionsOffered' && k !== 'asiPer10000') out[k] = v;
    if (k === 'fewerThan5') for (const [code, n] of Object.entries(v as Record<string, number>)) out[`fewerThan5.${code}`] = n;
  }
  return out;
}
/** The change in every count from `before` to `after`, and exactly `expected` (every other count unchanged). */
function assertMoved(before: Row, after: Row, expected: Record<string, number>, what: string) {
  const b = countsOf(before);
  const a = countsOf(after);
  const moved = Object.fromEntries(Object.keys(a).map((k) => [k, a[k]! - b[k]!]).filter(([, d]) => d !== 0));
  assert.deepEqual(moved, Object.fromEntries(Object.entries(expected).filter(([, d]) => d !== 0)), what);
}

const referral = (extra: object) => call('demo-referrer', 'POST', '/api/v1/referrals', {
  patient: { nhsNumber: '9990000018', givenName: 'Mia', familyName: `Measured${randomUUID().slice(0, 6)}`, dateOfBirth: '1970-01-31', postcode: 'LS1 4AP' },
  specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Knee pain for 6 months.', ...extra,
});

/** A Leeds Teaching Hospitals (RR8, demo-provider's) trauma and orthopaedics service with no free slot, to defer to. */
async function rr8ServiceWithoutFreeSlots(): Promise<string> {
  const rows = await database.db.selectFrom('service as s')
    .select('s.id')
    .where('s.provider_ods_code', '=', 'RR8').where('s.specialty_code', '=', '110').where('s.active', '=', true).where('s.accreditation_status', '=', 'ACCREDITED')
    .orderBy('s.id')
    .execute();
  assert.ok(rows.length > 0, 'RR8 lists a trauma and orthopaedics service');
  const id = rows[0]!.id;
  // No free slot: those it has are withdrawn for this test.
  await database.db.updateTable('slot').set({ withdrawn_at: new Date() }).where('service_id', '=', id).where('withdrawn_at', 'is', null).execute();
  return id;
}

describe('the figures move exactly with what is done through the API', () => {
  test('referrals made, booked, deferred, rejected and recorded from paper', async () => {
    const practiceBefore = (await metrics('practice')).find((r) => r.odsCode === 'B86025');
    let before = await icbRow();

    // A: the engine's shortlist.
    const a = await referral({});
    assert.equal(a.statusCode, 201, a.body);
    const n = a.json().optionsOffered as number;
    let after = await icbRow();
    assertMoved(before, after, { referrals: 1, withOptions: 1, optionsOffered: n, electronic: 1, offeredAtLeast5: n >= 5 ? 1 : 0, 'fewerThan5.FEWER_WITHIN_REACH': n >= 5 ? 0 : 1 }, 'a referral with the engine\'s shortlist');
    assert.ok(n >= 5, `the engine offered ${n}`);

    // The patient books A online.
    before = after;
    const patient = (await issuePatientToken(database.db, a.json().ubrn, 'api')).token;
    const slot = await publishTestSlot(database, a.json().shortlist[0].service.id);
    const booked = await call(patient, 'POST', `/api/v1/referrals/${a.json().ubrn}/appointment`, { slotId: slot }, { 'idempotency-key': randomUUID() });
    assert.equal(booked.statusCode, 201, booked.body);
    after = await icbRow();
    assertMoved(before, after, { patientChoseProvider: 1, bookedByPatient: 1, booked: 1 }, 'the patient booked online');

    // B: 2 services the referrer chose, one of them RR8's with no free slot.
    before = after;
    const rr8 = await rr8ServiceWithoutFreeSlots();
    const other = a.json().shortlist.map((o: { service: { id: string } }) => o.service.id).find((id: string) => id !== rr8);
    const b = await referral({ shortlist: [rr8, other] });
    assert.equal(b.statusCode, 201, b.body);
    assert.equal(b.json().optionsOffered, 2);
    after = await icbRow();
    assertMoved(before, after, { referrals: 1, withOptions: 1, optionsOffered: 2, 'fewerThan5.REFERRER_CHOSE': 1, electronic: 1 }, 'a referral with 2 chosen by the referrer');

    // The referrer defers B to RR8 with the patient, who chose it.
    before = after;
    const deferred = await call('demo-referrer', 'POST', `/api/v1/referrals/${b.json().ubrn}/deferral`, { serviceId: rr8, patientChose: true });
    assert.equal(deferred.statusCode, 200, deferred.body);
    assert.equal((await call('demo-referrer', 'GET', `/api/v1/referrals/${b.json().ubrn}`)).json().patientChose, true);
    after = await icbRow();
    assertMoved(before, after, { appointmentSlotIssues: 1, patientChoseProvider: 1 }, 'deferred to the provider for want of a slot, the patient having chosen');

    // RR8 rejects B.
    before = after;
    const rejected = await call('demo-provider', 'POST', `/api/v1/referrals/${b.json().ubrn}/review`, { outcome: 'REJECT', reason: 'INSUFFICIENT_INFORMATION' });
    assert.equal(rejected.statusCode, 200, rejected.body);
    after = await icbRow();
    assertMoved(before, after, { rejected: 1 }, 'rejected by the provider');

    // C: sent for triage; its options are still to come.
    before = after;
    const c = await referral({ triage: { rasId: 'DEMO-RAS-MSK' } });
    assert.equal(c.statusCode, 201, c.body);
    after = await icbRow();
    assertMoved(before, after, { referrals: 1, electronic: 1 }, 'sent for triage: not yet in the options measures');

    // D: recorded from paper, one service, the patient having asked for fewer.
    before = after;
    const d = await referral({ shortlist: [other], receivedVia: 'PAPER', fewerOptionsReason: 'PATIENT_ASKED' });
    assert.equal(d.statusCode, 201, d.body);
    assert.equal((await call('demo-referrer', 'GET', `/api/v1/referrals/${d.json().ubrn}`)).json().receivedVia, 'PAPER');
    after = await icbRow();
    assertMoved(before, after, { referrals: 1, withOptions: 1, optionsOffered: 1, 'fewerThan5.PATIENT_ASKED': 1, paper: 1 }, 'a paper referral');
    const electronicShare = (r: Row) => (r.shares as Record<string, { value: number }>).electronic!.value;
    assert.ok(electronicShare(after) < electronicShare(before), 'the electronic share goes down');

    // Every one was made by the demo practice: its row moved as the ICB's did.
    const practiceAfter = (await metrics('practice')).find((r) => r.odsCode === 'B86025')!;
    assert.equal(practiceAfter.referrals! - (practiceBefore?.referrals ?? 0), 4);
    assert.match(practiceAfter.name, /hyde park/i);

    // A reason for fewer is for a shortlist the referrer chose only.
    const wrong = await referral({ fewerOptionsReason: 'PATIENT_ASKED' });
    assert.equal(wrong.statusCode, 422, wrong.body);
    assert.equal(wrong.json().errors[0].field, 'fewerOptionsReason');
    const five = await referral({ shortlist: a.json().shortlist.map((o: { service: { id: string } }) => o.service.id), fewerOptionsReason: 'PATIENT_ASKED' });
    assert.equal(five.statusCode, 422, five.body);
    assert.equal(five.json().errors[0].field, 'fewerOptionsReason');
    const unknown = await referral({ shortlist: [other], receivedVia: 'FAX' });
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.json().errors[0].field, 'receivedVia');
    // A provider cannot say the patient chose it.
    const again = await referral({ shortlist: [rr8] });
    const providerSays = await call('demo-provider', 'POST', `/api/v1/referrals/${again.json().ubrn}/appointment`, { slotId: randomUUID(), patientChose: true }, { 'idempotency-key': randomUUID() });
    assert.equal(providerSays.statusCode, 422, providerSays.body);
  });

  test('practices, referral centres and providers each add up to the ICB, their "none" rows included', async () => {
    const icb = countsOf(await icbRow());
    assert.ok(icb.referrals! > 0);
    for (const groupBy of ['practice', 'referral-centre', 'provider']) {
      const rows = await metrics(groupBy);
      const sum: Record<string, number> = {};
      for (const r of rows) for (const [k, v] of Object.entries(countsOf(r))) sum[k] = (sum[k] ?? 0) + v;
      assert.deepEqual(sum, icb, `${groupBy} rows add up to the ICB`);
    }
    const centres = await metrics('referral-centre');
    assert.ok(centres.some((r) => r.odsCode === null && r.name === 'Not through a referral centre'));
    assert.ok(centres.some((r) => r.odsCode !== null && r.referrals! >= 1), 'the referral sent for triage is the centre\'s');
    const providers = await metrics('provider');
    assert.ok(providers.some((r) => r.odsCode === 'RR8' && (r.rejected as number) >= 1));
  });
});

describe('CSV', () => {
  for (const publication of [false, true]) {
    test(`the CSV holds exactly the JSON's rows and fields${publication ? ', for publication' : ''}`, async () => {
      for (const groupBy of ['practice', 'provider']) {
        const q = `/api/v1/choice-metrics?from=${shiftDays(today, -400)}&to=${today}&groupBy=${groupBy}${publication ? '&publication=true' : ''}`;
        const json = (await call('demo-commissioner', 'GET', q)).json().rows as Row[];
        const csv = await call('demo-commissioner', 'GET', `${q}&format=csv`);
        assert.equal(csv.statusCode, 200);
        assert.match(String(csv.headers['content-type']), /^text\/csv/);
        assert.match(String(csv.headers['content-disposition']), /^attachment; filename="choice-metrics-QWO-/);
        const [header, ...lines] = parseCsv(csv.body);
        assert.deepEqual(header, METRICS_COLUMNS);
        assert.equal(lines.length, json.length);
        assert.ok(json.length >= 1);
        json.forEach((row, i) => {
          header!.forEach((column, j) => {
            let v: unknown = row;
            for (const part of column.split('.')) v = v === null ? null : (v as Record<string, unknown>)[part];
            const cell = lines[i]![j]!;
            if (v === null) assert.equal(cell, '', `${column} of row ${i} is empty`);
            else if (typeof v === 'number') assert.equal(Number(cell), v, `${column} of row ${i}`);
            else assert.equal(cell.replace(/^'(?=[=+\-@])/, ''), String(v), `${column} of row ${i}`);
          });
        });
        // Accept: text/csv asks for the same.
        const accepted = await call('demo-commissioner', 'GET', q, undefined, { accept: 'text/csv' });
        assert.equal(accepted.body, csv.body);
      }
    });
  }
});

test('a name a spreadsheet would take for a formula is written with a leading apostrophe, and quoted', async () => {
  const { name } = await database.db.selectFrom('organisation').select('name').where('ods_code', '=', 'RR8').executeTakeFirstOrThrow();
  await database.db.updateTable('organisation').set({ name: '=HYPERLINK("http://x.example","Leeds, West")' }).where('ods_code', '=', 'RR8').execute();
  try {
    const q = `/api/v1/choice-metrics?from=${shiftDays(today, -400)}&to=${today}&groupBy=provider`;
    const json = (await call('demo-commissioner', 'GET', q)).json().rows as Row[];
    assert.equal(json.find((r) => r.odsCode === 'RR8')!.name, '=HYPERLINK("http://x.example","Leeds, West")', 'the JSON says it as it is');
    const csv = (await call('demo-commissioner', 'GET', `${q}&format=csv`)).body;
    assert.ok(csv.includes('\r\nRR8,"\'=HYPERLINK(""http://x.example"",""Leeds, West"")",'), csv.slice(0, 2000));
  } finally {
    await database.db.updateTable('organisation').set({ name }).where('ods_code', '=', 'RR8').execute();
  }
});

describe('bad input is a problem naming the field', () => {
  const cases: [string, string, string, number, string | null][] = [
    ['an impossible date', 'demo-commissioner', 'from=2026-02-30&to=2026-03-31', 400, 'from'],
    ['a date not written YYYY-MM-DD', 'demo-commissioner', 'from=1/2/2026&to=2026-03-31', 400, 'from'],
    ['no period', 'demo-commissioner', 'groupBy=icb', 400, 'from'],
    ['a period ending before it starts', 'demo-commissioner', 'from=2026-03-01&to=2026-02-28', 400, 'to'],
    ['longer than five years', 'demo-commissioner', 'from=2020-01-01&to=2025-01-01', 400, 'to'],
    ['an unknown groupBy', 'demo-commissioner', 'from=2026-01-01&to=2026-01-31&groupBy=postcode', 400, 'groupBy'],
    ['another ICB\'s code for a commissioner', 'demo-commissioner', 'from=2026-01-01&to=2026-01-31&icb=QHM', 403, null],
    ['an admin without icb', 'demo-admin', 'from=2026-01-01&to=2026-01-31', 400, 'icb'],
    ['an unknown icb', 'demo-admin', 'from=2026-01-01&to=2026-01-31&icb=ZZZ99', 404, null],
    ['a malformed icb', 'demo-admin', 'from=2026-01-01&to=2026-01-31&icb=not%20one', 400, 'icb'],
    ['a malformed specialty', 'demo-commissioner', 'from=2026-01-01&to=2026-01-31&specialty=knees', 400, 'specialty'],
    ['an unknown specialty', 'demo-commissioner', 'from=2026-01-01&to=2026-01-31&specialty=999', 422, 'specialty'],
    ['an unknown format', 'demo-commissioner', 'from=2026-01-01&to=2026-01-31&format=xlsx', 400, 'format'],
    ['publication not true or false', 'demo-commissioner', 'from=2026-01-01&to=2026-01-31&publication=yes', 400, 'publication'],
  ];
  for (const [what, who, query, status, field] of cases) {
    test(what, async () => {
      for (const path of ['/api/v1/choice-metrics', '/api/v1/choice-metrics/ers-extract']) {
        if (path.endsWith('extract') && /groupBy|specialty|publication/.test(query)) continue;
        const res = await call(who, 'GET', `${path}?${query}`);
        assert.equal(res.statusCode, status, `${path}: ${res.body}`);
        assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
        assert.ok(res.json().detail.length > 10);
        if (field) assert.ok(res.json().errors.some((e: { field: string }) => e.field === field), res.body);
      }
    });
  }
  test('five years less a day is allowed', async () => {
    assert.equal((await call('demo-commissioner', 'GET', '/api/v1/choice-metrics?from=2020-01-01&to=2024-12-31')).statusCode, 200);
  });
});

describe('who may look', () => {
  test('refused to referrers, referral centres, providers and patients; anonymous callers must sign in', async () => {
    const service = await database.db.selectFrom('service').select('id').where('specialty_code', '=', '110').where('active', '=', true).where('accreditation_status', '=', 'ACCREDITED').executeTakeFirstOrThrow();
    const ubrn = (await referThroughApi(app, { familyName: 'Patient' }, [service.id])).ubrn;
    tokens.patient = (await issuePatientToken(database.db, ubrn, 'api')).token;
    for (const path of ['/api/v1/choice-metrics', '/api/v1/choice-metrics/ers-extract']) {
      const url = `${path}?from=${today}&to=${today}`;
      for (const who of ['demo-referrer', 'demo-referral-centre', 'demo-provider', 'patient']) assert.equal((await call(who, 'GET', url)).statusCode, 403, `${who} ${path}`);
      assert.equal((await call(null, 'GET', url)).statusCode, 401);
    }
  });

  test('an admin naming QWO sees what the commissioner sees', async () => {
    for (const groupBy of ['icb', 'practice', 'referral-centre', 'provider']) {
      assert.deepEqual(await metrics(groupBy, '&icb=QWO', 'demo-admin'), await metrics(groupBy), groupBy);
    }
    assert.deepEqual((await metrics('icb', '&icb=qwo')), await metrics('icb'), 'a commissioner may name their own ICB');
    // Another ICB, for the admin: its own figures, a row of zeros where it has no referrals.
    const other = await database.db.selectFrom('organisation').select('icb_code').where('kind', '=', 'GP_PRACTICE').where('icb_code', 'is not', null).where('icb_code', '<>', 'QWO').orderBy('icb_code').executeTakeFirstOrThrow();
    const rows = await metrics('icb', `&icb=${other.icb_code}`, 'demo-admin');
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.odsCode, other.icb_code);
    assert.equal(typeof rows[0]!.referrals, 'number');
  });
});

describe('publication', () => {
  test('off by default; with publication=true a group of 1 to 9 referrals is hidden whole', async () => {
    const own = (await metrics('practice')).find((r) => r.odsCode === 'B86025')!;
    assert.equal(own.suppressed, false);
    assert.ok(own.referrals! >= 1 && own.referrals! < 10, `made ${own.referrals} today`);
    const published = (await metrics('practice', '&publication=true')).find((r) => r.odsCode === 'B86025')!;
    assert.equal(published.suppressed, true);
    assert.equal(published.referrals, null);
    assert.equal(published.meanOptionsOffered, null);
    assert.equal((published.shares as Record<string, unknown>).electronic, null);
    assert.equal(published.name, own.name, 'the group is still named');
    // No row of the ICB's own view is ever hidden.
    for (const groupBy of ['icb', 'practice', 'provider']) for (const r of await metrics(groupBy)) assert.equal(r.suppressed, false);
  });
});

describe('the e-RS-shaped extract', () => {
  test('one row per week, ICB and specialty; its figures are the measures\' for that week, hidden below 10', async () => {
    // Enough trauma and orthopaedics referrals this week that the row is published.
    const monday = weekStart(today);
    const weekly = async () => {
      const res = await call('demo-commissioner', 'GET', `/api/v1/choice-metrics?from=${monday}&to=${shiftDays(monday, 6)}&specialty=110`);
      return res.json().rows[0] as Row;
    };
    const services = (await database.db.selectFrom('service').select('id').where('specialty_code', '=', '110').where('active', '=', true).where('accreditation_status', '=', 'ACCREDITED').where('provider_ods_code', '=', 'RAE').limit(2).execute()).map((s) => s.id);
    while ((await weekly()).referrals! < 10) await referThroughApi(app, { familyName: 'Weekly' }, services);

    const res = await call('demo-commissioner', 'GET', `/api/v1/choice-metrics/ers-extract?from=${today}&to=${today}`);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.from, monday, 'widened to the Monday');
    assert.equal(body.to, shiftDays(monday, 6), 'and to the Sunday');
    const row = body.rows.find((r: Record<string, unknown>) => r.specialty_code === '110');
    assert.ok(row, res.body);
    const m = await weekly();
    const published = (v: number | null) => (v !== null && isSmallNumber(v) ? null : v);
    assert.deepEqual(row, {
      week_start: monday, icb_code: 'QWO', specialty_code: '110', specialty_name: row.specialty_name,
      referrals: m.referrals, bookings: published(m.booked as number), appointment_slot_issues: published(m.appointmentSlotIssues as number),
      asi_per_10000_referrals: published(m.appointmentSlotIssues as number) === null ? null : Math.round((m.asiPer10000 as number) * 10) / 10,
      offered_at_least_5: published(m.offeredAtLeast5 as number), patient_chose_provider: published(m.patientChoseProvider as number),
      // publishable: hidden whole below 10 referrals, else any count of 1 to 9 hides itself and marks the row
      suppressed: Object.entries(countsOf(m)).some(([k, v]) => k !== 'paper' && isSmallNumber(v)),
    });
    assert.match(row.specialty_name, /orthop/i);
    for (const r of body.rows) for (const k of ['referrals', 'bookings', 'appointment_slot_issues', 'offered_at_least_5', 'patient_chose_provider']) assert.ok(r[k] === null || !isSmallNumber(r[k]), `${k} ${r[k]} is not published`);

    const csv = await call('demo-commissioner', 'GET', `/api/v1/choice-metrics/ers-extract?from=${today}&to=${today}&format=csv`);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    const [header, ...lines] = parseCsv(csv.body);
    assert.deepEqual(header, [...EXTRACT_COLUMNS]);
    assert.deepEqual(lines, body.rows.map((r: Record<string, unknown>) => EXTRACT_COLUMNS.map((c) => (r[c] === null ? '' : String(r[c])))));
  });
});
