import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { londonDate } from '../domain/dates.ts';
import { addDays, asiWindowFrom } from '../domain/listing-upkeep.ts';
import { openDemoTestDatabase, type TestDatabase } from '../testing/database.ts';
import { DEMO_NO_SLOTS, DEMO_STALE_OWN_WAIT, DEMO_STALE_RTT_WAIT } from './demo-upkeep.ts';
import { evaluateListings } from './evaluate.ts';

let d: TestDatabase;
before(async () => { d = await openDemoTestDatabase('listing-upkeep-job'); });
after(() => d.close());

const openFlags = () => d.db.selectFrom('listing_flag').selectAll().where('cleared_at', 'is', null).orderBy('service_id').orderBy('flag').execute();
const later = (minutes: number) => new Date(Date.now() + minutes * 60_000);

test('the demo data set opens exactly its three listings\' flags, and a second run the same day opens and clears nothing', async () => {
  const first = await openFlags();
  assert.deepEqual(first.map((f) => `${f.service_id} ${f.flag}`), [`${DEMO_STALE_OWN_WAIT} STALE_WAIT`, `${DEMO_NO_SLOTS} NO_SLOTS`, `${DEMO_STALE_RTT_WAIT} STALE_WAIT`]);
  const now = later(1);
  const again = await evaluateListings(d.db, now);
  assert.equal(again.opened, 0);
  assert.equal(again.cleared, 0);
  assert.equal(again.kept, 3);
  assert.equal(again.listings, (await d.db.selectFrom('service').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const kept = await openFlags();
  assert.deepEqual(kept.map((f) => [f.id, f.first_flagged_at.getTime()]), first.map((f) => [f.id, f.first_flagged_at.getTime()]), 'same rows, same "since"');
  for (const f of kept) assert.equal(f.last_seen_at.getTime(), now.getTime());
  const thrice = await evaluateListings(d.db, later(2));
  assert.deepEqual([thrice.opened, thrice.cleared, thrice.kept], [0, 0, 3]);
});

test('a wait put right clears its flag; going stale again opens a new one and keeps the old as history', async () => {
  const today = londonDate();
  await d.db.updateTable('service').set({ indicative_wait_as_of: today }).where('id', '=', DEMO_STALE_OWN_WAIT).execute();
  const cleared = await evaluateListings(d.db, later(3));
  assert.equal(cleared.cleared, 1);
  assert.equal(cleared.opened, 0);
  const rows = await d.db.selectFrom('listing_flag').selectAll().where('service_id', '=', DEMO_STALE_OWN_WAIT).execute();
  assert.equal(rows.length, 1);
  assert.ok(rows[0]!.cleared_at, 'cleared, not deleted');
  // 42 days old is still fresh; 43 is stale.
  await d.db.updateTable('service').set({ indicative_wait_as_of: addDays(today, -42) }).where('id', '=', DEMO_STALE_OWN_WAIT).execute();
  assert.equal((await evaluateListings(d.db, later(4))).opened, 0);
  await d.db.updateTable('service').set({ indicative_wait_as_of: addDays(today, -43) }).where('id', '=', DEMO_STALE_OWN_WAIT).execute();
  assert.equal((await evaluateListings(d.db, later(5))).opened, 1);
  const history = await d.db.selectFrom('listing_flag').selectAll().where('service_id', '=', DEMO_STALE_OWN_WAIT).orderBy('id').execute();
  assert.equal(history.length, 2);
  assert.ok(history[0]!.cleared_at);
  assert.equal(history[1]!.cleared_at, null);
  assert.deepEqual((history[1]!.evidence as { ageDays: number }).ageDays, 43);
});

test('a withdrawn listing\'s flags clear: a listing off the directory needs no attention', async () => {
  await d.db.updateTable('service').set({ withdrawn_at: new Date(), active: false }).where('id', '=', DEMO_NO_SLOTS).execute();
  const r = await evaluateListings(d.db, later(6));
  assert.equal(r.cleared, 1);
  assert.ok(!(await openFlags()).some((f) => f.service_id === DEMO_NO_SLOTS));
  await d.db.updateTable('service').set({ withdrawn_at: null, active: true }).where('id', '=', DEMO_NO_SLOTS).execute();
  assert.equal((await evaluateListings(d.db, later(7))).opened, 1, 'listed again, still without slots');
});

test('slot issues: 3 deferrals of 3 referrals inside the 12 weeks flag the service; one a day before the window does not count', async () => {
  const service = 'RR813-110';
  const today = londonDate();
  const facts = await d.db.selectFrom('choice_fact').select('ubrn').orderBy('ubrn').limit(3).execute();
  assert.equal(facts.length, 3, 'the demo has at least 3 referrals\' facts');
  // The facts are the job's input; set them as three referrals deferred for want of a slot, the oldest on the window's first day.
  await d.db.updateTable('choice_fact').set({ source: 'REFERRAL', service_id: service, appointment_slot_issue: true, made_on: asiWindowFrom(today) })
    .where('ubrn', 'in', facts.map((f) => f.ubrn)).execute();
  await d.db.updateTable('choice_fact').set({ service_id: 'RR801-100' }).where('service_id', '=', service).where('ubrn', 'not in', facts.map((f) => f.ubrn)).execute();
  const flagged = await evaluateListings(d.db, later(8));
  assert.equal(flagged.opened, 1);
  const asi = (await openFlags()).find((f) => f.service_id === service && f.flag === 'HIGH_ASI');
  assert.ok(asi);
  const e = asi.evidence as { slotIssues: number; referrals: number; low: number; from: string };
  assert.equal(e.slotIssues, 3);
  assert.equal(e.referrals, 3);
  assert.ok(e.low > 0.1);
  assert.equal(e.from, asiWindowFrom(today));
  // The oldest moves to the day before the window: 2 left, under the minimum count.
  await d.db.updateTable('choice_fact').set({ made_on: addDays(asiWindowFrom(today), -1) }).where('ubrn', '=', facts[0]!.ubrn).execute();
  const r = await evaluateListings(d.db, later(9));
  assert.equal(r.cleared, 1);
  assert.ok(!(await openFlags()).some((f) => f.service_id === service));
});
