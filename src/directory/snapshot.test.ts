import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createScratchDatabase } from '../testing/database.ts';
import { loadDirectoryFixture } from '../testing/directory-fixture.ts';
import type { ServiceCandidate } from './queries.ts';
import { buildSnapshot, createDirectoryCache } from './snapshot.ts';

test('property: inBox finds exactly the services of the specialty inside the box', () => {
  const service = fc.record({
    latitude: fc.double({ min: 49, max: 61, noNaN: true }),
    longitude: fc.double({ min: -8, max: 2, noNaN: true }),
    specialty: fc.constantFrom('110', '130'),
  });
  const box = fc
    .tuple(fc.double({ min: 49, max: 61, noNaN: true }), fc.double({ min: 49, max: 61, noNaN: true }), fc.double({ min: -8, max: 2, noNaN: true }), fc.double({ min: -8, max: 2, noNaN: true }))
    .map(([a, b, c, d]) => ({ minLat: Math.min(a, b), maxLat: Math.max(a, b), minLng: Math.min(c, d), maxLng: Math.max(c, d) }));
  fc.assert(
    fc.property(fc.array(service, { maxLength: 60 }), box, (services, b) => {
      const candidates = services.map(
        (s, i) => ({ id: `s${i}`, latitude: s.latitude, longitude: s.longitude, row: { specialty_code: s.specialty } }) as unknown as ServiceCandidate,
      );
      const snapshot = buildSnapshot(1, [], candidates);
      const expected = candidates
        .filter((c) => c.row.specialty_code === '110')
        .filter((c) => c.latitude >= b.minLat && c.latitude <= b.maxLat && c.longitude >= b.minLng && c.longitude <= b.maxLng)
        .map((c) => c.id)
        .sort();
      assert.deepEqual(snapshot.inBox('110', b).map((c) => c.id).sort(), expected);
    }),
  );
});

test('the cache sees a change to the directory once its refresh interval has passed', async () => {
  const database = await createScratchDatabase('snapshot');
  try {
    await loadDirectoryFixture(database);
    const fresh = createDirectoryCache(database.db, { maxAgeMs: 0 });
    const lazy = createDirectoryCache(database.db, { maxAgeMs: 60_000 });
    assert.equal((await fresh.current()).byId.get('S3-110')?.waitWeeks, 8);
    assert.equal((await lazy.current()).byId.get('S3-110')?.waitWeeks, 8);

    await database.db.updateTable('service').set({ indicative_wait_weeks: 3 }).where('id', '=', 'S3-110').execute();
    await database.db.updateTable('service').set({ accreditation_status: 'SUSPENDED' }).where('id', '=', 'S4-110').execute();
    const now = await fresh.current();
    assert.equal(now.byId.get('S3-110')?.waitWeeks, 3);
    assert.equal(now.byId.has('S4-110'), false, 'a suspended service leaves the listing');
    // Within its interval an instance serves what it has, without asking the database.
    assert.equal((await lazy.current()).byId.get('S3-110')?.waitWeeks, 8);
  } finally {
    await database.drop();
  }
});
