// The worklist: the referrals a principal may see (src/referrals/queries.ts), newest change first, found by the
// patient's name, NHS number or UBRN and narrowed to some statuses, a page at a time. One search for every role:
// the API's GET /referrals, the referrer's and referral centre's worklist, the provider's.
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.ts';
import { type ReferralStatus, STATE_GROUP_NAMES, STATE_GROUPS, type StateGroup, stateGroupOf } from '../domain/referral-status.ts';
import type { TriageOutcome } from '../domain/triage.ts';
import type { Principal } from '../http/principal.ts';
import { chosenBy, patientVisibleTo } from './least-data.ts';
import { visibleReferrals } from './queries.ts';

export interface WorklistItem {
  ubrn: string;
  status: ReferralStatus;
  priority: 'ROUTINE' | 'URGENT' | 'TWO_WEEK_WAIT';
  specialty: string;
  /** null for a provider the patient has not chosen (src/domain/least-data.ts) */
  patientName: string | null;
  patientNhsNumber: string | null;
  rttClockStart: string;
  optionsOffered: number;
  /** while deferred to a provider */
  contactBy: string | null;
  /** sent to a referral assessment service: its outcome, null until triaged; undefined when never sent */
  triageOutcome: TriageOutcome | null | undefined;
  updatedAt: string;
  /** to a practice: not its referral but a provider's waiting-list pathway naming it, reported by this provider */
  reportedBy: { odsCode: string; name: string } | null;
}

export interface WorklistSearch {
  /** a patient's name (or part of it), an NHS number or a UBRN, spaces and hyphens in numbers ignored */
  q?: string | undefined;
  statuses?: readonly ReferralStatus[] | undefined;
  offset?: number;
  limit: number;
}

export interface WorklistPage {
  items: WorklistItem[];
  /** how many referrals match, on every page */
  total: number;
  offset: number;
  limit: number;
}

/** What the search text asks for: a number (NHS number or UBRN, whole), or words of a name. */
export function searchTerms(q: string | undefined): { digits: string } | { words: string[] } | null {
  const text = (q ?? '').trim();
  if (text === '') return null;
  const digits = text.replace(/[\s-]/g, '');
  if (/^\d+$/.test(digits)) return { digits };
  return { words: text.split(/\s+/).slice(0, 5) };
}

/** A LIKE pattern that matches `text` anywhere, taking % and _ literally. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

type Eb = ExpressionBuilder<DB & { r: DB['referral'] }, 'r'>;

function matching(eb: Eb, terms: NonNullable<ReturnType<typeof searchTerms>>, principal: Principal) {
  // A provider the patient has not chosen finds the referral by its UBRN only: a name or an NHS number that found it
  // would tell the provider who the patient is.
  const seesPatient = (found: ReturnType<Eb['and']>) =>
    principal.kind === 'staff' && principal.role === 'provider' ? eb.and([found, chosenBy(eb, principal.organisation.odsCode)]) : found;
  if ('digits' in terms) return eb.or([seesPatient(eb.and([eb('r.patient_nhs_number', '=', terms.digits)])), eb('r.ubrn', '=', terms.digits)]);
  // Each word must be in the given or the family name: "ann smi" finds Ann Smith.
  return seesPatient(eb.and(terms.words.map((w) => eb.or([eb('r.patient_given_name', 'ilike', containing(w)), eb('r.patient_family_name', 'ilike', containing(w))]))));
}

/** The referrals the principal may see that the search text matches, as a query to narrow further. */
function searched(db: Kysely<DB>, principal: Principal, q: string | undefined) {
  const terms = searchTerms(q);
  const visible = visibleReferrals(db, principal, { reported: true });
  return terms ? visible.where((eb) => matching(eb as unknown as Eb, terms, principal)) : visible;
}

/** One page of the principal's worklist, with how many match in all. */
export async function searchWorklist(db: Kysely<DB>, principal: Principal, search: WorklistSearch): Promise<WorklistPage> {
  const offset = search.offset ?? 0;
  let q = searched(db, principal, search.q);
  if (search.statuses) {
    // An empty filter matches nothing (not everything).
    if (search.statuses.length === 0) return { items: [], total: 0, offset, limit: search.limit };
    q = q.where('r.status', 'in', [...search.statuses]);
  }
  const [rows, counted] = await Promise.all([
    q
      .innerJoin('specialty as sp', 'sp.code', 'r.specialty_code')
      .leftJoin('referral_triage as t', 't.ubrn', 'r.ubrn')
      .leftJoin('organisation as rep', 'rep.ods_code', 'r.registered_gp_reported_by_ods_code')
      .select(['t.outcome as triage_outcome', 't.sent_on as triage_sent_on', 'r.referring_organisation_ods_code', 'r.registered_gp_reported_by_ods_code', 'rep.name as reported_by_name'])
      .select(['r.ubrn', 'r.status', 'r.priority', 'sp.name as specialty', 'r.patient_given_name', 'r.patient_family_name', 'r.patient_nhs_number', 'r.rtt_clock_start', 'r.options_offered', 'r.contact_by', 'r.updated_at'])
      .orderBy('r.updated_at', 'desc')
      .orderBy('r.ubrn')
      .limit(search.limit)
      .offset(offset)
      .execute(),
    q.select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  const seen = await patientVisibleTo(db, principal, rows.map((r) => r.ubrn));
  return {
    items: rows.map((r) => ({
      ubrn: r.ubrn,
      status: r.status,
      priority: r.priority,
      specialty: r.specialty,
      patientName: seen.has(r.ubrn) ? `${r.patient_given_name} ${r.patient_family_name}` : null,
      patientNhsNumber: seen.has(r.ubrn) ? r.patient_nhs_number : null,
      rttClockStart: r.rtt_clock_start,
      optionsOffered: r.options_offered,
      contactBy: r.contact_by,
      triageOutcome: r.triage_sent_on === null ? undefined : r.triage_outcome,
      updatedAt: new Date(r.updated_at).toISOString(),
      reportedBy: reportedTo(principal, r),
    })),
    total: Number(counted.n),
    offset,
    limit: search.limit,
  };
}

/** Whom a pathway the principal did not refer was reported by, when the principal is the practice it names. */
function reportedTo(principal: Principal, r: { referring_organisation_ods_code: string; registered_gp_reported_by_ods_code: string | null; reported_by_name: string | null }) {
  if (principal.kind !== 'staff' || principal.role !== 'referrer' || !r.registered_gp_reported_by_ods_code) return null;
  if (r.referring_organisation_ods_code === principal.organisation.odsCode) return null;
  return { odsCode: r.registered_gp_reported_by_ods_code, name: r.reported_by_name ?? r.registered_gp_reported_by_ods_code };
}

/** How many of the principal's referrals matching the search text are in each group, for the filters. */
export async function countsByGroup(db: Kysely<DB>, principal: Principal, q: string | undefined): Promise<Record<StateGroup, number>> {
  const rows = await searched(db, principal, q).select(['r.status', sql<string>`count(*)`.as('n')]).groupBy('r.status').execute();
  const counts = Object.fromEntries(STATE_GROUP_NAMES.map((g) => [g, 0])) as Record<StateGroup, number>;
  for (const row of rows) counts[stateGroupOf(row.status)] += Number(row.n);
  return counts;
}

/** The statuses of these groups. */
export const statusesOf = (groups: readonly StateGroup[]): ReferralStatus[] => groups.flatMap((g) => [...STATE_GROUPS[g].statuses]);

/** The first `limit` of the principal's referrals in these statuses (all, without them), newest change first. */
export async function worklist(db: Kysely<DB>, principal: Principal, filter: { statuses?: readonly ReferralStatus[]; limit: number }): Promise<WorklistItem[]> {
  return (await searchWorklist(db, principal, filter)).items;
}
