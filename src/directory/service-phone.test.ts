import assert from 'node:assert/strict';
import { test } from 'node:test';
import { servicePhone } from './service-phone.ts';

test("a service's number is its site's own, else its provider's, else none (never a guess)", () => {
  assert.equal(servicePhone({ site: '0113 000 0001', provider: '0113 000 0000' }), '0113 000 0001');
  assert.equal(servicePhone({ site: null, provider: '0113 000 0000' }), '0113 000 0000');
  assert.equal(servicePhone({ site: null, provider: null }), null);
});
