import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DISTANCE_CHOICES } from './choices.ts';
import type { ShortlistAnswer } from './types.ts';
import { outsideEnglandView, shortfallView } from './widen.ts';

const km = (miles: string) => DISTANCE_CHOICES.find((c) => c.value === miles)!.km;

function answer(maxDistanceKm: number | null, eligibleCount: number, widen: { distanceKm: number | null; anyDistanceCount: number } | null): ShortlistAnswer {
  return {
    origin: { postcode: 'TR18 4AA', latitude: 50.1, longitude: -5.5, precision: 'postcode' },
    specialty: { code: '110', name: 'Trauma and Orthopaedics' },
    sortBy: 'WAIT',
    maxDistanceKm,
    eligibleCount,
    options: [],
    shortfall: widen && { reason: '', suggestion: '', widen: { ...widen, withoutWaitLimitCount: null } },
  };
}

test('5 or more: no shortfall to show', () => {
  assert.equal(shortfallView(answer(km('25'), 7, null)), null);
});

test('the smallest distance offered that finds 5, then any distance when it finds more than now', () => {
  const view = shortfallView(answer(km('10'), 3, { distanceKm: 24.1, anyDistanceCount: 649 }))!;
  assert.equal(view.withinMiles, 10, 'in miles, as the choice was offered');
  assert.deepEqual(view.wider, [
    { distance: '25', miles: 25, finds: 'enough' },
    { distance: 'any', miles: null, finds: 649 },
  ]);
  // 120 km is beyond 50 miles (80.5 km) but within 100 (160.9 km).
  assert.deepEqual(shortfallView(answer(km('50'), 4, { distanceKm: 120, anyDistanceCount: 6 }))!.wider.map((w) => w.distance), ['100', 'any']);
  // Exactly at a choice's limit is enough.
  assert.deepEqual(shortfallView(answer(km('10'), 4, { distanceKm: km('25'), anyDistanceCount: 6 }))!.wider.map((w) => w.distance), ['25', 'any']);
});

test('no distance offered is wide enough: only any distance; nothing wider finds more: nothing offered', () => {
  assert.deepEqual(shortfallView(answer(km('100'), 3, { distanceKm: 300, anyDistanceCount: 9 }))!.wider, [{ distance: 'any', miles: null, finds: 9 }]);
  assert.deepEqual(shortfallView(answer(km('25'), 2, { distanceKm: null, anyDistanceCount: 2 }))!.wider, []);
  const anywhere = shortfallView(answer(null, 2, { distanceKm: null, anyDistanceCount: 2 }))!;
  assert.equal(anywhere.withinMiles, null);
  assert.deepEqual(anywhere.wider, []);
});

test('the API\'s default distance (80 km) reads as whole miles', () => {
  assert.equal(shortfallView(answer(80, 4, { distanceKm: 121, anyDistanceCount: 6 }))!.withinMiles, 50);
});

test('a postcode in England needs no word; outside it or on its border, the nations', () => {
  assert.equal(outsideEnglandView('LS1 4AP'), null);
  assert.deepEqual(outsideEnglandView('EH1 1YZ'), { postcode: 'EH1 1YZ', nation: 'Scotland', acrossBorder: null });
  assert.deepEqual(outsideEnglandView('CH4 8AA'), { postcode: 'CH4 8AA', nation: 'England', acrossBorder: 'Wales' });
});
