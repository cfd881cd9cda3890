// Making a referral: the patient checked, the options to offer chosen (or the referral assessment service to send it
// to), and the referral with its shortlist, its first history entry and the patient's letter in one transaction.
import type { Deps } from '../deps.ts';
import { hashAccessCode, openAccessCode, sealAccessCode } from '../auth/access-codes.ts';
import { type StaffPrincipal } from '../http/principal.ts';
import { enqueueReferralLetter } from '../messages/patient-messages.ts';
import { ageOn, londonDate } from '../domain/dates.ts';
import { isValidNhsNumber } from '../domain/nhs-number.ts';
import { generateAccessCode, generateUbrn } from '../domain/ubrn.ts';
import { type IdempotencyContext, isSameKeyAnsweredMeanwhile, keepAnswer, storedAnswer } from '../http/idempotency.ts';
import { Problem, type ProblemBody, problemBody, unprocessable } from '../http/problem.ts';
import { normalisePostcode } from '../domain/postcode.ts';
import { resolveOrigin, resolveSpecialty } from '../reference/resolve.ts';
import { buildShortlist, optionsForChosenServices, RECOMMENDED_OPTIONS } from '../shortlist/service.ts';
import { assessmentServiceToSendTo, sendForTriage, triageOf } from './assessment-services.ts';
import { storedNeeds } from './communication-needs.ts';
import { insertReferral } from './history.ts';
import { insertOfferedOptions } from './offered-options.ts';
import type { CreateReferral } from './schemas.ts';

/** Checks what the schema cannot: the NHS number's check digit, a plausible date of birth, a real postcode. */
async function checkPatient(deps: Deps, patient: CreateReferral['patient'], today: string) {
  const problems: { field: string; message: string }[] = [];
  if (!isValidNhsNumber(patient.nhsNumber)) problems.push({ field: 'patient.nhsNumber', message: 'is not a valid NHS number (its check digit is wrong)' });
  if (patient.dateOfBirth > today) problems.push({ field: 'patient.dateOfBirth', message: 'is in the future' });
  else if (ageOn(patient.dateOfBirth, today) > 130) problems.push({ field: 'patient.dateOfBirth', message: 'is more than 130 years ago' });
  if (problems.length > 0) throw unprocessable('The patient details break a rule.', problems);
  // The patient's home must be a full postcode: "enter the first part only", right for another origin, is not.
  const home = await resolveOrigin(deps.postcodes, patient.postcode, 'patient.postcode').catch((err: unknown) => {
    if (!(err instanceof Problem) || err.status !== 422) throw err;
    throw unprocessable(err.detail, [{ field: 'patient.postcode', message: `We cannot find ${normalisePostcode(patient.postcode) ?? patient.postcode}. Check the patient's postcode and enter it again` }]);
  });
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
    const fewer = n < RECOMMENDED_OPTIONS;
    if (body.fewerOptionsReason && !fewer) {
      throw unprocessable(`The shortlist offers ${n} options: a reason for fewer than ${RECOMMENDED_OPTIONS} is not needed.`, [{ field: 'fewerOptionsReason', message: `must be left out when ${RECOMMENDED_OPTIONS} or more services are chosen` }]);
    }
    // The referrer may say why fewer (the patient asked, a specialist service …); without a reason it was their choice.
    return { ...chosen, fewerReason: fewer ? `The referrer chose ${n} option${n === 1 ? '' : 's'} with the patient.` : null, fewerCode: fewer ? (body.fewerOptionsReason ?? 'REFERRER_CHOSE') : null };
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
  const fewer = answer.options.length < RECOMMENDED_OPTIONS;
  return { specialty: answer.specialty, options: answer.options, fewerReason: answer.shortfall?.reason ?? null, fewerCode: fewer ? ('FEWER_WITHIN_REACH' as const) : null };
}

/**
 * What the referral offers: the options now (the engine's or the referrer's), or none yet because it goes to a
 * referral assessment service, whose triage offers them if the patient needs a consultant.
 */
async function planFor(deps: Deps, staff: StaffPrincipal, body: CreateReferral, origin: string, age: number) {
  if (body.fewerOptionsReason && !body.shortlist) {
    throw unprocessable('A reason for fewer than 5 options is given only with a shortlist you chose with the patient.', [
      { field: 'fewerOptionsReason', message: 'must be left out unless you give a shortlist of 1 to 4 services' },
    ]);
  }
  if (!body.triage) return { ...(await optionsFor(deps, body, origin, age)), sendTo: null };
  if (body.shortlist) {
    throw unprocessable('A referral sent to a referral assessment service has no shortlist yet: the service offers it after triage.', [
      { field: 'shortlist', message: 'must be null when the referral is sent for triage' },
    ]);
  }
  const specialty = resolveSpecialty((await deps.directory.current()).specialties, body.specialty);
  const sendTo = await assessmentServiceToSendTo(deps.database.db, staff.organisation.odsCode, specialty.code, body.triage.rasId);
  return { specialty, options: [], fewerReason: null, fewerCode: null, sendTo };
}

const UNIQUE_VIOLATION = '23505';

export type CreatedReferralAnswer = Awaited<ReturnType<typeof makeReferral>>;

/**
 * Creates a referral with its shortlist (or, sent for triage, with none yet) and first history entry in one
 * transaction; answers the UBRN and access code once. The RTT clock starts today either way: triage does not move it.
 *
 * Under an Idempotency-Key the first answer is kept (a 201 in the referral's own transaction, a 4xx in one of its
 * own) and given again for the same request, so a client whose 201 was lost (the connection died after COMMIT) can
 * send it again without referring the patient twice.
 */
export async function createReferral(deps: Deps, staff: StaffPrincipal, body: CreateReferral, idem: IdempotencyContext | null = null): Promise<CreatedReferralAnswer> {
  if (!idem) return makeReferral(deps, staff, body, null);
  const earlier = await keptAnswer(deps, idem);
  if (earlier) return earlier;
  try {
    return await makeReferral(deps, staff, body, idem);
  } catch (err) {
    // The same key at the same time: the request that kept its answer first wins; this one's referral rolled back.
    if (isSameKeyAnsweredMeanwhile(err)) return (await keptAnswer(deps, idem))!;
    // A refusal is an answer too (a 5xx is not: the request may be sent again and succeed).
    if (!(err instanceof Problem) || err.status < 400 || err.status >= 500) throw err;
    try {
      await keepAnswer(deps.database.db, idem, { status: err.status, body: problemBody(err) });
    } catch (keepErr) {
      if (isSameKeyAnsweredMeanwhile(keepErr)) return (await keptAnswer(deps, idem))!;
      throw keepErr;
    }
    throw err;
  }
}

/** The answer kept under this key, given again: the referral (its access code unsealed) or the refusal, thrown. */
async function keptAnswer(deps: Deps, idem: IdempotencyContext): Promise<CreatedReferralAnswer | null> {
  const kept = await storedAnswer<CreatedReferralAnswer | ProblemBody>(deps.database.db, idem);
  if (!kept) return null;
  if (kept.status >= 400) {
    const problem = kept.body as ProblemBody;
    throw new Problem(kept.status, problem.title, problem.detail, problem.errors ? { errors: problem.errors } : {});
  }
  const created = kept.body as CreatedReferralAnswer;
  return { ...created, accessCode: openAccessCode(deps.config.accessCodeSecret, created.accessCode) };
}

async function makeReferral(deps: Deps, staff: StaffPrincipal, body: CreateReferral, idem: IdempotencyContext | null) {
  const today = londonDate();
  const home = await checkPatient(deps, body.patient, today);
  const origin = body.preferences.originPostcode
    ? (await resolveOrigin(deps.postcodes, body.preferences.originPostcode, 'preferences.originPostcode')).postcode
    : home.postcode;
  const { specialty, options, fewerReason, fewerCode, sendTo } = await planFor(deps, staff, body, origin, ageOn(body.patient.dateOfBirth, today));
  const status = sendTo ? ('AWAITING_TRIAGE' as const) : ('NOT_BOOKED' as const);
  const accessCode = generateAccessCode();

  for (let attempt = 1; ; attempt++) {
    const ubrn = generateUbrn();
    try {
      return await deps.database.db.transaction().execute(async (trx) => {
        await insertReferral(
          trx,
          {
            ubrn,
            access_code_hash: hashAccessCode(deps.config.accessCodeSecret, accessCode),
            status,
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
            fewer_options_code: fewerCode,
            received_via: body.receivedVia,
            communication_needs: storedNeeds(body.communicationNeeds),
          },
          staff,
          sendTo
            ? `Referral created and sent to ${sendTo.name} for triage`
            : `Referral created with ${options.length} option${options.length === 1 ? '' : 's'} to choose from`,
        );
        if (sendTo) await sendForTriage(trx, ubrn, sendTo, body.priority, today);
        else await insertOfferedOptions(trx, ubrn, options);
        await enqueueReferralLetter(trx, ubrn, accessCode);
        const answer = {
          ubrn,
          accessCode,
          status,
          rttClockStart: today,
          optionsOffered: options.length,
          fewerOptionsReason: fewerReason,
          shortlist: options,
          triage: sendTo ? await triageOf(trx, ubrn) : null,
        };
        if (idem) await keepAnswer(trx, idem, { status: 201, body: { ...answer, accessCode: sealAccessCode(deps.config.accessCodeSecret, accessCode) } });
        return answer;
      });
    } catch (err) {
      // Two referrals drew the same UBRN (about one in 10^11): draw again.
      if ((err as { code?: string; constraint?: string }).code === UNIQUE_VIOLATION && (err as { constraint?: string }).constraint === 'referral_pkey' && attempt < 5) continue;
      throw err;
    }
  }
}
