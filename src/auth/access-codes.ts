// A patient's access code is stored as an HMAC under a secret key of the service, not in the clear and not
// with a slow password hash. The code is random (about 37 bits) and sign-in attempts are rate-limited, so the
// risk is a copy of the database: without the key, no stored value can be tested against guesses. A slow hash
// (argon2, ~0.2 s) would cap referral creation at a few a second per core; this costs microseconds.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { normaliseAccessCode } from '../domain/ubrn.ts';

export function hashAccessCode(secret: string, code: string): string {
  return createHmac('sha256', secret).update(normaliseAccessCode(code)).digest('hex');
}

export function accessCodeMatches(secret: string, code: string, storedHash: string): boolean {
  const given = Buffer.from(hashAccessCode(secret, code), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
