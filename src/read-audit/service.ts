// Searching who saw what: an administrator searches it all; a provider's staff only the reads of patients referred
// to it (a service of theirs on the referral's shortlist, as src/referrals/queries.ts decides who sees a referral);
// a patient sees who looked at their own referral, by organisation and role only.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { PatientPrincipal, StaffPrincipal } from '../http/principal.ts';
import { badRequest } from '../http/problem.ts';
import { visibleReferrals } from '../referrals/queries.ts';

export interface ReadSearch {
  nhsNumber?: string;
  ubrn?: string;
  accountId?: number;
  /** inclusive instants (the API and the page read a date alone as the whole of that UTC day) */
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

export interface AuditedRead {
  readAt: string;
  accountId: number | null;
  username: string | null;
  role: string;
  organisation: { odsCode: string; name: string } | null;
  ubrn: string | null;
  nhsNumber: string | null;
  route: string;
  purpose: string | null;
}

/** The reads matching the search that this member of staff may see, newest first. */
export async function searchReads(db: Kysely<DB>, staff: StaffPrincipal, search: ReadSearch): Promise<{ reads: AuditedRead[]; total: number }> {
  // A provider searches its own patients only: a search that names nobody would be a list of everyone's reads.
  if (staff.role === 'provider' && !search.nhsNumber && !search.ubrn) throw badRequest('Search by the patient\'s NHS number or the referral\'s UBRN.');
  let q = db.selectFrom('patient_read_audit as a');
  // A patient's reads are those naming their NHS number and those of their referrals by UBRN alone.
  const nhsNumber = search.nhsNumber;
  if (nhsNumber)
    q = q.where(({ or, eb, selectFrom }) =>
      or([eb('a.nhs_number', '=', nhsNumber), eb('a.ubrn', 'in', selectFrom('referral').select('ubrn').where('patient_nhs_number', '=', nhsNumber))]),
    );
  if (search.ubrn) q = q.where('a.ubrn', '=', search.ubrn);
  if (search.accountId !== undefined) q = q.where('a.account_id', '=', search.accountId);
  if (search.from) q = q.where('a.read_at', '>=', search.from);
  if (search.to) q = q.where('a.read_at', '<=', search.to);
  if (staff.role !== 'admin') {
    // Theirs: a read of a referral they may see, or of a patient one of whose referrals they may see.
    const theirs = visibleReferrals(db, staff);
    q = q.where(({ or, eb }) =>
      or([eb('a.ubrn', 'in', theirs.select('r.ubrn')), eb('a.nhs_number', 'in', visibleReferrals(db, staff).select('r.patient_nhs_number'))]),
    );
  }
  const [rows, count] = await Promise.all([
    q.selectAll('a').orderBy('a.read_at', 'desc').orderBy('a.id', 'desc').limit(search.limit).offset(search.offset).execute(),
    q.select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
    reads: rows.map((r) => ({
      readAt: r.read_at.toISOString(),
      accountId: r.account_id,
      username: r.username,
      role: r.role,
      organisation: r.organisation_ods_code ? { odsCode: r.organisation_ods_code, name: r.organisation_name ?? r.organisation_ods_code } : null,
      ubrn: r.ubrn,
      nhsNumber: r.nhs_number,
      route: r.route,
      purpose: r.purpose,
    })),
  };
}

export interface ReadOfMine {
  readAt: Date;
  role: string;
  organisationName: string | null;
  /** the patient's own reads are shown as "You" */
  byYou: boolean;
}

/**
 * Who has looked at the patient's referral: organisation, role and when, as NHS practice tells patients (a
 * subject access request to the organisation names the member of staff). Reads of the referral by its UBRN, and of
 * the patient by NHS number in lists, since this referral was made.
 */
export async function readsOfMyReferral(db: Kysely<DB>, patient: PatientPrincipal, limit = 200): Promise<ReadOfMine[]> {
  const referral = await db.selectFrom('referral').select(['patient_nhs_number', 'created_at']).where('ubrn', '=', patient.ubrn).executeTakeFirst();
  if (!referral) return [];
  const rows = await db
    .selectFrom('patient_read_audit')
    .select(['read_at', 'role', 'organisation_name'])
    .where(({ or, and, eb }) =>
      or([eb('ubrn', '=', patient.ubrn), and([eb('ubrn', 'is', null), eb('nhs_number', '=', referral.patient_nhs_number), eb('read_at', '>=', referral.created_at)])]),
    )
    .orderBy('read_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ readAt: r.read_at, role: r.role, organisationName: r.organisation_name, byYou: r.role === 'patient' }));
}
