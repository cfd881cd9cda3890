// Which patients are asked: a stated share of those whose first appointment has been, chosen by a keyed hash of the
// UBRN. Keyed (HMAC-SHA256 under the service's secret, ACCESS_CODE_SECRET) so nobody can tell in advance which
// patients will be asked, and so no practice or provider can steer who is; deterministic so that every run, on any
// instance, on any day, chooses the same patients, and a referral not chosen today is not chosen tomorrow.
import { createHmac } from 'node:crypto';

/** 1 in 4 of those eligible are invited. */
export const SAMPLING_RATE = 0.25;

/** The UBRN's place in [0, 1): the first 48 bits of its keyed hash, as a fraction. */
export function samplingPoint(secret: string, ubrn: string): number {
  const digest = createHmac('sha256', secret).update(`survey-sample:${ubrn}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** Whether this referral's patient is in the sample at `rate` (0 to 1). */
export function sampled(secret: string, ubrn: string, rate = SAMPLING_RATE): boolean {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`a sampling rate is from 0 to 1, not ${rate}`);
  return samplingPoint(secret, ubrn) < rate;
}
