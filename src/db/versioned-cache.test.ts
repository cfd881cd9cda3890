import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createScratchDatabase } from '../testing/database.ts';
import { VersionedCache } from './versioned-cache.ts';

test('reloads when the data version moves on; peek never waits and serves what it has', async () => {
  const database = await createScratchDatabase('versioned_cache');
  try {
    let loads = 0;
    const count = () =>
      database.db.selectFrom('postcode').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => {
        loads++;
        return Number(r.n);
      });
    const cache = new VersionedCache(database.db, 'postcodes', count, { maxAgeMs: 0 });
    assert.equal(cache.peek(), null, 'nothing loaded yet, and peek does not wait');
    assert.equal(await cache.current(), 0);
    assert.equal(await cache.current(), 0);
    assert.equal(loads, 1, 'an unchanged version is not reloaded');

    await database.db.insertInto('postcode').values({ postcode: 'LS1 4AP', latitude: 53.8, longitude: -1.55 }).execute();
    assert.equal(cache.peek(), 0, 'peek serves the old data while it checks');
    assert.equal(await cache.current(), 1);
    assert.equal(loads, 2);

    // The directory's changes do not reload the postcodes.
    await database.db.insertInto('specialty').values({ code: '110', name: 'Trauma and Orthopaedics' }).execute();
    assert.equal(await cache.current(), 1);
    assert.equal(loads, 2);
  } finally {
    await database.drop();
  }
});

test('refresh checks at once, however long the cache may otherwise keep its copy', async () => {
  const database = await createScratchDatabase('versioned_cache_refresh');
  try {
    const count = () => database.db.selectFrom('postcode').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n));
    const cache = new VersionedCache(database.db, 'postcodes', count, { maxAgeMs: 3_600_000 });
    assert.equal(await cache.current(), 0);
    await database.db.insertInto('postcode').values({ postcode: 'LS1 4AP', latitude: 53.8, longitude: -1.55 }).execute();
    assert.equal(await cache.current(), 0, 'within maxAgeMs the old copy is served');
    assert.equal(await cache.refresh(), 1);
    assert.equal(await cache.current(), 1);
  } finally {
    await database.drop();
  }
});
