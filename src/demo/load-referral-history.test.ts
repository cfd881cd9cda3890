import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { aggregate, type MetricsFilter, sharesOf } from '../choice/metrics.ts';
import { openDemoTestDatabase, type TestDatabase } from '../testing/database.ts';
import { ensureDemoReferralHistory, readHistoryInputs } from './load-referral-history.ts';
import { generateReferralHistory, historyCalendar, type HistoryReferral, PLANTED_PATTERNS } from './referral-history.ts';

// The demo template loads the history as `npm start` does (src/demo/demo-data-set.ts), as of the day it is built.
let database: TestDatabase;
let expected: HistoryReferral[];
const now = new Date();
const cal = historyCalendar(now);
const icb = { odsCode: 'QWO', name: 'NHS West Yorkshire Integrated Care Board' };
const year = (extra: Partial<MetricsFilter> = {}): MetricsFilter => ({ icb, from: cal.from, to: cal.to, ...extra });

before(async () => {
  database = await openDemoTestDatabase('history');
  expected = [...generateReferralHistory((await readHistoryInputs(database.db, now))!)];
});
after(() => database?.close());

test('the demo data set holds the year of history: the ICB\'s figures are the generated ones and the practices add up', async () => {
  assert.ok(expected.length > 15_000 && expected.length < 20_000, `the stated volume: ${expected.length}`);
  const m = await aggregate(database.db, year(), ['icb', 'practice', 'provider', 'month']);
  const total = m.get('icb')!.find((g) => g.key === 'QWO')!.counts;
  const count = (f: (h: HistoryReferral) => boolean) => expected.filter(f).length;
  assert.equal(total.referrals, expected.length);
  assert.equal(total.offeredAtLeast5, count((h) => h.referral.options_offered >= 5));
  assert.equal(total.bookedByPatient, count((h) => h.appointment.booked_by_patient && h.appointment.cancelled_at === null));
  assert.equal(total.appointmentSlotIssues, count((h) => h.events.some((e) => e.to_status === 'DEFERRED_TO_PROVIDER')));
  assert.equal(total.rejected, count((h) => h.referral.status === 'REJECTED'));
  assert.equal(total.electronic, count((h) => h.referral.received_via === 'ELECTRONIC'));
  assert.equal(total.patientChoseProvider, count((h) => h.referral.patient_chose));
  assert.equal(total.fewerThan5.REFERRER_CHOSE, count((h) => h.referral.fewer_options_code === 'REFERRER_CHOSE'));
  for (const g of ['practice', 'provider', 'month'] as const) assert.equal(m.get(g)!.reduce((n, x) => n + x.counts.referrals, 0), total.referrals, `${g}s add up to the ICB`);
  assert.equal(m.get('month')!.length >= 12, true);
  assert.ok(!m.get('practice')!.some((g) => g.key === 'B86025'), 'the demo referrer\'s practice makes none of the history');
  const centre = (await aggregate(database.db, year(), ['referral-centre'])).get('referral-centre')!.find((g) => g.key === 'DEMO-RMC')!;
  assert.equal(centre.counts.referrals, count((h) => h.triage !== null));
});

test('the planted patterns are in the database: the practice\'s orthopaedics to the named provider, and the stretch of short shortlists', async () => {
  const a = PLANTED_PATTERNS.orthopaedics;
  const shareTo = async (from: string, to: string) => {
    const groups = (await aggregate(database.db, year({ from, to, practice: a.practice, specialty: a.specialty }), ['provider'])).get('provider')!;
    const all = groups.reduce((n, g) => n + g.counts.referrals, 0);
    return { all, share: (groups.find((g) => g.key === a.provider)?.counts.referrals ?? 0) / all };
  };
  const afterMonth = await shareTo(cal.orthopaedicsFrom, cal.to);
  const beforeMonth = await shareTo(cal.from, addDaysIso(cal.orthopaedicsFrom, -1));
  assert.ok(afterMonth.all >= 15, `enough referrals to see: ${afterMonth.all}`);
  assert.ok(afterMonth.share >= 0.5, `after: ${afterMonth.share}`);
  assert.ok(beforeMonth.share <= 0.15, `before: ${beforeMonth.share}`);

  const weeks = (await aggregate(database.db, year(), ['week'])).get('week')!;
  const fivePlus = (inStretch: boolean) => {
    const c = weeks.filter((w) => (w.key! >= cal.fewerOptionsFrom && w.key! <= cal.fewerOptionsTo) === inStretch).map((w) => w.counts);
    return sharesOf({ ...c[0]!, offeredAtLeast5: c.reduce((n, x) => n + x.offeredAtLeast5, 0), withOptions: c.reduce((n, x) => n + x.withOptions, 0) }).offeredAtLeast5;
  };
  const stretch = fivePlus(true);
  const rest = fivePlus(false);
  assert.equal(weeks.filter((w) => w.key! >= cal.fewerOptionsFrom && w.key! <= cal.fewerOptionsTo).length, PLANTED_PATTERNS.fewerOptions.weeks);
  assert.ok(stretch.high! < rest.low!, `at least 5 options: ${stretch.value} in the stretch against ${rest.value}`);
});

test('the history is in the past and leaves nothing to do: no past slot free, nothing on a worklist', async () => {
  const free = await sql<{ n: string }>`
    select count(*)::text as n from slot s where s.starts_at < now() and s.withdrawn_at is null
      and not exists (select 1 from appointment a where a.slot_id = s.id and a.cancelled_at is null)`.execute(database.db);
  assert.equal(free.rows[0]!.n, '0');
  const open = await sql<{ status: string }>`select distinct status from referral where ubrn like '0%'`.execute(database.db);
  assert.deepEqual(open.rows.map((r) => r.status).sort(), ['ACCEPTED', 'REJECTED']);
  const awaiting = await database.db.selectFrom('referral_triage').select('ubrn').where('ubrn', 'like', '0%').where('outcome', 'is', null).execute();
  assert.equal(awaiting.length, 0);
});

test('loading again changes nothing', async () => {
  const before = await database.db.selectFrom('referral').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  assert.deepEqual(await ensureDemoReferralHistory(database, now), { referrals: 0, facts: 0, ms: 0 });
  const after = await database.db.selectFrom('referral').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  assert.equal(after.n, before.n);
});

test('a load cut short (a crash, a stop during the background load) is resumed at the next start, to the same history', async () => {
  const { db } = database;
  const before = await aggregate(db, year(), ['icb', 'month']);
  // As a load stopped half-way leaves it: the first half written, no record that it finished.
  const lost = expected.slice(Math.floor(expected.length / 2)).map((h) => h.referral.ubrn);
  await sql`delete from import_run where kind = 'demo-referral-history' and report->>'complete' = 'true'`.execute(db);
  await sql`create temporary table lost_slot as select slot_id from appointment where ubrn = any(${lost})`.execute(db);
  await sql`delete from appointment where ubrn = any(${lost})`.execute(db);
  await sql`delete from slot where id in (select slot_id from lost_slot)`.execute(db);
  await sql`delete from referral_triage where ubrn = any(${lost})`.execute(db);
  await sql`delete from referral where ubrn = any(${lost})`.execute(db);
  await sql`drop table lost_slot`.execute(db);

  // A later start, days on: the history is still the one of the day it began.
  const report = await ensureDemoReferralHistory(database, new Date(now.getTime() + 3 * 86_400_000));
  assert.equal(report.referrals, lost.length, 'only what was missing is written');
  const count = await sql<{ n: string }>`select count(*)::text as n from referral where ubrn like '0%'`.execute(db);
  assert.equal(Number(count.rows[0]!.n), expected.length);
  assert.deepEqual(await aggregate(db, year(), ['icb', 'month']), before, 'the commissioner\'s figures are those of a load in one go');
  assert.deepEqual(await ensureDemoReferralHistory(database, now), { referrals: 0, facts: 0, ms: 0 }, 'and it is complete now');
});

function addDaysIso(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
