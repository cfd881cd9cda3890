// Answering the survey from the link: what state a link is in, and saving the answers once. The response row is
// written with only what the results need (ICB, half-year, practice, the date) and no link to the invitation or the
// referral; the invitation is marked answered in the same transaction, under its row lock, so a link answers once
// however many times it is posted at once.
import type { Kysely } from 'kysely';
import type { DB, SurveyAgreement, SurveyYesNo } from '../db/schema.ts';
import type { FactField, StatementField } from './questions.ts';
import { hashSurveyToken, isSurveyTokenShaped } from './tokens.ts';

export type Answers = { [F in StatementField]: SurveyAgreement } & { [F in FactField]: SurveyYesNo } & { comment: string | null };

/** OPEN: can be answered; USED: answered already; EXPIRED: past its 30 days; UNKNOWN: no such link. */
export type LinkState = 'OPEN' | 'USED' | 'EXPIRED' | 'UNKNOWN';

type Db = Kysely<DB>;

const stateOf = (row: { answered_at: Date | null; expired: unknown } | undefined): LinkState =>
  !row ? 'UNKNOWN' : row.answered_at ? 'USED' : row.expired ? 'EXPIRED' : 'OPEN';

export async function surveyLinkState(db: Db, token: string): Promise<LinkState> {
  if (!isSurveyTokenShaped(token)) return 'UNKNOWN';
  const row = await db
    .selectFrom('survey_invitation')
    .select(['answered_at', (eb) => eb('expires_at', '<=', new Date()).as('expired')])
    .where('token_hash', '=', hashSurveyToken(token))
    .executeTakeFirst();
  return stateOf(row);
}

/** Saves the answers if the link is open; otherwise says why not, and saves nothing. `today` is the London date. */
export async function answerSurvey(db: Db, token: string, answers: Answers, today: string): Promise<'SAVED' | Exclude<LinkState, 'OPEN'>> {
  if (!isSurveyTokenShaped(token)) return 'UNKNOWN';
  return db.transaction().execute(async (trx) => {
    const invitation = await trx
      .selectFrom('survey_invitation')
      .select(['id', 'icb_code', 'practice_ods_code', 'half_year', 'answered_at', (eb) => eb('expires_at', '<=', new Date()).as('expired')])
      .where('token_hash', '=', hashSurveyToken(token))
      .forUpdate()
      .executeTakeFirst();
    const state = stateOf(invitation);
    if (state !== 'OPEN' || !invitation) return state === 'OPEN' ? 'UNKNOWN' : state;
    await trx.updateTable('survey_invitation').set({ answered_at: new Date() }).where('id', '=', invitation.id).execute();
    await trx
      .insertInto('survey_response')
      .values({
        icb_code: invitation.icb_code, half_year: invitation.half_year, practice_ods_code: invitation.practice_ods_code, answered_on: today,
        discussed_options: answers.discussed_options, offered_choice_of_where: answers.offered_choice_of_where, offered_alternative: answers.offered_alternative,
        information_accessible: answers.information_accessible, time_to_consider: answers.time_to_consider,
        aware_of_right: answers.aware_of_right, recalls_offer: answers.recalls_offer, comment: answers.comment,
      })
      .execute();
    return 'SAVED';
  });
}
