// The survey's results for one ICB and half-year, beside the half-year before: invitations sent, responses, the
// response rate, and for each question the share answering positively (agreeing, or yes: see questions.ts) with
// its denominator and Wilson 95% interval; the same by practice; and the comments, for the ICB's own staff.
// A half-year is the one the invitation was sent in, so a response counts against the invitations it answers.
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.ts';
import { type Share, share } from '../domain/statistics.ts';
import { type HalfYear, previousHalfYear } from '../domain/half-year.ts';
import { QUESTIONS, type QuestionField } from './questions.ts';

export interface Figures {
  invitations: number;
  responses: number;
  /** responses out of invitations */
  responseRate: Share;
  questions: Record<QuestionField, Share>;
}

export interface PracticeFigures {
  odsCode: string | null;
  name: string;
  current: Figures;
}

export interface SurveyComment {
  practice: string;
  text: string;
}

export interface SurveyResults {
  half: HalfYear;
  previous: HalfYear;
  current: Figures;
  before: Figures;
  /** the current half-year's, by practice (those with an invitation), by name */
  practices: PracticeFigures[];
  /**
   * the current half-year's comments, with the practice but not the date, in the order of the responses' random
   * ids (so in no order of time); empty unless asked for
   */
  comments: SurveyComment[];
}

const POSITIVE: Record<'statement' | 'fact', string> = { statement: `in ('STRONGLY_AGREE', 'AGREE')`, fact: `= 'YES'` };
const COUNTED: Record<'statement' | 'fact', string> = { statement: `<> 'NOT_APPLICABLE'`, fact: `is not null` };

function figures(invitations: number, row: Record<string, number> | undefined): Figures {
  const responses = row?.responses ?? 0;
  return {
    invitations,
    responses,
    // A response to an invitation counted elsewhere cannot happen (both carry the invitation's ICB and half-year).
    responseRate: share(Math.min(responses, invitations), invitations),
    questions: Object.fromEntries(QUESTIONS.map((q) => [q.field, share(row?.[`${q.field}_yes`] ?? 0, row?.[`${q.field}_n`] ?? 0)])) as Record<QuestionField, Share>,
  };
}

export async function surveyResults(db: Kysely<DB>, icb: string, half: HalfYear, options: { comments: boolean }): Promise<SurveyResults> {
  const previous = previousHalfYear(half);
  const measures = QUESTIONS.flatMap((q) => [
    sql`count(*) filter (where ${sql.ref(q.field)} ${sql.raw(POSITIVE[q.kind])})::int as ${sql.ref(`${q.field}_yes`)}`,
    sql`count(*) filter (where ${sql.ref(q.field)} ${sql.raw(COUNTED[q.kind])})::int as ${sql.ref(`${q.field}_n`)}`,
  ]);
  const { rows: answered } = await sql<Record<string, number> & { half_year: string; practice_ods_code: string | null; by_practice: boolean }>`
    select half_year, practice_ods_code, grouping(practice_ods_code) = 0 as by_practice, count(*)::int as responses, ${sql.join(measures)}
    from survey_response
    where icb_code = ${icb} and half_year in (${half}, ${previous})
    group by grouping sets ((half_year), (half_year, practice_ods_code))`.execute(db);
  const { rows: invited } = await sql<{ half_year: string; practice_ods_code: string | null; by_practice: boolean; invitations: number }>`
    select half_year, practice_ods_code, grouping(practice_ods_code) = 0 as by_practice, count(*)::int as invitations
    from survey_invitation
    where icb_code = ${icb} and half_year in (${half}, ${previous})
    group by grouping sets ((half_year), (half_year, practice_ods_code))`.execute(db);

  const whole = (h: string) => figures(invited.find((r) => r.half_year === h && !r.by_practice)?.invitations ?? 0, answered.find((r) => r.half_year === h && !r.by_practice));
  const practiceRows = invited.filter((r) => r.half_year === half && r.by_practice);
  const codes = practiceRows.map((r) => r.practice_ods_code).filter((c): c is string => c !== null);
  const names = new Map(
    codes.length === 0 ? [] : (await db.selectFrom('organisation').select(['ods_code', 'name']).where('ods_code', 'in', codes).execute()).map((o) => [o.ods_code, o.name] as const),
  );
  const nameOf = (code: string | null) => (code === null ? 'No practice recorded' : names.get(code) ?? code);
  const practices = practiceRows
    .map((r) => ({
      odsCode: r.practice_ods_code,
      name: nameOf(r.practice_ods_code),
      current: figures(r.invitations, answered.find((a) => a.half_year === half && a.by_practice && a.practice_ods_code === r.practice_ods_code)),
    }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));

  const comments = options.comments
    ? (
        await db
          .selectFrom('survey_response')
          .select(['practice_ods_code', 'comment'])
          .where('icb_code', '=', icb)
          .where('half_year', '=', half)
          .where('comment', 'is not', null)
          .orderBy('id')
          .execute()
      ).map((c) => ({ practice: nameOf(c.practice_ods_code), text: c.comment! }))
    : [];
  return { half, previous, current: whole(half), before: whole(previous), practices, comments };
}
