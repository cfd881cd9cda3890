import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Database } from '../db/database.ts';
import { createDirectoryCache } from '../directory/snapshot.ts';
import { runMatching } from '../mutual-aid/match-run.ts';
import { openDemoTestDatabase } from '../testing/database.ts';
import { ensureDemoWaitingList } from './demo-waiting-list.ts';

let database: Database;
before(async () => {
  database = await openDemoTestDatabase();
});
after(() => database.close());

test('the demo has long waiters at Leeds and Bradford, offers of capacity, and matching places Bradford\'s validated patients', async () => {
  assert.deepEqual(await ensureDemoWaitingList(database), { imported: 0 }, 'loaded once');
  const waiting = await database.db
    .selectFrom('referral as r')
    .innerJoin('service as s', 's.id', 'r.current_service_id')
    .select(['s.provider_ods_code'])
    .where('r.source', '=', 'WAITING_LIST')
    .execute();
  assert.ok(waiting.filter((w) => w.provider_ods_code === 'RR8').length >= 5);
  const offers = await database.db.selectFrom('mutual_aid_offer').select('provider_ods_code').where('notes', 'like', 'Demo capacity%').execute();
  assert.deepEqual(offers.map((o) => o.provider_ods_code).sort(), ['RCD', 'RR8', 'RWY']);

  await runMatching({ database, directory: createDirectoryCache(database.db, { maxAgeMs: 0 }) }, 'test');
  const bradford = await database.db
    .selectFrom('pidmas_request as q')
    .innerJoin('referral as r', 'r.ubrn', 'q.ubrn')
    .innerJoin('service as s', 's.id', 'r.current_service_id')
    .select(['q.id', 'q.status'])
    .where('s.provider_ods_code', '=', 'RAE')
    .where('r.source', '=', 'WAITING_LIST')
    .execute();
  assert.equal(bradford.length, 2);
  // Never left unmatched while Leeds has room.
  assert.deepEqual(bradford.map((q) => q.status), ['PROPOSED', 'PROPOSED']);
  const proposals = await database.db.selectFrom('proposed_transfer as t').innerJoin('mutual_aid_offer as o', 'o.id', 't.offer_id').select(['t.scope', 'o.provider_ods_code']).where('t.pidmas_request_id', 'in', bradford.map((q) => q.id)).execute();
  assert.ok(proposals.length >= 2);
  assert.ok(proposals.every((p) => p.provider_ods_code !== 'RAE'), 'never back to their own provider');
  assert.ok(proposals.some((p) => p.scope === 'ICB'), 'West Yorkshire capacity first');
});
