// A patient signs in with the UBRN, access code and date of birth from their letter: one check and one rate limit
// shared by the API (POST /api/v1/patient/token) and the pages (/manage/sign-in).
import type { Deps } from '../deps.ts';
import { clearFailures, limitsReached, recordFailure, retryAfterSeconds, signInKeys } from '../auth/rate-limit.ts';
import { noteLimitsReached, type SecurityLog } from '../auth/security-events.ts';
import { signInFailures } from '../http/metrics.ts';
import { issuePatientToken } from '../auth/sessions.ts';
import { checkPatientCredentials } from './queries.ts';

export type PatientSignIn =
  | { outcome: 'signed-in'; ubrn: string; token: string; expiresAt: Date }
  /** Too many failures on this UBRN or from this address: try again after `retryAfterSeconds`. */
  | { outcome: 'too-many'; retryAfterSeconds: number }
  /** Whatever was wrong (UBRN, access code or date of birth): the caller must not say which. */
  | { outcome: 'not-recognised' };

/**
 * Checks the credentials under the sign-in rate limits (tight on the UBRN, loose on the caller's address), records a
 * failure (a lockout it causes is a security event) or clears the UBRN's failures, and issues a patient session of the given kind.
 * `ubrn` is already normalised (12 digits, or whatever was typed); `dateOfBirth` is a calendar date YYYY-MM-DD.
 */
export async function signInPatient(
  deps: Deps,
  credentials: { ubrn: string; accessCode: string; dateOfBirth: string },
  caller: { ip: string; log: SecurityLog },
  kind: 'api' | 'page',
  hours?: number,
): Promise<PatientSignIn> {
  const { db } = deps.database;
  const { ubrn, accessCode, dateOfBirth } = credentials;
  const limited = signInKeys(`ubrn:${ubrn}`, caller.ip);
  const keys = [limited.account, limited.address];
  const wait = await retryAfterSeconds(db, keys);
  if (wait > 0) return { outcome: 'too-many', retryAfterSeconds: wait };
  if (!(await checkPatientCredentials(deps, ubrn, accessCode, dateOfBirth))) {
    await recordFailure(db, keys);
    signInFailures.inc({ who: 'patient' });
    const watch = { address: caller.ip, log: caller.log, addressSecret: deps.config.accessCodeSecret };
    await noteLimitsReached(db, watch, limited, await limitsReached(db, keys));
    return { outcome: 'not-recognised' };
  }
  await clearFailures(db, [limited.account]);
  const { token, expiresAt } = await issuePatientToken(db, ubrn, kind, hours);
  return { outcome: 'signed-in', ubrn, token, expiresAt };
}
