// The referral centre's worklists: referrals waiting for triage by the assessment services it runs, oldest first
// with the date each is due and the days left (overdue ones first among equals), and the referrals it returned to
// the practices (advice, redirected, rejected), the latest first.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { daysLeft } from '../domain/contact-by.ts';
import { isTriageOverdue, RETURNED_OUTCOMES, type TriageOutcome } from '../domain/triage.ts';
import type { StaffPrincipal } from '../http/principal.ts';

function ofCentre(db: Kysely<DB>, centre: StaffPrincipal) {
  return db
    .selectFrom('referral_triage as t')
    .innerJoin('referral_assessment_service as ras', 'ras.id', 't.assessment_service_id')
    .innerJoin('referral as r', 'r.ubrn', 't.ubrn')
    .innerJoin('specialty as sp', 'sp.code', 'r.specialty_code')
    .innerJoin('organisation as ro', 'ro.ods_code', 'r.referring_organisation_ods_code')
    .where('ras.organisation_ods_code', '=', centre.organisation.odsCode)
    .select(['r.ubrn', 'r.priority', 'sp.name as specialty', 'r.patient_given_name', 'r.patient_family_name', 'ras.id as ras_id', 'ras.name as ras_name', 'ro.ods_code as referrer_ods_code', 'ro.name as referrer_name']);
}

/** What every row of the centre's worklists says of its referral. */
export interface TriageCase {
  ubrn: string;
  priority: 'ROUTINE' | 'URGENT' | 'TWO_WEEK_WAIT';
  specialty: string;
  patientName: string;
  assessmentService: { id: string; name: string };
  referringOrganisation: { odsCode: string; name: string };
}

type CaseRow = {
  ubrn: string; priority: TriageCase['priority']; specialty: string; patient_given_name: string; patient_family_name: string;
  ras_id: string; ras_name: string; referrer_ods_code: string; referrer_name: string;
};

const caseOf = (r: CaseRow): TriageCase => ({
  ubrn: r.ubrn,
  priority: r.priority,
  specialty: r.specialty,
  patientName: `${r.patient_given_name} ${r.patient_family_name}`,
  assessmentService: { id: r.ras_id, name: r.ras_name },
  referringOrganisation: { odsCode: r.referrer_ods_code, name: r.referrer_name },
});

export interface TriageItem extends TriageCase {
  sentOn: string;
  dueOn: string;
  daysLeft: number;
  overdue: boolean;
}

/** Referrals waiting for the centre's triage, oldest sent first; only the overdue ones when asked. */
export async function toTriage(db: Kysely<DB>, centre: StaffPrincipal, today: string, filter: { overdue?: boolean; limit: number }): Promise<TriageItem[]> {
  let q = ofCentre(db, centre)
    .select(['t.sent_on', 't.due_on', 'r.created_at'])
    .where('t.outcome', 'is', null)
    .where('r.status', '=', 'AWAITING_TRIAGE')
    .orderBy('t.sent_on')
    .orderBy('t.due_on')
    .orderBy('r.created_at')
    .limit(filter.limit);
  if (filter.overdue !== undefined) q = q.where('t.due_on', filter.overdue ? '<' : '>=', today);
  return (await q.execute()).map((r) => ({
    ...caseOf(r),
    sentOn: r.sent_on,
    dueOn: r.due_on,
    daysLeft: daysLeft(r.due_on, today),
    overdue: isTriageOverdue(r.due_on, today),
  }));
}

export interface ReturnedItem extends TriageCase {
  outcome: TriageOutcome;
  triagedAt: string;
}

/** Referrals the centre returned to the practices that made them, the latest first. */
export async function returnedByCentre(db: Kysely<DB>, centre: StaffPrincipal, limit: number): Promise<ReturnedItem[]> {
  const rows = await ofCentre(db, centre)
    .select(['t.outcome', 't.triaged_at'])
    .where('t.outcome', 'in', RETURNED_OUTCOMES)
    .orderBy('t.triaged_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    ...caseOf(r),
    outcome: r.outcome!,
    triagedAt: new Date(r.triaged_at!).toISOString(),
  }));
}
