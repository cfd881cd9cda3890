// What the referrer sees of the ICB's assurance: prior-approval rules (action 3.3), capacity notices (action 5.6) and
// the ICB's transport support policy. Who may write what is decided here: a commissioner writes for their own ICB
// (an admin for any), provider staff post capacity notices about their own organisation's services only. Every input
// is checked here (the pages check it first for the error summary; the database's checks are the last line).
import { type Kysely, sql } from 'kysely';
import { type Icb, icbInScope } from '../choice/icb-scope.ts';
import type { CapacityNoticeKind, DB } from '../db/schema.ts';
import { isCalendarDate, londonDate } from '../domain/dates.ts';
import { concernsOption, type DaySpan, type OptionScope, overlaps, spanProblem, spanState, type SpanState } from '../domain/referral-notices.ts';
import type { StaffPrincipal } from '../http/principal.ts';
import { type FieldProblem, forbidden, notFound, unprocessable } from '../http/problem.ts';
import { isPublishableWebAddress } from '../domain/web-address.ts';

/** The longest each text may be, as the migration's checks say. */
export const LIMITS = {
  procedure: 200,
  criteria: 2000,
  howToApply: 1000,
  title: 120,
  body: 1000,
  summary: 1000,
  whoCanGetHelp: 1000,
  howToGetHelp: 1000,
  linkText: 200,
  linkUrl: 500,
} as const;

export const NOTICE_KINDS: Record<CapacityNoticeKind, string> = {
  SPARE_CAPACITY: 'Spare capacity',
  PAUSE: 'Referrals paused',
};

export const PHONE = /^[0-9 +()]{6,20}$/;

type Db = Kysely<DB>;

// ---------------------------------------------------------------- whose

/** The ICB a commissioner (their own) or an admin (the one named) writes for; others are refused. */
export async function icbFor(db: Db, staff: StaffPrincipal, requested: string | null | undefined): Promise<Icb> {
  if (staff.role !== 'commissioner' && staff.role !== 'admin') throw forbidden('Only the ICB\'s commissioners and admins manage these.');
  return icbInScope(db, staff, requested);
}

/**
 * The ICB whose rules and notices a referrer sees: that of the practice (or centre) they refer from, or of the
 * referring organisation named (a referral centre triaging a practice's referral); null if none is known.
 */
export async function referrerIcb(db: Db, staff: StaffPrincipal, referringOrganisation?: string): Promise<string | null> {
  const row = await db.selectFrom('organisation').select('icb_code').where('ods_code', '=', referringOrganisation ?? staff.organisation.odsCode).executeTakeFirst();
  return row?.icb_code ?? null;
}

async function specialtyProblem(db: Db, code: string): Promise<FieldProblem | null> {
  if (!code) return { field: 'specialty', message: 'is required' };
  const row = await db.selectFrom('specialty').select('code').where('code', '=', code).executeTakeFirst();
  return row ? null : { field: 'specialty', message: `"${code}" is not a specialty (treatment function code) we know` };
}

function textProblems(input: Record<string, string | null>, rules: Record<string, { max: number; required: boolean }>): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const [field, rule] of Object.entries(rules)) {
    const v = input[field] ?? '';
    if (rule.required && v.trim().length === 0) out.push({ field, message: 'is required' });
    else if (v.length > rule.max) out.push({ field, message: `must be ${rule.max} characters or fewer` });
  }
  return out;
}

function spanProblems(span: DaySpan, endRequired: boolean): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (!isCalendarDate(span.startsOn)) out.push({ field: 'startsOn', message: 'must be a real date, YYYY-MM-DD' });
  if (span.endsOn === null && endRequired) out.push({ field: 'endsOn', message: 'is required' });
  else if (span.endsOn !== null && !isCalendarDate(span.endsOn)) out.push({ field: 'endsOn', message: 'must be a real date, YYYY-MM-DD' });
  if (out.length === 0) {
    const p = spanProblem(span);
    if (p) out.push({ field: 'endsOn', message: p });
  }
  return out;
}

function refuse(what: string, errors: FieldProblem[]): never {
  throw unprocessable(`The ${what} was not saved: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`, errors);
}

// ---------------------------------------------------------------- prior approval (action 3.3)

export interface PriorApprovalInput {
  specialty: string;
  procedure: string | null;
  criteria: string;
  howToApply: string;
  startsOn: string;
  endsOn: string | null;
}

export interface PriorApprovalRule extends PriorApprovalInput {
  id: number;
  icbCode: string;
  specialtyName: string;
  state: SpanState;
}

const ruleColumns = ['r.id', 'r.icb_code', 'r.specialty_code', 's.name as specialty_name', 'r.procedure', 'r.criteria', 'r.how_to_apply', 'r.starts_on', 'r.ends_on'] as const;
type RuleRow = { id: number; icb_code: string; specialty_code: string; specialty_name: string; procedure: string | null; criteria: string; how_to_apply: string; starts_on: string; ends_on: string | null };
const toRule = (r: RuleRow, today: string): PriorApprovalRule => ({
  id: r.id, icbCode: r.icb_code, specialty: r.specialty_code, specialtyName: r.specialty_name, procedure: r.procedure,
  criteria: r.criteria, howToApply: r.how_to_apply, startsOn: r.starts_on, endsOn: r.ends_on,
  state: spanState({ startsOn: r.starts_on, endsOn: r.ends_on }, today),
});
const rules = (db: Db) => db.selectFrom('prior_approval_rule as r').innerJoin('specialty as s', 's.code', 'r.specialty_code').select(ruleColumns);

async function checkRule(db: Db, input: PriorApprovalInput): Promise<void> {
  const errors = [
    ...[await specialtyProblem(db, input.specialty)].filter((e) => e !== null),
    ...textProblems({ procedure: input.procedure, criteria: input.criteria, howToApply: input.howToApply }, {
      procedure: { max: LIMITS.procedure, required: false },
      criteria: { max: LIMITS.criteria, required: true },
      howToApply: { max: LIMITS.howToApply, required: true },
    }),
    ...spanProblems({ startsOn: input.startsOn, endsOn: input.endsOn }, false),
  ];
  if (errors.length > 0) refuse('prior-approval rule', errors);
}

/** The ICB's rules, in force first, then those to come, then those ended; by specialty. */
export async function listPriorApprovalRules(db: Db, icbCode: string, today = londonDate()): Promise<PriorApprovalRule[]> {
  const rows = await rules(db).where('r.icb_code', '=', icbCode).orderBy('s.name').orderBy('r.starts_on').orderBy('r.id').execute();
  const order: Record<SpanState, number> = { CURRENT: 0, FUTURE: 1, ENDED: 2 };
  return rows.map((r) => toRule(r, today)).sort((a, b) => order[a.state] - order[b.state]);
}

export async function getPriorApprovalRule(db: Db, icbCode: string, id: number, today = londonDate()): Promise<PriorApprovalRule> {
  const row = Number.isSafeInteger(id) ? await rules(db).where('r.icb_code', '=', icbCode).where('r.id', '=', id).executeTakeFirst() : undefined;
  if (!row) throw notFound(`The ICB ${icbCode} has no prior-approval rule ${id}.`);
  return toRule(row, today);
}

export async function createPriorApprovalRule(db: Db, staff: StaffPrincipal, icbCode: string, input: PriorApprovalInput): Promise<number> {
  await checkRule(db, input);
  const row = await db.insertInto('prior_approval_rule').values({
    icb_code: icbCode, specialty_code: input.specialty, procedure: input.procedure || null, criteria: input.criteria, how_to_apply: input.howToApply,
    starts_on: input.startsOn, ends_on: input.endsOn, created_by_account_id: staff.accountId,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updatePriorApprovalRule(db: Db, icbCode: string, id: number, input: PriorApprovalInput): Promise<void> {
  await getPriorApprovalRule(db, icbCode, id);
  await checkRule(db, input);
  await db.updateTable('prior_approval_rule').set({
    specialty_code: input.specialty, procedure: input.procedure || null, criteria: input.criteria, how_to_apply: input.howToApply,
    starts_on: input.startsOn, ends_on: input.endsOn, updated_at: new Date(),
  }).where('icb_code', '=', icbCode).where('id', '=', id).execute();
}

/** Ends a rule on a day (its last day in force): the rule stays on record with its dates. */
export async function endPriorApprovalRule(db: Db, icbCode: string, id: number, endsOn: string): Promise<void> {
  const rule = await getPriorApprovalRule(db, icbCode, id);
  const errors = spanProblems({ startsOn: rule.startsOn, endsOn }, true);
  if (errors.length > 0) refuse('end of the rule', errors);
  await db.updateTable('prior_approval_rule').set({ ends_on: endsOn, updated_at: new Date() }).where('id', '=', id).execute();
}

/** The rules of an ICB in force on a day for a specialty: what the shortlist and the referral form show. */
export async function rulesInForce(db: Db, icbCode: string, specialty: string, on = londonDate()): Promise<PriorApprovalRule[]> {
  const rows = await rules(db).where('r.icb_code', '=', icbCode).where('r.specialty_code', '=', specialty)
    .where('r.starts_on', '<=', on).where((eb) => eb.or([eb('r.ends_on', 'is', null), eb('r.ends_on', '>=', on)]))
    .orderBy('r.procedure', (ob) => ob.nullsFirst()).orderBy('r.id').execute();
  return rows.map((r) => toRule(r, on));
}

// ---------------------------------------------------------------- capacity notices (action 5.6)

export interface CapacityNoticeInput {
  kind: string;
  specialty: string;
  provider: string | null;
  service: string | null;
  title: string;
  body: string;
  startsOn: string;
  endsOn: string;
}

/** Who posts: the ICB for its referrers, or a provider for its own services (seen by its ICB's referrers). */
export type Poster = { by: 'ICB'; icbCode: string } | { by: 'PROVIDER'; odsCode: string };

export interface CapacityNotice {
  id: number;
  icbCode: string;
  postedBy: 'ICB' | 'PROVIDER';
  postedByOdsCode: string;
  postedByName: string;
  kind: CapacityNoticeKind;
  kindText: string;
  specialty: string;
  specialtyName: string;
  provider: string | null;
  providerName: string | null;
  service: string | null;
  serviceName: string | null;
  title: string;
  body: string;
  startsOn: string;
  endsOn: string;
  withdrawn: boolean;
  state: SpanState;
  postedOn: string;
}

const notices = (db: Db) =>
  db.selectFrom('capacity_notice as n')
    .innerJoin('specialty as s', 's.code', 'n.specialty_code')
    .leftJoin('organisation as poster', 'poster.ods_code', 'n.posted_by_ods_code')
    .leftJoin('organisation as p', 'p.ods_code', 'n.provider_ods_code')
    .leftJoin('service as sv', 'sv.id', 'n.service_id')
    .select(['n.id', 'n.icb_code', 'n.posted_by', 'n.posted_by_ods_code', 'poster.name as poster_name', 'n.kind', 'n.specialty_code', 's.name as specialty_name',
      'n.provider_ods_code', 'p.name as provider_name', 'n.service_id', 'sv.name as service_name', 'n.title', 'n.body', 'n.starts_on', 'n.ends_on', 'n.withdrawn_at', 'n.created_at']);
type NoticeRow = Awaited<ReturnType<ReturnType<typeof notices>['execute']>>[number];

const toNotice = (r: NoticeRow, today: string): CapacityNotice => ({
  id: r.id, icbCode: r.icb_code, postedBy: r.posted_by, postedByOdsCode: r.posted_by_ods_code, postedByName: r.poster_name ?? r.posted_by_ods_code,
  kind: r.kind, kindText: NOTICE_KINDS[r.kind], specialty: r.specialty_code, specialtyName: r.specialty_name,
  provider: r.provider_ods_code, providerName: r.provider_name, service: r.service_id, serviceName: r.service_name,
  title: r.title, body: r.body, startsOn: r.starts_on, endsOn: r.ends_on, withdrawn: r.withdrawn_at !== null,
  state: r.withdrawn_at !== null ? 'ENDED' : spanState({ startsOn: r.starts_on, endsOn: r.ends_on }, today),
  postedOn: londonDate(r.created_at),
});

/** The notices an ICB posted or its providers posted (poster: ICB), or that a provider posted (poster: PROVIDER); newest first. */
export async function listCapacityNotices(db: Db, poster: Poster, today = londonDate()): Promise<CapacityNotice[]> {
  let q = notices(db);
  q = poster.by === 'ICB' ? q.where('n.icb_code', '=', poster.icbCode) : q.where('n.posted_by', '=', 'PROVIDER').where('n.posted_by_ods_code', '=', poster.odsCode);
  return (await q.orderBy('n.ends_on', 'desc').orderBy('n.id', 'desc').execute()).map((r) => toNotice(r, today));
}

/** The services a notice may name: the provider's in the specialty (for the form's choices). */
export async function servicesOf(db: Db, providerOdsCode: string): Promise<{ id: string; name: string; specialty: string }[]> {
  return (await db.selectFrom('service').select(['id', 'name', 'specialty_code']).where('provider_ods_code', '=', providerOdsCode).where('active', '=', true).orderBy('name').execute())
    .map((s) => ({ id: s.id, name: s.name, specialty: s.specialty_code }));
}

/** Posts a notice; returns its id. A provider's notice is about its own organisation, whatever the input says. */
export async function postCapacityNotice(db: Db, staff: StaffPrincipal, poster: Poster, input: CapacityNoticeInput): Promise<number> {
  const provider = poster.by === 'PROVIDER' ? poster.odsCode : input.provider || null;
  const errors: FieldProblem[] = [];
  if (!Object.hasOwn(NOTICE_KINDS, input.kind)) errors.push({ field: 'kind', message: 'must be SPARE_CAPACITY or PAUSE' });
  const sp = await specialtyProblem(db, input.specialty);
  if (sp) errors.push(sp);
  let providerIcb: string | null = null;
  if (provider) {
    const org = await db.selectFrom('organisation').select(['ods_code', 'kind', 'icb_code']).where('ods_code', '=', provider).executeTakeFirst();
    if (!org || (org.kind !== 'NHS_TRUST' && org.kind !== 'INDEPENDENT_PROVIDER')) errors.push({ field: 'provider', message: `"${provider}" is not a provider we know` });
    else providerIcb = org.icb_code;
  }
  if (input.service) {
    if (!provider) errors.push({ field: 'service', message: 'needs its provider' });
    else {
      const s = await db.selectFrom('service').select(['provider_ods_code', 'specialty_code']).where('id', '=', input.service).executeTakeFirst();
      if (!s || s.provider_ods_code !== provider) errors.push({ field: 'service', message: `must be one of ${provider}'s services` });
      else if (!sp && s.specialty_code !== input.specialty) errors.push({ field: 'service', message: 'must be in the notice\'s specialty' });
    }
  }
  errors.push(...textProblems({ title: input.title, body: input.body }, { title: { max: LIMITS.title, required: true }, body: { max: LIMITS.body, required: true } }));
  errors.push(...spanProblems({ startsOn: input.startsOn, endsOn: input.endsOn || null }, true));
  if (errors.length > 0) refuse('capacity notice', errors);
  const icbCode = poster.by === 'ICB' ? poster.icbCode : providerIcb;
  if (!icbCode) throw unprocessable(`We do not know which ICB ${provider} belongs to, so no referrer would see the notice.`, [{ field: 'provider', message: 'has no ICB in the directory' }]);
  const row = await db.insertInto('capacity_notice').values({
    icb_code: icbCode, posted_by: poster.by, posted_by_ods_code: poster.by === 'ICB' ? poster.icbCode : poster.odsCode,
    kind: input.kind as CapacityNoticeKind, specialty_code: input.specialty, provider_ods_code: provider, service_id: input.service || null,
    title: input.title, body: input.body, starts_on: input.startsOn, ends_on: input.endsOn, created_by_account_id: staff.accountId,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Takes a notice down before its end (it stays on record as posted). The ICB may withdraw any of its ICB's; a provider its own. */
export async function withdrawCapacityNotice(db: Db, poster: Poster, id: number): Promise<void> {
  const row = Number.isSafeInteger(id) ? await db.selectFrom('capacity_notice').select(['icb_code', 'posted_by', 'posted_by_ods_code', 'withdrawn_at']).where('id', '=', id).executeTakeFirst() : undefined;
  const mine = row && (poster.by === 'ICB' ? row.icb_code === poster.icbCode : row.posted_by === 'PROVIDER' && row.posted_by_ods_code === poster.odsCode);
  if (!row || !mine) throw notFound(`There is no capacity notice ${id} of yours.`);
  if (row.withdrawn_at) return;
  await db.updateTable('capacity_notice').set({ withdrawn_at: sql<Date>`now()` }).where('id', '=', id).execute();
}

const current = (db: Db, on: string) =>
  notices(db).where('n.withdrawn_at', 'is', null).where('n.starts_on', '<=', on).where('n.ends_on', '>=', on);

/** The notices a referrer of the ICB sees on their worklist today: every current one of the ICB's (and its providers'). */
export async function currentNoticesForIcb(db: Db, icbCode: string, on = londonDate()): Promise<CapacityNotice[]> {
  return (await current(db, on).where('n.icb_code', '=', icbCode).orderBy('s.name').orderBy('n.ends_on').execute()).map((r) => toNotice(r, on));
}

/**
 * What the shortlist shows of capacity notices, for a referrer of `icbCode` (null: none known): the ICB's notices for
 * the specialty as a whole (above the list), and beside each option those that concern it — a provider's own from
 * any ICB (they are about the provider), the ICB's about a provider for its own referrers.
 */
export async function noticesForShortlist(db: Db, icbCode: string | null, specialty: string, options: readonly OptionScope[], on = londonDate()) {
  const providers = [...new Set(options.map((o) => o.providerOdsCode))];
  const rows = await current(db, on).where('n.specialty_code', '=', specialty)
    .where((eb) => {
      const ors = [];
      if (icbCode) ors.push(eb('n.icb_code', '=', icbCode));
      if (providers.length > 0) ors.push(eb.and([eb('n.posted_by', '=', 'PROVIDER'), eb('n.provider_ods_code', 'in', providers)]));
      return ors.length > 0 ? eb.or(ors) : eb.val(false);
    })
    .orderBy('n.ends_on').orderBy('n.id').execute();
  const all = rows.map((r) => toNotice(r, on));
  const general = all.filter((n) => n.provider === null);
  const byService: Record<string, CapacityNotice[]> = {};
  for (const o of options) {
    const concerning = all.filter((n) => concernsOption({ specialtyCode: n.specialty, providerOdsCode: n.provider, serviceId: n.service }, o));
    if (concerning.length > 0) byService[o.serviceId] = concerning;
  }
  return { general, byService };
}

/**
 * For the self-assessment (part A, action 5.6: "the capacity notices sent"): the notices posted for an ICB's referrers
 * with a day in the period `from`..`to` (inclusive), by the ICB and by providers, and the specialties they covered.
 * A notice withdrawn early still counts: it was posted.
 */
export async function capacityNoticeEvidence(db: Db, icbCode: string, from: string, to: string) {
  const rows = await notices(db).where('n.icb_code', '=', icbCode).where('n.starts_on', '<=', to).where('n.ends_on', '>=', from).orderBy('n.starts_on').execute();
  const inPeriod = rows.filter((r) => overlaps({ startsOn: r.starts_on, endsOn: r.ends_on }, { startsOn: from, endsOn: to }));
  const specialties = new Map<string, string>();
  for (const r of inPeriod) specialties.set(r.specialty_code, r.specialty_name);
  return {
    icbCode,
    from,
    to,
    notices: inPeriod.length,
    byIcb: inPeriod.filter((r) => r.posted_by === 'ICB').length,
    byProviders: inPeriod.filter((r) => r.posted_by === 'PROVIDER').length,
    spareCapacity: inPeriod.filter((r) => r.kind === 'SPARE_CAPACITY').length,
    pauses: inPeriod.filter((r) => r.kind === 'PAUSE').length,
    specialties: [...specialties].map(([code, name]) => ({ code, name })).sort((a, b) => a.code.localeCompare(b.code)),
  };
}
export type CapacityNoticeEvidence = Awaited<ReturnType<typeof capacityNoticeEvidence>>;

// ---------------------------------------------------------------- the ICB's transport support policy

export interface TransportPolicyInput {
  summary: string;
  whoCanGetHelp: string;
  howToGetHelp: string;
  phone: string;
  linkUrl: string;
  linkText: string;
}

export async function getTransportPolicy(db: Db, icbCode: string): Promise<(TransportPolicyInput & { updatedAt: Date }) | null> {
  const r = await db.selectFrom('icb_transport_support').selectAll().where('icb_code', '=', icbCode).executeTakeFirst();
  if (!r) return null;
  return { summary: r.summary, whoCanGetHelp: r.who_can_get_help ?? '', howToGetHelp: r.how_to_get_help ?? '', phone: r.phone ?? '', linkUrl: r.link_url, linkText: r.link_text, updatedAt: r.updated_at };
}

/** Publishes (or replaces) the ICB's policy: patients see it at once beside the travel cost of each option. */
export async function saveTransportPolicy(db: Db, staff: StaffPrincipal, icb: Icb, input: TransportPolicyInput): Promise<void> {
  const errors = textProblems({ ...input }, {
    summary: { max: LIMITS.summary, required: true },
    whoCanGetHelp: { max: LIMITS.whoCanGetHelp, required: true },
    howToGetHelp: { max: LIMITS.howToGetHelp, required: true },
    linkText: { max: LIMITS.linkText, required: true },
    linkUrl: { max: LIMITS.linkUrl, required: true },
  });
  if (input.phone && !PHONE.test(input.phone)) errors.push({ field: 'phone', message: 'must be a phone number, like 0333 130 0500' });
  if (input.linkUrl && !errors.some((e) => e.field === 'linkUrl') && !isPublishableWebAddress(input.linkUrl)) errors.push({ field: 'linkUrl', message: 'must be a web address starting https://' });
  if (errors.length > 0) refuse('transport policy', errors);
  const values = {
    icb_name: icb.name, summary: input.summary, who_can_get_help: input.whoCanGetHelp, how_to_get_help: input.howToGetHelp, phone: input.phone || null,
    link_url: input.linkUrl, link_text: input.linkText, updated_by_account_id: staff.accountId, updated_at: new Date(),
  };
  await db.insertInto('icb_transport_support').values({ icb_code: icb.odsCode, ...values })
    .onConflict((oc) => oc.column('icb_code').doUpdateSet(values)).execute();
}

