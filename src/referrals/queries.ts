// Reading referrals: which a principal may see, and one referral whole, as the API and the pages show it.
import type { Deps } from '../deps.ts';
import type { Kysely, Transaction } from 'kysely';
import { accessCodeMatches } from '../auth/access-codes.ts';
import { type Principal } from '../http/principal.ts';
import type { DB } from '../db/schema.ts';
import { servicesWithDetails, toServiceView } from '../directory/queries.ts';
import { needsFrom } from '../domain/communication-needs.ts';
import { CLOSED, type ReferralStatus } from '../domain/referral-status.ts';
import { REJECTION_RULES } from '../domain/rejection.ts';
import type { RttClock } from '../domain/rtt-clock.ts';
import { notFound } from '../http/problem.ts';
import type { ShortlistOption } from '../shortlist/types.ts';
import { toAppointmentView } from './appointment-view.ts';
import { triagesOf } from './assessment-services.ts';
import { patientVisibleTo, withheldFromUnchosen } from './least-data.ts';
import type { Referral } from './schemas.ts';

type OfferedOption = Omit<ShortlistOption, 'service'>;

/**
 * Referrals a principal may see, as a query to narrow further: the referring organisation's staff, the referral
 * centre of the assessment service it was sent to, providers with a service on the shortlist, the patient themselves. Nobody else, not even an administrator: a patient's
 * referral is seen by those caring for them.
 *
 * `reported`: to read only, a practice also sees the pathways a provider's waiting-list import says are its patients'
 * (registered_gp, as reported by the provider: nothing checks it). Never to act on: the practice did not refer, so
 * it books, moves, re-refers and closes none of them, and every action asks without `reported`.
 */
export function visibleReferrals(db: Kysely<DB>, principal: Principal, options: { reported?: boolean } = {}) {
  const q = db.selectFrom('referral as r');
  if (principal.kind === 'patient') return q.where('r.ubrn', '=', principal.ubrn);
  switch (principal.role) {
    case 'referrer':
      if (options.reported) {
        const practice = principal.organisation.odsCode;
        return q.where(({ or, and, eb }) => or([
          eb('r.referring_organisation_ods_code', '=', practice),
          and([eb('r.registered_gp_ods_code', '=', practice), eb('r.registered_gp_reported_by_ods_code', 'is not', null)]),
        ]));
      }
      return q.where('r.referring_organisation_ods_code', '=', principal.organisation.odsCode);
    case 'referral-centre':
      // The ones it made, and the ones sent to an assessment service it runs.
      return q.where(({ or, eb, exists, selectFrom }) =>
        or([
          eb('r.referring_organisation_ods_code', '=', principal.organisation.odsCode),
          exists(
            selectFrom('referral_triage as t')
              .innerJoin('referral_assessment_service as ras', 'ras.id', 't.assessment_service_id')
              .select('t.ubrn')
              .whereRef('t.ubrn', '=', 'r.ubrn')
              .where('ras.organisation_ods_code', '=', principal.organisation.odsCode),
          ),
        ]),
      );
    case 'provider':
      return q.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('referral_option as o')
            .innerJoin('service as s', 's.id', 'o.service_id')
            .select('o.ubrn')
            .whereRef('o.ubrn', '=', 'r.ubrn')
            .where('s.provider_ods_code', '=', principal.organisation.odsCode),
        ),
      );
    default:
      return q.where((eb) => eb.val(false));
  }
}

/** One referral as the API and the pages show it; `reported` as for visibleReferrals (to read only). */
export async function getReferral(deps: Deps, principal: Principal, ubrn: string, visibility: { reported?: boolean } = {}): Promise<Referral> {
  const [referral] = await getReferrals(deps, principal, [ubrn], visibility);
  // The same answer whether the referral does not exist or is someone else's: existence must not leak.
  if (!referral) throw notFound(`There is no referral ${ubrn} that you can see.`);
  return referral;
}

/**
 * getReferral for several referrals at once, in the order asked, leaving out any this principal may not see (or that
 * does not exist): one query for each part of a referral, whatever their number (a search's page of them).
 */
export async function getReferrals(deps: Deps, principal: Principal, ubrns: readonly string[], visibility: { reported?: boolean } = {}): Promise<Referral[]> {
  const wanted = [...new Set(ubrns)];
  if (wanted.length === 0) return [];
  const { db } = deps.database;
  const found = await visibleReferrals(db, principal, visibility)
    .innerJoin('specialty as sp', 'sp.code', 'r.specialty_code')
    .innerJoin('organisation as ro', 'ro.ods_code', 'r.referring_organisation_ods_code')
    .leftJoin('organisation as gp', 'gp.ods_code', 'r.registered_gp_ods_code')
    .leftJoin('organisation as rep', 'rep.ods_code', 'r.registered_gp_reported_by_ods_code')
    .selectAll('r')
    .select(['sp.name as specialty_name', 'ro.name as referrer_name', 'ro.kind as referrer_kind', 'gp.name as registered_gp_name', 'rep.name as reported_by_name'])
    .where('r.ubrn', 'in', wanted)
    .execute();
  if (found.length === 0) return [];
  const seenUbrns = found.map((r) => r.ubrn);
  const [options, history, appointments, triages, seen] = await Promise.all([
    db.selectFrom('referral_option').select(['ubrn', 'service_id', 'offered']).where('ubrn', 'in', seenUbrns).orderBy('ubrn').orderBy('rank').execute(),
    db.selectFrom('referral_event').select(['ubrn', 'at', 'from_status', 'to_status', 'actor_label', 'reason']).where('ubrn', 'in', seenUbrns).orderBy('id').execute(),
    liveAppointments(db, seenUbrns),
    triagesOf(db, seenUbrns),
    patientVisibleTo(db, principal, seenUbrns),
  ]);
  // A referral waiting for triage has no options yet (and SQL has no empty "in" list).
  const serviceIds = [...new Set(options.map((o) => o.service_id))];
  const services = new Map(
    serviceIds.length === 0 ? [] : (await servicesWithDetails(db).where('s.id', 'in', serviceIds).execute()).map((s) => [s.id, toServiceView(s)]),
  );
  const optionsOf = Map.groupBy(options, (o) => o.ubrn);
  const historyOf = Map.groupBy(history, (h) => h.ubrn);
  const byUbrn = new Map(found.map((r) => {
    const ubrn = r.ubrn;
    const appointment = appointments.get(ubrn);
    const triage = triages.get(ubrn) ?? null;
    const referralOptions = optionsOf.get(ubrn) ?? [];
    const referralHistory = historyOf.get(ubrn) ?? [];
    const referral: Referral = {
      ubrn: r.ubrn,
      status: r.status,
      priority: r.priority,
      specialty: { code: r.specialty_code, name: r.specialty_name },
      patientDetails: 'SHOWN',
      patient: {
        nhsNumber: r.patient_nhs_number,
        givenName: r.patient_given_name,
        familyName: r.patient_family_name,
        dateOfBirth: r.patient_date_of_birth,
        postcode: r.patient_postcode,
        addressLines: r.patient_address_lines,
        email: r.patient_email,
        mobile: r.patient_mobile,
      },
      clinicalSummary: r.clinical_summary,
      referringOrganisation: { odsCode: r.referring_organisation_ods_code, name: r.referrer_name },
      ...registeredPracticeOf(r),
      rttClockStart: r.rtt_clock_start,
      optionsOffered: r.options_offered,
      fewerOptionsReason: r.fewer_options_reason,
      patientChose: r.patient_chose,
      receivedVia: r.received_via,
      shortlist: referralOptions.map((o) => ({ ...(o.offered as OfferedOption), service: services.get(o.service_id)! })),
      appointment: appointment ? toAppointmentView(appointment) : null,
      communicationNeeds: needsFrom(r.communication_needs),
      deferral: r.status === 'DEFERRED_TO_PROVIDER' && r.deferred_service_id && r.contact_by ? { serviceId: r.deferred_service_id, contactBy: r.contact_by } : null,
      rejection: r.rejection_reason && r.rejected_at
        ? {
          reason: r.rejection_reason,
          reasonText: REJECTION_RULES[r.rejection_reason].words,
          note: r.rejection_note,
          at: new Date(r.rejected_at).toISOString(),
          by: r.rejected_by ?? '',
          clock: REJECTION_RULES[r.rejection_reason].clock,
          nextStep: REJECTION_RULES[r.rejection_reason].nextStep,
        }
        : null,
      triage,
      history: referralHistory.map((h) => ({ at: new Date(h.at).toISOString(), from: h.from_status, to: h.to_status, by: h.actor_label, reason: h.reason })),
    };
    return [ubrn, seen.has(ubrn) ? referral : withheldFromUnchosen(referral)] as const;
  }));
  return wanted.flatMap((u) => byUbrn.get(u) ?? []);
}

/**
 * The patient's registered GP practice and where that came from: the practice that referred (its own word), or a
 * provider's waiting-list import (that provider's word only, and so labelled "Reported by" it wherever it is shown).
 */
function registeredPracticeOf(r: {
  registered_gp_ods_code: string | null; registered_gp_name: string | null; registered_gp_reported_by_ods_code: string | null; reported_by_name: string | null;
  referring_organisation_ods_code: string; referrer_name: string; referrer_kind: string;
}): Pick<Referral, 'registeredPractice' | 'registeredPracticeSource' | 'registeredPracticeReportedBy'> {
  if (r.registered_gp_ods_code) {
    const reportedBy = r.registered_gp_reported_by_ods_code ? { odsCode: r.registered_gp_reported_by_ods_code, name: r.reported_by_name ?? r.registered_gp_reported_by_ods_code } : null;
    return { registeredPractice: { odsCode: r.registered_gp_ods_code, name: r.registered_gp_name ?? r.registered_gp_ods_code }, registeredPracticeSource: reportedBy ? 'REPORTED_BY_PROVIDER' : 'REFERRING_PRACTICE', registeredPracticeReportedBy: reportedBy };
  }
  if (r.referrer_kind === 'GP_PRACTICE') return { registeredPractice: { odsCode: r.referring_organisation_ods_code, name: r.referrer_name }, registeredPracticeSource: 'REFERRING_PRACTICE', registeredPracticeReportedBy: null };
  return { registeredPractice: null, registeredPracticeSource: null, registeredPracticeReportedBy: null };
}

/** The patient's referral if the UBRN, access code and date of birth all match; null otherwise, whichever was wrong. */
export async function checkPatientCredentials(deps: Deps, ubrn: string, accessCode: string, dateOfBirth: string): Promise<boolean> {
  const r = await deps.database.db
    .selectFrom('referral')
    .select(['access_code_hash', 'patient_date_of_birth'])
    .where('ubrn', '=', ubrn)
    .executeTakeFirst();
  const codeOk = accessCodeMatches(deps.config.accessCodeSecret, accessCode, r?.access_code_hash ?? '0'.repeat(64));
  return r !== undefined && codeOk && r.patient_date_of_birth === dateOfBirth;
}

/** The patient's open referral most recently changed, found by their NHS number (as NHS login gives it). */
export async function latestOpenReferralOf(db: Kysely<DB>, nhsNumber: string): Promise<string | null> {
  const row = await db
    .selectFrom('referral')
    .select('ubrn')
    .where('patient_nhs_number', '=', nhsNumber)
    .where('status', 'not in', CLOSED)
    .orderBy('updated_at', 'desc')
    .executeTakeFirst();
  return row?.ubrn ?? null;
}

export type LockedReferral = { ubrn: string; status: ReferralStatus; priority: 'ROUTINE' | 'URGENT' | 'TWO_WEEK_WAIT'; deferred_service_id: string | null };

/** The referral, locked for this transaction (changes to one referral happen one after another), if the principal may see it; 404 otherwise (existence must not leak). */
export async function lockVisibleReferral(trx: Transaction<DB>, principal: Principal, ubrn: string): Promise<LockedReferral> {
  const r = await visibleReferrals(trx, principal)
    .select(['r.ubrn', 'r.status', 'r.priority', 'r.deferred_service_id'])
    .where('r.ubrn', '=', ubrn)
    .forUpdate()
    .executeTakeFirst();
  if (!r) throw notFound(`There is no referral ${ubrn} that you can see.`);
  return r;
}

/** The referral's live (not cancelled) appointment, if it has one: the unique index allows at most one. */
export async function liveAppointment(db: Kysely<DB>, ubrn: string) {
  return db.selectFrom('appointment').selectAll().where('ubrn', '=', ubrn).where('cancelled_at', 'is', null).executeTakeFirst();
}

/** liveAppointment for several referrals in one query, by UBRN. */
async function liveAppointments(db: Kysely<DB>, ubrns: readonly string[]) {
  const rows = await db.selectFrom('appointment').selectAll().where('ubrn', 'in', ubrns).where('cancelled_at', 'is', null).execute();
  return new Map(rows.map((a) => [a.ubrn, a]));
}

/** The referral's RTT clock as it stands. */
export async function clockOfReferral(db: Kysely<DB>, ubrn: string): Promise<RttClock> {
  const r = await db
    .selectFrom('referral')
    .select(['rtt_clock_start', 'rtt_clock_state', 'rtt_paused_days', 'rtt_clock_stopped_on'])
    .where('ubrn', '=', ubrn)
    .executeTakeFirstOrThrow();
  return { start: r.rtt_clock_start, state: r.rtt_clock_state, pausedDays: r.rtt_paused_days, stoppedOn: r.rtt_clock_stopped_on };
}
