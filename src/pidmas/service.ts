// PIDMAS: a long-waiting patient asks to move provider. The provider invites eligible patients; the patient
// opts in (how far they will travel, dates they cannot attend, support, how to contact them); the provider
// validates clinically; the matching run (src/mutual-aid/match-run.ts) proposes a move; the receiving provider
// accepts it; the patient accepts or declines. Whatever happens, the patient keeps their place until they move.
import type { Deps } from '../deps.ts';
import type { Kysely, Transaction } from 'kysely';
import { hashAccessCode } from '../auth/access-codes.ts';
import { actorLabel, type PatientPrincipal, type Principal, type StaffPrincipal } from '../http/principal.ts';
import type { DB, PidmasStatus, TravelLimit } from '../db/schema.ts';
import type { DirectorySnapshot } from '../directory/snapshot.ts';
import { spokenCode } from '../domain/codes.ts';
import { londonDate } from '../domain/dates.ts';
import { type Eligibility, failedRules } from '../domain/pidmas-eligibility.ts';
import { pidmasMayInvite, pidmasMayOptIn, pidmasMayWithdraw } from '../domain/pidmas-status.ts';
import { ON_A_WAITING_LIST } from '../domain/referral-status.ts';
import { AWAITING_AN_ANSWER } from '../domain/transfer-status.ts';
import { generateAccessCode } from '../domain/ubrn.ts';
import { API_WORDING, type Wording } from '../domain/wording.ts';
import { conflict, forbidden, notFound, unprocessable } from '../http/problem.ts';
import { enqueuePidmasInvitation, enqueuePidmasNotSuitable } from '../messages/patient-messages.ts';
import { noteInHistory, replaceAccessCode } from '../referrals/history.ts';
import { visibleReferrals } from '../referrals/queries.ts';
import { PATHWAY_COLUMNS, pathwaysOf } from '../waiting/pathway.ts';
import { acceptTransferAsPatient, declineTransferAsPatient, offerForRequest, type PatientOffer } from '../mutual-aid/transfers.ts';
import { FACT_COLUMNS, factsOf, type Provider, type ReferralFacts } from './facts.ts';

export const SUPPORT_KINDS = ['TRANSPORT', 'INTERPRETER', 'ADVOCACY'] as const;
export const CONTACT_PREFERENCES = ['EMAIL', 'TEXT', 'PHONE', 'LETTER'] as const;
export const NOT_SUITABLE_REASONS = {
  NEEDS_CURRENT_TEAM: 'Their care needs to stay with the current clinical team',
  TREATMENT_STARTED: 'Treatment has already started or a date is set',
  CLINICAL_COMPLEXITY: 'Their condition is too complex to move safely',
  NO_LONGER_NEEDED: 'They no longer need this treatment',
} as const;
export type NotSuitableReason = keyof typeof NOT_SUITABLE_REASONS;

/** What the referral holds to reach the patient by: whether it has an email address and a mobile number. */
export interface ContactDetails {
  email: boolean;
  mobile: boolean;
}

/**
 * Why the patient cannot be contacted the way they chose, or null when they can: an email needs an email address
 * and a text or a call a mobile number on the referral; a letter goes to the postcode every referral has.
 */
export function contactUnavailable(preference: (typeof CONTACT_PREFERENCES)[number], details: ContactDetails): string | null {
  const choose = 'Choose another way, or ask your GP practice to add it to your referral';
  if (preference === 'EMAIL' && !details.email) return `We do not have an email address for you. ${choose}`;
  if ((preference === 'TEXT' || preference === 'PHONE') && !details.mobile) return `We do not have a mobile phone number for you. ${choose}`;
  return null;
}

async function contactDetailsOf(db: Kysely<DB>, ubrn: string): Promise<ContactDetails> {
  const r = await db.selectFrom('referral').select(['patient_email', 'patient_mobile']).where('ubrn', '=', ubrn).executeTakeFirstOrThrow();
  return { email: Boolean(r.patient_email), mobile: Boolean(r.patient_mobile) };
}

async function loadFacts(db: Kysely<DB>, directory: DirectorySnapshot, principal: Principal, ubrn: string, today: string, thresholdWeeks: number): Promise<ReferralFacts> {
  const r = await visibleReferrals(db, principal).select(FACT_COLUMNS).where('r.ubrn', '=', ubrn).executeTakeFirst();
  if (!r) throw notFound(`There is no referral ${ubrn} that you can see.`);
  return (await factsOf(db, directory, [r], today, thresholdWeeks)).get(ubrn)!;
}

export interface PidmasView {
  ubrn: string;
  eligibility: Eligibility;
  thresholdWeeks: number;
  weeksWaited: number;
  currentProvider: Provider | null;
  request: PidmasRequestView | null;
  offer: PatientOffer | null;
  /** how the patient can be reached, for the question of how to contact them */
  contactDetails: ContactDetails;
}

export interface PidmasRequestView {
  id: number;
  status: PidmasStatus;
  travel: TravelLimit | null;
  unavailableDates: string;
  supportNeeded: string[];
  interpreterLanguage: string | null;
  contactPreference: string | null;
  notSuitableReason: string | null;
  outcome: string | null;
}

async function requestRow(db: Kysely<DB> | Transaction<DB>, ubrn: string) {
  return db.selectFrom('pidmas_request').selectAll().where('ubrn', '=', ubrn).executeTakeFirst();
}

const toRequestView = (q: NonNullable<Awaited<ReturnType<typeof requestRow>>>): PidmasRequestView => ({
  id: q.id,
  status: q.status,
  travel: q.travel,
  unavailableDates: q.unavailable_dates,
  supportNeeded: q.support_needed,
  interpreterLanguage: q.interpreter_language,
  contactPreference: q.contact_preference,
  notSuitableReason: q.not_suitable_reason,
  outcome: q.outcome_note,
});

export async function pidmasView(deps: Deps, principal: Principal, ubrn: string): Promise<PidmasView> {
  const { db } = deps.database;
  const facts = await loadFacts(db, await deps.directory.current(), principal, ubrn, londonDate(), deps.config.pidmas.thresholdWeeks);
  const q = await requestRow(db, ubrn);
  return {
    ubrn,
    eligibility: facts.eligibility,
    thresholdWeeks: deps.config.pidmas.thresholdWeeks,
    weeksWaited: facts.pathway.eighteenWeeks.weeksWaited,
    currentProvider: facts.provider,
    request: q ? toRequestView(q) : null,
    offer: q ? await offerForRequest(deps, q.id) : null,
    contactDetails: await contactDetailsOf(db, ubrn),
  };
}

function assertCurrentProvider(staff: StaffPrincipal, facts: ReferralFacts) {
  if (facts.provider?.odsCode !== staff.organisation.odsCode) {
    throw forbidden('Only the provider the patient is waiting at can do this.');
  }
}

// ---------------------------------------------------------------- the provider invites

export interface InvitationCandidate {
  ubrn: string;
  patientName: string;
  specialty: string;
  weeksWaited: number;
  eligibility: Eligibility;
  requestStatus: PidmasStatus | null;
}

/** The provider's patients who have waited past the threshold, with whether each is eligible and asked already. */
export async function invitationCandidates(deps: Deps, staff: StaffPrincipal): Promise<InvitationCandidate[]> {
  const { db } = deps.database;
  const today = londonDate();
  const threshold = deps.config.pidmas.thresholdWeeks;
  const latestStart = new Date(Date.parse(`${today}T00:00:00Z`) - threshold * 7 * 86_400_000).toISOString().slice(0, 10);
  const rows = await visibleReferrals(db, staff)
    .innerJoin('specialty as sp', 'sp.code', 'r.specialty_code')
    .select([...FACT_COLUMNS, 'r.patient_given_name', 'r.patient_family_name', 'sp.name as specialty'])
    .where('r.status', 'in', ON_A_WAITING_LIST)
    // A stopped clock is a pathway that ended (treated or discharged): nobody waits on it.
    .where('r.rtt_clock_state', '!=', 'STOPPED')
    .where('r.rtt_clock_start', '<', latestStart)
    .orderBy('r.rtt_clock_start')
    .limit(500)
    .execute();
  const facts = await factsOf(db, await deps.directory.current(), rows, today, threshold);
  const own = rows.filter((row) => facts.get(row.ubrn)!.provider?.odsCode === staff.organisation.odsCode);
  const requests = await requestStatuses(db, own.map((row) => row.ubrn));
  return own.map((row) => {
    const f = facts.get(row.ubrn)!;
    return {
      ubrn: row.ubrn,
      patientName: `${row.patient_given_name} ${row.patient_family_name}`,
      specialty: row.specialty,
      weeksWaited: f.pathway.eighteenWeeks.weeksWaited,
      eligibility: f.eligibility,
      requestStatus: requests.get(row.ubrn) ?? null,
    };
  });
}

async function requestStatuses(db: Kysely<DB>, ubrns: readonly string[]): Promise<Map<string, PidmasStatus>> {
  if (ubrns.length === 0) return new Map();
  const rows = await db.selectFrom('pidmas_request').select(['ubrn', 'status']).where('ubrn', 'in', ubrns).execute();
  return new Map(rows.map((q) => [q.ubrn, q.status]));
}

/**
 * Invites an eligible patient: a fresh access code goes to them with a link; answers it once, for a printed letter.
 * `wording`: how a refusal explains the rules the patient does not meet (the API's words unless told).
 */
export async function invitePatient(deps: Deps, staff: StaffPrincipal, ubrn: string, wording: Wording = API_WORDING): Promise<{ ubrn: string; accessCode: string; status: 'INVITED' }> {
  const { db } = deps.database;
  const facts = await loadFacts(db, await deps.directory.current(), staff, ubrn, londonDate(), deps.config.pidmas.thresholdWeeks);
  assertCurrentProvider(staff, facts);
  if (!facts.open) throw conflict('The referral is closed.');
  if (!facts.eligibility.eligible) {
    const failed = failedRules(facts.eligibility, wording);
    throw unprocessable(`The patient is not eligible to ask to move: ${failed.join(' ')}`, failed.map((message) => ({ field: 'ubrn', message })));
  }
  const accessCode = generateAccessCode();
  await db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('pidmas_request').select(['id', 'status']).where('ubrn', '=', ubrn).forUpdate().executeTakeFirst();
    if (existing && !pidmasMayInvite(existing.status)) throw conflict(`The patient has already asked (${spokenCode(existing.status)}).`);
    if (existing) await trx.updateTable('pidmas_request').set({ invited_at: new Date(), invited_by_account_id: staff.accountId, updated_at: new Date() }).where('id', '=', existing.id).execute();
    else await trx.insertInto('pidmas_request').values({ ubrn, status: 'INVITED', invited_at: new Date(), invited_by_account_id: staff.accountId, opted_in_at: null, travel: null, interpreter_language: null, contact_preference: null, validated_at: null, validated_by_account_id: null, not_suitable_reason: null, outcome_note: null, updated_at: new Date() }).execute();
    // The invitation is the patient's way in, so it carries a new access code; the old one stops working.
    await replaceAccessCode(trx, ubrn, hashAccessCode(deps.config.accessCodeSecret, accessCode), staff, 'Invited to ask to move to another provider (PIDMAS); a new access code was sent');
    await enqueuePidmasInvitation(trx, ubrn, accessCode, facts.provider!.name);
  });
  return { ubrn, accessCode, status: 'INVITED' };
}

/** Whom an invitation letter is addressed to, and for which care. */
export async function invitationLetter(deps: Deps, staff: StaffPrincipal, ubrn: string): Promise<{ patientName: string; specialty: string }> {
  const r = await visibleReferrals(deps.database.db, staff)
    .innerJoin('specialty as sp', 'sp.code', 'r.specialty_code')
    .select(['r.patient_given_name', 'r.patient_family_name', 'sp.name as specialty'])
    .where('r.ubrn', '=', ubrn)
    .executeTakeFirstOrThrow();
  return { patientName: `${r.patient_given_name} ${r.patient_family_name}`, specialty: r.specialty };
}

// ---------------------------------------------------------------- the patient opts in, or withdraws

export interface OptIn {
  travel: TravelLimit;
  unavailableDates: string;
  supportNeeded: (typeof SUPPORT_KINDS)[number][];
  interpreterLanguage: string | null;
  contactPreference: (typeof CONTACT_PREFERENCES)[number];
}

/** The patient asks to move; `wording` as for invitePatient. */
export async function optIn(deps: Deps, patient: PatientPrincipal, body: OptIn, wording: Wording = API_WORDING): Promise<PidmasView> {
  const { db } = deps.database;
  const facts = await loadFacts(db, await deps.directory.current(), patient, patient.ubrn, londonDate(), deps.config.pidmas.thresholdWeeks);
  if (!facts.open) throw conflict('Your referral is closed, so it cannot move.');
  if (!facts.eligibility.eligible) {
    const failed = failedRules(facts.eligibility, wording);
    throw unprocessable(`You cannot ask to move yet: ${failed.join(' ')}`, failed.map((message) => ({ field: 'eligibility', message })));
  }
  if (!facts.provider) throw unprocessable('You have not chosen where to be seen yet, so there is nowhere to move from: choose a hospital first.', [{ field: 'eligibility', message: 'choose a hospital first' }]);
  const unreachable = contactUnavailable(body.contactPreference, await contactDetailsOf(db, patient.ubrn));
  if (unreachable) throw unprocessable(`${unreachable}.`, [{ field: 'contactPreference', message: unreachable }]);
  if (body.supportNeeded.includes('INTERPRETER') && !body.interpreterLanguage) {
    throw unprocessable('Say which language you need an interpreter for.', [{ field: 'interpreterLanguage', message: 'Enter the language you need an interpreter for' }]);
  }
  const values = {
    status: 'OPTED_IN' as const,
    opted_in_at: new Date(),
    travel: body.travel,
    unavailable_dates: body.unavailableDates,
    support_needed: body.supportNeeded,
    interpreter_language: body.supportNeeded.includes('INTERPRETER') ? body.interpreterLanguage : null,
    contact_preference: body.contactPreference,
    validated_at: null,
    validated_by_account_id: null,
    not_suitable_reason: null,
    outcome_note: 'Your request has been sent to your hospital team, who will check it is safe for you to move.',
    updated_at: new Date(),
  };
  await db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('pidmas_request').select(['id', 'status']).where('ubrn', '=', patient.ubrn).forUpdate().executeTakeFirst();
    if (existing && !pidmasMayOptIn(existing.status)) throw conflict(`You have already asked to move (${spokenCode(existing.status)}).`);
    if (existing) await trx.updateTable('pidmas_request').set(values).where('id', '=', existing.id).execute();
    else await trx.insertInto('pidmas_request').values({ ubrn: patient.ubrn, invited_at: null, invited_by_account_id: null, ...values }).execute();
    await noteInHistory(trx, patient.ubrn, patient, `The patient asked to move to another provider (PIDMAS), travelling ${body.travel === 'ANYWHERE' ? 'anywhere' : body.travel.replace('_MILES', ' miles')}`);
  });
  return pidmasView(deps, patient, patient.ubrn);
}

export async function withdrawRequest(deps: Deps, patient: PatientPrincipal): Promise<PidmasView> {
  const { db } = deps.database;
  await db.transaction().execute(async (trx) => {
    const q = await trx.selectFrom('pidmas_request').select(['id', 'status']).where('ubrn', '=', patient.ubrn).forUpdate().executeTakeFirst();
    if (!q || !pidmasMayWithdraw(q.status)) throw conflict('There is no request to move that you can withdraw.');
    await trx.updateTable('proposed_transfer').set({ status: 'WITHDRAWN', decided_at: new Date(), decided_by: actorLabel(patient) }).where('pidmas_request_id', '=', q.id).where('status', 'in', AWAITING_AN_ANSWER).execute();
    await trx.updateTable('pidmas_request').set({ status: 'WITHDRAWN', outcome_note: 'You withdrew your request. You keep your place on your current waiting list.', updated_at: new Date() }).where('id', '=', q.id).execute();
    await noteInHistory(trx, patient.ubrn, patient, 'The patient withdrew their request to move (PIDMAS)');
  });
  return pidmasView(deps, patient, patient.ubrn);
}

// ---------------------------------------------------------------- the current provider validates

export interface ValidationItem {
  id: number;
  ubrn: string;
  patientName: string;
  specialty: string;
  weeksWaited: number;
  travel: TravelLimit | null;
  supportNeeded: string[];
  unavailableDates: string;
  optedInAt: string;
}

export async function validationWorklist(deps: Deps, staff: StaffPrincipal): Promise<ValidationItem[]> {
  const { db } = deps.database;
  const today = londonDate();
  const directory = await deps.directory.current();
  const rows = await visibleReferrals(db, staff)
    .innerJoin('pidmas_request as q', 'q.ubrn', 'r.ubrn')
    .innerJoin('specialty as sp', 'sp.code', 'r.specialty_code')
    .select([...PATHWAY_COLUMNS, 'q.id', 'q.travel', 'q.support_needed', 'q.unavailable_dates', 'q.opted_in_at', 'r.patient_given_name', 'r.patient_family_name', 'sp.name as specialty'])
    .where('q.status', '=', 'OPTED_IN')
    .orderBy('q.opted_in_at')
    .execute();
  const pathways = await pathwaysOf(db, directory, rows, today);
  const out: ValidationItem[] = [];
  for (const row of rows) {
    const pathway = pathways.get(row.ubrn)!;
    const service = pathway.currentServiceId ? directory.byId.get(pathway.currentServiceId) : undefined;
    if (service?.row.provider_ods_code !== staff.organisation.odsCode) continue;
    out.push({
      id: row.id,
      ubrn: row.ubrn,
      patientName: `${row.patient_given_name} ${row.patient_family_name}`,
      specialty: row.specialty,
      weeksWaited: pathway.eighteenWeeks.weeksWaited,
      travel: row.travel,
      supportNeeded: row.support_needed,
      unavailableDates: row.unavailable_dates,
      optedInAt: new Date(row.opted_in_at!).toISOString(),
    });
  }
  return out;
}

export async function validateRequest(deps: Deps, staff: StaffPrincipal, id: number, decision: { suitable: boolean; reason: NotSuitableReason | null }) {
  const { db } = deps.database;
  const q = await db.selectFrom('pidmas_request').select(['id', 'ubrn', 'status']).where('id', '=', id).executeTakeFirst();
  if (!q) throw notFound(`There is no request to move ${id} that you can see.`);
  const facts = await loadFacts(db, await deps.directory.current(), staff, q.ubrn, londonDate(), deps.config.pidmas.thresholdWeeks);
  assertCurrentProvider(staff, facts);
  if (!decision.suitable && !decision.reason) throw unprocessable('Say why the patient is not suitable to move.', [{ field: 'reason', message: 'Select why the patient is not suitable to move' }]);
  await db.transaction().execute(async (trx) => {
    const locked = await trx.selectFrom('pidmas_request').select('status').where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
    if (locked.status !== 'OPTED_IN') throw conflict(`This request is ${spokenCode(locked.status)}, not waiting for validation.`);
    if (decision.suitable) {
      await trx.updateTable('pidmas_request').set({ status: 'VALIDATED', validated_at: new Date(), validated_by_account_id: staff.accountId, outcome_note: 'Your hospital team agreed you can move. We are looking for a provider with capacity, first near you, then nationally.', updated_at: new Date() }).where('id', '=', id).execute();
      await noteInHistory(trx, q.ubrn, staff, 'Clinically validated as suitable to move (PIDMAS)');
    } else {
      const reason = NOT_SUITABLE_REASONS[decision.reason!];
      await trx.updateTable('pidmas_request').set({ status: 'NOT_SUITABLE', validated_at: new Date(), validated_by_account_id: staff.accountId, not_suitable_reason: reason, outcome_note: `Your hospital team said it is not suitable for you to move: ${reason.toLowerCase()}. You keep your place on your current waiting list.`, updated_at: new Date() }).where('id', '=', id).execute();
      await noteInHistory(trx, q.ubrn, staff, `Not suitable to move (PIDMAS): ${reason}`);
      await enqueuePidmasNotSuitable(trx, q.ubrn, reason.toLowerCase());
    }
  });
  return { id, status: decision.suitable ? ('VALIDATED' as const) : ('NOT_SUITABLE' as const) };
}

// ---------------------------------------------------------------- the patient answers an offer

export async function answerOffer(deps: Deps, patient: PatientPrincipal, decision: 'ACCEPT' | 'DECLINE') {
  const q = await requestRow(deps.database.db, patient.ubrn);
  if (!q || q.status !== 'OFFERED') throw conflict('There is no offer to move waiting for your answer.');
  return decision === 'ACCEPT' ? acceptTransferAsPatient(deps, patient, q.id) : declineTransferAsPatient(deps, patient, q.id);
}
