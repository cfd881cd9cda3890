// The daily survey run: invites a sample of the patients whose first appointment was 1 to 28 days ago, each once,
// with the invitation written to the outbox in the same transaction as the invitation itself (so a patient is
// invited exactly when the invitation committed). Then it cuts yesterday's answered_at times to the day (see
// migration 024: what could still link a response to its patient).
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.ts';
import { enqueueSurveyInvitation } from '../messages/patient-messages.ts';
import { halfYearOf } from '../domain/half-year.ts';
import { SAMPLING_RATE, sampled } from './sampling.ts';
import { INVITATION_DAYS, newSurveyToken } from './tokens.ts';

/** First appointments from this many days ago … */
export const LATEST_DAYS_AGO = 28;
/** … to this many: the day after, so the appointment has happened. */
export const EARLIEST_DAYS_AGO = 1;

export interface SurveyRunOptions {
  /** The key of the sampling hash (the service's ACCESS_CODE_SECRET). */
  secret: string;
  /** The London date to run for, 'YYYY-MM-DD'. */
  today: string;
  rate?: number;
}

export interface SurveyRunReport {
  /** referrals in the window not yet invited */
  eligible: number;
  /** of them, in the sample */
  sampled: number;
  /** invitations written (fewer than sampled only if another run invited one first) */
  invited: number;
  /** answered invitations whose time was cut to the day */
  coarsened: number;
}

/**
 * Who may be asked: referrals made through the service (not loaded waiting lists or transfers: the survey asks
 * about the choice at referral), in an ICB, whose first appointment stands (not cancelled) and was 1 to 28 days
 * before `today`, not cancelled, moved on or missed, and not yet invited.
 */
export async function eligibleForSurvey(db: Kysely<DB>, today: string): Promise<string[]> {
  const rows = await db
    .selectFrom('choice_fact as cf')
    .select('cf.ubrn')
    .where('cf.source', '=', 'REFERRAL')
    .where('cf.icb_code', 'is not', null)
    .where('cf.status', 'not in', ['CANCELLED', 'TRANSFERRED', 'DID_NOT_ATTEND'])
    .where(sql<boolean>`cf.first_appointment_on between ${today}::date - ${LATEST_DAYS_AGO}::int and ${today}::date - ${EARLIEST_DAYS_AGO}::int`)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('survey_invitation as si').select('si.id').whereRef('si.ubrn', '=', 'cf.ubrn'))))
    .orderBy('cf.ubrn')
    .execute();
  return rows.map((r) => r.ubrn);
}

/** Invites one referral's patient, once; returns the token (for the caller that must show it: tests, the demo) or null if already invited. */
export async function inviteToSurvey(db: Kysely<DB>, ubrn: string, today: string): Promise<string | null> {
  const { token, hash } = newSurveyToken();
  return db.transaction().execute(async (trx) => {
    const fact = await trx.selectFrom('choice_fact').select(['icb_code', 'practice_ods_code']).where('ubrn', '=', ubrn).executeTakeFirst();
    if (!fact?.icb_code) return null;
    const row = await trx
      .insertInto('survey_invitation')
      .values({
        ubrn, token_hash: hash, icb_code: fact.icb_code, practice_ods_code: fact.practice_ods_code, half_year: halfYearOf(today),
        expires_at: sql<Date>`now() + make_interval(days => ${INVITATION_DAYS})`,
      })
      .onConflict((oc) => oc.column('ubrn').doNothing())
      .returning(sql<string>`(expires_at at time zone 'Europe/London')::date::text`.as('expires_on'))
      .executeTakeFirst();
    if (!row) return null;
    await enqueueSurveyInvitation(trx, ubrn, token, row.expires_on);
    return token;
  });
}

export async function runSurvey(db: Kysely<DB>, options: SurveyRunOptions): Promise<SurveyRunReport> {
  const { secret, today, rate = SAMPLING_RATE } = options;
  const eligible = await eligibleForSurvey(db, today);
  const chosen = eligible.filter((ubrn) => sampled(secret, ubrn, rate));
  let invited = 0;
  // One short transaction each: PGlite runs one transaction at a time for every connection.
  for (const ubrn of chosen) if (await inviteToSurvey(db, ubrn, today)) invited++;
  const coarsened = await coarsenAnsweredTimes(db, today);
  return { eligible: eligible.length, sampled: chosen.length, invited, coarsened };
}

/**
 * Cuts the answered time of invitations answered before `today` to midnight (London) of that day, rewriting the
 * rows: the exact time, and the transaction id the invitation shared with its response, are then gone from them.
 */
export async function coarsenAnsweredTimes(db: Kysely<DB>, today: string): Promise<number> {
  const result = await sql`
    update survey_invitation
    set answered_at = ((answered_at at time zone 'Europe/London')::date)::timestamp at time zone 'Europe/London'
    where answered_at is not null
      and answered_at < (${today}::date)::timestamp at time zone 'Europe/London'
      and answered_at <> ((answered_at at time zone 'Europe/London')::date)::timestamp at time zone 'Europe/London'`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
