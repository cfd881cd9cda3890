// The demo data set gives demo-provider an appointment slot issue worklist to work: referrals its patients deferred
// before any slot was free, which it can now book into the demo slots.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { londonDate } from '../domain/dates.ts';
import { openDemoTestDatabase, type TestDatabase, testConfig } from '../testing/database.ts';
import { countFreeSlots } from '../slots/free-slots.ts';
import { deferralsForProvider } from './deferrals.ts';
import { DEMO_DEFERRALS, DEMO_DEFERRED_SERVICE, ensureDemoDeferrals } from './demo-deferrals.ts';

let database: TestDatabase;
before(async () => {
  database = await openDemoTestDatabase('demo-deferrals');
});
after(() => database.drop());

test('the demo has Leeds Teaching Hospitals\' deferred referrals on its ASI worklist, with free slots to book them into', async () => {
  const items = await deferralsForProvider(database.db, 'RR8', londonDate());
  const names = DEMO_DEFERRALS.map((p) => `${p.givenName} ${p.familyName}`);
  assert.deepEqual(items.filter((d) => names.includes(d.patientName)).map((d) => [d.patientName, d.service.id, d.priority]).sort(), [
    ['Kwame Asante', DEMO_DEFERRED_SERVICE, 'ROUTINE'],
    ['Olivia Bennett', DEMO_DEFERRED_SERVICE, 'URGENT'],
  ]);
  assert.ok((await countFreeSlots(database.db, DEMO_DEFERRED_SERVICE)) > 0, 'published after the deferrals');
  const history = await database.db.selectFrom('referral_event as e').innerJoin('referral as r', 'r.ubrn', 'e.ubrn')
    .select(['e.to_status', 'e.actor_label']).where('r.patient_family_name', '=', 'Bennett').orderBy('e.id').execute();
  assert.deepEqual(history.map((h) => h.to_status), ['NOT_BOOKED', 'DEFERRED_TO_PROVIDER']);
  assert.equal(history[1]!.actor_label, 'the patient');
});

test('made once: a second start adds nothing', async () => {
  assert.deepEqual(await ensureDemoDeferrals(testConfig(), database), { deferred: 0 });
});
