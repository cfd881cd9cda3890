// The ICB's self-assessment against the 2016 guide, per half-year: the 33 items (24 actions, 9 minimum standards)
// with their rating, the rule that evidence of practice contrary to patients' legal rights makes an item Red whatever
// else, the evidence given (text, links, attached documents) and offered (./offered-evidence.ts), an owner, the
// append-only history of every change, the comparison with the half-year before, the five reflections, the SRO and
// the sign-off. A change after sign-off reopens the assessment: its sign-off stays in the history, and a new one is
// needed. Commissioners see their own ICB's; admins any ICB's (icb=), as src/choice/icb-scope.ts rules.
import { createHash } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import { type Icb, icbInScope, listIcbs } from '../choice/icb-scope.ts';
import type { AssessmentRating, DB } from '../db/schema.ts';
import { movement, type Movement } from '../domain/evidence-ratings.ts';
import {
  ASSESSMENT_ITEMS, type AssessmentItem, ENABLERS, effectiveRating, itemOf, type Rating, REFLECTION_QUESTIONS,
} from '../domain/self-assessment-items.ts';
import { type HalfYear, halfYearDates, halfYearOf, previousHalfYear, readHalfYear } from '../domain/half-year.ts';
import { londonDate } from '../domain/dates.ts';
import { actorLabel, type StaffPrincipal } from '../http/principal.ts';
import { badRequest, conflict, forbidden, notFound, unprocessable } from '../http/problem.ts';
import { type CheckedAttachment } from './attachments.ts';
import { type OfferedEvidence, offeredEvidence } from './offered-evidence.ts';
import { isPublishableWebAddress } from '../domain/web-address.ts';

export const TEXT_MAX = 4000;
export const TEXTS_MAX = 20;
export const LINK_MAX = 500;
export const LINKS_MAX = 20;
export const OWNER_MAX = 200;
export const REASON_MAX = 2000;
export const REFLECTION_MAX = 4000;
export const SRO_FIELD_MAX = 200;
export const ATTACHMENTS_PER_ITEM = 10;

export type EvidenceEntry =
  | { type: 'TEXT'; text: string }
  | { type: 'LINK'; url: string }
  | { type: 'ATTACHMENT'; id: string; name: string; mediaType: string; size: number; href: string };

export interface Sro {
  name: string;
  role: string;
  contact: string;
}

export interface ItemView {
  item: AssessmentItem;
  itemId: string;
  kind: AssessmentItem['kind'];
  text: string;
  rating: Rating | null;
  effectiveRating: Rating | null;
  contraryToLegalRights: boolean;
  evidence: EvidenceEntry[];
  texts: string[];
  links: string[];
  attachments: Extract<EvidenceEntry, { type: 'ATTACHMENT' }>[];
  owner: string | null;
  /** the suggestion stored when the item was last saved, and the reason the assessor gave for overruling it */
  suggestedRating: Rating | null;
  overruleReason: string | null;
  /** the evidence OpenChoice holds now, with its suggestion */
  offered: OfferedEvidence | null;
  previousEffectiveRating: Rating | null;
  movement: Movement | null;
  updatedBy: string | null;
  updatedAt: Date | null;
}

export interface SignOffView {
  sroName: string;
  sroRole: string;
  by: string;
  at: Date;
  version: number;
}

export interface AssessmentView {
  icb: Icb;
  period: { period: string; from: string; to: string };
  previousPeriod: string;
  sro: Sro | null;
  items: ItemView[];
  enablers: { number: number; text: string; items: ItemView[] }[];
  reflections: { question: string; answer: string }[];
  version: number;
  /** the sign-off of the current version, or null */
  signOff: SignOffView | null;
  /** the latest sign-off, when a change has reopened the assessment since */
  reopenedAfter: SignOffView | null;
  counts: { rated: number; unrated: number; RED: number; AMBER: number; GREEN: number };
}

export interface ItemInput {
  rating: Rating | null;
  contraryToLegalRights: boolean;
  texts: string[];
  links: string[];
  /** attachments the caller names (they must exist); an attachment is removed only by removeAttachment */
  attachmentIds?: string[];
  owner?: string | null;
  overruleReason?: string | null;
  /**
   * The API's contract (../shared/design/api.md) is `{ rating, evidence, contraryToLegalRights }`: a client that
   * rates against the suggestion without `overruleReason` is saved, and the overrule recorded as made without a
   * stated reason (shown so on the item). The pages always ask for the reason.
   */
  reasonMayBeMissing?: boolean;
}

/** The period of an address: a half-year like 2026-H2, or a 400 naming the field. */
export function periodOrRefuse(text: string): { period: string; from: string; to: string } {
  const half = readHalfYear(text);
  const year = half ? Number(half.slice(0, 4)) : 0;
  if (!half || year < 2000 || year > 2100) throw badRequest(`"${text.slice(0, 20)}" is not a half-year period: write it like 2026-H2 (July to December) or 2026-H1 (January to June).`, [{ field: 'period', message: 'must be a half-year, like 2026-H2' }]);
  return { period: half, ...halfYearDates(half) };
}

/** The item of an address, or a 404 that says which items there are. */
export function itemOrRefuse(text: string): AssessmentItem {
  const item = itemOf(text);
  if (!item) throw notFound(`There is no item "${text.slice(0, 20)}" in the self-assessment: the items are the actions 1.1 to 6.5 (as the guide numbers them) and the minimum standards MS1 to MS9.`);
  return item;
}

/** The half-year holding today. */
export const currentPeriod = (): string => halfYearOf(londonDate());

function checkInput(input: ItemInput): ItemInput {
  const errors: { field: string; message: string }[] = [];
  const texts = input.texts.map((t) => t.trim()).filter((t) => t.length > 0);
  const links = input.links.map((l) => l.trim()).filter((l) => l.length > 0);
  if (texts.length > TEXTS_MAX) errors.push({ field: 'evidence', message: `must have at most ${TEXTS_MAX} pieces of text` });
  texts.forEach((t) => {
    if (t.length > TEXT_MAX) errors.push({ field: 'evidence', message: `each piece of text must be ${TEXT_MAX} characters or fewer (one has ${t.length})` });
  });
  if (links.length > LINKS_MAX) errors.push({ field: 'links', message: `must have at most ${LINKS_MAX} links` });
  for (const l of links) {
    if (l.length > LINK_MAX || !isPublishableWebAddress(l)) errors.push({ field: 'links', message: `"${l.slice(0, 60)}" must be a web address starting https:// (at most ${LINK_MAX} characters)` });
  }
  const owner = input.owner?.trim() || null;
  if (owner && owner.length > OWNER_MAX) errors.push({ field: 'owner', message: `must be ${OWNER_MAX} characters or fewer` });
  const reason = input.overruleReason?.trim() || null;
  if (reason && reason.length > REASON_MAX) errors.push({ field: 'overruleReason', message: `must be ${REASON_MAX} characters or fewer` });
  if (errors.length) throw badRequest(`The item was not saved: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}. What was saved before is unchanged.`, errors);
  return { ...input, texts, links, owner, overruleReason: reason };
}

type Scope = { icb: Icb; period: { period: string; from: string; to: string } };
async function scopeOf(db: Kysely<DB>, staff: StaffPrincipal, periodText: string, icb: string | undefined | null): Promise<Scope> {
  const period = periodOrRefuse(periodText);
  return { icb: await icbInScope(db, staff, icb), period };
}

const attachmentHref = (id: string) => `/commissioner/self-assessment/attachments/${id}`;

async function loadSignOffs(db: Kysely<DB>, icb: string, period: string) {
  const row = await db.selectFrom('self_assessment_sign_off').selectAll().where('icb_code', '=', icb).where('period', '=', period).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? { sroName: row.sro_name, sroRole: row.sro_role, by: row.signed_off_by, at: new Date(row.signed_off_at), version: row.version } : null;
}

export async function sroOf(db: Kysely<DB>, icb: string): Promise<Sro | null> {
  const row = await db.selectFrom('icb_sro').select(['name', 'role', 'contact']).where('icb_code', '=', icb).executeTakeFirst();
  return row ?? null;
}

/** An ICB's whole assessment of a period, with the evidence offered, the comparison with the period before and the sign-off. */
export async function assessmentFor(db: Kysely<DB>, staff: StaffPrincipal, periodText: string, icbText?: string | null, options: { offered?: boolean } = {}): Promise<AssessmentView> {
  const scope = await scopeOf(db, staff, periodText, icbText);
  return loadAssessment(db, scope, options.offered ?? true);
}

async function loadAssessment(db: Kysely<DB>, { icb, period }: Scope, withOffered: boolean): Promise<AssessmentView> {
  const previous = previousHalfYear(period.period as HalfYear);
  const [head, rows, previousRows, attachments, sro, lastSignOff, offered] = await Promise.all([
    db.selectFrom('self_assessment').selectAll().where('icb_code', '=', icb.odsCode).where('period', '=', period.period).executeTakeFirst(),
    db.selectFrom('self_assessment_item').selectAll().where('icb_code', '=', icb.odsCode).where('period', '=', period.period).execute(),
    db.selectFrom('self_assessment_item').select(['item_id', 'rating', 'contrary_to_legal_rights']).where('icb_code', '=', icb.odsCode).where('period', '=', previous).execute(),
    db.selectFrom('self_assessment_attachment').select(['id', 'item_id', 'file_name', 'media_type', 'size_bytes']).where('icb_code', '=', icb.odsCode).where('period', '=', period.period)
      .where('removed_at', 'is', null).orderBy('uploaded_at').execute(),
    sroOf(db, icb.odsCode),
    loadSignOffs(db, icb.odsCode, period.period),
    withOffered ? offeredEvidence(db, icb, period) : Promise.resolve(new Map<string, OfferedEvidence>()),
  ]);
  const byId = new Map(rows.map((r) => [r.item_id, r]));
  const before = new Map(previousRows.map((r) => [r.item_id, effectiveRating(r.rating, r.contrary_to_legal_rights)]));
  const items = ASSESSMENT_ITEMS.map((item): ItemView => {
    const r = byId.get(item.id);
    const texts = r?.evidence_texts ?? [];
    const links = r?.evidence_links ?? [];
    const files = attachments.filter((a) => a.item_id === item.id).map((a) => ({ type: 'ATTACHMENT' as const, id: a.id, name: a.file_name, mediaType: a.media_type, size: a.size_bytes, href: attachmentHref(a.id) }));
    const rating = r?.rating ?? null;
    const contrary = r?.contrary_to_legal_rights ?? false;
    const eff = effectiveRating(rating, contrary);
    const prev = before.get(item.id) ?? null;
    return {
      item, itemId: item.id, kind: item.kind, text: item.text, rating, effectiveRating: eff, contraryToLegalRights: contrary,
      evidence: [...texts.map((text) => ({ type: 'TEXT' as const, text })), ...links.map((url) => ({ type: 'LINK' as const, url })), ...files],
      texts, links, attachments: files, owner: r?.owner ?? null, suggestedRating: r?.suggested_rating ?? null, overruleReason: r?.overrule_reason ?? null,
      offered: offered.get(item.id) ?? null, previousEffectiveRating: prev, movement: movement(prev, eff),
      updatedBy: r?.updated_by ?? null, updatedAt: r ? new Date(r.updated_at) : null,
    };
  });
  const answers = head?.reflections ?? [];
  const version = head?.version ?? 0;
  const current = lastSignOff && lastSignOff.version === version ? lastSignOff : null;
  const counts = { rated: 0, unrated: 0, RED: 0, AMBER: 0, GREEN: 0 };
  for (const i of items) {
    if (i.effectiveRating) {
      counts.rated++;
      counts[i.effectiveRating]++;
    } else counts.unrated++;
  }
  return {
    icb, period, previousPeriod: previous, sro, items,
    enablers: ENABLERS.map((e) => ({ number: e.number, text: e.text, items: items.filter((i) => i.item.enabler === e.number) })),
    reflections: REFLECTION_QUESTIONS.map((question, i) => ({ question, answer: answers[i] ?? '' })),
    version, signOff: current, reopenedAfter: current ? null : lastSignOff, counts,
  };
}

async function ensureAssessment(trx: Transaction<DB>, icb: string, period: string) {
  await trx.insertInto('self_assessment').values({ icb_code: icb, period }).onConflict((oc) => oc.doNothing()).execute();
  return trx.selectFrom('self_assessment').selectAll().where('icb_code', '=', icb).where('period', '=', period).forUpdate().executeTakeFirstOrThrow();
}

async function bump(trx: Transaction<DB>, icb: string, period: string) {
  await trx.updateTable('self_assessment').set({ version: sql`version + 1`, last_changed_at: sql`now()` }).where('icb_code', '=', icb).where('period', '=', period).execute();
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Saves an item (PUT: the same input twice changes nothing the second time). The rating the held evidence suggests
 * may be overruled only with a reason; bad input is refused before anything is written.
 */
export async function saveItem(db: Kysely<DB>, staff: StaffPrincipal, periodText: string, itemText: string, raw: ItemInput, icbText?: string | null): Promise<ItemView> {
  const item = itemOrRefuse(itemText);
  const scope = await scopeOf(db, staff, periodText, icbText);
  const input = checkInput(raw);
  const offered = (await offeredEvidence(db, scope.icb, scope.period, [item.id])).get(item.id) ?? null;
  const suggestion = offered?.suggestedRating ?? null;
  const overruled = input.rating !== null && suggestion !== null && input.rating !== suggestion;
  if (overruled && !input.overruleReason && !raw.reasonMayBeMissing) {
    throw unprocessable(`The evidence OpenChoice holds suggests ${suggestion} for ${item.id}: give the reason for rating it ${input.rating} (overruleReason). Nothing was saved.`, [{ field: 'overruleReason', message: `is needed to rate ${input.rating} against the suggested ${suggestion}` }]);
  }
  const reason = !overruled ? null : input.overruleReason || `No reason given: rated ${input.rating} against the suggested ${suggestion} through the API.`;
  const { icb, period } = scope;
  await db.transaction().execute(async (trx) => {
    await ensureAssessment(trx, icb.odsCode, period.period);
    if (input.attachmentIds?.length) {
      const known = new Set((await trx.selectFrom('self_assessment_attachment').select('id').where('icb_code', '=', icb.odsCode).where('period', '=', period.period)
        .where('item_id', '=', item.id).where('removed_at', 'is', null).execute()).map((r) => r.id));
      const unknown = input.attachmentIds.filter((id) => !known.has(id));
      if (unknown.length) throw badRequest(`The evidence names attachments this item does not have (${unknown.slice(0, 3).join(', ')}): attach documents on the item's page. Nothing was saved.`, [{ field: 'evidence', message: 'names an attachment this item does not have' }]);
    }
    const old = await trx.selectFrom('self_assessment_item').selectAll().where('icb_code', '=', icb.odsCode).where('period', '=', period.period).where('item_id', '=', item.id).forUpdate().executeTakeFirst();
    const changed: string[] = [];
    if ((old?.rating ?? null) !== input.rating) changed.push('rating');
    if ((old?.contrary_to_legal_rights ?? false) !== input.contraryToLegalRights) changed.push(input.contraryToLegalRights ? 'evidence of practice contrary to legal rights recorded' : 'evidence of practice contrary to legal rights withdrawn');
    if (!same(old?.evidence_texts ?? [], input.texts)) changed.push('evidence');
    if (!same(old?.evidence_links ?? [], input.links)) changed.push('links');
    if ((old?.owner ?? null) !== (input.owner ?? null)) changed.push('owner');
    if ((old?.overrule_reason ?? null) !== reason) changed.push(reason ? 'reason for overruling the suggestion' : 'reason for overruling removed');
    if (changed.length === 0) return;
    const values = {
      rating: input.rating, contrary_to_legal_rights: input.contraryToLegalRights, evidence_texts: JSON.stringify(input.texts), evidence_links: JSON.stringify(input.links),
      owner: input.owner ?? null, suggested_rating: suggestion as AssessmentRating | null, overrule_reason: reason,
      updated_by_account_id: staff.accountId, updated_by: actorLabel(staff), updated_at: new Date(),
    };
    await trx.insertInto('self_assessment_item').values({ icb_code: icb.odsCode, period: period.period, item_id: item.id, ...values })
      .onConflict((oc) => oc.columns(['icb_code', 'period', 'item_id']).doUpdateSet(values)).execute();
    await trx.insertInto('self_assessment_item_change').values({
      icb_code: icb.odsCode, period: period.period, item_id: item.id, old_rating: old?.rating ?? null, new_rating: input.rating,
      old_effective: old ? effectiveRating(old.rating, old.contrary_to_legal_rights) : null, new_effective: effectiveRating(input.rating, input.contraryToLegalRights),
      contrary_to_legal_rights: input.contraryToLegalRights, what: changed.join(', '), changed_by_account_id: staff.accountId, changed_by: actorLabel(staff),
    }).execute();
    await bump(trx, icb.odsCode, period.period);
  });
  return (await loadAssessment(db, scope, false)).items.find((i) => i.itemId === item.id)!;
}

/** An item's page: the assessment's item with its offered evidence, its history and where the assessment stands. */
export async function itemFor(db: Kysely<DB>, staff: StaffPrincipal, periodText: string, itemText: string, icbText?: string | null) {
  const item = itemOrRefuse(itemText);
  const scope = await scopeOf(db, staff, periodText, icbText);
  const [view, offered, history] = await Promise.all([
    loadAssessment(db, scope, false),
    offeredEvidence(db, scope.icb, scope.period, [item.id]),
    changesOf(db, scope.icb.odsCode, scope.period.period, item.id),
  ]);
  const one = view.items.find((i) => i.itemId === item.id)!;
  return { view, item: { ...one, offered: offered.get(item.id) ?? null }, history };
}

export interface ChangeView {
  itemId: string;
  oldRating: Rating | null;
  newRating: Rating | null;
  oldEffective: Rating | null;
  newEffective: Rating | null;
  contraryToLegalRights: boolean;
  what: string;
  by: string;
  at: Date;
}

async function changesOf(db: Kysely<DB>, icb: string, period: string, itemId?: string): Promise<ChangeView[]> {
  let q = db.selectFrom('self_assessment_item_change').selectAll().where('icb_code', '=', icb).where('period', '=', period).orderBy('id', 'desc').limit(500);
  if (itemId) q = q.where('item_id', '=', itemId);
  return (await q.execute()).map((r) => ({
    itemId: r.item_id, oldRating: r.old_rating, newRating: r.new_rating, oldEffective: r.old_effective, newEffective: r.new_effective,
    contraryToLegalRights: r.contrary_to_legal_rights, what: r.what, by: r.changed_by, at: new Date(r.changed_at),
  }));
}

/** Every change of the period's assessment, newest first, and its sign-offs. */
export async function historyFor(db: Kysely<DB>, staff: StaffPrincipal, periodText: string, icbText?: string | null) {
  const { icb, period } = await scopeOf(db, staff, periodText, icbText);
  const [changes, signOffs] = await Promise.all([
    changesOf(db, icb.odsCode, period.period),
    db.selectFrom('self_assessment_sign_off').selectAll().where('icb_code', '=', icb.odsCode).where('period', '=', period.period).orderBy('id', 'desc').execute(),
  ]);
  return { icb, period, changes, signOffs: signOffs.map((s) => ({ sroName: s.sro_name, sroRole: s.sro_role, by: s.signed_off_by, at: new Date(s.signed_off_at), version: s.version })) };
}

/** Attaches a checked document to an item (./attachments.ts checked it); a change that reopens a sign-off. */
export async function addAttachment(db: Kysely<DB>, staff: StaffPrincipal, periodText: string, itemText: string, file: CheckedAttachment, icbText?: string | null): Promise<string> {
  const item = itemOrRefuse(itemText);
  const { icb, period } = await scopeOf(db, staff, periodText, icbText);
  return db.transaction().execute(async (trx) => {
    await ensureAssessment(trx, icb.odsCode, period.period);
    const count = await trx.selectFrom('self_assessment_attachment').select(sql<number>`count(*)::int`.as('n')).where('icb_code', '=', icb.odsCode)
      .where('period', '=', period.period).where('item_id', '=', item.id).where('removed_at', 'is', null).executeTakeFirstOrThrow();
    if (count.n >= ATTACHMENTS_PER_ITEM) throw conflict(`An item can have at most ${ATTACHMENTS_PER_ITEM} documents: remove one before attaching another.`);
    const row = await trx.insertInto('self_assessment_attachment').values({
      icb_code: icb.odsCode, period: period.period, item_id: item.id, file_name: file.fileName, media_type: file.mediaType, size_bytes: file.data.length,
      content: file.data, sha256: createHash('sha256').update(file.data).digest('hex'), uploaded_by_account_id: staff.accountId, uploaded_by: actorLabel(staff),
    }).returning('id').executeTakeFirstOrThrow();
    await recordFileChange(trx, staff, icb.odsCode, period.period, item.id, `document attached: ${file.fileName}`);
    return row.id;
  });
}

async function recordFileChange(trx: Transaction<DB>, staff: StaffPrincipal, icb: string, period: string, itemId: string, what: string) {
  const cur = await trx.selectFrom('self_assessment_item').select(['rating', 'contrary_to_legal_rights']).where('icb_code', '=', icb).where('period', '=', period).where('item_id', '=', itemId).executeTakeFirst();
  const eff = cur ? effectiveRating(cur.rating, cur.contrary_to_legal_rights) : null;
  await trx.insertInto('self_assessment_item_change').values({
    icb_code: icb, period, item_id: itemId, old_rating: cur?.rating ?? null, new_rating: cur?.rating ?? null, old_effective: eff, new_effective: eff,
    contrary_to_legal_rights: cur?.contrary_to_legal_rights ?? false, what, changed_by_account_id: staff.accountId, changed_by: actorLabel(staff),
  }).execute();
  await bump(trx, icb, period);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An attachment's content, for those who may see its assessment (a commissioner of its ICB, an admin); else 404. */
export async function attachmentContent(db: Kysely<DB>, staff: StaffPrincipal, id: string) {
  if (!UUID.test(id)) throw notFound('There is no such document.');
  const row = await db.selectFrom('self_assessment_attachment').select(['icb_code', 'period', 'item_id', 'file_name', 'media_type', 'content'])
    .where('id', '=', id).where('removed_at', 'is', null).executeTakeFirst();
  // Another ICB's document is not found, rather than forbidden: its existence is not told.
  if (!row || (staff.role === 'commissioner' && row.icb_code !== staff.organisation.odsCode) || (staff.role !== 'commissioner' && staff.role !== 'admin')) throw notFound('There is no such document.');
  return { fileName: row.file_name, mediaType: row.media_type, content: Buffer.from(row.content), itemId: row.item_id, period: row.period, icb: row.icb_code };
}

/** Takes a document off an item (kept in the database, marked removed, and the removal in the history). */
export async function removeAttachment(db: Kysely<DB>, staff: StaffPrincipal, id: string): Promise<{ period: string; itemId: string; icb: string }> {
  const found = await attachmentContent(db, staff, id);
  await db.transaction().execute(async (trx) => {
    await ensureAssessment(trx, found.icb, found.period);
    const done = await trx.updateTable('self_assessment_attachment').set({ removed_at: sql`now()` }).where('id', '=', id).where('removed_at', 'is', null).executeTakeFirst();
    if (Number(done.numUpdatedRows) === 1) await recordFileChange(trx, staff, found.icb, found.period, found.itemId, `document removed: ${found.fileName}`);
  });
  return { period: found.period, itemId: found.itemId, icb: found.icb };
}

/** The five reflections of a period, answered (a change that reopens a sign-off, when they change). */
export async function saveReflections(db: Kysely<DB>, staff: StaffPrincipal, periodText: string, answers: string[], icbText?: string | null): Promise<void> {
  const { icb, period } = await scopeOf(db, staff, periodText, icbText);
  const cleaned = REFLECTION_QUESTIONS.map((_, i) => (answers[i] ?? '').trim());
  const long = cleaned.findIndex((a) => a.length > REFLECTION_MAX);
  if (long >= 0) throw badRequest(`Your answer to question ${long + 1} must be ${REFLECTION_MAX} characters or fewer. Nothing was saved.`, [{ field: `answer${long + 1}`, message: `must be ${REFLECTION_MAX} characters or fewer` }]);
  await db.transaction().execute(async (trx) => {
    const head = await ensureAssessment(trx, icb.odsCode, period.period);
    if (same(head.reflections, cleaned)) return;
    await trx.updateTable('self_assessment').set({ reflections: JSON.stringify(cleaned) }).where('icb_code', '=', icb.odsCode).where('period', '=', period.period).execute();
    await bump(trx, icb.odsCode, period.period);
  });
}

/** Names (or renames) the ICB's SRO. */
export async function nameSro(db: Kysely<DB>, staff: StaffPrincipal, input: Sro, icbText?: string | null): Promise<Sro> {
  const icb = await icbInScope(db, staff, icbText);
  const sro = { name: input.name.trim(), role: input.role.trim(), contact: input.contact.trim() };
  const errors = (['name', 'role', 'contact'] as const).flatMap((f) => (sro[f].length === 0 ? [{ field: f, message: 'is required' }] : sro[f].length > SRO_FIELD_MAX ? [{ field: f, message: `must be ${SRO_FIELD_MAX} characters or fewer` }] : []));
  if (errors.length) throw badRequest(`The SRO was not saved: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`, errors);
  const values = { ...sro, updated_by_account_id: staff.accountId, updated_by: actorLabel(staff), updated_at: new Date() };
  await db.insertInto('icb_sro').values({ icb_code: icb.odsCode, ...values }).onConflict((oc) => oc.column('icb_code').doUpdateSet(values)).execute();
  return sro;
}

/** The SRO of the ICB in scope, for its page. */
export async function sroFor(db: Kysely<DB>, staff: StaffPrincipal, icbText?: string | null): Promise<{ icb: Icb; sro: Sro | null }> {
  const icb = await icbInScope(db, staff, icbText);
  return { icb, sro: await sroOf(db, icb.odsCode) };
}

/**
 * Records the SRO's sign-off of the assessment as it stands (its version): the SRO must be named and every item
 * rated. Signing off what is already signed off changes nothing.
 */
export async function signOff(db: Kysely<DB>, staff: StaffPrincipal, periodText: string, icbText?: string | null): Promise<SignOffView> {
  const scope = await scopeOf(db, staff, periodText, icbText);
  const { icb, period } = scope;
  return db.transaction().execute(async (trx) => {
    const head = await ensureAssessment(trx, icb.odsCode, period.period);
    const sro = await trx.selectFrom('icb_sro').select(['name', 'role']).where('icb_code', '=', icb.odsCode).executeTakeFirst();
    if (!sro) throw conflict('Name the ICB\'s senior responsible owner (SRO) before the assessment is signed off.');
    const rated = await trx.selectFrom('self_assessment_item').select(sql<number>`count(*)::int`.as('n')).where('icb_code', '=', icb.odsCode).where('period', '=', period.period)
      .where((eb) => eb.or([eb('rating', 'is not', null), eb('contrary_to_legal_rights', '=', true)])).executeTakeFirstOrThrow();
    const unrated = ASSESSMENT_ITEMS.length - rated.n;
    if (unrated > 0) throw conflict(`Rate every item before the assessment is signed off: ${unrated} of ${ASSESSMENT_ITEMS.length} are not rated yet.`);
    const last = await trx.selectFrom('self_assessment_sign_off').selectAll().where('icb_code', '=', icb.odsCode).where('period', '=', period.period).orderBy('id', 'desc').limit(1).executeTakeFirst();
    if (last && last.version === head.version) return { sroName: last.sro_name, sroRole: last.sro_role, by: last.signed_off_by, at: new Date(last.signed_off_at), version: last.version };
    const row = await trx.insertInto('self_assessment_sign_off').values({
      icb_code: icb.odsCode, period: period.period, sro_name: sro.name, sro_role: sro.role, version: head.version, signed_off_by_account_id: staff.accountId, signed_off_by: actorLabel(staff),
    }).returningAll().executeTakeFirstOrThrow();
    return { sroName: row.sro_name, sroRole: row.sro_role, by: row.signed_off_by, at: new Date(row.signed_off_at), version: row.version };
  });
}

/** The periods an ICB has assessed, newest first, with the current half-year always among them. */
export async function periodsFor(db: Kysely<DB>, staff: StaffPrincipal, icbText?: string | null) {
  const icb = await icbInScope(db, staff, icbText);
  const rows = await db.selectFrom('self_assessment as a')
    .leftJoin('self_assessment_item as i', (j) => j.onRef('i.icb_code', '=', 'a.icb_code').onRef('i.period', '=', 'a.period'))
    .select(['a.period', 'a.version', sql<number>`count(i.item_id) filter (where i.rating is not null or i.contrary_to_legal_rights)::int`.as('rated')])
    .where('a.icb_code', '=', icb.odsCode).groupBy(['a.period', 'a.version']).execute();
  const signOffs = await db.selectFrom('self_assessment_sign_off').select(['period', sql<number>`max(version)`.as('version')]).where('icb_code', '=', icb.odsCode).groupBy('period').execute();
  const signed = new Map(signOffs.map((s) => [s.period, Number(s.version)]));
  const current = currentPeriod();
  const all = new Map(rows.map((r) => [r.period, { period: r.period, rated: r.rated, signedOff: signed.get(r.period) === r.version }]));
  if (!all.has(current)) all.set(current, { period: current, rated: 0, signedOff: false });
  return { icb, current, periods: [...all.values()].sort((a, b) => (a.period < b.period ? 1 : -1)) };
}

/** NHS England's view (admins): every ICB's effective ratings of the period side by side. */
export async function nationalView(db: Kysely<DB>, staff: StaffPrincipal, periodText: string) {
  if (staff.role !== 'admin') throw forbidden('Only NHS England administrators see every ICB\'s self-assessment.');
  const period = periodOrRefuse(periodText);
  const [icbs, rows, signOffs, heads] = await Promise.all([
    listIcbs(db),
    db.selectFrom('self_assessment_item').select(['icb_code', 'item_id', 'rating', 'contrary_to_legal_rights']).where('period', '=', period.period).execute(),
    db.selectFrom('self_assessment_sign_off').select(['icb_code', sql<number>`max(version)`.as('version')]).where('period', '=', period.period).groupBy('icb_code').execute(),
    db.selectFrom('self_assessment').select(['icb_code', 'version']).where('period', '=', period.period).execute(),
  ]);
  const known = new Set(icbs.map((i) => i.odsCode));
  for (const r of heads) if (!known.has(r.icb_code)) icbs.push({ odsCode: r.icb_code, name: `ICB ${r.icb_code}` });
  const signed = new Map(signOffs.map((s) => [s.icb_code, Number(s.version)]));
  const version = new Map(heads.map((h) => [h.icb_code, h.version]));
  const ratings = new Map<string, Map<string, Rating | null>>();
  for (const r of rows) {
    if (!ratings.has(r.icb_code)) ratings.set(r.icb_code, new Map());
    ratings.get(r.icb_code)!.set(r.item_id, effectiveRating(r.rating, r.contrary_to_legal_rights));
  }
  return {
    period,
    items: ASSESSMENT_ITEMS,
    icbs: icbs.map((icb) => {
      const mine = ratings.get(icb.odsCode) ?? new Map<string, Rating | null>();
      const cells = ASSESSMENT_ITEMS.map((item) => mine.get(item.id) ?? null);
      return {
        icb, cells, assessed: version.has(icb.odsCode), signedOff: version.has(icb.odsCode) && signed.get(icb.odsCode) === version.get(icb.odsCode),
        counts: { RED: cells.filter((c) => c === 'RED').length, AMBER: cells.filter((c) => c === 'AMBER').length, GREEN: cells.filter((c) => c === 'GREEN').length },
      };
    }),
  };
}

/**
 * The Greens offered as best practice: every other ICB's items rated Green (and not forced Red) in the period, with
 * the evidence text and links they gave (not their documents, which only their own ICB and admins may open).
 */
export async function bestPractice(db: Kysely<DB>, staff: StaffPrincipal, periodText: string, itemText?: string | null) {
  if (staff.role !== 'commissioner' && staff.role !== 'admin') throw forbidden('Only commissioners and admins see best practice.');
  const period = periodOrRefuse(periodText);
  const item = itemText ? itemOrRefuse(itemText) : null;
  let q = db.selectFrom('self_assessment_item as i').leftJoin('organisation as o', (j) => j.onRef('o.ods_code', '=', 'i.icb_code').on('o.kind', '=', 'ICB'))
    .select(['i.icb_code', 'o.name', 'i.item_id', 'i.evidence_texts', 'i.evidence_links', 'i.updated_at'])
    .where('i.period', '=', period.period).where('i.rating', '=', 'GREEN').where('i.contrary_to_legal_rights', '=', false)
    .where(sql<boolean>`jsonb_array_length(i.evidence_texts) > 0`);
  if (staff.role === 'commissioner') q = q.where('i.icb_code', '<>', staff.organisation.odsCode);
  if (item) q = q.where('i.item_id', '=', item.id);
  const rows = await q.orderBy('i.item_id').orderBy('o.name').execute();
  const order = new Map(ASSESSMENT_ITEMS.map((it, i) => [it.id, i]));
  rows.sort((a, b) => order.get(a.item_id)! - order.get(b.item_id)!);
  return {
    period, item,
    examples: rows.map((r) => ({ icb: { odsCode: r.icb_code, name: r.name ?? `ICB ${r.icb_code}` }, item: itemOf(r.item_id)!, texts: r.evidence_texts, links: r.evidence_links })),
  };
}
