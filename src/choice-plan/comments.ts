// Public comments on a published choice plan: taken without an account, kept with only what the person chose to
// give, hidden until a commissioner approves them, answered publicly; and flood control by a keyed hash of the
// caller's address. The text rules (no markup, at most one link, the length) are src/domain/choice-plan.ts's.
import { createHmac } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Icb } from '../choice/icb-scope.ts';
import type { ChoicePlanCommentStatus, DB } from '../db/schema.ts';
import { commentProblems } from '../domain/choice-plan.ts';
import type { StaffPrincipal } from '../http/principal.ts';
import { conflict, notFound, tooManyRequests, unprocessable } from '../http/problem.ts';
import { latestPublication } from './service.ts';

type Db = Kysely<DB>;

/** More than this many attempts from one address within the window are refused (429). */
export const FLOOD_LIMIT = 5;
export const FLOOD_WINDOW_SECONDS = 10 * 60;
export const ANSWER_MAX = 2000;
export const REASON_MAX = 500;

/**
 * The key an address is counted under on `day` (a UTC date): HMAC-SHA256 under the service's secret, the day in the
 * message, so the key rotates daily and no table row says which address it was.
 */
export function addressKey(secret: string, address: string, day: string): string {
  return createHmac('sha256', secret).update(`choice-plan-comment:${day}:${address}`).digest('hex');
}

/** Today's key and yesterday's: a window that spans midnight counts under both. */
function keysFor(secret: string, address: string, now: Date): string[] {
  const today = now.toISOString().slice(0, 10);
  const yesterday = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
  return [addressKey(secret, address, today), addressKey(secret, address, yesterday)];
}

/**
 * Counts one attempt to comment from `address`, or refuses it (429, with seconds until one frees) when the address
 * has made FLOOD_LIMIT within the window already. Refused attempts are not counted, so waiting is enough.
 */
export async function countAttempt(db: Db, secret: string, address: string, now = new Date()): Promise<void> {
  const keys = keysFor(secret, address, now);
  await db.transaction().execute(async (trx) => {
    // One count per address at a time, so six sent at once cannot all pass a limit of five.
    await sql`select pg_advisory_xact_lock(hashtextextended(${keys[0]!}, 2016))`.execute(trx);
    const recent = await trx.selectFrom('choice_plan_comment_attempt').select('attempted_at')
      .where('address_key', 'in', keys)
      .where(sql<boolean>`attempted_at > ${now}::timestamptz - make_interval(secs => ${FLOOD_WINDOW_SECONDS})`)
      .orderBy('attempted_at', 'desc').execute();
    if (recent.length >= FLOOD_LIMIT) {
      const freesAt = new Date(recent[FLOOD_LIMIT - 1]!.attempted_at).getTime() + FLOOD_WINDOW_SECONDS * 1000;
      const wait = Math.max(1, Math.ceil((freesAt - now.getTime()) / 1000));
      throw tooManyRequests(`Too many comments have been sent from your connection in the last ${FLOOD_WINDOW_SECONDS / 60} minutes.`, wait);
    }
    await trx.insertInto('choice_plan_comment_attempt').values({ address_key: keys[0]!, attempted_at: now }).execute();
  });
  await db.deleteFrom('choice_plan_comment_attempt').where(sql<boolean>`attempted_at < ${now}::timestamptz - interval '2 days'`).execute();
}

export interface CommentInput {
  comment: string;
  name: string;
  email: string;
  wantsAnswerByEmail: boolean;
}

/**
 * Keeps a comment on the ICB's published plan, hidden until approved. Only the comment, the name if given, and the
 * email address if an answer by email was asked for. Refused (422) if the text breaks a rule; 404 with no plan.
 */
export async function submitComment(db: Db, icbCode: string, input: CommentInput): Promise<void> {
  const problems = commentProblems(input);
  if (problems.length) throw unprocessable('The comment cannot be accepted.', problems);
  const published = await latestPublication(db, icbCode);
  if (!published) throw notFound('This ICB has not published a choice plan to comment on.');
  await db.insertInto('choice_plan_comment').values({
    icb_code: icbCode, publication_id: published.ref.id, body: input.comment,
    name: input.name || null, email: input.wantsAnswerByEmail ? input.email : null,
  }).execute();
}

export interface CommentView {
  id: number;
  body: string;
  name: string | null;
  status: ChoicePlanCommentStatus;
  receivedAt: Date;
  version: number;
  rejectionReason: string | null;
  answer: string | null;
  answeredAt: Date | null;
}

/** The ICB's comments for its staff, pending first (oldest first), then the rest newest first; with the email. */
export async function commentsFor(db: Db, icb: Icb): Promise<(CommentView & { email: string | null })[]> {
  const rows = await db.selectFrom('choice_plan_comment as c').innerJoin('choice_plan_publication as p', 'p.id', 'c.publication_id')
    .select(['c.id', 'c.body', 'c.name', 'c.email', 'c.status', 'c.received_at', 'p.version', 'c.rejection_reason', 'c.answer', 'c.answered_at'])
    .where('c.icb_code', '=', icb.odsCode)
    .orderBy(sql`c.status = 'PENDING'`, 'desc').orderBy('c.received_at', 'desc').orderBy('c.id', 'desc').execute();
  const pending = rows.filter((r) => r.status === 'PENDING').reverse();
  return [...pending, ...rows.filter((r) => r.status !== 'PENDING')].map((r) => ({
    id: r.id, body: r.body, name: r.name, email: r.email, status: r.status, receivedAt: r.received_at, version: r.version,
    rejectionReason: r.rejection_reason, answer: r.answer, answeredAt: r.answered_at,
  }));
}

/** What the public see: approved comments only, newest first, with the ICB's answers; never an email address. */
export async function approvedComments(db: Db, icbCode: string): Promise<{ body: string; name: string | null; receivedAt: Date; answer: string | null; answeredAt: Date | null }[]> {
  const rows = await db.selectFrom('choice_plan_comment').select(['body', 'name', 'received_at', 'answer', 'answered_at'])
    .where('icb_code', '=', icbCode).where('status', '=', 'APPROVED').orderBy('received_at', 'desc').orderBy('id', 'desc').execute();
  return rows.map((r) => ({ body: r.body, name: r.name, receivedAt: r.received_at, answer: r.answer, answeredAt: r.answered_at }));
}

async function commentOf(db: Db, icb: Icb, id: number) {
  const row = Number.isSafeInteger(id) && id > 0
    ? await db.selectFrom('choice_plan_comment').select(['id', 'status']).where('id', '=', id).where('icb_code', '=', icb.odsCode).executeTakeFirst()
    : undefined;
  if (!row) throw notFound(`The ICB has no comment ${id}.`);
  return row;
}

/** Approves a pending comment (it is shown), or rejects it with a reason (it never is, and its email address is dropped). */
export async function moderateComment(db: Db, staff: StaffPrincipal, icb: Icb, id: number, decision: { approve: true } | { approve: false; reason: string }): Promise<void> {
  const row = await commentOf(db, icb, id);
  if (row.status !== 'PENDING') throw conflict('This comment has been moderated already.');
  if (!decision.approve) {
    const reason = decision.reason.trim();
    if (!reason || reason.length > REASON_MAX) throw unprocessable('A rejection needs its reason.', [{ field: 'reason', message: `must be 1 to ${REASON_MAX} characters` }]);
    // A rejected comment is never answered: its email address, kept only for an answer, goes.
    await db.updateTable('choice_plan_comment').set({ status: 'REJECTED', rejection_reason: reason, email: null, moderated_by_account_id: staff.accountId, moderated_at: sql`now()` }).where('id', '=', id).where('status', '=', 'PENDING').execute();
    return;
  }
  await db.updateTable('choice_plan_comment').set({ status: 'APPROVED', moderated_by_account_id: staff.accountId, moderated_at: sql`now()` }).where('id', '=', id).where('status', '=', 'PENDING').execute();
}

/** The ICB's public answer to an approved comment (a second answer replaces the first). */
export async function answerComment(db: Db, staff: StaffPrincipal, icb: Icb, id: number, answer: string): Promise<void> {
  const text = answer.trim();
  if (!text || text.length > ANSWER_MAX) throw unprocessable('The answer is not valid.', [{ field: 'answer', message: `must be 1 to ${ANSWER_MAX} characters` }]);
  const row = await commentOf(db, icb, id);
  if (row.status !== 'APPROVED') throw conflict('Approve the comment before answering it: only approved comments are shown with their answers.');
  await db.updateTable('choice_plan_comment').set({ answer: text, answered_by_account_id: staff.accountId, answered_at: sql`now()` }).where('id', '=', id).execute();
}
