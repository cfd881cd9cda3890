// The reach of practices against a brute-force count over the whole demo directory (every listed first outpatient
// service measured from every practice, no grid, no box), for QWO practices and for any point of Great Britain
// (fast-check); counts are monotone in the radius; and it is fast enough for a page: every specialty for an ICB.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { createDirectoryCache, type DirectorySnapshot } from '../directory/snapshot.ts';
import { haversineKm, milesToKm } from '../domain/distance.ts';
import { openDemoTestDatabase, type TestDatabase } from '../testing/database.ts';
import { type PlacedPractice, practicesOf } from './practices.ts';
import { median, RADII_MILES, reachOf, sitesWithin, specialtiesWithServices } from './reach.ts';

let database: TestDatabase;
let snapshot: DirectorySnapshot;
let practices: PlacedPractice[];
let services: { specialty_code: string; provider_ods_code: string; site_ods_code: string; latitude: number; longitude: number; indicative_wait_weeks: number | null }[];

before(async () => {
  database = await openDemoTestDatabase('availability_reach');
  const cache = createDirectoryCache(database.db, { maxAgeMs: 60_000 });
  snapshot = await cache.current();
  cache.close();
  practices = (await practicesOf(database.db, 'QWO')).placed;
  services = await database.db
    .selectFrom('service')
    .select(['specialty_code', 'provider_ods_code', 'site_ods_code', 'latitude', 'longitude', 'indicative_wait_weeks'])
    .where('active', '=', true)
    .where('accreditation_status', '=', 'ACCREDITED')
    .where('service_type', '=', 'FIRST_OUTPATIENT')
    .execute();
});
after(() => database.drop());

function bruteForce(origin: { latitude: number; longitude: number }, specialty: string, miles: number) {
  const near = services.filter((s) => s.specialty_code === specialty && haversineKm(origin, s) <= milesToKm(miles));
  const waits = near.flatMap((s) => (s.indicative_wait_weeks === null ? [] : [s.indicative_wait_weeks]));
  return {
    services: near.length,
    providers: new Set(near.map((s) => s.provider_ods_code)).size,
    shortestWaitWeeks: waits.length ? Math.min(...waits) : null,
    medianWaitWeeks: median(waits),
  };
}

describe('reach of providers within 10, 25 and 50 miles', () => {
  test('QWO practices: every specialty and radius matches the brute-force count', () => {
    assert.ok(practices.length > 100);
    const sample = practices.filter((_, i) => i % 25 === 0);
    const specialties = specialtiesWithServices(snapshot);
    assert.ok(specialties.length >= 10 && specialties.every((s) => services.some((x) => x.specialty_code === s.code)));
    let someFewer = false;
    let someEnough = false;
    for (const { code } of specialties) {
      const reach = reachOf(snapshot, code, sample);
      for (const r of reach) {
        for (const miles of RADII_MILES) {
          assert.deepEqual(r.within[miles], bruteForce(r.practice, code, miles), `${r.practice.odsCode} ${code} ${miles}`);
          if (r.within[miles].providers < 5) someFewer = true;
          else someEnough = true;
        }
      }
    }
    assert.ok(someFewer && someEnough, 'the sample has practices on both sides of 5');
  });

  test('any point of Great Britain, any specialty: the brute-force count, monotone in the radius', () => {
    const codes = specialtiesWithServices(snapshot).map((s) => s.code);
    fc.assert(
      fc.property(fc.double({ min: 50.0, max: 58.6, noNaN: true }), fc.double({ min: -5.7, max: 1.7, noNaN: true }), fc.constantFrom(...codes), (latitude, longitude, code) => {
        const [r] = reachOf(snapshot, code, [{ odsCode: 'X', name: 'X', postcode: 'X', latitude, longitude }]);
        for (const miles of RADII_MILES) assert.deepEqual(r!.within[miles], bruteForce({ latitude, longitude }, code, miles));
        const [a, b, c] = RADII_MILES.map((m) => r!.within[m]);
        assert.ok(a!.providers <= b!.providers && b!.providers <= c!.providers);
        assert.ok(a!.services <= b!.services && b!.services <= c!.services);
        assert.ok(a!.providers <= a!.services);
      }),
      { numRuns: 300 },
    );
  });

  test('the sites drawn are those within the radius of some practice', () => {
    const sites = sitesWithin(snapshot, '110', practices, 25);
    const expected = new Set(services.filter((s) => s.specialty_code === '110' && practices.some((p) => haversineKm(p, s) <= milesToKm(25))).map((s) => s.site_ods_code));
    assert.deepEqual(new Set(sites.map((s) => s.odsCode)), expected);
  });

  test('every specialty for every practice of the ICB in well under a second', () => {
    const once = () => {
      const started = performance.now();
      for (const { code } of specialtiesWithServices(snapshot)) reachOf(snapshot, code, practices);
      return performance.now() - started;
    };
    const cold = once();
    const ms = Math.min(once(), once(), once());
    console.log(`first time (cold): ${cold.toFixed(1)} ms`);
    console.log(`reach of ${practices.length} practices × ${specialtiesWithServices(snapshot).length} specialties: ${ms.toFixed(1)} ms`);
    assert.ok(ms < 1000, `${ms} ms`);
  });

  test('median: the middle value, or the mean of the middle two; null for none', () => {
    assert.equal(median([]), null);
    assert.equal(median([7]), 7);
    assert.equal(median([9, 1, 5]), 5);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1 }), (xs) => {
      const m = median(xs)!;
      assert.ok(xs.filter((x) => x <= m).length >= xs.length / 2 && xs.filter((x) => x >= m).length >= xs.length / 2);
    }));
  });
});
