// The map's projection: every point inside the drawing with its margin, east to the right and north up, a mile
// east about as long as a mile north (cos(latitude) scaling), and marks by shape for 0, 1–4 and 5 or more.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { haversineKm } from '../domain/distance.ts';
import { drawMap, markOf, projectionFor } from './map.ts';

const point = fc.record({ latitude: fc.double({ min: 49.9, max: 58.7, noNaN: true }), longitude: fc.double({ min: -6.4, max: 1.8, noNaN: true }) });

test('every point is inside the drawing; east is right and north is up', () => {
  fc.assert(
    fc.property(fc.array(point, { minLength: 1, maxLength: 60 }), (points) => {
      const p = projectionFor(points);
      for (const q of points) {
        const { x, y } = p.place(q);
        assert.ok(x >= 0 && x <= p.width && y >= 0 && y <= p.height, `${x},${y} in ${p.width}×${p.height}`);
      }
      const [a, b] = [points[0]!, points[points.length - 1]!];
      if (b.longitude > a.longitude + 1e-6) assert.ok(p.place(b).x >= p.place(a).x);
      if (b.latitude > a.latitude + 1e-6) assert.ok(p.place(b).y <= p.place(a).y);
      assert.ok(p.width <= 640 && p.height <= 560);
    }),
  );
});

test('points on one meridian fill the height exactly, and no more (a case fast-check found)', () => {
  const points = [{ latitude: 53.77280954000702, longitude: 0 }, { latitude: 54.80321389199534, longitude: 0 }];
  const p = projectionFor(points);
  assert.ok(p.height <= 560, `height ${p.height}`);
  for (const q of points) assert.ok(p.place(q).y <= p.height);
});

test('a mile east and a mile north are about as long on the map at an ICB’s size', () => {
  const centre = { latitude: 53.8, longitude: -1.55 };
  const east = { latitude: 53.8, longitude: -1.55 + 0.5 };
  const north = { latitude: 53.8 + 0.5 * Math.cos((53.8 * Math.PI) / 180), longitude: -1.55 };
  const p = projectionFor([centre, east, north]);
  const dx = p.place(east).x - p.place(centre).x;
  const dy = p.place(centre).y - p.place(north).y;
  assert.ok(Math.abs(dx - dy) / dx < 0.02, `${dx} vs ${dy}`);
  assert.ok(Math.abs(haversineKm(centre, east) - haversineKm(centre, north)) / haversineKm(centre, east) < 0.02);
});

test('one practice alone still makes a map, centred', () => {
  const m = drawMap({ practices: [{ odsCode: 'A', name: 'A', latitude: 53.8, longitude: -1.5, providers: 3 }], sites: [] });
  assert.equal(m.practices[0]!.x, Math.round((m.width / 2) * 10) / 10);
  assert.equal(m.practices[0]!.mark, 'few');
});

test('marks: none for 0, few for 1 to 4, enough for 5 or more; counted', () => {
  assert.deepEqual([0, 1, 4, 5, 30].map(markOf), ['none', 'few', 'few', 'enough', 'enough']);
  const m = drawMap({ practices: [0, 2, 5, 7].map((n, i) => ({ odsCode: `P${i}`, name: 'P', latitude: 53 + i / 10, longitude: -1, providers: n })), sites: [{ odsCode: 'S', name: 'S', latitude: 53.5, longitude: -1.2 }] });
  assert.deepEqual(m.counts, { none: 1, few: 1, enough: 2 });
  assert.equal(m.sites.length, 1);
});
