// The detector's counts read from the weekly flows (migration 031) and the partial weeks at either end equal the
// facts counted afresh, for any period, and the flows follow a referral that moves to another provider.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import { openDemoTestDatabase, type TestDatabase } from '../testing/database.ts';
import { summarise } from './detect.ts';
import { loadSummary, patternsFor } from './service.ts';
import { type PlantedHistory, plantPatternHistory } from './test-history.ts';

let database: TestDatabase;
let h: PlantedHistory;
before(async () => {
  database = await openDemoTestDatabase('patterns_flows');
  h = await plantPatternHistory(database.db);
});
after(() => database.drop());

const icb = { odsCode: 'QWO', name: 'NHS West Yorkshire ICB' };
const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

async function afresh(from: string, to: string) {
  const rows = await database.db.selectFrom('choice_fact').select(['practice_ods_code', 'specialty_code', 'provider_ods_code', 'made_on'])
    .where('icb_code', '=', 'QWO').where('source', '=', 'REFERRAL').where('practice_ods_code', 'is not', null).where('provider_ods_code', 'is not', null)
    .where('made_on', '>=', from).where('made_on', '<=', to).execute();
  return summarise(rows.map((r) => ({ practice: r.practice_ods_code!, specialty: r.specialty_code, provider: r.provider_ods_code!, madeOn: r.made_on })), from, to);
}

const plain = (s: Awaited<ReturnType<typeof afresh>>) => JSON.stringify(s, (_k, v) => (v instanceof Map ? [...v].sort(([a], [b]) => (a < b ? -1 : 1)) : v));

test('any period reads the same from the weekly flows and partial weeks as straight from the facts', async () => {
  await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 200 }), async (a, b) => {
    const from = day(Math.max(a, b));
    const to = day(Math.min(a, b));
    const period = { from, to };
    assert.equal(plain(await loadSummary(database.db, icb, period)), plain(await afresh(from, to)), `${from}..${to}`);
  }), { numRuns: 30 });
});

test('the flows follow a referral that moves to another provider, and keep no empty flow', async () => {
  const db = database.db;
  const moved = await db.selectFrom('choice_fact').select('ubrn').where('practice_ods_code', '=', h.practice).where('provider_ods_code', '=', h.planted).limit(1).executeTakeFirstOrThrow();
  const other = await db.selectFrom('service').select('id').where('provider_ods_code', '=', h.usual).where('specialty_code', '=', h.specialty).limit(1).executeTakeFirstOrThrow();
  await db.updateTable('referral').set({ current_service_id: other.id }).where('ubrn', '=', moved.ubrn).execute();
  const fact = await db.selectFrom('choice_fact').select('provider_ods_code').where('ubrn', '=', moved.ubrn).executeTakeFirstOrThrow();
  assert.equal(fact.provider_ods_code, h.usual, 'the fact moved with the referral');
  const diff = await sql<{ n: number }>`
    with fresh as (select icb_code, date_trunc('week', made_on)::date week, practice_ods_code, specialty_code, provider_ods_code, count(*)::int referrals
      from choice_fact where source = 'REFERRAL' and icb_code is not null and practice_ods_code is not null and provider_ods_code is not null group by 1, 2, 3, 4, 5),
    kept as (select icb_code, week, practice_ods_code, specialty_code, provider_ods_code, referrals from choice_flow_week)
    select count(*)::int n from ((select * from fresh except all select * from kept) union all (select * from kept except all select * from fresh)) d`.execute(db);
  assert.equal(diff.rows[0]!.n, 0, 'the kept flows equal the facts counted afresh');
  const empty = await sql<{ n: number }>`select count(*)::int n from choice_flow_week where referrals = 0`.execute(db);
  assert.equal(empty.rows[0]!.n, 0, 'no empty flow is kept');
});

test('a list limited to the most unusual steady patterns keeps every pattern that moved, and counts the rest', async () => {
  const staff = { kind: 'staff', accountId: 0, username: 'test', displayName: 'Test', role: 'commissioner', organisation: { odsCode: 'QWO', name: 'NHS West Yorkshire ICB' } } as const;
  const all = await patternsFor(database.db, staff, {});
  const steady = all.flagged.filter((f) => !f.changed);
  assert.equal(all.steadyCount, steady.length);
  assert.ok(steady.length > 0, 'the demo history has practices that differ throughout (for where they are)');
  assert.ok(all.flagged.some((f) => f.changed), 'the planted move is among them');
  const none = await patternsFor(database.db, staff, {}, { steadyShown: 0 });
  assert.deepEqual(none.flagged.map((f) => f.key), all.flagged.filter((f) => f.changed).map((f) => f.key));
  assert.equal(none.steadyCount, all.steadyCount);
  assert.ok(none.workedOutAt.getTime() <= Date.now());
});
