// The demo's choice plan for NHS West Yorkshire ICB (QWO), so the journey can be tried at once: the three-year
// ambition and summary, three improvement actions (one overdue, one done, one ahead) linked to self-assessment
// items, a progress note, version 1 published, one comment approved and answered, one waiting to be moderated, and
// one "you said, we did". Written as demo-commissioner. Idempotent: nothing is added once the ICB has a plan.
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.ts';
import { londonDate } from '../domain/dates.ts';
import type { StaffPrincipal } from '../http/principal.ts';
import { addAction, addNote, publishPlan, recordChange, saveAmbition } from './service.ts';

export const DEMO_PLAN_ICB = 'QWO';
const DAY_MS = 86_400_000;

export async function ensureDemoChoicePlan(db: Kysely<DB>, now = new Date()): Promise<{ actions: number } | null> {
  if (await db.selectFrom('choice_plan').select('icb_code').where('icb_code', '=', DEMO_PLAN_ICB).executeTakeFirst()) return null;
  const account = await db.selectFrom('account as a').innerJoin('organisation as o', 'o.ods_code', 'a.organisation_ods_code')
    .select(['a.id', 'a.username', 'a.display_name', 'o.ods_code', 'o.name']).where('a.username', '=', 'demo-commissioner').executeTakeFirst();
  const icb = await db.selectFrom('organisation').select(['ods_code', 'name']).where('ods_code', '=', DEMO_PLAN_ICB).where('kind', '=', 'ICB').executeTakeFirst();
  if (!account || !icb) return null;
  const staff: StaffPrincipal = { kind: 'staff', accountId: account.id, username: account.username, displayName: account.display_name, role: 'commissioner', organisation: { odsCode: account.ods_code, name: account.name } };
  const scope = { odsCode: icb.ods_code, name: icb.name };
  const day = (offset: number) => londonDate(new Date(now.getTime() + offset * DAY_MS));
  await saveAmbition(db, staff, scope, {
    ambition: 'By 2029 every patient in West Yorkshire referred for planned care is offered at least 5 providers, knows it is their right to choose, and can get to the place they choose. Referral patterns that move are looked into within a month.',
    summary: 'You have the right to choose where you go for your first hospital appointment. We want every GP to offer you a real choice, tell you how long each place will make you wait, and help you get there. This plan says what we are doing about it, and you can tell us what you think.',
  });
  await addAction(db, staff, scope, { title: 'Visit every practice offering fewer than 5 choices', description: 'Practice visits by the elective care team, using the choice figures by practice.', owner: 'Head of elective commissioning', dueOn: day(-60), status: 'IN_PROGRESS', itemIds: ['5.1', 'MS6'] });
  const done = await addAction(db, staff, scope, { title: 'Publish our patient choice policy statement', description: 'On the ICB website and in every GP surgery.', owner: 'Communications team', dueOn: day(-30), status: 'DONE', itemIds: ['1.1', 'MS1'] });
  await addAction(db, staff, scope, { title: 'Test shortlists every month and act on what they show', description: '', owner: 'Choice lead, contracting', dueOn: day(120), status: 'NOT_STARTED', itemIds: ['6.2'] });
  await addNote(db, staff, scope, done, 'Published on the website; posters sent to all 280 practices.');
  await publishPlan(db, staff, scope);
  const publication = await db.selectFrom('choice_plan_publication').select('id').where('icb_code', '=', DEMO_PLAN_ICB).executeTakeFirstOrThrow();
  const moderated = { moderated_by_account_id: staff.accountId, moderated_at: new Date(now.getTime() - 5 * DAY_MS) };
  await db.insertInto('choice_plan_comment').values([
    { icb_code: DEMO_PLAN_ICB, publication_id: publication.id, body: 'My mother does not drive. Choosing a hospital further away is no choice if there is no way to get there.', name: 'Pat', status: 'APPROVED', ...moderated,
      answer: 'Thank you. We have added help with transport to the plan: the shortlist now shows the travel cost of each hospital and who can get help with it.', answered_by_account_id: staff.accountId, answered_at: moderated.moderated_at, received_at: new Date(now.getTime() - 9 * DAY_MS) },
    { icb_code: DEMO_PLAN_ICB, publication_id: publication.id, body: 'Will the plan cover community services such as physiotherapy?', name: null, received_at: new Date(now.getTime() - DAY_MS) },
  ]).execute();
  await recordChange(db, staff, scope, { youSaid: 'Choosing a hospital further away is no choice without a way to get there.', weDid: 'We show the travel cost of each option and who can get help with it.' });
  return { actions: 3 };
}

/** Takes the demo's plan out (for tests that start from an empty plan): its notes are append-only, so as superuser. */
export async function removeDemoChoicePlan(db: Kysely<DB>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    for (const table of ['choice_plan_comment', 'choice_plan_change', 'choice_plan_action_note', 'choice_plan_action', 'choice_plan_publication', 'choice_plan', 'choice_plan_comment_attempt'] as const) {
      await trx.deleteFrom(table).execute();
    }
  });
}
