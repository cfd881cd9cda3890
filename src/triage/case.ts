// One referral as its referral centre triages it: the referral as every reader sees it, what matters to the patient
// (their preferences, which rank the providers offered), and the triage it waits for. Only the centre that runs the
// assessment service the referral was sent to may triage it; for anyone else it does not exist here.
import type { Deps } from '../deps.ts';
import type { StaffPrincipal } from '../http/principal.ts';
import { notFound } from '../http/problem.ts';
import { getReferral } from '../referrals/queries.ts';
import { type ReferralWithPatient, withPatient } from '../referrals/least-data.ts';
import type { ReferralTriage } from '../referrals/schemas.ts';
import type { SortBy } from '../shortlist/types.ts';

/** What the patient said matters, as the referral keeps it: an absent distance is the default limit, null none. */
export interface PatientPreferences {
  sortBy: SortBy;
  maxDistanceKm?: number | null;
  originPostcode: string | null;
}

export interface TriageCase {
  referral: ReferralWithPatient & { triage: ReferralTriage };
  preferences: PatientPreferences;
}

function preferencesOf(stored: unknown): PatientPreferences {
  const p = (stored ?? {}) as Partial<PatientPreferences>;
  return {
    sortBy: p.sortBy ?? 'WAIT',
    ...(p.maxDistanceKm === undefined ? {} : { maxDistanceKm: p.maxDistanceKm }),
    originPostcode: p.originPostcode ?? null,
  };
}

/** The referral sent to an assessment service this member of staff's centre runs; 404 otherwise (existence must not leak). */
export async function triageCase(deps: Deps, staff: StaffPrincipal, ubrn: string): Promise<TriageCase> {
  // The centre triaging it reads the patient whole (patientVisibleTo); only a provider's read is withheld.
  const referral = withPatient(await getReferral(deps, staff, ubrn));
  const triage = referral.triage;
  if (!triage || triage.assessmentService.organisation.odsCode !== staff.organisation.odsCode) {
    throw notFound(`There is no referral ${ubrn} sent to a referral assessment service your centre runs.`);
  }
  const row = await deps.database.db.selectFrom('referral').select('preferences').where('ubrn', '=', ubrn).executeTakeFirstOrThrow();
  return { referral: { ...referral, triage }, preferences: preferencesOf(row.preferences) };
}
