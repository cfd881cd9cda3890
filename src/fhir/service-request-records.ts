// When each referral was made and last changed, which the JSON API's Referral does not carry and FHIR's meta and
// authoredOn need. Read only for referrals the caller has already been allowed to read (getReferral or the
// worklists decided that): these timestamps are no one's to see otherwise.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

export interface ReferralRecordTimes {
  createdAt: Date;
  /** set by every change to the referral (its status through src/referrals/history.ts, its communication needs …) */
  updatedAt: Date;
}

export async function recordTimesOf(db: Kysely<DB>, ubrns: readonly string[]): Promise<Map<string, ReferralRecordTimes>> {
  if (ubrns.length === 0) return new Map();
  const rows = await db.selectFrom('referral').select(['ubrn', 'created_at', 'updated_at']).where('ubrn', 'in', [...new Set(ubrns)]).execute();
  return new Map(rows.map((r) => [r.ubrn, { createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at) }]));
}

/**
 * The version FHIR's meta.versionId and the ETag carry: the referral's updated_at in milliseconds since 1970, as
 * digits. Every change sets updated_at to the time of the change, so the version moves on with each change and a
 * client can compare two versions by number; no second counter to keep in step. Two changes in the same
 * millisecond would share a version (changes to one referral are serialised by its row lock, so this is not met).
 */
export const versionIdOf = (updatedAt: Date) => String(updatedAt.getTime());
