import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACTIONS, ASSESSMENT_ITEMS, effectiveRating, itemOf, MINIMUM_STANDARDS, REFLECTION_QUESTIONS } from './self-assessment-items.ts';

test('the guide has 24 actions, 1.1 to 6.5, and 9 minimum standards, each standard carried by exactly one action', () => {
  assert.equal(ACTIONS.length, 24);
  assert.deepEqual(ACTIONS.map((a) => a.id), ['1.1', '1.2', '2.1', '2.2', '2.3', '3.1', '3.2', '3.3', '3.4', '4.1', '4.2', '4.3', '4.4', '5.1', '5.2', '5.3', '5.4', '5.5', '5.6', '6.1', '6.2', '6.3', '6.4', '6.5']);
  assert.deepEqual(MINIMUM_STANDARDS.map((m) => m.id), ['MS1', 'MS2', 'MS3', 'MS4', 'MS5', 'MS6', 'MS7', 'MS8', 'MS9']);
  assert.equal(ASSESSMENT_ITEMS.length, 33);
  assert.equal(new Set(ASSESSMENT_ITEMS.map((i) => i.id)).size, 33);
  for (const m of MINIMUM_STANDARDS) {
    const carriers = ACTIONS.filter((a) => a.standards.includes(m.id));
    assert.equal(carriers.length, 1, m.id);
    assert.equal(carriers[0]!.enabler, m.enabler, m.id);
  }
  assert.equal(REFLECTION_QUESTIONS.length, 5);
});

test('itemOf reads an id as written in an address', () => {
  assert.equal(itemOf('ms6')?.id, 'MS6');
  assert.equal(itemOf(' 4.2 ')?.kind, 'ACTION');
  assert.equal(itemOf('7.1'), undefined);
  assert.equal(itemOf('MS10'), undefined);
});

test('evidence contrary to legal rights makes an item Red whatever else', () => {
  for (const r of ['GREEN', 'AMBER', 'RED', null] as const) {
    assert.equal(effectiveRating(r, true), 'RED');
    assert.equal(effectiveRating(r, false), r);
  }
});
