// Patients can change their mind: until they book, they may measure distances from another postcode (home, or
// another such as a relative's) or say something else matters most, and the shortlist engine ranks the options
// afresh within the referral's specialty and priority. The new options replace the old in one transaction, with
// the change in the referral's history.
import type { Deps } from '../deps.ts';
import { ageOn, londonDate } from '../domain/dates.ts';
import { AWAITING_BOOKING, type ReferralStatus } from '../domain/referral-status.ts';
import type { PatientPrincipal } from '../http/principal.ts';
import { conflict, unprocessable } from '../http/problem.ts';
import { resolveOrigin } from '../reference/resolve.ts';
import { SORT_CHOICES } from '../shortlist/choices.ts';
import { buildShortlist, RECOMMENDED_OPTIONS } from '../shortlist/service.ts';
import type { SortBy } from '../shortlist/types.ts';
import { noteInHistory } from './history.ts';
import { insertOfferedOptions } from './offered-options.ts';
import { lockVisibleReferral } from './queries.ts';

/** What the referral's options were ranked by. */
export interface Search {
  sortBy: SortBy;
  /** The postcode distances are measured from, and whether it is the patient's home. */
  origin: { postcode: string; home: boolean };
}

interface StoredPreferences {
  sortBy?: SortBy;
  maxDistanceKm?: number | null;
  originPostcode?: string | null;
}

/** A referral's options may be ranked afresh while the patient has yet to book (not while deferred or booked). */
export const mayChangeSearch = (status: ReferralStatus): boolean => AWAITING_BOOKING.includes(status);

/** How the patient's options were ranked, from the preferences stored with the referral. */
export async function currentSearch(deps: Deps, ubrn: string): Promise<Search> {
  const r = await deps.database.db.selectFrom('referral').select(['preferences', 'patient_postcode']).where('ubrn', '=', ubrn).executeTakeFirstOrThrow();
  const prefs = (r.preferences ?? {}) as StoredPreferences;
  const origin = prefs.originPostcode ?? r.patient_postcode;
  return { sortBy: prefs.sortBy ?? 'WAIT', origin: { postcode: origin, home: origin === r.patient_postcode } };
}

/** The patient's words for what matters most, as the choices offer it. */
export const sortText = (sortBy: SortBy): string => SORT_CHOICES.find((c) => c.value === sortBy)?.text ?? sortBy;

/**
 * Ranks the referral's options afresh from `originPostcode` (null: the patient's home) by `sortBy`, and offers
 * them instead of the old. A postcode that is not a full, known one is refused with the field 'postcode'; so is one
 * from which no service can be found. Refused with 409 once the patient has booked.
 */
export async function changeSearch(
  deps: Deps,
  patient: PatientPrincipal,
  ubrn: string,
  change: { originPostcode: string | null; sortBy: SortBy },
): Promise<{ optionsOffered: number; search: Search }> {
  const { db } = deps.database;
  const row = await db
    .selectFrom('referral')
    .select(['specialty_code', 'priority', 'patient_date_of_birth', 'patient_postcode', 'preferences'])
    .where('ubrn', '=', patient.ubrn)
    .where('ubrn', '=', ubrn)
    .executeTakeFirstOrThrow();
  const prefs = (row.preferences ?? {}) as StoredPreferences;
  let origin = row.patient_postcode;
  if (change.originPostcode !== null) {
    const found = await resolveOrigin(deps.postcodes, change.originPostcode, 'postcode');
    if (found.precision !== 'postcode') {
      throw unprocessable('A full postcode is needed to measure distances from.', [{ field: 'postcode', message: 'Enter the full postcode, like LS1 4AP' }]);
    }
    origin = found.postcode;
  }
  const answer = await buildShortlist(deps, {
    specialty: row.specialty_code,
    postcode: origin,
    sortBy: change.sortBy,
    ...(prefs.maxDistanceKm === undefined ? {} : { maxDistanceKm: prefs.maxDistanceKm }),
    maxWaitWeeks: null,
    priority: row.priority,
    limit: RECOMMENDED_OPTIONS,
    age: ageOn(row.patient_date_of_birth, londonDate()),
    sex: null,
  });
  if (answer.options.length === 0) {
    const why = `${answer.shortfall?.reason ?? 'No services match.'} Your options have not changed.`;
    throw unprocessable(why, [{ field: 'postcode', message: `There are no ${answer.specialty.name} services near ${origin}. Enter a postcode in England nearer to where you could travel` }]);
  }
  const home = origin === row.patient_postcode;
  const n = answer.options.length;
  await db.transaction().execute(async (trx) => {
    const locked = await lockVisibleReferral(trx, patient, ubrn);
    // Checked under the lock: a booking made meanwhile keeps its options.
    if (!mayChangeSearch(locked.status)) throw conflict('Your options can be changed only until you book an appointment.');
    await trx.deleteFrom('referral_option').where('ubrn', '=', ubrn).execute();
    await insertOfferedOptions(trx, ubrn, answer.options);
    await trx
      .updateTable('referral')
      .set({
        preferences: JSON.stringify({ ...prefs, sortBy: change.sortBy, originPostcode: home ? null : origin }),
        options_offered: n,
        fewer_options_reason: answer.shortfall?.reason ?? null,
        // The engine's shortlist: fewer than 5 only when fewer are within reach.
        fewer_options_code: n < RECOMMENDED_OPTIONS ? 'FEWER_WITHIN_REACH' : null,
        updated_at: new Date(),
      })
      .where('ubrn', '=', ubrn)
      .execute();
    await noteInHistory(
      trx,
      ubrn,
      patient,
      `The patient changed their search: distances from ${origin}${home ? ' (home)' : ''}, ${sortText(change.sortBy).toLowerCase()} first; ${n} option${n === 1 ? '' : 's'} offered afresh`,
    );
  });
  return { optionsOffered: n, search: { sortBy: change.sortBy, origin: { postcode: origin, home } } };
}
