import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { boundingBox, haversineKm, kmToMiles } from './distance.ts';

test('known distances', () => {
  // Leeds General Infirmary (LS1 3EX) to St James's University Hospital (LS9 7TF): about 2.9 km.
  const lgi = { latitude: 53.8017, longitude: -1.5522 };
  const sjuh = { latitude: 53.8066, longitude: -1.5203 };
  assert.ok(Math.abs(haversineKm(lgi, sjuh) - 2.17) < 0.05, String(haversineKm(lgi, sjuh)));
  // One degree of latitude on the mean sphere.
  assert.ok(Math.abs(haversineKm({ latitude: 0, longitude: 0 }, { latitude: 1, longitude: 0 }) - 111.195) < 0.001);
  assert.ok(Math.abs(kmToMiles(1.609344) - 1) < 1e-12);
});

const point = fc.record({
  latitude: fc.double({ min: 49, max: 61, noNaN: true }),
  longitude: fc.double({ min: -8, max: 2, noNaN: true }),
});

test('property: symmetric, zero to itself, triangle inequality', () => {
  fc.assert(
    fc.property(point, point, point, (a, b, c) => {
      assert.ok(Math.abs(haversineKm(a, b) - haversineKm(b, a)) < 1e-9);
      assert.ok(haversineKm(a, a) < 1e-9);
      assert.ok(haversineKm(a, c) <= haversineKm(a, b) + haversineKm(b, c) + 1e-9);
    }),
  );
});

test('property: every point within the radius lies inside the bounding box', () => {
  fc.assert(
    fc.property(point, point, fc.double({ min: 0.1, max: 1500, noNaN: true }), (centre, p, km) => {
      if (haversineKm(centre, p) > km) return;
      const box = boundingBox(centre, km);
      assert.ok(p.latitude >= box.minLat && p.latitude <= box.maxLat);
      assert.ok(p.longitude >= box.minLng && p.longitude <= box.maxLng);
    }),
  );
});
