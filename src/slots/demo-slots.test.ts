import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Database } from '../db/database.ts';
import { londonDate } from '../domain/dates.ts';
import { startFixtureApp } from '../testing/directory-fixture.ts';
import { DEMO_SLOT_TIMES, DEMO_SLOT_WEEKS, demoClinicDays, ensureDemoSlots } from './demo-slots.ts';
import { addDays, weekdayOf } from './london-time.ts';

let database: Database;
let close: () => Promise<void>;
before(async () => ({ database, close } = await startFixtureApp('demo_slots')));
after(() => close());

const LONDON_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const NOW = new Date();

test('demo slots: every active, directly bookable service, one clinic morning a week for 12 weeks from tomorrow', async () => {
  const result = await ensureDemoSlots(database.db, NOW);
  // The fixture has 10 services, one of them inactive.
  assert.deepEqual(result, { services: 9, created: 9 * DEMO_SLOT_WEEKS * DEMO_SLOT_TIMES.length });
  const slots = await database.db.selectFrom('slot').selectAll().orderBy('starts_at').execute();
  assert.ok(!slots.some((s) => s.service_id === 'S1-110-inactive'));
  const tomorrow = addDays(londonDate(NOW), 1);
  for (const s of slots) {
    const day = londonDate(s.starts_at);
    assert.ok(day >= tomorrow && day < addDays(tomorrow, DEMO_SLOT_WEEKS * 7), day);
    assert.ok(demoClinicDays(s.service_id).includes(weekdayOf(day)), `${s.service_id} on ${day}`);
    assert.ok((DEMO_SLOT_TIMES as readonly string[]).includes(LONDON_TIME.format(s.starts_at)), LONDON_TIME.format(s.starts_at));
    assert.equal(s.ends_at.getTime() - s.starts_at.getTime(), 30 * 60_000);
    assert.equal(s.withdrawn_at, null);
  }
});

test('demo slots again: nothing new; a week later: one more clinic morning per service', async () => {
  assert.deepEqual(await ensureDemoSlots(database.db, NOW), { services: 9, created: 0 });
  const weekLater = new Date(NOW.getTime() + 7 * 86_400_000);
  assert.deepEqual(await ensureDemoSlots(database.db, weekLater), { services: 9, created: 9 * DEMO_SLOT_TIMES.length });
});

test('clinic days are weekdays and stay the same for a service', () => {
  for (const id of ['S1-110', 'RR8-110-A', 'x']) {
    assert.deepEqual(demoClinicDays(id), demoClinicDays(id));
    assert.ok(demoClinicDays(id).every((d) => d >= 0 && d <= 4));
  }
});
