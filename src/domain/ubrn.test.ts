import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { generateAccessCode, generateUbrn, isUbrn, normaliseAccessCode, normaliseUbrn } from './ubrn.ts';

test('property: UBRNs are 12 digits without a leading zero, whatever the random draws', () => {
  fc.assert(
    fc.property(fc.array(fc.nat(), { minLength: 12, maxLength: 12 }), (draws) => {
      let i = 0;
      const ubrn = generateUbrn((max) => draws[i++]! % max);
      assert.ok(isUbrn(ubrn), ubrn);
      assert.notEqual(ubrn[0], '0');
    }),
  );
  assert.equal(normaliseUbrn('1234 5678-9012'), '123456789012');
  assert.equal(isUbrn('12345678901'), false);
});

test('property: access codes use only unambiguous characters and survive retyping', () => {
  fc.assert(
    fc.property(fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), (draws) => {
      let i = 0;
      const code = generateAccessCode((max) => draws[i++]! % max);
      assert.match(code, /^[ACDEFGHJKMNPQRTUVWXY34679]{4}-[ACDEFGHJKMNPQRTUVWXY34679]{4}$/);
      assert.equal(normaliseAccessCode(code.toLowerCase().replace('-', ' ')), code.replace('-', ''));
    }),
  );
  assert.notEqual(generateAccessCode(), generateAccessCode());
});
