import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../app.ts';
import { issueToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { addDays } from '../domain/rtt-clock.ts';
import { londonDate } from '../domain/dates.ts';
import { nhsNumberCheckDigit } from '../domain/nhs-number.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { choiceRecountDifferences, NO_DIFFERENCES } from '../testing/choice-recount.ts';
import { testConfig } from '../testing/database.ts';
import { startFixtureApp } from '../testing/directory-fixture.ts';
import { staffSession } from '../testing/page-session.ts';
import { importWaitingList } from './waiting-list-import.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const tokens: Record<string, string> = {};
const today = londonDate();

before(async () => {
  ({ app, database, close } = await startFixtureApp('waitinglist'));
  await createOrganisation(database, 'GP1', 'GP One', 'GP_PRACTICE');
  await createOrganisation(database, 'RYY', 'Other NHS Trust', 'NHS_TRUST');
  tokens.rxx = (await issueToken(database.db, await createAccount(database, 'rxx', 'provider', 'RXX'), 'api')).token;
  tokens.gp = (await issueToken(database.db, await createAccount(database, 'gp', 'referrer', 'GP1'), 'api')).token;
});
after(() => close());

const load = (csv: string, who = 'rxx') =>
  app.inject({ method: 'POST', url: '/api/v1/pathways/import', headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'text/csv' }, payload: csv });

const HEADER = 'nhs_number,provider,specialty,clock_start,next_appointment_date,date_of_birth,postcode,given_name,family_name,registered_gp';

test('a waiting list loads as pathways with RTT clocks, once however often it is sent', async () => {
  const csv = [HEADER, `999 000 0018,RXX,C_110,${addDays(today, -300)},,1960-05-01,ls1 4ap,Ann,Long,GP1`, `9990000026,rxx,110,${addDays(today, -20)},${addDays(today, 30)},1975-01-01,LS1 4AP,Bob,Short,`].join('\r\n');
  const first = await load(csv);
  assert.equal(first.statusCode, 201, first.body);
  assert.deepEqual({ ...(first.json() as object), warnings: [] }, { dryRun: false, rows: 2, imported: 2, skipped: 0, errors: [], errorsNotShown: 0, warnings: [], warningsNotShown: 0 });
  const again = (await load(csv)).json();
  assert.equal(again.imported, 0);
  assert.equal(again.skipped, 2);
  const rows = await database.db.selectFrom('referral').select(['status', 'source', 'rtt_clock_start', 'current_service_id', 'next_appointment_date', 'patient_postcode', 'registered_gp_ods_code']).where('source', '=', 'WAITING_LIST').orderBy('rtt_clock_start').execute();
  assert.deepEqual(rows, [
    { status: 'ACCEPTED', source: 'WAITING_LIST', rtt_clock_start: addDays(today, -300), current_service_id: 'S1-110', next_appointment_date: null, patient_postcode: 'LS1 4AP', registered_gp_ods_code: 'GP1' },
    { status: 'ACCEPTED', source: 'WAITING_LIST', rtt_clock_start: addDays(today, -20), current_service_id: 'S1-110', next_appointment_date: addDays(today, 30), patient_postcode: 'LS1 4AP', registered_gp_ods_code: null },
  ]);
});

test('bad rows are named by line and nothing is loaded; another provider\'s rows are refused; only providers may load', async () => {
  const before = await database.db.selectFrom('referral').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const csv = [HEADER, `9990000034,RXX,110,${addDays(today, -100)},,1960-05-01,LS1 4AP,Cat,Ok,`, `1234567890,RXX,110,${addDays(today, -100)},,,,,,`, `9990000042,RYY,999,tomorrow,,2099-01-01,nowhere,,,X1`].join('\n');
  const res = await load(csv);
  assert.equal(res.statusCode, 422);
  const errors = res.json().errors as { field: string; message: string }[];
  assert.ok(errors.some((e) => e.field === 'line 3' && /not a valid NHS number/.test(e.message)));
  for (const pattern of [/only your own/, /treatment function code/, /clock_start/, /date_of_birth/, /postcode/, /GP practice/]) {
    assert.ok(errors.some((e) => e.field === 'line 4' && pattern.test(e.message)), String(pattern));
  }
  const after = await database.db.selectFrom('referral').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  assert.equal(after.n, before.n);
  assert.equal((await load('nhs_number,provider\n9990000034,RXX')).json().errors[0].message, 'no column named specialty, clock_start');
  assert.equal((await load(csv, 'gp')).statusCode, 403);
});

const count = async () => Number((await database.db.selectFrom('referral').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const row = (nhs: string, given = 'Dee', days = 50) => `${nhs},RXX,110,${addDays(today, -days)},,1970-02-02,LS1 4AP,${given},Long,`;

test('a quoted line break (a spreadsheet cell with two lines) stays in its field, and later lines keep the numbers a spreadsheet shows', async () => {
  const csv = `${HEADER}\r\n${row('9990000050', '"Mary\r\nAnne"')}\r\n${row('9990000069', '"Jo, ""the"" second"')}\r\n1234567890,RXX,110,${addDays(today, -5)},,,,,,\r\n`;
  const res = await load(csv);
  assert.equal(res.statusCode, 422, res.body);
  // The bad row is on line 5: the header, a row over two lines, another row.
  assert.deepEqual(res.json().errors, [{ field: 'line 5', message: '"1234567890" is not a valid NHS number' }]);
  const fixed = await load(csv.replace(/1234567890.*\r\n$/, ''));
  assert.equal(fixed.statusCode, 201, fixed.body);
  assert.equal(fixed.json().imported, 2);
  const names = await database.db.selectFrom('referral').select('patient_given_name').where('patient_nhs_number', 'in', ['9990000050', '9990000069']).orderBy('patient_nhs_number').execute();
  assert.deepEqual(names.map((n) => n.patient_given_name), ['Mary\r\nAnne', 'Jo, "the" second']);
});

test('an unbalanced quote is a 422 naming the line its record starts on, with the other rows\' errors, and nothing is loaded', async () => {
  const before = await count();
  const res = await load(`${HEADER}\n${row('9990000077')}\n1234567890,RXX,110,${addDays(today, -5)},,,,,,\n${row('9990000085', '"Never closed')}\n${row('9990000093')}\n`);
  assert.equal(res.statusCode, 422, res.body);
  assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
  const errors = res.json().errors as { field: string; message: string }[];
  assert.deepEqual(errors.map((e) => e.field), ['line 3', 'line 4']);
  assert.match(errors[1]!.message, /not valid CSV: the quoted field in the record that starts on line 4 is not closed/);
  const stray = await load(`${HEADER}\n${row('9990000077', 'O"Brien')}\n`);
  assert.equal(stray.statusCode, 422);
  assert.deepEqual(stray.json().errors.map((e: { field: string }) => e.field), ['line 2']);
  assert.equal(await count(), before);
});

test('errors come several at once, the first 100 listed and the rest counted; NUL is refused by line', async () => {
  const bad = Array.from({ length: 130 }, (_, i) => `1234567890,RXX,110,${addDays(today, -5 - i)},,,,,,`);
  const res = await load([HEADER, ...bad, row('9990000107', 'Nul\u0000l')].join('\n'));
  assert.equal(res.statusCode, 422);
  const body = res.json();
  assert.equal(body.errors.length, 100);
  assert.equal(body.errors[0].field, 'line 2');
  assert.match(body.detail, /131 problems \(nothing was imported\)\. The first 100 are listed; 31 more are not\./);
});

test('a dry run previews what the import would add and leave, with its errors, and changes nothing', async () => {
  const csv = [HEADER, row('9990000115'), row('9990000123'), row('9990000115')].join('\n');
  const before = await count();
  const preview = await app.inject({ method: 'POST', url: '/api/v1/pathways/import?dryRun=true', headers: { authorization: `Bearer ${tokens.rxx}`, 'content-type': 'text/csv' }, payload: csv });
  assert.equal(preview.statusCode, 200, preview.body);
  // The same row twice in one file is added once.
  assert.deepEqual({ ...(preview.json() as object), warnings: [] }, { dryRun: true, rows: 3, imported: 2, skipped: 1, errors: [], errorsNotShown: 0, warnings: [], warningsNotShown: 0 });
  assert.equal(await count(), before);
  assert.equal((await load(csv)).json().imported, 2);
  const again = await app.inject({ method: 'POST', url: '/api/v1/pathways/import?dryRun=true', headers: { authorization: `Bearer ${tokens.rxx}`, 'content-type': 'text/csv' }, payload: `${csv}\n${row('9990000131')}\nnot,a,row` });
  assert.equal(again.statusCode, 200);
  assert.deepEqual([again.json().imported, again.json().skipped, [...new Set(again.json().errors.map((e: { line: number }) => e.line))]], [1, 3, [6]]);
  assert.equal(await count(), before + 2);
  const wrong = await app.inject({ method: 'POST', url: '/api/v1/pathways/import?dryRun=yes', headers: { authorization: `Bearer ${tokens.rxx}`, 'content-type': 'text/csv' }, payload: csv });
  assert.equal(wrong.statusCode, 400);
});

test('a list streams in: thousands of rows over many batches load whole; a body over the import limit is a 413 and loads nothing', async () => {
  const n = 1500;
  let nhs = 0;
  async function* stream() {
    yield `${HEADER}\n`;
    for (let i = 0; i < n; i++) {
      // Valid NHS numbers from 9000000009 upwards, one per row.
      for (;;) {
        const candidate = String(9_100_000_000 + nhs++);
        const digits = [...candidate].map(Number);
        const check = 11 - (digits.slice(0, 9).reduce((sum, d, j) => sum + d * (10 - j), 0) % 11);
        if ((check === 11 ? 0 : check) === digits[9]) {
          yield `${row(candidate, `"Row\n${i}"`)}\n`;
          break;
        }
      }
    }
  }
  const before = await count();
  const res = await app.inject({ method: 'POST', url: '/api/v1/pathways/import', headers: { authorization: `Bearer ${tokens.rxx}`, 'content-type': 'text/csv' }, payload: Readable.from(stream()) });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().imported, n);
  assert.equal(await count(), before + n);

  const small = await buildApp({ config: { ...testConfig(), importBodyLimitBytes: 4096 }, database, logger: false });
  try {
    const big = await small.inject({ method: 'POST', url: '/api/v1/pathways/import', headers: { authorization: `Bearer ${tokens.rxx}`, 'content-type': 'text/csv' }, payload: [HEADER, ...Array.from({ length: 100 }, (_, i) => row('9990000158', 'X', 10 + i))].join('\n') });
    assert.equal(big.statusCode, 413, big.body);
    assert.match(big.json().detail, /nothing was imported/);
    assert.equal(await count(), before + n);
  } finally {
    await small.close();
  }
});

test('300,000 rows stream through in bounded memory: what the process holds grows far less than the body', { timeout: 180_000 }, async (t) => {
  // Rows for another provider: every one is read, parsed and checked, none written, so this measures the reading.
  // Sent over real HTTP (app.inject would buffer the body), and measured after a full collection each time, so
  // that garbage not yet collected does not count: what the process holds, on the heap and in buffers.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const held = () => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const rows = 300_000;
  const line = `9990000034,RYY,110,${addDays(today, -100)},,1960-05-01,LS1 4AP,Someone,"With a, comma",\n`;
  let bytes = 0;
  let peak = 0;
  async function* body() {
    yield `${HEADER}\n`;
    for (let i = 1; i <= rows / 1000; i++) {
      const chunk = line.repeat(1000);
      bytes += chunk.length;
      if (i % 30 === 0) peak = Math.max(peak, held());
      yield chunk;
    }
  }
  const start = held();
  const address = new URL(await app.listen({ port: 0, host: '127.0.0.1' }));
  // node:http with pipeline keeps to the socket's pace, as a real client's network does: fetch would queue the body
  // in this process faster than the server reads it, and that would be measured too.
  const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request({ host: address.hostname, port: address.port, path: '/api/v1/pathways/import', method: 'POST', headers: { authorization: `Bearer ${tokens.rxx}`, 'content-type': 'text/csv' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    pipeline(Readable.from(body()), req).catch(reject);
  });
  assert.equal(answer.status, 422, answer.text);
  assert.match((JSON.parse(answer.text) as { detail: string }).detail, /300000 problems/);
  assert.ok(bytes > 20_000_000, `body ${bytes}`);
  const growth = peak - start;
  t.diagnostic(`body ${Math.round(bytes / 1e6)} MB; the process held at most ${Math.round(growth / 1e6)} MB more while reading it`);
  assert.ok(growth < bytes / 4, `the process held ${Math.round(growth / 1e6)} MB more for a ${Math.round(bytes / 1e6)} MB body`);
});

test('a provider\'s import naming a practice: the practice sees the pathway marked "Reported by" the provider, never as its own referral, and acts on none of it', async () => {
  await createOrganisation(database, 'GP2', 'GP Two', 'GP_PRACTICE');
  tokens.gp2 = (await issueToken(database.db, await createAccount(database, 'gp2', 'referrer', 'GP2'), 'api')).token;
  const res = await load([HEADER, `9990000166,RXX,110,${addDays(today, -200)},,1950-03-03,LS1 4AP,Rita,Reported,GP1`].join('\n'));
  assert.equal(res.statusCode, 201, res.body);
  const { ubrn } = await database.db.selectFrom('referral').select('ubrn').where('patient_nhs_number', '=', '9990000166').executeTakeFirstOrThrow();
  const asGp = (url: string, who = 'gp', method: 'GET' | 'POST' = 'GET', payload?: object) => app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });

  const referral = (await asGp(`/api/v1/referrals/${ubrn}`)).json();
  assert.deepEqual(
    [referral.referringOrganisation.odsCode, referral.registeredPractice, referral.registeredPracticeSource, referral.registeredPracticeReportedBy],
    ['RXX', { odsCode: 'GP1', name: 'GP One' }, 'REPORTED_BY_PROVIDER', { odsCode: 'RXX', name: referral.registeredPracticeReportedBy.name }],
  );
  const item = (await asGp(`/api/v1/referrals?q=9990000166`)).json().referrals;
  assert.deepEqual(item.map((i: { ubrn: string; reportedBy: { odsCode: string } | null }) => [i.ubrn, i.reportedBy?.odsCode]), [[ubrn, 'RXX']]);
  // Another practice sees nothing of it; the provider sees it as its own, with nothing "reported" to it.
  assert.equal((await asGp(`/api/v1/referrals/${ubrn}`, 'gp2')).statusCode, 404);
  assert.equal((await asGp(`/api/v1/referrals?q=9990000166`, 'gp2')).json().total, 0);
  assert.equal((await asGp(`/api/v1/referrals?q=9990000166`, 'rxx')).json().referrals[0].reportedBy, null);
  // Reading is all: moving the patient, or asking for the alternatives to move to, is not the practice's to do.
  assert.equal((await asGp(`/api/v1/referrals/${ubrn}/alternatives`)).statusCode, 404);
  assert.equal((await asGp(`/api/v1/referrals/${ubrn}/alternatives`, 'gp', 'POST', { serviceId: 'S1-110' })).statusCode, 404);

  const page = await staffSession(app, database, 'gp');
  const html = (await page.get(`/referrals/${ubrn}`)).body;
  assert.match(html, /id="reported-by"[\s\S]*Reported by /);
  assert.match(html, /This practice did not make this referral/);
  assert.doesNotMatch(html, /id="re-refer"|id="close-referral"|\/book"/);
  const list = (await page.get('/referrals?q=9990000166')).body;
  assert.match(list, new RegExp(`id="reported-${ubrn}"[^>]*>Reported by `));
});

test('an import\'s choice facts are refreshed once, set-based, at its end, and equal a full recount; a dry run leaves none', async () => {
  const db = database.db;
  // Counts the writes to the monthly rollup: row by row (the triggers of migration 019), each pathway imported was one.
  await database.pool.query(`create table test_rollup_writes (n integer not null); insert into test_rollup_writes values (0);
    create function test_count_rollup_write() returns trigger language plpgsql as $$ begin update test_rollup_writes set n = n + 1; return null; end $$;
    create trigger test_count_rollup_write after insert or update on choice_rollup for each row execute function test_count_rollup_write();`);
  const writes = async () => (await sql<{ n: number }>`select n from test_rollup_writes`.execute(db)).rows[0]!.n;
  try {
    assert.deepEqual(await choiceRecountDifferences(db), NO_DIFFERENCES, 'before');
    // Practices and none, two clock starts: more than one rollup key; one row already loaded, left as it is.
    const numbers = Array.from({ length: 80 }, (_, i) => String(920_000_000 + i)).flatMap((nine) => {
      const check = nhsNumberCheckDigit(nine)!;
      return check === 10 ? [] : [`${nine}${check}`];
    }).slice(0, 60);
    const csv = [HEADER, row('9990000034', 'Again', 100), ...numbers.map((nhs, i) =>
      `${nhs},RXX,110,${addDays(today, -10 - (i % 2) * 200)},,1970-02-02,LS1 4AP,Fay,Fact,${i % 3 === 0 ? 'GP1' : ''}`)].join('\n');
    assert.equal((await load([HEADER, row('9990000034', 'Again', 100)].join('\n'))).statusCode, 201);
    const facts = async () => Number((await db.selectFrom('choice_fact').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const [factsBefore, writesBefore] = [await facts(), await writes()];

    const preview = await app.inject({ method: 'POST', url: '/api/v1/pathways/import?dryRun=true', headers: { authorization: `Bearer ${tokens.rxx}`, 'content-type': 'text/csv' }, payload: csv });
    assert.equal(preview.statusCode, 200, preview.body);
    assert.deepEqual([await facts(), await writes()], [factsBefore, writesBefore], 'a dry run rolls its facts back');

    const res = await load(csv);
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual([res.json().imported, res.json().skipped], [60, 1]);
    assert.equal(await facts(), factsBefore + 60);
    const keys = (await sql<{ n: number }>`select count(distinct (icb_code, month, practice_ods_code, referral_centre_ods_code, provider_ods_code, specialty_code))::int as n
      from choice_fact_counts where ubrn in (select ubrn from referral where patient_given_name = 'Fay')`.execute(db)).rows[0]!.n;
    assert.ok(keys > 1 && keys < 60, `${keys} keys`);
    assert.equal(await writes() - writesBefore, keys, 'one write to the rollup for each key the import touched, not one for each pathway');
    assert.deepEqual(await choiceRecountDifferences(db), NO_DIFFERENCES, 'after');
  } finally {
    await database.pool.query('drop trigger test_count_rollup_write on choice_rollup; drop function test_count_rollup_write(); drop table test_rollup_writes');
  }
});


test('a row sent again in a later batch of the same file is left as it is: the batch\'s query sees what the import wrote before it', async () => {
  const again = row('9990000174', 'Twice', 30);
  // Straight to the import, chunk by chunk (an injected request body may come as one): the reader hands a chunk's
  // records over by the next chunk at the latest, so rows between keep the two sendings in different batches.
  async function* twoBatches() {
    yield `${HEADER}\n${again}\n`;
    for (const nhs of ['9990000182', '9990000190', '9990000204']) yield `${row(nhs, 'Between', 30)}\n`;
    yield `${again}\n`;
  }
  const { id } = await database.db.selectFrom('account').select('id').where('username', '=', 'rxx').executeTakeFirstOrThrow();
  const report = await importWaitingList(database, twoBatches(), { accountId: Number(id), onlyProvider: 'RXX', accessCodeSecret: testConfig().accessCodeSecret, travelCostPencePerMile: 45 });
  assert.deepEqual([report.imported, report.skipped, report.errors], [4, 1, []]);
  assert.equal(Number((await database.db.selectFrom('referral').select((eb) => eb.fn.countAll<number>().as('n')).where('patient_nhs_number', '=', '9990000174').executeTakeFirstOrThrow()).n), 1);
});
