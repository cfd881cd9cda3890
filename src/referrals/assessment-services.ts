// Referral assessment services (CAS/RMC): which one assesses a specialty for a practice's ICB, and sending a new
// referral to one for triage. The triage itself (outcomes, the centre's worklists) is src/triage/; what a referral
// carries of its triage is read here, with the referral, so that every reader of a referral sees it the same way.
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Priority } from '../domain/contact-by.ts';
import { FEWER_PROVIDERS_REASONS, triageDueDate, type TriageOutcome } from '../domain/triage.ts';
import { unprocessable } from '../http/problem.ts';
import { REJECTION_REASONS } from '../domain/rejection.ts';
import type { ReferralTriage } from './schemas.ts';

export interface AssessmentService {
  id: string;
  name: string;
  organisation: { odsCode: string; name: string };
  icbCode: string;
  specialtyCodes: string[];
  targetDays: Record<Priority, number>;
}

function services(db: Kysely<DB> | Transaction<DB>) {
  return db
    .selectFrom('referral_assessment_service as ras')
    .innerJoin('organisation as o', 'o.ods_code', 'ras.organisation_ods_code')
    .select(['ras.id', 'ras.name', 'ras.organisation_ods_code', 'o.name as organisation_name', 'ras.icb_code', 'ras.specialty_codes', 'ras.target_days_routine', 'ras.target_days_urgent', 'ras.target_days_two_week_wait'])
    .where('ras.active', '=', true);
}

type Row = Awaited<ReturnType<ReturnType<typeof services>['executeTakeFirstOrThrow']>>;

const toAssessmentService = (r: Row): AssessmentService => ({
  id: r.id,
  name: r.name,
  organisation: { odsCode: r.organisation_ods_code, name: r.organisation_name },
  icbCode: r.icb_code,
  specialtyCodes: r.specialty_codes,
  targetDays: { ROUTINE: r.target_days_routine, URGENT: r.target_days_urgent, TWO_WEEK_WAIT: r.target_days_two_week_wait },
});

/** The ICB a practice (or any organisation) belongs to, if it has one. */
async function icbOf(db: Kysely<DB> | Transaction<DB>, odsCode: string): Promise<string | null> {
  const row = await db.selectFrom('organisation').select('icb_code').where('ods_code', '=', odsCode).executeTakeFirst();
  return row?.icb_code ?? null;
}

/** The assessment services a practice's referrals for this specialty may go to: those of its ICB. */
export async function assessmentServicesFor(db: Kysely<DB>, practiceOdsCode: string, specialtyCode?: string): Promise<AssessmentService[]> {
  const icb = await icbOf(db, practiceOdsCode);
  if (!icb) return [];
  let q = services(db).where('ras.icb_code', '=', icb);
  if (specialtyCode) q = q.where(sql<boolean>`${specialtyCode} = any(ras.specialty_codes)`);
  return (await q.orderBy('ras.name').execute()).map(toAssessmentService);
}

/**
 * The assessment service a practice's referral for this specialty is sent to, checked: it exists, it assesses the
 * specialty, and it serves the practice's ICB. 422 otherwise, naming the field.
 */
export async function assessmentServiceToSendTo(db: Kysely<DB>, practiceOdsCode: string, specialtyCode: string, id: string, field = 'triage.rasId'): Promise<AssessmentService> {
  const row = await services(db).where('ras.id', '=', id).executeTakeFirst();
  if (!row) throw unprocessable(`There is no referral assessment service ${id}.`, [{ field, message: 'is not a referral assessment service' }]);
  const ras = toAssessmentService(row);
  if (!ras.specialtyCodes.includes(specialtyCode)) {
    throw unprocessable(`${ras.name} does not assess referrals for specialty ${specialtyCode}.`, [{ field, message: `does not assess specialty ${specialtyCode}` }]);
  }
  if (ras.icbCode !== (await icbOf(db, practiceOdsCode))) {
    throw unprocessable(`${ras.name} does not take referrals from your organisation's integrated care board.`, [{ field, message: 'does not serve your integrated care board' }]);
  }
  return ras;
}

/** Records that a new referral (inserted in this transaction) waits for triage by `ras`, due by its target. */
export async function sendForTriage(trx: Transaction<DB>, ubrn: string, ras: AssessmentService, priority: Priority, sentOn: string): Promise<string> {
  const dueOn = triageDueDate(sentOn, priority, ras.targetDays);
  await trx.insertInto('referral_triage').values({ ubrn, assessment_service_id: ras.id, sent_on: sentOn, due_on: dueOn }).execute();
  return dueOn;
}

/** The reason code of a triage outcome in words: a rejection's reason, or why fewer than 5 providers were offered. */
export function triageReasonText(outcome: TriageOutcome | null, code: string | null): string | null {
  if (!code) return null;
  const list: Record<string, string> = outcome === 'REJECT' ? REJECTION_REASONS : outcome === 'NEEDS_CONSULTANT' ? FEWER_PROVIDERS_REASONS : {};
  return list[code] ?? code;
}

/** What the referral carries of its triage, or null when it was never sent to a referral assessment service. */
export async function triageOf(db: Kysely<DB> | Transaction<DB>, ubrn: string): Promise<ReferralTriage | null> {
  return (await triagesOf(db, [ubrn])).get(ubrn) ?? null;
}

/** triageOf for several referrals in one query: those never sent to a referral assessment service are left out. */
export async function triagesOf(db: Kysely<DB> | Transaction<DB>, ubrns: readonly string[]): Promise<Map<string, ReferralTriage>> {
  if (ubrns.length === 0) return new Map();
  const rows = await db
    .selectFrom('referral_triage as t')
    .innerJoin('referral_assessment_service as ras', 'ras.id', 't.assessment_service_id')
    .innerJoin('organisation as o', 'o.ods_code', 'ras.organisation_ods_code')
    .select(['t.ubrn', 't.sent_on', 't.due_on', 't.outcome', 't.reason_code', 't.detail', 't.triaged_at', 't.triaged_by', 'ras.id', 'ras.name', 'ras.organisation_ods_code', 'o.name as organisation_name'])
    .where('t.ubrn', 'in', [...new Set(ubrns)])
    .execute();
  return new Map(rows.map((t) => [t.ubrn, {
    assessmentService: { id: t.id, name: t.name, organisation: { odsCode: t.organisation_ods_code, name: t.organisation_name } },
    sentOn: t.sent_on,
    dueOn: t.due_on,
    outcome: t.outcome,
    reasonCode: t.reason_code,
    reason: triageReasonText(t.outcome, t.reason_code),
    detail: t.detail,
    triagedAt: t.triaged_at ? new Date(t.triaged_at).toISOString() : null,
    triagedBy: t.triaged_by,
  }]));
}
