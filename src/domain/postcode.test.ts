import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { normalisePostcode, parsePostcode } from './postcode.ts';

test('normalises full postcodes in any case and spacing', () => {
  for (const input of ['LS1 4AP', 'ls14ap', ' Ls1   4aP ', 'LS1\t4AP']) assert.equal(normalisePostcode(input), 'LS1 4AP');
  assert.equal(normalisePostcode('sw1a1aa'), 'SW1A 1AA');
  assert.equal(normalisePostcode('M1 1AE'), 'M1 1AE');
  assert.equal(normalisePostcode('W1A 0AX'), 'W1A 0AX');
});

test('recognises sectors and outward codes', () => {
  assert.deepEqual(parsePostcode('LS1 4'), { kind: 'sector', sector: 'LS1 4', outcode: 'LS1' });
  assert.deepEqual(parsePostcode('ls1'), { kind: 'outcode', outcode: 'LS1' });
  assert.deepEqual(parsePostcode('SW1A'), { kind: 'outcode', outcode: 'SW1A' });
  assert.deepEqual(parsePostcode('sw1a 1'), { kind: 'sector', sector: 'SW1A 1', outcode: 'SW1A' });
});

test('rejects what is not a postcode', () => {
  for (const input of ['', '   ', 'LS', '12345', 'LS1 4APX', 'L$1 4AP', 'LS1 AAP', 'x'.repeat(100), 'DROP TABLE']) {
    assert.equal(parsePostcode(input), null, input);
  }
});

const letter = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
const digit = fc.constantFrom(...'0123456789');
const outward = fc
  .tuple(fc.array(letter, { minLength: 1, maxLength: 2 }), digit, fc.option(fc.oneof(letter, digit), { nil: undefined }))
  .map(([area, d, extra]) => `${area.join('')}${d}${extra ?? ''}`);
const inward = fc.tuple(digit, letter, letter).map((c) => c.join(''));
const spacing = fc.constantFrom('', ' ', '  ', '\t');
const casing = fc.constantFrom((s: string) => s, (s: string) => s.toLowerCase());

test('property: every well-formed postcode, in any case and spacing, normalises to OUTWARD INWARD', () => {
  fc.assert(
    fc.property(outward, inward, spacing, spacing, spacing, casing, (o, i, a, b, c, cased) => {
      assert.equal(normalisePostcode(cased(`${a}${o}${b}${i}${c}`)), `${o} ${i}`);
    }),
  );
});

test('property: normal form is a fixed point and parsing never throws', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 20 }), (s) => {
      const n = normalisePostcode(s);
      if (n !== null) assert.equal(normalisePostcode(n), n);
    }),
  );
});
