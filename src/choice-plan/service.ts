// The ICB's choice plan as its commissioners keep it: the three-year ambition and plain-English summary, the
// improvement actions linked to the self-assessment items they improve (with append-only progress notes), and
// publishing: a snapshot of the draft that the public page shows until the next publication. Every call names the
// ICB already checked by icbInScope (src/choice/icb-scope.ts): a commissioner's own, or the admin's choice.
import { type Kysely, sql } from 'kysely';
import type { Icb } from '../choice/icb-scope.ts';
import type { DB } from '../db/schema.ts';
import { ACTION_STATUSES, type ActionStatus, isOverdue } from '../domain/choice-plan.ts';
import { isCalendarDate, londonDate } from '../domain/dates.ts';
import { ASSESSMENT_ITEMS, itemOf } from '../domain/self-assessment-items.ts';
import { actorLabel, type StaffPrincipal } from '../http/principal.ts';
import { conflict, notFound, unprocessable } from '../http/problem.ts';

type Db = Kysely<DB>;

export const TEXT_MAX = 4000;
export const TITLE_MAX = 200;
export const NOTE_MAX = 2000;

export interface ActionInput {
  title: string;
  description: string;
  owner: string;
  dueOn: string;
  status: ActionStatus;
  itemIds: string[];
}

export interface ItemRef {
  id: string;
  text: string;
}

export interface ActionView {
  id: number;
  title: string;
  description: string;
  owner: string;
  dueOn: string;
  status: ActionStatus;
  statusText: string;
  overdue: boolean;
  items: ItemRef[];
  updatedBy: string;
  updatedAt: Date;
}

export interface NoteView {
  note: string;
  recordedBy: string;
  recordedAt: Date;
}

/** What a publication keeps: the plan as it stood, with nothing about who in the ICB typed it. */
export interface PlanSnapshot {
  ambition: string;
  summary: string;
  actions: { title: string; description: string; owner: string; dueOn: string; status: ActionStatus; itemIds: string[] }[];
}

export interface PublicationRef {
  id: number;
  version: number;
  publishedAt: Date;
  publishedBy: string;
}

const itemRefs = (ids: readonly string[]): ItemRef[] => ids.map((id) => ({ id, text: itemOf(id)?.text ?? id }));

const actionView = (r: { id: number; title: string; description: string; owner: string; due_on: string; status: ActionStatus; item_ids: string[]; updated_by: string; updated_at: Date }, today: string): ActionView => ({
  id: r.id, title: r.title, description: r.description, owner: r.owner, dueOn: r.due_on, status: r.status, statusText: ACTION_STATUSES[r.status],
  overdue: isOverdue({ dueOn: r.due_on, status: r.status }, today), items: itemRefs(r.item_ids), updatedBy: r.updated_by, updatedAt: r.updated_at,
});

const ACTION_COLUMNS = ['id', 'title', 'description', 'owner', sql<string>`to_char(due_on, 'YYYY-MM-DD')`.as('due_on'), 'status', 'item_ids', 'updated_by', 'updated_at'] as const;

/**
 * Checks an action as a service would be given it by any caller: every item known, a real date, texts in bounds. The
 * items come back as the guide writes them, each once, in the guide's order ("ms6", "MS6" → one "MS6").
 */
function checkAction(input: ActionInput): string[] {
  const errors: { field: string; message: string }[] = [];
  if (!input.title.trim() || input.title.length > TITLE_MAX) errors.push({ field: 'title', message: `must be 1 to ${TITLE_MAX} characters` });
  if (input.description.length > TEXT_MAX) errors.push({ field: 'description', message: `must be ${TEXT_MAX} characters or fewer` });
  if (!input.owner.trim() || input.owner.length > TITLE_MAX) errors.push({ field: 'owner', message: `must be 1 to ${TITLE_MAX} characters` });
  if (!isCalendarDate(input.dueOn)) errors.push({ field: 'dueOn', message: 'must be a real date' });
  if (!Object.hasOwn(ACTION_STATUSES, input.status)) errors.push({ field: 'status', message: `must be one of ${Object.keys(ACTION_STATUSES).join(', ')}` });
  const unknown = input.itemIds.filter((id) => !itemOf(id));
  if (input.itemIds.length === 0) errors.push({ field: 'itemIds', message: 'must name at least one self-assessment item' });
  else if (unknown.length > 0) errors.push({ field: 'itemIds', message: `names items the guide does not have: ${unknown.join(', ')}` });
  if (errors.length) throw unprocessable('The improvement action is not valid.', errors);
  const named = new Set(input.itemIds.map((id) => itemOf(id)!.id));
  return ASSESSMENT_ITEMS.map((i) => i.id).filter((id) => named.has(id));
}

export interface PlanView {
  icb: Icb;
  ambition: string;
  summary: string;
  actions: ActionView[];
  overdue: number;
  published: PublicationRef | null;
  /** whether the draft differs from what the public sees */
  unpublishedChanges: boolean;
  pendingComments: number;
}

export async function planFor(db: Db, icb: Icb, today = londonDate()): Promise<PlanView> {
  const plan = await db.selectFrom('choice_plan').select(['ambition', 'summary']).where('icb_code', '=', icb.odsCode).executeTakeFirst();
  const rows = await db.selectFrom('choice_plan_action').select(ACTION_COLUMNS).where('icb_code', '=', icb.odsCode).orderBy('due_on').orderBy('id').execute();
  const actions = rows.map((r) => actionView(r, today));
  const published = await latestPublication(db, icb.odsCode);
  const snapshot = snapshotOf(plan ?? null, rows);
  const pending = await db.selectFrom('choice_plan_comment').select(sql<number>`count(*)::int`.as('n')).where('icb_code', '=', icb.odsCode).where('status', '=', 'PENDING').executeTakeFirstOrThrow();
  return {
    icb, ambition: plan?.ambition ?? '', summary: plan?.summary ?? '', actions, overdue: actions.filter((a) => a.overdue).length,
    published: published ? published.ref : null,
    unpublishedChanges: published ? !sameSnapshot(published.snapshot, snapshot) : true,
    pendingComments: pending.n,
  };
}

function snapshotOf(plan: { ambition: string | null; summary: string | null } | null, rows: readonly { title: string; description: string; owner: string; due_on: string; status: ActionStatus; item_ids: string[] }[]): PlanSnapshot {
  return {
    ambition: plan?.ambition ?? '',
    summary: plan?.summary ?? '',
    actions: rows.map((r) => ({ title: r.title, description: r.description, owner: r.owner, dueOn: r.due_on, status: r.status, itemIds: r.item_ids })),
  };
}

/** Whether two snapshots say the same (jsonb keeps keys in its own order, so they are compared key by key). */
function sameSnapshot(a: PlanSnapshot, b: PlanSnapshot): boolean {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, x]) => [k, canonical(x)])) : v;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

export async function latestPublication(db: Db, icbCode: string): Promise<{ ref: PublicationRef; snapshot: PlanSnapshot } | null> {
  const row = await db.selectFrom('choice_plan_publication').select(['id', 'version', 'published_at', 'published_by', 'snapshot'])
    .where('icb_code', '=', icbCode).orderBy('version', 'desc').limit(1).executeTakeFirst();
  if (!row) return null;
  return { ref: { id: row.id, version: row.version, publishedAt: row.published_at, publishedBy: row.published_by }, snapshot: row.snapshot as PlanSnapshot };
}

/** Saves the ambition (action 4.1) and the plain-English summary of the draft. */
export async function saveAmbition(db: Db, staff: StaffPrincipal, icb: Icb, input: { ambition: string; summary: string }): Promise<void> {
  const errors: { field: string; message: string }[] = [];
  if (input.ambition.length > TEXT_MAX) errors.push({ field: 'ambition', message: `must be ${TEXT_MAX} characters or fewer` });
  if (input.summary.length > TEXT_MAX) errors.push({ field: 'summary', message: `must be ${TEXT_MAX} characters or fewer` });
  if (errors.length) throw unprocessable('The plan is not valid.', errors);
  const values = { ambition: input.ambition.trim() || null, summary: input.summary.trim() || null, updated_by_account_id: staff.accountId, updated_by: actorLabel(staff) };
  await db.insertInto('choice_plan').values({ icb_code: icb.odsCode, ...values })
    .onConflict((oc) => oc.column('icb_code').doUpdateSet({ ...values, updated_at: sql`now()` })).execute();
}

export async function addAction(db: Db, staff: StaffPrincipal, icb: Icb, input: ActionInput): Promise<number> {
  const itemIds = checkAction(input);
  const who = actorLabel(staff);
  const row = await db.insertInto('choice_plan_action').values({
    icb_code: icb.odsCode, item_ids: itemIds, title: input.title.trim(), description: input.description.trim(), owner: input.owner.trim(), due_on: input.dueOn, status: input.status,
    created_by_account_id: staff.accountId, updated_by_account_id: staff.accountId, updated_by: who, updated_at: new Date(),
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateAction(db: Db, staff: StaffPrincipal, icb: Icb, id: number, input: ActionInput): Promise<void> {
  const itemIds = checkAction(input);
  const res = await db.updateTable('choice_plan_action').set({
    item_ids: itemIds, title: input.title.trim(), description: input.description.trim(), owner: input.owner.trim(), due_on: input.dueOn, status: input.status,
    updated_by_account_id: staff.accountId, updated_by: actorLabel(staff), updated_at: sql`now()`,
  }).where('id', '=', id).where('icb_code', '=', icb.odsCode).executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) throw notFound(`The ICB has no improvement action ${id}.`);
}

/** One action of the ICB with its notes, newest first; another ICB's is not found. */
export async function actionFor(db: Db, icb: Icb, id: number, today = londonDate()): Promise<{ action: ActionView; notes: NoteView[] }> {
  const row = Number.isSafeInteger(id) && id > 0
    ? await db.selectFrom('choice_plan_action').select(ACTION_COLUMNS).where('id', '=', id).where('icb_code', '=', icb.odsCode).executeTakeFirst()
    : undefined;
  if (!row) throw notFound(`The ICB has no improvement action ${id}.`);
  const notes = await db.selectFrom('choice_plan_action_note').select(['note', 'recorded_by', 'recorded_at']).where('action_id', '=', id).orderBy('recorded_at', 'desc').orderBy('id', 'desc').execute();
  return { action: actionView(row, today), notes: notes.map((n) => ({ note: n.note, recordedBy: n.recorded_by, recordedAt: n.recorded_at })) };
}

export async function addNote(db: Db, staff: StaffPrincipal, icb: Icb, id: number, note: string): Promise<void> {
  const text = note.trim();
  if (!text || text.length > NOTE_MAX) throw unprocessable('The progress note is not valid.', [{ field: 'note', message: `must be 1 to ${NOTE_MAX} characters` }]);
  await actionFor(db, icb, id);
  await db.insertInto('choice_plan_action_note').values({ action_id: id, note: text, recorded_by_account_id: staff.accountId, recorded_by: actorLabel(staff) }).execute();
}

/**
 * Publishes the draft as the next version: the public page shows it from now on. The ambition and the summary are
 * needed (the public read those first); publishing what is already published is refused, so versions mean changes.
 */
export async function publishPlan(db: Db, staff: StaffPrincipal, icb: Icb): Promise<number> {
  return db.transaction().execute(async (trx) => {
    // One publisher at a time per ICB: the plan row's lock orders them.
    const plan = await trx.selectFrom('choice_plan').select(['ambition', 'summary']).where('icb_code', '=', icb.odsCode).forUpdate().executeTakeFirst();
    const errors: { field: string; message: string }[] = [];
    if (!plan?.ambition) errors.push({ field: 'ambition', message: 'is needed before the plan is published' });
    if (!plan?.summary) errors.push({ field: 'summary', message: 'is needed before the plan is published' });
    if (errors.length) throw unprocessable('Write the three-year ambition and the plain-English summary before publishing the plan.', errors);
    const rows = await trx.selectFrom('choice_plan_action').select(ACTION_COLUMNS).where('icb_code', '=', icb.odsCode).orderBy('due_on').orderBy('id').execute();
    const snapshot = snapshotOf(plan!, rows);
    const last = await latestPublication(trx, icb.odsCode);
    if (last && sameSnapshot(last.snapshot, snapshot)) throw conflict(`Version ${last.ref.version} already shows the plan as it is: change something before publishing again.`);
    const version = (last?.ref.version ?? 0) + 1;
    await trx.insertInto('choice_plan_publication').values({ icb_code: icb.odsCode, version, snapshot: JSON.stringify(snapshot), published_by_account_id: staff.accountId, published_by: actorLabel(staff) }).execute();
    return version;
  });
}

/**
 * The ICB's improvement actions by the self-assessment item they improve, for the self-assessment's pages (an item
 * shows the actions that improve it). Overdue as of `today`.
 */
export async function actionsByItem(db: Db, icbCode: string, today = londonDate()): Promise<Map<string, ActionView[]>> {
  const rows = await db.selectFrom('choice_plan_action').select(ACTION_COLUMNS).where('icb_code', '=', icbCode).orderBy('due_on').orderBy('id').execute();
  const byItem = new Map<string, ActionView[]>();
  for (const r of rows) {
    const view = actionView(r, today);
    for (const id of r.item_ids) byItem.set(id, [...(byItem.get(id) ?? []), view]);
  }
  return byItem;
}

// ---------------------------------------------------------------- "you said, we did"

export interface ChangeView {
  youSaid: string;
  weDid: string;
  recordedAt: Date;
}

export const CHANGE_MAX = 1000;

export async function recordChange(db: Db, staff: StaffPrincipal, icb: Icb, input: { youSaid: string; weDid: string }): Promise<void> {
  const errors: { field: string; message: string }[] = [];
  if (!input.youSaid.trim() || input.youSaid.length > CHANGE_MAX) errors.push({ field: 'youSaid', message: `must be 1 to ${CHANGE_MAX} characters` });
  if (!input.weDid.trim() || input.weDid.length > CHANGE_MAX) errors.push({ field: 'weDid', message: `must be 1 to ${CHANGE_MAX} characters` });
  if (errors.length) throw unprocessable('What changed is not valid.', errors);
  await db.insertInto('choice_plan_change').values({ icb_code: icb.odsCode, you_said: input.youSaid.trim(), we_did: input.weDid.trim(), recorded_by_account_id: staff.accountId, recorded_by: actorLabel(staff) }).execute();
}

export async function changesFor(db: Db, icbCode: string): Promise<ChangeView[]> {
  const rows = await db.selectFrom('choice_plan_change').select(['you_said', 'we_did', 'recorded_at']).where('icb_code', '=', icbCode).orderBy('recorded_at', 'desc').orderBy('id', 'desc').execute();
  return rows.map((r) => ({ youSaid: r.you_said, weDid: r.we_did, recordedAt: r.recorded_at }));
}
