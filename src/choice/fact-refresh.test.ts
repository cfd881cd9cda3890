// The set-based refresh a bulk writer runs at the end of its transaction (src/choice/fact-refresh.ts): after it, the
// facts and every rollup are what a full recount gives, for referrals changed (not only made), flows moved and
// emptied included; while deferred, the triggers stay out of it, and once refreshed they are back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { choiceRecountDifferences, NO_DIFFERENCES } from '../testing/choice-recount.ts';
import { openDemoTestDatabase, type TestDatabase } from '../testing/database.ts';
import { deferChoiceFacts } from './fact-refresh.ts';

let database: TestDatabase;
before(async () => { database = await openDemoTestDatabase('fact-refresh'); });
after(() => database.drop());

test('referrals changed with the facts deferred: the refresh leaves the facts, both rollups and the flows as a full recount gives them', async () => {
  const db = database.db;
  assert.deepEqual(await choiceRecountDifferences(db), NO_DIFFERENCES, 'the demo as loaded');
  // Referrals of the demo history made by a practice, each moved to another practice of its ICB (as if recorded
  // against the wrong one): their facts, monthly rollup keys and flows move; those alone in their flow empty it.
  const movable = async (alone: boolean) => (await sql<{ ubrn: string; practice: string }>`
    select f.ubrn, other.ods_code as practice
    from choice_fact f
    join referral r on r.ubrn = f.ubrn and r.referring_organisation_ods_code = f.practice_ods_code
    join choice_flow_week w on (w.icb_code, w.week, w.practice_ods_code, w.specialty_code, w.provider_ods_code)
      = (f.icb_code, date_trunc('week', f.made_on)::date, f.practice_ods_code, f.specialty_code, f.provider_ods_code)
    cross join lateral (select o.ods_code from organisation o where o.kind = 'GP_PRACTICE' and o.icb_code = f.icb_code
      and o.ods_code <> f.practice_ods_code order by o.ods_code limit 1) other
    where f.source = 'REFERRAL' and (w.referrals = 1) = ${alone}
    order by f.ubrn limit 150`.execute(db)).rows;
  const moves = [...await movable(true), ...await movable(false)];
  assert.equal(moves.length, 300, 'moves that empty a flow and moves that do not');
  const ubrns = moves.map((m) => m.ubrn);
  const factsOf = async (q: typeof db) => (await q.selectFrom('choice_fact').select(['ubrn', 'practice_ods_code', 'patient_chose']).where('ubrn', 'in', ubrns).orderBy('ubrn').execute());
  const before = await factsOf(db);

  await db.transaction().execute(async (trx) => {
    const facts = await deferChoiceFacts(trx);
    await sql`update referral r set referring_organisation_ods_code = m.practice, patient_chose = true
      from json_to_recordset(${JSON.stringify(moves)}::json) as m(ubrn text, practice text) where r.ubrn = m.ubrn`.execute(trx);
    assert.deepEqual(await factsOf(trx), before, 'deferred: the triggers leave the facts as they were');
    await facts.note(ubrns);
    await facts.note(ubrns.slice(0, 10)); // named twice, refreshed once
    assert.equal(await facts.refresh(), moves.length);
    // Refreshed: the deferral is over, and the row triggers keep the facts again for the rest of the transaction.
    await trx.updateTable('referral').set({ patient_chose: false }).where('ubrn', '=', ubrns[0]!).execute();
    assert.equal((await trx.selectFrom('choice_fact').select('patient_chose').where('ubrn', '=', ubrns[0]!).executeTakeFirstOrThrow()).patient_chose, false);
  });

  const after = await factsOf(db);
  assert.deepEqual(after.map((f) => f.practice_ods_code), [...moves].sort((a, b) => (a.ubrn < b.ubrn ? -1 : 1)).map((m) => m.practice), 'every fact moved with its referral');
  assert.equal(after.filter((f) => f.patient_chose).length, moves.length - 1);
  assert.deepEqual(await choiceRecountDifferences(db), NO_DIFFERENCES, 'after the refresh');
});
