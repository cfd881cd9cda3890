// Sampling: the same patients every run, at the stated rate, and not guessable without the key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { generateUbrn } from '../domain/ubrn.ts';
import { SAMPLING_RATE, sampled, samplingPoint } from './sampling.ts';
import { hashSurveyToken, isSurveyTokenShaped, newSurveyToken } from './tokens.ts';

const SECRET = 'a-test-secret-of-32-characters-or-more';
const ubrns = fc.array(fc.stringMatching(/^[1-9]\d{11}$/), { minLength: 1, maxLength: 50 });

test('property: sampling is deterministic: the same key and UBRN always give the same answer', () => {
  fc.assert(fc.property(ubrns, fc.double({ min: 0, max: 1, noNaN: true }), (list, rate) => {
    for (const u of list) assert.equal(sampled(SECRET, u, rate), sampled(SECRET, u, rate));
  }));
});

test('property: a higher rate keeps everyone a lower rate chose (one sample grows, it is not redrawn)', () => {
  fc.assert(fc.property(ubrns, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (list, a, b) => {
    const [low, high] = a < b ? [a, b] : [b, a];
    for (const u of list) if (sampled(SECRET, u, low)) assert.ok(sampled(SECRET, u, high));
  }));
});

test('property: over 4,000 random UBRNs the share sampled is the stated rate within 4 standard errors', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.constantFrom(0.1, 0.25, 0.5), (seed, rate) => {
      let x = seed;
      const random = (max: number) => {
        x = (Math.imul(x, 48271) % 2147483647 + 2147483647) % 2147483647;
        return x % max;
      };
      const n = 4000;
      let chosen = 0;
      for (let i = 0; i < n; i++) if (sampled(SECRET, generateUbrn(random), rate)) chosen++;
      const se = Math.sqrt((rate * (1 - rate)) / n);
      assert.ok(Math.abs(chosen / n - rate) < 4 * se, `${chosen} of ${n} at ${rate}`);
    }),
    { numRuns: 10 },
  );
});

test('the stated rate is 1 in 4; rates 0 and 1 choose nobody and everybody; a rate outside 0 to 1 is refused', () => {
  assert.equal(SAMPLING_RATE, 0.25);
  assert.equal(sampled(SECRET, '123456789012', 0), false);
  assert.equal(sampled(SECRET, '123456789012', 1), true);
  assert.throws(() => sampled(SECRET, '123456789012', 1.5), RangeError);
  assert.throws(() => sampled(SECRET, '123456789012', Number.NaN), RangeError);
});

test('the key matters: another key puts the same UBRNs elsewhere', () => {
  const list = Array.from({ length: 200 }, (_, i) => String(100000000000 + i * 7919));
  const same = list.filter((u) => sampled(SECRET, u) === sampled('another-secret-entirely-different-000', u)).length;
  assert.ok(same < 190, `${same} of 200 agree`);
  assert.ok(samplingPoint(SECRET, list[0]!) >= 0 && samplingPoint(SECRET, list[0]!) < 1);
});

test('a token is 32 random bytes in base64url, stored as its SHA-256; a changed character is another hash', () => {
  const { token, hash } = newSurveyToken();
  assert.ok(isSurveyTokenShaped(token));
  assert.equal(Buffer.from(token, 'base64url').length, 32);
  assert.match(hash, /^[0-9a-f]{64}$/);
  assert.equal(hashSurveyToken(token), hash);
  const tampered = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
  assert.notEqual(hashSurveyToken(tampered), hash);
  assert.notEqual(newSurveyToken().token, token);
  for (const bad of ['', 'short', `${token}x`, `${token.slice(0, 42)}!`, '../../etc/passwd']) assert.equal(isSurveyTokenShaped(bad), false, bad);
});
