// A provider's application to list a service (a specialty at one of its sites) and the ICB's due diligence on it:
// the checklist (one line per criterion: met or not met, with a note), the decision (accredit, or refuse naming the
// criteria not met; a provider meeting them all may not be refused), the provider's resubmission after a refusal,
// and the suspension, reinstatement or withdrawal of an accredited service. The service's accreditation_status,
// which the directory filters on, is set here and nowhere else in the product; every step is kept, append-only, in
// accreditation_event, which both sides see.
import type { Kysely, Transaction } from 'kysely';
import type { AccreditationAction, AccreditationApplicationStatus, AccreditationStatus, DB } from '../db/schema.ts';
import { createListing } from '../directory/listings.ts';
import { type Reliance, relianceOn } from '../directory/reliance.ts';
import { type Decision, decisionClock, ruleOnDecision } from '../domain/accreditation.ts';
import { londonDate } from '../domain/dates.ts';
import { checkPreview, previewVersion } from '../http/preview.ts';
import type { StaffPrincipal } from '../http/principal.ts';
import { conflict, forbidden, notFound, unprocessable } from '../http/problem.ts';
import { criteriaFor } from './criteria.ts';

type Db = Kysely<DB> | Transaction<DB>;

export const EVIDENCE_MAX = 2000;
export const NOTE_MAX = 2000;
export const REASON_MAX = 2000;
export const MAX_AGE = 130;

export interface ApplicationInput {
  siteOdsCode: string;
  specialtyCode: string;
  clinicType: string | null;
  minAge: number | null;
  maxAge: number | null;
  consultantTeam: string | null;
  /** Evidence per criterion id: every criterion that applies needs some. */
  evidence: Record<string, string>;
  /** Only for a provider with no ICB in the ODS data: the ICB it asks to accredit the service. */
  icbCode?: string | null;
}

export interface ChecklistItem {
  criterionId: number;
  title: string;
  description: string;
  evidence: string;
  outcome: 'MET' | 'NOT_MET' | null;
  note: string | null;
  checkedAt: Date | null;
}

export interface HistoryEntry {
  action: AccreditationAction;
  applicationId: number | null;
  reason: string | null;
  detail: { unmet?: { id: number; title: string }[]; criterion?: { id: number; title: string }; outcome?: string; note?: string | null };
  at: Date;
  by: string;
  organisation: string;
}

export interface ApplicationSummary {
  id: number;
  serviceId: string;
  status: AccreditationApplicationStatus;
  provider: { odsCode: string; name: string };
  site: { odsCode: string; name: string };
  specialty: { code: string; name: string };
  icbCode: string;
  submittedAt: Date;
  firstSubmittedAt: Date;
  decidedAt: Date | null;
  clock: ReturnType<typeof decisionClock>;
}

export interface Application extends ApplicationSummary {
  clinicType: string | null;
  minAge: number | null;
  maxAge: number | null;
  consultantTeam: string | null;
  serviceStatus: AccreditationStatus;
  items: ChecklistItem[];
  history: HistoryEntry[];
}

function summaryQuery(db: Db) {
  return db.selectFrom('accreditation_application as a')
    .innerJoin('organisation as p', 'p.ods_code', 'a.provider_ods_code')
    .innerJoin('site as st', 'st.ods_code', 'a.site_ods_code')
    .innerJoin('specialty as sp', 'sp.code', 'a.specialty_code')
    .innerJoin('service as s', 's.id', 'a.service_id')
    .select([
      'a.id', 'a.service_id', 'a.status', 'a.provider_ods_code', 'p.name as provider_name', 'a.site_ods_code', 'st.name as site_name',
      'a.specialty_code', 'sp.name as specialty_name', 'a.icb_code', 'a.submitted_at', 'a.first_submitted_at', 'a.decided_at',
      'a.clinic_type', 'a.min_age', 'a.max_age', 'a.consultant_team', 's.accreditation_status',
    ]);
}
type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaryQuery>['executeTakeFirstOrThrow']>>;

function toSummary(r: SummaryRow, today: string): ApplicationSummary {
  return {
    id: Number(r.id), serviceId: r.service_id, status: r.status,
    provider: { odsCode: r.provider_ods_code, name: r.provider_name }, site: { odsCode: r.site_ods_code, name: r.site_name },
    specialty: { code: r.specialty_code, name: r.specialty_name }, icbCode: r.icb_code,
    submittedAt: r.submitted_at, firstSubmittedAt: r.first_submitted_at, decidedAt: r.decided_at,
    clock: decisionClock(londonDate(r.submitted_at), today, r.decided_at ? londonDate(r.decided_at) : null),
  };
}

/** Whose applications a member of staff sees: a provider its own; a commissioner its ICB's; an admin any. */
function scoped(query: ReturnType<typeof summaryQuery>, staff: StaffPrincipal) {
  if (staff.role === 'provider') return query.where('a.provider_ods_code', '=', staff.organisation.odsCode);
  if (staff.role === 'commissioner') return query.where('a.icb_code', '=', staff.organisation.odsCode);
  if (staff.role === 'admin') return query;
  throw forbidden('Only providers, commissioners and admins see accreditation applications.');
}

/** The applications the caller may see, open ones first (oldest submission first), then decided ones newest first. */
export async function applicationsFor(db: Kysely<DB>, staff: StaffPrincipal, options: { icb?: string | null; limit?: number; now?: Date } = {}): Promise<ApplicationSummary[]> {
  let query = scoped(summaryQuery(db), staff);
  if (staff.role === 'admin' && options.icb) query = query.where('a.icb_code', '=', options.icb);
  const rows = await query.orderBy('a.decided_at', (ob) => ob.desc().nullsFirst()).orderBy('a.submitted_at').orderBy('a.id').limit(options.limit ?? 500).execute();
  const today = londonDate(options.now);
  return rows.map((r) => toSummary(r, today));
}

async function historyOf(db: Db, serviceId: string): Promise<HistoryEntry[]> {
  const rows = await db.selectFrom('accreditation_event as e').innerJoin('account as ac', 'ac.id', 'e.by_account_id')
    .innerJoin('organisation as o', 'o.ods_code', 'ac.organisation_ods_code')
    .select(['e.action', 'e.application_id', 'e.reason', 'e.detail', 'e.at', 'ac.display_name', 'o.name as organisation'])
    .where('e.service_id', '=', serviceId).orderBy('e.at').orderBy('e.id').execute();
  return rows.map((r) => ({
    action: r.action, applicationId: r.application_id === null ? null : Number(r.application_id), reason: r.reason,
    detail: (r.detail ?? {}) as HistoryEntry['detail'], at: r.at, by: r.display_name, organisation: r.organisation,
  }));
}

/** One application the caller may see, with its checklist and the service's whole history; anyone else's is 404. */
export async function applicationOf(db: Db, staff: StaffPrincipal, id: number, now = new Date()): Promise<Application> {
  const row = await scoped(summaryQuery(db), staff).where('a.id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`There is no application ${id} that you can see.`);
  const items = await db.selectFrom('accreditation_item').selectAll().where('application_id', '=', id).orderBy('position').orderBy('criterion_id').execute();
  return {
    ...toSummary(row, londonDate(now)),
    clinicType: row.clinic_type, minAge: row.min_age, maxAge: row.max_age, consultantTeam: row.consultant_team,
    serviceStatus: row.accreditation_status,
    items: items.map((i) => ({ criterionId: Number(i.criterion_id), title: i.title, description: i.description, evidence: i.evidence, outcome: i.outcome, note: i.note, checkedAt: i.checked_at })),
    history: await historyOf(db, row.service_id),
  };
}

async function record(trx: Db, staff: StaffPrincipal, serviceId: string, applicationId: number | null, action: AccreditationAction, reason: string | null, detail: object = {}) {
  await trx.insertInto('accreditation_event').values({
    service_id: serviceId, application_id: applicationId, action, reason, detail: JSON.stringify(detail), by_account_id: staff.accountId,
  }).execute();
}

async function setServiceStatus(trx: Db, serviceId: string, status: AccreditationStatus) {
  await trx.updateTable('service').set({ accreditation_status: status, updated_at: new Date() }).where('id', '=', serviceId).execute();
}

function evidenceProblems(criteria: readonly { id: number; title: string }[], evidence: Record<string, string>) {
  const problems: { field: string; message: string }[] = [];
  for (const c of criteria) {
    const given = (evidence[String(c.id)] ?? '').trim();
    if (given.length === 0) problems.push({ field: `evidence.${c.id}`, message: `Give your evidence for "${c.title}"` });
    else if (given.length > EVIDENCE_MAX) problems.push({ field: `evidence.${c.id}`, message: `Evidence for "${c.title}" must be ${EVIDENCE_MAX.toLocaleString('en-GB')} characters or fewer` });
  }
  return problems;
}

/** The caller's open application (awaiting a decision, or refused and awaiting resubmission) for a service, if any. */
export async function openApplicationFor(db: Kysely<DB>, staff: StaffPrincipal, serviceId: string): Promise<number | null> {
  const row = await db.selectFrom('accreditation_application').select('id').where('service_id', '=', serviceId)
    .where('provider_ods_code', '=', staff.organisation.odsCode).where('status', 'in', ['SUBMITTED', 'REFUSED']).executeTakeFirst();
  return row ? Number(row.id) : null;
}

/** The ICB that accredits a provider's services: its own in the ODS data, or (only when it has none) one it names. */
async function accreditingIcb(db: Db, staff: StaffPrincipal, named: string | null | undefined): Promise<string> {
  const org = await db.selectFrom('organisation').select('icb_code').where('ods_code', '=', staff.organisation.odsCode).executeTakeFirst();
  if (org?.icb_code) return org.icb_code;
  const wanted = named?.trim().toUpperCase();
  if (!wanted) throw unprocessable('Your organisation has no ICB in the ODS data: name the ICB you ask to accredit the service.', [{ field: 'icbCode', message: 'is required' }]);
  const icb = await db.selectFrom('organisation').select('ods_code').where('ods_code', '=', wanted).where('kind', '=', 'ICB').executeTakeFirst();
  if (!icb) throw unprocessable(`"${wanted.slice(0, 10)}" is not an ICB.`, [{ field: 'icbCode', message: 'is not an ICB' }]);
  return wanted;
}

/** The criteria an application by this provider for this specialty would be checked against (for the form). */
export async function criteriaToApplyFor(db: Kysely<DB>, staff: StaffPrincipal, specialtyCode: string, icbCode?: string | null) {
  const icb = await accreditingIcb(db, staff, icbCode);
  return { icbCode: icb, criteria: await criteriaFor(db, icb, specialtyCode) };
}

/**
 * Applies to list a specialty at one of the provider's sites. The service is created awaiting accreditation
 * (PENDING, not offered to patients) or, when it was refused, withdrawn or listed before without an application,
 * taken up again; one already accredited or with an application open is a conflict.
 */
export async function applyToList(db: Kysely<DB>, staff: StaffPrincipal, input: ApplicationInput): Promise<Application> {
  const site = await db.selectFrom('site').select(['ods_code', 'name']).where('ods_code', '=', input.siteOdsCode).where('provider_ods_code', '=', staff.organisation.odsCode).executeTakeFirst();
  if (!site) throw unprocessable(`Your organisation has no site with ODS code "${input.siteOdsCode.slice(0, 20)}".`, [{ field: 'siteOdsCode', message: 'is not one of your sites' }]);
  const specialty = await db.selectFrom('specialty').select(['code', 'name']).where('code', '=', input.specialtyCode).where('rtt_reported', '=', true).executeTakeFirst();
  if (!specialty) throw unprocessable(`"${input.specialtyCode.slice(0, 10)}" is not a specialty a first outpatient service can be listed for.`, [{ field: 'specialtyCode', message: 'is not an RTT specialty' }]);
  if (input.minAge !== null && input.maxAge !== null && input.minAge > input.maxAge) {
    throw unprocessable('The lowest age must not be more than the highest age.', [{ field: 'maxAge', message: 'must be at least the lowest age' }]);
  }
  const { icbCode, criteria } = await criteriaToApplyFor(db, staff, specialty.code, input.icbCode);
  if (criteria.length === 0) throw unprocessable(`ICB ${icbCode} publishes no qualifying criteria for ${specialty.name} yet: ask the ICB to publish them.`, [{ field: 'specialtyCode', message: 'has no published criteria' }]);
  const problems = evidenceProblems(criteria, input.evidence);
  if (problems.length > 0) throw unprocessable('Give evidence for every criterion.', problems);

  const serviceId = `${site.ods_code}-${specialty.code}`;
  const existing = await db.selectFrom('service').select(['id', 'accreditation_status']).where('id', '=', serviceId).executeTakeFirst();
  if (existing && (existing.accreditation_status === 'ACCREDITED' || existing.accreditation_status === 'SUSPENDED')) {
    throw conflict(`${specialty.name} at ${site.name} is already accredited: change its listing instead.`);
  }
  if (!existing) {
    await createListing(db, staff, { siteOdsCode: site.ods_code, specialtyCode: specialty.code, clinicType: input.clinicType, minAge: input.minAge, maxAge: input.maxAge, consultantTeam: input.consultantTeam });
  }
  const id = await db.transaction().execute(async (trx) => {
    await trx.selectFrom('service').select('id').where('id', '=', serviceId).forUpdate().executeTakeFirstOrThrow();
    const open = await trx.selectFrom('accreditation_application').select(['id', 'status']).where('service_id', '=', serviceId).where('status', 'in', ['SUBMITTED', 'REFUSED']).executeTakeFirst();
    if (open) {
      throw conflict(open.status === 'SUBMITTED'
        ? `${specialty.name} at ${site.name} already has an application awaiting the ICB's decision.`
        : `${specialty.name} at ${site.name} was refused: fix what was not met and resubmit that application.`);
    }
    const app = await trx.insertInto('accreditation_application').values({
      service_id: serviceId, provider_ods_code: staff.organisation.odsCode, site_ods_code: site.ods_code, specialty_code: specialty.code, icb_code: icbCode,
      clinic_type: input.clinicType, min_age: input.minAge, max_age: input.maxAge, consultant_team: input.consultantTeam,
      status: 'SUBMITTED', created_by_account_id: staff.accountId,
    }).returning('id').executeTakeFirstOrThrow();
    const appId = Number(app.id);
    await trx.insertInto('accreditation_item').values(criteria.map((c, i) => ({
      application_id: appId, criterion_id: c.id, title: c.title, description: c.description, position: i + 1, evidence: input.evidence[String(c.id)]!.trim(),
    }))).execute();
    await trx.updateTable('service').set({
      accreditation_status: 'PENDING', clinic_type: input.clinicType, min_age: input.minAge, max_age: input.maxAge, consultant_team: input.consultantTeam, updated_at: new Date(),
    }).where('id', '=', serviceId).execute();
    await record(trx, staff, serviceId, appId, 'SUBMITTED', null);
    return appId;
  });
  return applicationOf(db, staff, id);
}

async function openForIcb(trx: Transaction<DB>, staff: StaffPrincipal, id: number) {
  if (staff.role !== 'commissioner' && staff.role !== 'admin') throw forbidden('Only the ICB works the checklist and decides.');
  // Locked before it is read, so two decisions at once are taken one after the other.
  await trx.selectFrom('accreditation_application').select('id').where('id', '=', id).forUpdate().execute();
  return applicationOf(trx, staff, id);
}

/** One line of the checklist: met, or not met with a note saying what is missing (which the provider reads). */
export async function checkCriterion(db: Kysely<DB>, staff: StaffPrincipal, id: number, criterionId: number, finding: { outcome: 'MET' | 'NOT_MET'; note: string | null }): Promise<Application> {
  const note = finding.note?.trim() || null;
  if (finding.outcome === 'NOT_MET' && !note) throw unprocessable('Say what is missing when a criterion is not met: the provider reads it.', [{ field: 'note', message: 'is required when the criterion is not met' }]);
  if (note && note.length > NOTE_MAX) throw unprocessable(`The note must be ${NOTE_MAX.toLocaleString('en-GB')} characters or fewer.`, [{ field: 'note', message: `must be ${NOTE_MAX} characters or fewer` }]);
  await db.transaction().execute(async (trx) => {
    const app = await openForIcb(trx, staff, id);
    if (app.status !== 'SUBMITTED') throw conflict('The checklist can be worked only while the application awaits a decision.');
    const item = app.items.find((i) => i.criterionId === criterionId);
    if (!item) throw notFound(`Application ${id} has no criterion ${criterionId}.`);
    await trx.updateTable('accreditation_item').set({ outcome: finding.outcome, note, checked_by_account_id: staff.accountId, checked_at: new Date() })
      .where('application_id', '=', id).where('criterion_id', '=', criterionId).execute();
    await record(trx, staff, app.serviceId, id, 'CHECKED', null, { criterion: { id: criterionId, title: item.title }, outcome: finding.outcome, note });
  });
  return applicationOf(db, staff, id);
}

/**
 * The ICB's decision. ACCREDIT lists the service (the directory offers it); REFUSE names the criteria not met, as
 * the checklist found them. A provider that meets every criterion may not be refused (ruleOnDecision).
 */
export async function decide(db: Kysely<DB>, staff: StaffPrincipal, id: number, decision: Decision, reason: string | null): Promise<Application> {
  const why = reason?.trim() || null;
  if (why && why.length > REASON_MAX) throw unprocessable(`The reason must be ${REASON_MAX.toLocaleString('en-GB')} characters or fewer.`, [{ field: 'reason', message: `must be ${REASON_MAX} characters or fewer` }]);
  await db.transaction().execute(async (trx) => {
    const app = await openForIcb(trx, staff, id);
    if (app.status !== 'SUBMITTED') throw conflict(`This application was already decided (${app.status === 'ACCREDITED' ? 'accredited' : 'refused'}).`);
    const ruling = ruleOnDecision(app.items.map((i) => ({ criterionId: i.criterionId, title: i.title, outcome: i.outcome })), decision);
    if (!ruling.ok) throw unprocessable(ruling.message, [{ field: 'decision', message: ruling.message }]);
    const now = new Date();
    await trx.updateTable('accreditation_application').set({ status: decision === 'ACCREDIT' ? 'ACCREDITED' : 'REFUSED', decided_at: now }).where('id', '=', id).execute();
    if (decision === 'ACCREDIT') {
      await trx.updateTable('service').set({ accreditation_status: 'ACCREDITED', active: true, withdrawn_reason: null, withdrawn_at: null, updated_at: now }).where('id', '=', app.serviceId).execute();
      await record(trx, staff, app.serviceId, id, 'ACCREDITED', why);
    } else {
      await setServiceStatus(trx, app.serviceId, 'REJECTED');
      await record(trx, staff, app.serviceId, id, 'REFUSED', why, { unmet: ruling.unmet });
    }
  });
  return applicationOf(db, staff, id);
}

/**
 * The provider resubmits a refused application with its evidence changed: the lines found not met are checked
 * again (their findings cleared), those met stand, and the decision clock starts again.
 */
export async function resubmit(db: Kysely<DB>, staff: StaffPrincipal, id: number, evidence: Record<string, string>): Promise<Application> {
  if (staff.role !== 'provider') throw forbidden('Only the provider resubmits its application.');
  await db.transaction().execute(async (trx) => {
    await trx.selectFrom('accreditation_application').select('id').where('id', '=', id).forUpdate().execute();
    const app = await applicationOf(trx, staff, id);
    if (app.status !== 'REFUSED') throw conflict(app.status === 'SUBMITTED' ? 'This application already awaits the ICB\'s decision.' : 'This application was accredited: nothing to resubmit.');
    const merged = Object.fromEntries(app.items.map((i) => [String(i.criterionId), evidence[String(i.criterionId)] ?? i.evidence]));
    const problems = evidenceProblems(app.items.map((i) => ({ id: i.criterionId, title: i.title })), merged);
    if (problems.length > 0) throw unprocessable('Give evidence for every criterion.', problems);
    for (const item of app.items) {
      const changed = merged[String(item.criterionId)]!.trim();
      await trx.updateTable('accreditation_item').set({
        evidence: changed,
        ...(item.outcome === 'NOT_MET' ? { outcome: null, note: null, checked_at: null, checked_by_account_id: null } : {}),
      }).where('application_id', '=', id).where('criterion_id', '=', item.criterionId).execute();
    }
    await trx.updateTable('accreditation_application').set({ status: 'SUBMITTED', submitted_at: new Date(), decided_at: null }).where('id', '=', id).execute();
    await setServiceStatus(trx, app.serviceId, 'PENDING');
    await record(trx, staff, app.serviceId, id, 'RESUBMITTED', null, { changed: app.items.filter((i) => merged[String(i.criterionId)]!.trim() !== i.evidence).map((i) => ({ id: i.criterionId, title: i.title })) });
  });
  return applicationOf(db, staff, id);
}

// ---------------------------------------------------------------- an accredited service: suspend, reinstate, withdraw

export interface ServiceAccreditation {
  serviceId: string;
  name: string;
  provider: { odsCode: string; name: string };
  specialty: { code: string; name: string };
  status: AccreditationStatus;
  active: boolean;
  icbCode: string | null;
  latestApplicationId: number | null;
  history: HistoryEntry[];
}

function serviceQuery(db: Db) {
  return db.selectFrom('service as s')
    .innerJoin('organisation as p', 'p.ods_code', 's.provider_ods_code')
    .innerJoin('specialty as sp', 'sp.code', 's.specialty_code')
    .select((eb) => [
      's.id', 's.name', 's.provider_ods_code', 'p.name as provider_name', 's.specialty_code', 'sp.name as specialty_name', 's.accreditation_status', 's.active',
      // The ICB responsible: the one its latest application was made to, else the provider's own in the ODS data.
      eb.fn.coalesce(
        eb.selectFrom('accreditation_application as a').select('a.icb_code').whereRef('a.service_id', '=', 's.id').orderBy('a.id', 'desc').limit(1),
        'p.icb_code',
      ).as('icb_code'),
      eb.selectFrom('accreditation_application as a').select('a.id').whereRef('a.service_id', '=', 's.id').orderBy('a.id', 'desc').limit(1).as('latest_application_id'),
    ]);
}

/** A service's accreditation and its history: for its provider, the ICB responsible, or an admin; else 404. */
export async function serviceAccreditation(db: Db, staff: StaffPrincipal, serviceId: string): Promise<ServiceAccreditation> {
  const r = await serviceQuery(db).where('s.id', '=', serviceId).executeTakeFirst();
  const visible = r && (staff.role === 'admin'
    || (staff.role === 'provider' && r.provider_ods_code === staff.organisation.odsCode)
    || (staff.role === 'commissioner' && r.icb_code === staff.organisation.odsCode));
  if (!r || !visible) throw notFound(`There is no service "${serviceId.slice(0, 40)}" that you can see.`);
  return {
    serviceId: r.id, name: r.name, provider: { odsCode: r.provider_ods_code, name: r.provider_name }, specialty: { code: r.specialty_code, name: r.specialty_name },
    status: r.accreditation_status, active: r.active, icbCode: r.icb_code, latestApplicationId: r.latest_application_id === null ? null : Number(r.latest_application_id),
    history: await historyOf(db, r.id),
  };
}

/** The accredited and suspended services the ICB is responsible for, for the commissioner's list. */
export async function servicesOfIcb(db: Kysely<DB>, icbCode: string, limit = 2000) {
  const rows = await db.selectFrom(serviceQuery(db).as('x')).selectAll()
    .where('x.icb_code', '=', icbCode).where('x.accreditation_status', 'in', ['ACCREDITED', 'SUSPENDED'])
    .orderBy('x.accreditation_status', 'desc').orderBy('x.provider_name').orderBy('x.name').limit(limit).execute();
  return rows.map((r) => ({ serviceId: r.id, name: r.name, provider: r.provider_name, specialty: r.specialty_name, status: r.accreditation_status, active: r.active }));
}

export type StandingChange = 'SUSPEND' | 'REINSTATE' | 'WITHDRAW';
const CHANGES: Record<StandingChange, { from: AccreditationStatus[]; to: AccreditationStatus; action: AccreditationAction; wrong: string }> = {
  SUSPEND: { from: ['ACCREDITED'], to: 'SUSPENDED', action: 'SUSPENDED', wrong: 'Only an accredited service can be suspended.' },
  REINSTATE: { from: ['SUSPENDED'], to: 'ACCREDITED', action: 'REINSTATED', wrong: 'Only a suspended service can be reinstated.' },
  WITHDRAW: { from: ['ACCREDITED', 'SUSPENDED'], to: 'WITHDRAWN', action: 'WITHDRAWN', wrong: 'Only an accredited or suspended service can have its accreditation withdrawn.' },
};

/** What a change of standing would do, before it is made: from which status to which, and who relies on the service. */
export interface StandingPreview {
  serviceId: string;
  name: string;
  change: StandingChange;
  from: AccreditationStatus;
  to: AccreditationStatus;
  /** Whether patients stop being offered the service (suspending or withdrawing an accredited one). */
  leavesChoice: boolean;
  reliance: Reliance;
  version: string;
}

async function standingPreviewIn(db: Db, staff: StaffPrincipal, serviceId: string, change: StandingChange): Promise<StandingPreview> {
  if (staff.role !== 'commissioner' && staff.role !== 'admin') throw forbidden('Only the ICB suspends, reinstates or withdraws accreditation.');
  const rule = CHANGES[change];
  const s = await serviceAccreditation(db, staff, serviceId);
  if (!rule.from.includes(s.status)) throw conflict(rule.wrong);
  const reliance = await relianceOn(db, serviceId);
  const leavesChoice = s.status === 'ACCREDITED' && rule.to !== 'ACCREDITED';
  return {
    serviceId, name: s.name, change, from: s.status, to: rule.to, leavesChoice, reliance,
    version: previewVersion({ serviceId, change, from: s.status, reliance }),
  };
}

/** Previews suspending, reinstating or withdrawing a service's accreditation; changes nothing. */
export function previewStanding(db: Kysely<DB>, staff: StaffPrincipal, serviceId: string, change: StandingChange): Promise<StandingPreview> {
  return standingPreviewIn(db, staff, serviceId, change);
}

/**
 * Suspends (out of the directory until reinstated), reinstates, or withdraws (for good: listing it again takes a
 * new application) a service's accreditation, with the reason, which its provider sees. Given the version of a
 * preview, it is refused when the service's standing or the patients relying on it changed since.
 */
export async function changeStanding(
  db: Kysely<DB>, staff: StaffPrincipal, serviceId: string, change: StandingChange, reason: string, expectedVersion?: string,
): Promise<ServiceAccreditation> {
  if (staff.role !== 'commissioner' && staff.role !== 'admin') throw forbidden('Only the ICB suspends, reinstates or withdraws accreditation.');
  const why = reason.trim();
  if (!why) throw unprocessable('Give the reason: the provider reads it.', [{ field: 'reason', message: 'is required' }]);
  if (why.length > REASON_MAX) throw unprocessable(`The reason must be ${REASON_MAX.toLocaleString('en-GB')} characters or fewer.`, [{ field: 'reason', message: `must be ${REASON_MAX} characters or fewer` }]);
  const rule = CHANGES[change];
  await db.transaction().execute(async (trx) => {
    await trx.selectFrom('service').select('id').where('id', '=', serviceId).forUpdate().execute();
    const preview = await standingPreviewIn(trx, staff, serviceId, change);
    checkPreview(expectedVersion, preview.version, "The service's accreditation and the patients relying on it");
    await setServiceStatus(trx, serviceId, rule.to);
    await record(trx, staff, serviceId, (await serviceAccreditation(trx, staff, serviceId)).latestApplicationId, rule.action, why);
  });
  return serviceAccreditation(db, staff, serviceId);
}
