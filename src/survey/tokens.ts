// The survey link's token: 32 random bytes (256 bits), written base64url (43 characters). Only its SHA-256 is
// stored, as sessions are: a copy of the database gives no working link, and a token is found by its hash alone.
// At 2^256 possibilities a token cannot be guessed, so the page needs no attempt counting; a malformed one is
// refused before the database is asked.
import { createHash, randomBytes } from 'node:crypto';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** How long a link works. */
export const INVITATION_DAYS = 30;

export function newSurveyToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashSurveyToken(token) };
}

export function hashSurveyToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether the text could be a token at all. */
export const isSurveyTokenShaped = (text: string): boolean => TOKEN.test(text);
