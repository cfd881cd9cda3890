// Least data before choice, applied: the facts each referral's choice rests on, read in one go for a page of
// referrals, and the one redaction every provider read goes through (getReferral, the worklist and its search).
// The rule itself lives in src/domain/least-data.ts.
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.ts';
import { coarsenPostcodes } from '../domain/postcode.ts';
import { providerMaySeePatient, type ReferralChoiceFacts } from '../domain/least-data.ts';
import type { Principal } from '../http/principal.ts';
import type { Referral } from './schemas.ts';

/** The facts of each referral's choice, by UBRN (a referral missing from the answer does not exist). */
export async function choiceFactsOf(db: Kysely<DB>, ubrns: readonly string[]): Promise<Map<string, ReferralChoiceFacts>> {
  const out = new Map<string, ReferralChoiceFacts>();
  if (ubrns.length === 0) return out;
  const list = [...new Set(ubrns)];
  const [referrals, appointments, options] = await Promise.all([
    db
      .selectFrom('referral as r')
      .leftJoin('service as d', 'd.id', 'r.deferred_service_id')
      .leftJoin('service as h', 'h.id', 'r.current_service_id')
      .select(['r.ubrn', 'd.provider_ods_code as deferred_to', 'h.provider_ods_code as held_by'])
      .where('r.ubrn', 'in', list)
      .execute(),
    db
      .selectFrom('appointment as a')
      .innerJoin('service as s', 's.id', 'a.service_id')
      .select(['a.ubrn', 's.provider_ods_code'])
      .where('a.ubrn', 'in', list)
      .where('a.cancelled_at', 'is', null)
      .execute(),
    db
      .selectFrom('referral_option as o')
      .innerJoin('service as s', 's.id', 'o.service_id')
      .select(['o.ubrn', 's.provider_ods_code'])
      .where('o.ubrn', 'in', list)
      .execute(),
  ]);
  for (const r of referrals) out.set(r.ubrn, { bookedWith: null, deferredTo: r.deferred_to, heldBy: r.held_by, shortlisted: [] });
  for (const a of appointments) out.get(a.ubrn)!.bookedWith = a.provider_ods_code;
  for (const o of options) (out.get(o.ubrn)!.shortlisted as string[]).push(o.provider_ods_code);
  return out;
}

/**
 * The UBRNs among these whose patient the principal may see. Everyone who may read a referral at all sees its
 * patient (the referring organisation, the referral centre triaging it, the patient) except a provider, which sees
 * them once chosen.
 */
export async function patientVisibleTo(db: Kysely<DB>, principal: Principal, ubrns: readonly string[]): Promise<Set<string>> {
  if (principal.kind !== 'staff' || principal.role !== 'provider') return new Set(ubrns);
  const ods = principal.organisation.odsCode;
  const facts = await choiceFactsOf(db, ubrns);
  return new Set([...facts].filter(([, f]) => providerMaySeePatient(f, ods)).map(([ubrn]) => ubrn));
}

/** The referral as a provider not (or no longer) chosen may read it: what it needs to publish capacity, no more. */
export function withheldFromUnchosen(referral: Referral): Referral {
  return {
    ...referral,
    patientDetails: 'WITHHELD_UNTIL_CHOSEN',
    patient: { nhsNumber: null, givenName: null, familyName: null, dateOfBirth: null, postcode: null, addressLines: null, email: null, mobile: null },
    clinicalSummary: null,
    // Each option says how far it is from the patient's postcode (or the one they chose to measure from).
    shortlist: referral.shortlist.map((o) => ({ ...o, reasons: o.reasons.map(coarsenPostcodes) })),
    // Who to talk to and how: the carer's name and contact details, and the patient's language, identify them.
    communicationNeeds: null,
    // Free text written about the patient by the provider that rejected it or by the referral centre.
    rejection: referral.rejection ? { ...referral.rejection, note: null } : referral.rejection,
    triage: referral.triage ? { ...referral.triage, detail: null } : referral.triage,
    // A history's reasons are partly free text (why an appointment was cancelled, a contact attempt's note): the
    // states, dates and who acted stay, so the provider can follow what happened to the referral.
    history: referral.history.map((h) => ({ ...h, reason: h.reason ? HISTORY_REASON_WITHHELD : h.reason })),
  };
}

/** What an unchosen provider reads in place of each reason in the referral's history. */
export const HISTORY_REASON_WITHHELD = 'Shown once the patient chooses one of your services';

export type ReferralWithPatient = Referral & {
  patientDetails: 'SHOWN';
  patient: Referral['patient'] & { nhsNumber: string; givenName: string; familyName: string; dateOfBirth: string; postcode: string };
  clinicalSummary: string;
};

/** The referral with its patient, for readers who always see them (the patient, the referrer, the referral centre); throws if withheld. */
export function withPatient(referral: Referral): ReferralWithPatient {
  if (referral.patientDetails !== 'SHOWN') throw new Error(`Referral ${referral.ubrn} was read without its patient where the patient is needed.`);
  return referral as ReferralWithPatient;
}

type Eb = ExpressionBuilder<DB & { r: DB['referral'] }, 'r'>;

/**
 * The SQL form of chosenProviders (src/domain/least-data.ts), for searches by the patient's name or NHS number that
 * must not find a patient for a provider that may not see them. least-data.test.ts holds the two to the same answers.
 */
export function chosenBy(eb: Eb, providerOds: string) {
  const runBy = sql<boolean>`(select s.provider_ods_code from service s where s.id = ${sql.ref('r.deferred_service_id')}) = ${providerOds}`;
  const holds = sql<boolean>`(select s.provider_ods_code from service s where s.id = ${sql.ref('r.current_service_id')}) = ${providerOds}`;
  const booked = sql<boolean>`exists (select 1 from appointment a join service s on s.id = a.service_id
    where a.ubrn = ${sql.ref('r.ubrn')} and a.cancelled_at is null and s.provider_ods_code = ${providerOds})`;
  const onlyNamed = sql<boolean>`exists (select 1 from referral_option o join service s on s.id = o.service_id
      where o.ubrn = ${sql.ref('r.ubrn')} and s.provider_ods_code = ${providerOds})
    and not exists (select 1 from referral_option o join service s on s.id = o.service_id
      where o.ubrn = ${sql.ref('r.ubrn')} and s.provider_ods_code <> ${providerOds})`;
  return eb.or([runBy, holds, booked, onlyNamed]);
}
