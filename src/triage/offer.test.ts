import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ShortlistOption } from '../shortlist/types.ts';
import { bestOfEachProvider, providersIn } from './offer.ts';

/** An option of service `id` run by `provider`, ranked `rank`; only what the offer reads. */
const option = (id: string, provider: string, rank: number) => ({ rank, service: { id, provider: { odsCode: provider, name: provider } } }) as unknown as ShortlistOption;

test('the best service of each of the best 5 providers, in rank order', () => {
  const ranked = [option('a1', 'A', 1), option('a2', 'A', 2), option('b1', 'B', 3), option('a3', 'A', 4), option('c1', 'C', 5), option('d1', 'D', 6), option('b2', 'B', 7), option('e1', 'E', 8), option('f1', 'F', 9)];
  assert.deepEqual(bestOfEachProvider(ranked).map((o) => o.service.id), ['a1', 'b1', 'c1', 'd1', 'e1']);
  assert.deepEqual(bestOfEachProvider(ranked, 2).map((o) => o.service.id), ['a1', 'b1']);
});

test('four sites of one trust are one provider: fewer than 5 providers when fewer exist', () => {
  const ranked = [option('a1', 'A', 1), option('a2', 'A', 2), option('a3', 'A', 3), option('a4', 'A', 4), option('b1', 'B', 5)];
  assert.equal(providersIn(ranked), 2);
  assert.deepEqual(bestOfEachProvider(ranked).map((o) => o.service.id), ['a1', 'b1']);
  assert.deepEqual(bestOfEachProvider([]), []);
});
