// The worklist: the referrals a principal may see (src/referrals/queries.ts), newest change first, as the API's
// GET /referrals and the referrer's pages list them.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { ReferralStatus } from '../domain/referral-status.ts';
import type { TriageOutcome } from '../domain/triage.ts';
import type { Principal } from '../http/principal.ts';
import { visibleReferrals } from './queries.ts';

export interface WorklistItem {
  ubrn: string;
  status: ReferralStatus;
  priority: 'ROUTINE' | 'URGENT' | 'TWO_WEEK_WAIT';
  specialty: string;
  patientName: string;
  patientNhsNumber: string;
  rttClockStart: string;
  optionsOffered: number;
  /** while deferred to a provider */
  contactBy: string | null;
  /** sent to a referral assessment service: its outcome, null until triaged; undefined when never sent */
  triageOutcome: TriageOutcome | null | undefined;
  updatedAt: string;
}

export async function worklist(db: Kysely<DB>, principal: Principal, filter: { statuses?: readonly ReferralStatus[]; limit: number }): Promise<WorklistItem[]> {
  let q = visibleReferrals(db, principal)
    .innerJoin('specialty as sp', 'sp.code', 'r.specialty_code')
    .leftJoin('referral_triage as t', 't.ubrn', 'r.ubrn')
    .select(['t.outcome as triage_outcome', 't.sent_on as triage_sent_on'])
    .select(['r.ubrn', 'r.status', 'r.priority', 'sp.name as specialty', 'r.patient_given_name', 'r.patient_family_name', 'r.patient_nhs_number', 'r.rtt_clock_start', 'r.options_offered', 'r.contact_by', 'r.updated_at'])
    .orderBy('r.updated_at', 'desc')
    .orderBy('r.ubrn')
    .limit(filter.limit);
  if (filter.statuses) q = q.where('r.status', 'in', [...filter.statuses]);
  const rows = await q.execute();
  return rows.map((r) => ({
    ubrn: r.ubrn,
    status: r.status,
    priority: r.priority,
    specialty: r.specialty,
    patientName: `${r.patient_given_name} ${r.patient_family_name}`,
    patientNhsNumber: r.patient_nhs_number,
    rttClockStart: r.rtt_clock_start,
    optionsOffered: r.options_offered,
    contactBy: r.contact_by,
    triageOutcome: r.triage_sent_on === null ? undefined : r.triage_outcome,
    updatedAt: new Date(r.updated_at).toISOString(),
  }));
}
