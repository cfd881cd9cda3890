// A patient's access code is stored as an HMAC under a secret key of the service, not in the clear and not
// with a slow password hash. The code is random (about 37 bits) and sign-in attempts are rate-limited, so the
// risk is a copy of the database: without the key, no stored value can be tested against guesses. A slow hash
// (argon2, ~0.2 s) would cap referral creation at a few a second per core; this costs microseconds.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { normaliseAccessCode } from '../domain/ubrn.ts';

export function hashAccessCode(secret: string, code: string): string {
  return createHmac('sha256', secret).update(normaliseAccessCode(code)).digest('hex');
}

export function accessCodeMatches(secret: string, code: string, storedHash: string): boolean {
  const given = Buffer.from(hashAccessCode(secret, code), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

// A referral made under an Idempotency-Key keeps its first answer, access code included, so that a client whose 201
// was lost is given the same code again. The code is kept sealed (AES-256-GCM) under a key derived from the same
// secret as the hash, so a copy of the database alone reveals no more than the hash does.
const SEAL_PREFIX = 'sealed:v1:';

function sealingKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('openchoice: access codes kept in idempotent answers').digest();
}

export function sealAccessCode(secret: string, code: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(secret), iv);
  const sealed = Buffer.concat([cipher.update(code, 'utf8'), cipher.final()]);
  return SEAL_PREFIX + [iv, sealed, cipher.getAuthTag()].map((b) => b.toString('base64url')).join('.');
}

/** The code sealed by sealAccessCode; throws if it was sealed under another secret or altered. */
export function openAccessCode(secret: string, sealed: string): string {
  const [iv, data, tag] = sealed.startsWith(SEAL_PREFIX) ? sealed.slice(SEAL_PREFIX.length).split('.').map((p) => Buffer.from(p, 'base64url')) : [];
  if (!iv || !data || !tag) throw new Error('not a sealed access code');
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(secret), iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
}
