// An access code kept in a referral's idempotent answer is sealed: given back under the service's secret, useless
// without it, and refused if altered.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openAccessCode, sealAccessCode } from './access-codes.ts';

const SECRET = 'a-secret-of-the-service-at-least-32-characters';

test('a sealed access code opens under the same secret, and hides the code', () => {
  const sealed = sealAccessCode(SECRET, 'AB12-CD34');
  assert.match(sealed, /^sealed:v1:/);
  assert.ok(!sealed.includes('AB12') && !sealed.includes('CD34'));
  assert.equal(openAccessCode(SECRET, sealed), 'AB12-CD34');
  assert.notEqual(sealAccessCode(SECRET, 'AB12-CD34'), sealed, 'a new nonce each time');
});

test('another secret, an altered seal or plain text does not open', () => {
  const sealed = sealAccessCode(SECRET, 'AB12-CD34');
  assert.throws(() => openAccessCode('another-secret-of-at-least-32-characters!!', sealed));
  const [iv, data, tag] = sealed.slice('sealed:v1:'.length).split('.');
  const flipped = Buffer.from(data!, 'base64url');
  flipped.writeUInt8(flipped.readUInt8(0) ^ 1, 0);
  assert.throws(() => openAccessCode(SECRET, `sealed:v1:${iv}.${flipped.toString('base64url')}.${tag}`));
  assert.throws(() => openAccessCode(SECRET, 'AB12-CD34'), /not a sealed access code/);
});
