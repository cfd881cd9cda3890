import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  hasValidNhsChecksum,
  isValidNhsNumber,
  nhsNumberCheckDigit,
  nhsNumberRegion,
  standardiseNhsNumber,
} from './nhs-number.ts';

// The language-agnostic vectors of the uk-fci/nhs-number reference implementation (shared/data, MIT).
const VECTORS = new URL('../../../shared/data/nhs-number-test-vectors/', import.meta.url);
const cases = JSON.parse(readFileSync(new URL('nhs_number_cases.json', VECTORS), 'utf8'));

test('reference vectors: check digits', () => {
  for (const c of cases.calculate_checksum) assert.equal(nhsNumberCheckDigit(c.identifier), c.checksum, c.identifier);
});

test('reference vectors: standardising', () => {
  for (const c of cases.standardise) assert.equal(standardiseNhsNumber(c.input), c.output, JSON.stringify(c.input));
});

test('reference vectors: validity', () => {
  for (const c of cases.is_valid) assert.equal(isValidNhsNumber(c.input), c.valid, `${c.input}: ${c.note ?? ''}`);
});

test('reference vectors: regions', () => {
  for (const c of cases.region_of) assert.equal(nhsNumberRegion(c.number), c.region, c.number);
  for (const c of cases.is_valid_for_region) {
    assert.equal(isValidNhsNumber(c.input) && nhsNumberRegion(c.input) === c.region, c.valid, `${c.input} ${c.region}`);
  }
});

test('the nine synthetic test numbers and the PDS sandbox patient are valid', () => {
  const numbers = readFileSync(new URL('testdata-9-valid-nhs-numbers.csv', VECTORS), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.equal(numbers.length, 9);
  for (const n of [...numbers, '9000000009']) assert.ok(isValidNhsNumber(n), n);
});

const nineDigits = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 }).map((d) => d.join(''));

test('property: a computed check digit makes a valid checksum; modulus 11 catches every single-digit error', () => {
  fc.assert(
    fc.property(nineDigits, fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 9 }), (nine, position, delta) => {
      const check = nhsNumberCheckDigit(nine)!;
      if (check === 10) return assert.ok(![...'0123456789'].some((d) => hasValidNhsChecksum(nine + d)));
      const valid = nine + check;
      assert.ok(hasValidNhsChecksum(valid));
      const digits = [...valid];
      digits[position] = String((Number(digits[position]) + delta) % 10);
      assert.equal(hasValidNhsChecksum(digits.join('')), false);
    }),
  );
});

test('property: swapping two different adjacent digits is caught', () => {
  fc.assert(
    fc.property(nineDigits, fc.integer({ min: 0, max: 8 }), (nine, i) => {
      const check = nhsNumberCheckDigit(nine)!;
      if (check === 10) return;
      const digits = [...(nine + check)];
      if (digits[i] === digits[i + 1]) return;
      [digits[i], digits[i + 1]] = [digits[i + 1]!, digits[i]!];
      assert.equal(hasValidNhsChecksum(digits.join('')), false);
    }),
  );
});
