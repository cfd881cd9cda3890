// Who saw what: each way of reading a patient's record writes its row (who, whose, why), the table refuses
// changes, the search admits an administrator and the patient's own provider but not another provider, the patient
// sees who looked, and a failed audit write never costs the reader their answer.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildApp } from '../app.ts';
import { DEMO_PASSWORD } from '../auth/demo-accounts.ts';
import { processMetrics } from '../http/metrics.ts';
import { readAuditFailures, readAuditSettled, registerReadAudit } from '../http/read-audit.ts';
import { purgeReadAudit } from '../jobs/purge.ts';
import { LocalLogSender } from '../messages/local-log-sender.ts';
import { sendPendingMessages } from '../messages/send-pending.ts';
import { testConfig } from '../testing/database.ts';
import { patientSession, staffSession } from '../testing/page-session.ts';
import { referThroughApi, startDemoApp, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let ubrn: string;
const NHS = '9990000018';
const tokens = new Map<string, string>();
const api = (username: string, url: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens.get(username)}` } });
const rowsSince = async (id: string) => {
  await readAuditSettled(t.app);
  return t.database.db.selectFrom('patient_read_audit').selectAll().where('id', '>', id).orderBy('id').execute();
};
const lastId = async () => (await t.database.db.selectFrom('patient_read_audit').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst())?.id ?? '0';

before(async () => {
  t = await startDemoApp('read-audit');
  for (const username of ['demo-referrer', 'demo-provider', 'demo-provider-2', 'demo-admin']) {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username, password: DEMO_PASSWORD } });
    tokens.set(username, res.json().token);
  }
  // Shortlists RR8 (demo-provider), not RWY (demo-provider-2).
  ({ ubrn } = await referThroughApi(t.app, { familyName: 'Auditson' }, ['RR813-110']));
});
after(() => t.close());

test('the API: one referral read records who, their organisation, whose referral and the route', async () => {
  const from = await lastId();
  const res = await api('demo-provider', `/api/v1/referrals/${ubrn}`);
  assert.equal(res.statusCode, 200, res.body);
  const rows = await rowsSince(from);
  assert.equal(rows.length, 1);
  const [row] = rows;
  assert.equal(row!.ubrn, ubrn);
  assert.equal(row!.nhs_number, NHS);
  assert.equal(row!.username, 'demo-provider');
  assert.equal(row!.role, 'provider');
  assert.equal(row!.organisation_ods_code, 'RR8');
  assert.equal(row!.route, 'GET /api/v1/referrals/:ubrn');
  // A refused read reads nothing, and records nothing.
  const refused = await api('demo-provider-2', `/api/v1/referrals/${ubrn}`);
  assert.equal(refused.statusCode, 404);
  assert.equal((await rowsSince(row!.id)).length, 0);
});

test('an API worklist records one row per patient shown, in one request', async () => {
  const from = await lastId();
  const res = await api('demo-referrer', '/api/v1/referrals?limit=20');
  assert.equal(res.statusCode, 200, res.body);
  const shown = res.json().referrals.map((r: { ubrn: string }) => r.ubrn);
  assert.ok(shown.length > 1);
  const rows = await rowsSince(from);
  assert.deepEqual(rows.map((r) => r.ubrn).sort(), [...shown].sort());
  assert.ok(rows.every((r) => r.route === 'GET /api/v1/referrals' && r.username === 'demo-referrer' && r.request_id === rows[0]!.request_id));
});

test('pages: the referral page and the provider\'s worklist record their reads', async () => {
  const provider = await staffSession(t.app, t.database, 'demo-provider');
  let from = await lastId();
  assert.equal((await provider.get(`/provider/referrals/${ubrn}`)).statusCode, 200);
  let rows = await rowsSince(from);
  assert.deepEqual(rows.map((r) => [r.ubrn, r.route, r.role]), [[ubrn, 'GET /provider/referrals/:ubrn', 'provider']]);
  from = await lastId();
  const list = await provider.get('/provider/referrals/find');
  assert.equal(list.statusCode, 200);
  rows = await rowsSince(from);
  assert.ok(rows.length > 1 && rows.some((r) => r.ubrn === ubrn), `${rows.length} rows`);
  // A row per referral shown, by its UBRN; with the NHS number where the page showed it (least data before choice:
  // a patient who has not chosen the provider is listed without it).
  assert.ok(rows.every((r) => r.route === 'GET /provider/referrals/find' && r.ubrn));
  assert.ok(rows.some((r) => r.nhs_number));
});

test('the patient\'s own pages and downloads record the patient\'s reads, and the patient sees who looked', async () => {
  const patient = await patientSession(t.app, t.database, ubrn);
  const from = await lastId();
  assert.equal((await patient.get('/manage')).statusCode, 200);
  const rows = await rowsSince(from);
  assert.deepEqual(rows.map((r) => [r.ubrn, r.role, r.account_id, r.route]), [[ubrn, 'patient', null, 'GET /manage']]);
  const page = await patient.get('/manage/who-has-looked');
  assert.equal(page.statusCode, 200);
  // Organisation and role, not the member of staff's username.
  assert.match(page.body, /Hospital or clinic \(the provider\)/);
  assert.doesNotMatch(page.body, /demo-provider/);
});

test('exports: the patient\'s calendar entry and printed confirmation record a read each', async () => {
  const { ubrn: booked, accessCode } = await referThroughApi(t.app, { familyName: 'Exported' }, ['RR801-110']);
  const slot = await t.database.db.selectFrom('slot').select('id').where('service_id', '=', 'RR801-110').where('starts_at', '>', new Date()).where('withdrawn_at', 'is', null).orderBy('starts_at').executeTakeFirstOrThrow();
  const token = (await t.app.inject({ method: 'POST', url: '/api/v1/patient/token', payload: { ubrn: booked, accessCode, dateOfBirth: '1970-01-31' } })).json().token;
  const made = await t.app.inject({ method: 'POST', url: `/api/v1/referrals/${booked}/appointment`, headers: { authorization: `Bearer ${token}`, 'idempotency-key': `audit-${booked}` }, payload: { slotId: slot.id } });
  assert.equal(made.statusCode, 201, made.body);
  const patient = await patientSession(t.app, t.database, booked);
  for (const url of ['/manage/appointment.ics', '/manage/booked/confirmation.pdf']) {
    const from = await lastId();
    const res = await patient.get(url);
    assert.equal(res.statusCode, 200, url);
    const rows = await rowsSince(from);
    assert.deepEqual(rows.map((r) => [r.ubrn, r.role, r.route]), [[booked, 'patient', `GET ${url}`]], url);
  }
});

test('the message log, in the API and on its page, records each patient it names', async () => {
  await sendPendingMessages(t.database.db, new LocalLogSender(t.database.db, 'http://localhost:3000'));
  let from = await lastId();
  const res = await api('demo-admin', '/api/v1/messages?limit=50');
  assert.equal(res.statusCode, 200);
  const named = new Set(res.json().messages.map((m: { ubrn: string }) => m.ubrn));
  assert.ok(named.has(ubrn), 'the referral letter at least');
  assert.deepEqual(new Set((await rowsSince(from)).map((r) => r.ubrn)), named);
  from = await lastId();
  assert.equal((await (await staffSession(t.app, t.database, 'demo-admin')).get('/admin/messages')).statusCode, 200);
  const rows = await rowsSince(from);
  assert.ok(rows.some((r) => r.ubrn === ubrn) && rows.every((r) => r.route === 'GET /admin/messages' && r.role === 'admin'));
});

test('the table is append-only: UPDATE, DELETE and TRUNCATE are refused, the purge keeps at least six years', async () => {
  const db = t.database.db;
  await assert.rejects(db.updateTable('patient_read_audit').set({ username: 'someone-else' }).execute(), /append-only/);
  await assert.rejects(db.deleteFrom('patient_read_audit').execute(), /append-only/);
  await assert.rejects(t.database.pool.query('truncate patient_read_audit'), /append-only/);
  await assert.rejects(t.database.pool.query("select purge_patient_read_audit(interval '1 year')"), /at least six years/);
  // Setting the purge's switches by hand still cannot delete a recent row.
  const client = await t.database.pool.connect();
  try {
    await client.query('begin');
    await client.query("select set_config('openchoice.read_audit_purge', 'on', true), set_config('openchoice.read_audit_keep', '0', true)");
    await assert.rejects(client.query('delete from patient_read_audit'), /append-only/);
  } finally {
    await client.query('rollback');
    client.release();
  }
  // The daily job's purge: nothing here is eight years old.
  assert.deepEqual(await purgeReadAudit(db, 8), { readAuditRows: 0 });
  assert.ok(Number((await db.selectFrom('patient_read_audit').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n) > 0);
});

test('search: an administrator and the patient\'s provider find the reads; another provider finds none', async () => {
  const admin = await api('demo-admin', `/api/v1/audit/reads?nhsNumber=${NHS}`);
  assert.equal(admin.statusCode, 200, admin.body);
  assert.ok(admin.json().reads.some((r: { ubrn: string; username: string }) => r.ubrn === ubrn && r.username === 'demo-provider'));
  const own = await api('demo-provider', `/api/v1/audit/reads?ubrn=${ubrn}`);
  assert.equal(own.statusCode, 200);
  assert.ok(own.json().total > 0);
  const other = await api('demo-provider-2', `/api/v1/audit/reads?ubrn=${ubrn}`);
  assert.equal(other.statusCode, 200);
  assert.deepEqual(other.json(), { reads: [], total: 0 });
  assert.equal((await api('demo-provider', '/api/v1/audit/reads')).statusCode, 400, 'a provider must name the patient');
  assert.equal((await api('demo-referrer', `/api/v1/audit/reads?ubrn=${ubrn}`)).statusCode, 403);
  assert.equal((await api('demo-admin', '/api/v1/audit/reads?from=2026-13-45')).statusCode, 400);
  const page = await (await staffSession(t.app, t.database, 'demo-provider-2')).get(`/audit/reads?ubrn=${ubrn}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /0 reads/);
  const bad = await (await staffSession(t.app, t.database, 'demo-admin')).get('/audit/reads?nhsNumber=123');
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /There is a problem[\s\S]*Enter a valid 10-digit NHS number/);
});

test('a failed audit write keeps the answer, and is logged as a security event and counted', async () => {
  const lines: string[] = [];
  const { createLogger } = await import('../http/logging.ts');
  const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
  const app = await buildApp({ config: testConfig(), database: t.database, logger });
  // A second audit hook that fails, as a full disk or a lost connection would, beside the app's own.
  registerReadAudit(app, t.database.db, { insert: async () => { throw Object.assign(new Error('disk full'), { code: '53100' }); } });
  try {
    const failures = readAuditFailures.count;
    const res = await app.inject({ method: 'GET', url: `/api/v1/referrals/${ubrn}`, headers: { authorization: `Bearer ${tokens.get('demo-provider')}` } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().ubrn, ubrn);
    await readAuditSettled(app);
    assert.equal(readAuditFailures.count, failures + 1);
    assert.match(await processMetrics.metrics(), new RegExp(`^openchoice_read_audit_write_failures_total ${failures + 1}$`, 'm'), 'operators see it on /metrics');
    const event = lines.map((l) => JSON.parse(l)).find((l) => l.kind === 'read-audit-not-written');
    assert.ok(event, lines.join('\n'));
    assert.equal(event.event, 'security');
    assert.equal(event.code, '53100');
    assert.doesNotMatch(JSON.stringify(event), new RegExp(`${ubrn}|${NHS}`));
  } finally {
    await app.close();
  }
});
