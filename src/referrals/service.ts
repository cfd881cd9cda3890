import type { Deps } from '../deps.ts';
import type { Kysely } from 'kysely';
import { accessCodeMatches, hashAccessCode } from '../auth/access-codes.ts';
import { actorLabel, type Principal, type StaffPrincipal } from '../http/principal.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { DB } from '../db/schema.ts';
import { servicesWithDetails, toServiceView } from '../directory/queries.ts';
import { enqueueReferralLetter } from '../messages/patient-messages.ts';
import type { DirectoryCache } from '../directory/snapshot.ts';
import { ageOn, londonDate } from '../domain/dates.ts';
import { isValidNhsNumber } from '../domain/nhs-number.ts';
import { generateAccessCode, generateUbrn } from '../domain/ubrn.ts';
import { notFound, unprocessable } from '../http/problem.ts';
import type { PostcodeDirectory } from '../reference/postcodes.ts';
import { resolveOrigin } from '../reference/resolve.ts';
import { buildShortlist, optionsForChosenServices, RECOMMENDED_OPTIONS } from '../shortlist/service.ts';
import type { ShortlistOption } from '../shortlist/types.ts';
import { toAppointmentView } from './appointment-view.ts';
import { insertReferral } from './history.ts';
import type { CreateReferral, Referral } from './schemas.ts';

type OfferedOption = Omit<ShortlistOption, 'service'>;

/** Checks what the schema cannot: the NHS number's check digit, a plausible date of birth, a real postcode. */
async function checkPatient(deps: Deps, patient: CreateReferral['patient'], today: string) {
  const problems: { field: string; message: string }[] = [];
  if (!isValidNhsNumber(patient.nhsNumber)) problems.push({ field: 'patient.nhsNumber', message: 'is not a valid NHS number (its check digit is wrong)' });
  if (patient.dateOfBirth > today) problems.push({ field: 'patient.dateOfBirth', message: 'is in the future' });
  else if (ageOn(patient.dateOfBirth, today) > 130) problems.push({ field: 'patient.dateOfBirth', message: 'is more than 130 years ago' });
  if (problems.length > 0) throw unprocessable('The patient details break a rule.', problems);
  const home = await resolveOrigin(deps.postcodes, patient.postcode, 'patient.postcode');
  if (home.precision !== 'postcode') {
    throw unprocessable('The patient\'s full postcode is needed.', [{ field: 'patient.postcode', message: 'Enter the full postcode, like LS1 4AP' }]);
  }
  return home;
}

/** The options to offer: the engine's top 5 for the patient's preferences, or the services the referrer chose. */
async function optionsFor(deps: Deps, body: CreateReferral, origin: string, age: number) {
  if (body.shortlist) {
    const chosen = await optionsForChosenServices(deps, { specialty: body.specialty, postcode: origin, field: 'shortlist' }, body.shortlist);
    const n = chosen.options.length;
    return { ...chosen, fewerReason: n < RECOMMENDED_OPTIONS ? `The referrer chose ${n} option${n === 1 ? '' : 's'} with the patient.` : null };
  }
  const answer = await buildShortlist(deps, {
    specialty: body.specialty,
    postcode: origin,
    sortBy: body.preferences.sortBy,
    ...(body.preferences.maxDistanceKm === undefined ? {} : { maxDistanceKm: body.preferences.maxDistanceKm }),
    maxWaitWeeks: null,
    priority: body.priority,
    limit: RECOMMENDED_OPTIONS,
    age,
    sex: null,
  });
  if (answer.options.length === 0) {
    throw unprocessable(`${answer.shortfall?.reason ?? 'No services match.'} ${answer.shortfall?.suggestion ?? ''}`.trim(), [
      { field: 'preferences.maxDistanceKm', message: 'No listed service matches: widen the distance or choose services' },
    ]);
  }
  return { specialty: answer.specialty, options: answer.options, fewerReason: answer.shortfall?.reason ?? null };
}

const UNIQUE_VIOLATION = '23505';

/** Creates a referral with its shortlist and first history entry in one transaction; answers the UBRN and access code once. */
export async function createReferral(deps: Deps, staff: StaffPrincipal, body: CreateReferral) {
  const today = londonDate();
  const home = await checkPatient(deps, body.patient, today);
  const origin = body.preferences.originPostcode
    ? (await resolveOrigin(deps.postcodes, body.preferences.originPostcode, 'preferences.originPostcode')).postcode
    : home.postcode;
  const { specialty, options, fewerReason } = await optionsFor(deps, body, origin, ageOn(body.patient.dateOfBirth, today));
  const accessCode = generateAccessCode();

  for (let attempt = 1; ; attempt++) {
    const ubrn = generateUbrn();
    try {
      await deps.database.db.transaction().execute(async (trx) => {
        await insertReferral(
          trx,
          {
            ubrn,
            access_code_hash: hashAccessCode(deps.config.accessCodeSecret, accessCode),
            status: 'NOT_BOOKED',
            priority: body.priority,
            specialty_code: specialty.code,
            clinical_summary: body.clinicalSummary,
            patient_nhs_number: body.patient.nhsNumber,
            patient_given_name: body.patient.givenName,
            patient_family_name: body.patient.familyName,
            patient_date_of_birth: body.patient.dateOfBirth,
            patient_postcode: home.postcode,
            patient_address_lines: body.patient.addressLines,
            patient_email: body.patient.email,
            patient_mobile: body.patient.mobile,
            preferences: JSON.stringify({ ...body.preferences, originPostcode: body.preferences.originPostcode ? origin : null }),
            referring_organisation_ods_code: staff.organisation.odsCode,
            created_by_account_id: staff.accountId,
            rtt_clock_start: today,
            options_offered: options.length,
            fewer_options_reason: fewerReason,
          },
          staff,
          `Referral created with ${options.length} option${options.length === 1 ? '' : 's'} to choose from`,
        );
        await trx
          .insertInto('referral_option')
          .values(options.map(({ service, ...offered }) => ({ ubrn, rank: offered.rank, service_id: service.id, offered: JSON.stringify(offered) })))
          .execute();
        await enqueueReferralLetter(trx, ubrn, accessCode);
      });
      return {
        ubrn,
        accessCode,
        status: 'NOT_BOOKED' as const,
        rttClockStart: today,
        optionsOffered: options.length,
        fewerOptionsReason: fewerReason,
        shortlist: options,
      };
    } catch (err) {
      // Two referrals drew the same UBRN (about one in 10^11): draw again.
      if ((err as { code?: string; constraint?: string }).code === UNIQUE_VIOLATION && (err as { constraint?: string }).constraint === 'referral_pkey' && attempt < 5) continue;
      throw err;
    }
  }
}

/**
 * Referrals a principal may see, as a query to narrow further: the referring organisation's staff, providers
 * with a service on the shortlist, the patient themselves. Nobody else, not even an administrator: a patient's
 * referral is seen by those caring for them.
 */
export function visibleReferrals(db: Kysely<DB>, principal: Principal) {
  const q = db.selectFrom('referral as r');
  if (principal.kind === 'patient') return q.where('r.ubrn', '=', principal.ubrn);
  switch (principal.role) {
    case 'referrer':
    case 'referral-centre':
      return q.where('r.referring_organisation_ods_code', '=', principal.organisation.odsCode);
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

export async function getReferral(deps: Deps, principal: Principal, ubrn: string): Promise<Referral> {
  const { db } = deps.database;
  const r = await visibleReferrals(db, principal)
    .innerJoin('specialty as sp', 'sp.code', 'r.specialty_code')
    .innerJoin('organisation as ro', 'ro.ods_code', 'r.referring_organisation_ods_code')
    .selectAll('r')
    .select(['sp.name as specialty_name', 'ro.name as referrer_name'])
    .where('r.ubrn', '=', ubrn)
    .executeTakeFirst();
  // The same answer whether the referral does not exist or is someone else's: existence must not leak.
  if (!r) throw notFound(`There is no referral ${ubrn} that you can see.`);
  const [options, history, appointment] = await Promise.all([
    db.selectFrom('referral_option').select(['service_id', 'offered']).where('ubrn', '=', ubrn).orderBy('rank').execute(),
    db.selectFrom('referral_event').select(['at', 'from_status', 'to_status', 'actor_label', 'reason']).where('ubrn', '=', ubrn).orderBy('id').execute(),
    db.selectFrom('appointment').select(['id', 'service_id', 'slot_id', 'starts_at', 'ends_at']).where('ubrn', '=', ubrn).where('cancelled_at', 'is', null).executeTakeFirst(),
  ]);
  const services = new Map(
    (await servicesWithDetails(db).where('s.id', 'in', options.map((o) => o.service_id)).execute()).map((s) => [s.id, toServiceView(s)]),
  );
  return {
    ubrn: r.ubrn,
    status: r.status,
    priority: r.priority,
    specialty: { code: r.specialty_code, name: r.specialty_name },
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
    rttClockStart: r.rtt_clock_start,
    optionsOffered: r.options_offered,
    fewerOptionsReason: r.fewer_options_reason,
    patientChose: r.patient_chose,
    shortlist: options.map((o) => ({ ...(o.offered as OfferedOption), service: services.get(o.service_id)! })),
    appointment: appointment ? toAppointmentView(appointment) : null,
    deferral: r.status === 'DEFERRED_TO_PROVIDER' && r.deferred_service_id && r.contact_by ? { serviceId: r.deferred_service_id, contactBy: r.contact_by } : null,
    history: history.map((h) => ({ at: new Date(h.at).toISOString(), from: h.from_status, to: h.to_status, by: h.actor_label, reason: h.reason })),
  };
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
