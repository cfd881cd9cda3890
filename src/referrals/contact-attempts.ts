// The provider's log of its attempts to reach a patient whose referral was deferred to it (an appointment slot issue):
// each attempt kept, noted in the referral's history, listed on the ASI item and counted on the worklist.
import type { Kysely } from 'kysely';
import type { Deps } from '../deps.ts';
import type { DB } from '../db/schema.ts';
import { attemptTimeProblem, type ContactMethod, type ContactOutcome, METHOD_WORDS, outcomeFits, OUTCOMES } from '../domain/contact-attempts.ts';
import { spokenCode } from '../domain/codes.ts';
import { actorLabel, type StaffPrincipal } from '../http/principal.ts';
import { conflict, forbidden, type FieldProblem, notFound, unprocessable } from '../http/problem.ts';
import { assertProviderOf } from './booking.ts';
import { noteInHistory } from './history.ts';
import { lockVisibleReferral, visibleReferrals } from './queries.ts';

export interface ContactAttempt {
  id: string;
  attemptedAt: string;
  method: ContactMethod;
  outcome: ContactOutcome;
  note: string | null;
  recordedBy: string;
  recordedAt: string;
}

export interface NewContactAttempt {
  /** When the attempt was made; null or absent: now. */
  attemptedAt?: Date | null;
  method: ContactMethod;
  outcome: ContactOutcome;
  note: string | null;
}

/** The checks on an attempt that need no database, with the API's field names: time, and outcome against method. */
export function contactAttemptProblems(input: NewContactAttempt, now: Date): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const when = input.attemptedAt ? attemptTimeProblem(input.attemptedAt, now) : null;
  if (when === 'future') problems.push({ field: 'attemptedAt', message: 'must not be in the future' });
  if (when === 'not-today') problems.push({ field: 'attemptedAt', message: 'must be earlier today: log each attempt on the day it is made' });
  if (!outcomeFits(input.method, input.outcome)) {
    problems.push({ field: 'outcome', message: `"${OUTCOMES[input.outcome].words}" does not follow a ${METHOD_WORDS[input.method].toLowerCase()}` });
  }
  return problems;
}

// The history's words are kept as written; the attempt is made the day it is noted, so its UK time says when.
const UK_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

const ATTEMPT_COLUMNS = ['a.id', 'a.attempted_at', 'a.method', 'a.outcome', 'a.note', 'a.recorded_by_label', 'a.recorded_at'] as const;

type AttemptRow = { id: number | string; attempted_at: Date; method: ContactMethod; outcome: ContactOutcome; note: string | null; recorded_by_label: string; recorded_at: Date };

const toContactAttempt = (a: AttemptRow): ContactAttempt => ({
  id: String(a.id),
  attemptedAt: new Date(a.attempted_at).toISOString(),
  method: a.method,
  outcome: a.outcome,
  note: a.note,
  recordedBy: a.recorded_by_label,
  recordedAt: new Date(a.recorded_at).toISOString(),
});

/**
 * Logs an attempt by the provider the referral is deferred to. Another provider that can see the referral is
 * refused (403); once the referral is no longer deferred there is nothing left to chase (409).
 */
export async function recordContactAttempt(deps: Deps, staff: StaffPrincipal, ubrn: string, input: NewContactAttempt, now = new Date()): Promise<ContactAttempt> {
  const problems = contactAttemptProblems(input, now);
  if (problems.length > 0) throw unprocessable('The contact attempt cannot be logged as given.', problems);
  return deps.database.db.transaction().execute(async (trx) => {
    const referral = await lockVisibleReferral(trx, staff, ubrn);
    if (referral.status !== 'DEFERRED_TO_PROVIDER' || !referral.deferred_service_id) {
      throw conflict(`This referral is ${spokenCode(referral.status)}, not deferred to a provider: there is no contact to log for it.`);
    }
    await assertProviderOf(trx, staff.organisation.odsCode, referral.deferred_service_id);
    const attemptedAt = input.attemptedAt ?? now;
    const row = await trx
      .insertInto('contact_attempt')
      .values({
        ubrn,
        service_id: referral.deferred_service_id,
        attempted_at: attemptedAt,
        method: input.method,
        outcome: input.outcome,
        note: input.note,
        recorded_by_account_id: staff.accountId,
        recorded_by_label: actorLabel(staff),
      })
      .returning(['id', 'attempted_at', 'method', 'outcome', 'note', 'recorded_by_label', 'recorded_at'])
      .executeTakeFirstOrThrow();
    // The note stays with the attempt, for the provider: the history is shown to the patient and the referrer too,
    // and a note about a call may say what was meant for neither.
    await noteInHistory(trx, ubrn, staff, `Contact attempt (${METHOD_WORDS[input.method].toLowerCase()} at ${UK_TIME.format(attemptedAt)}): ${OUTCOMES[input.outcome].words}`);
    return toContactAttempt(row);
  });
}

/**
 * The provider's attempts on a referral, oldest first: for the provider it is deferred to, or that logged attempts
 * while it was (after booking it still sees them). Another provider is refused.
 */
export async function contactAttemptsFor(deps: Deps, staff: StaffPrincipal, ubrn: string): Promise<ContactAttempt[]> {
  const { db } = deps.database;
  const referral = await visibleReferrals(db, staff)
    .leftJoin('service as s', 's.id', 'r.deferred_service_id')
    .select(['r.status', 's.provider_ods_code'])
    .where('r.ubrn', '=', ubrn)
    .executeTakeFirst();
  if (!referral) throw notFound(`There is no referral ${ubrn} that you can see.`);
  const attempts = await attemptsOf(db, staff.organisation.odsCode, [ubrn]);
  const deferredToThem = referral.status === 'DEFERRED_TO_PROVIDER' && referral.provider_ods_code === staff.organisation.odsCode;
  if (!deferredToThem && attempts.length === 0) throw forbidden('Only the provider the referral is deferred to sees its contact attempts.');
  return attempts.map(toContactAttempt);
}

/** Attempts logged for these referrals at services of the provider, oldest first. */
function attemptsOf(db: Kysely<DB>, providerOdsCode: string, ubrns: readonly string[]) {
  return db
    .selectFrom('contact_attempt as a')
    .innerJoin('service as s', 's.id', 'a.service_id')
    .select([...ATTEMPT_COLUMNS, 'a.ubrn'])
    .where('a.ubrn', 'in', ubrns)
    .where('s.provider_ods_code', '=', providerOdsCode)
    .orderBy('a.attempted_at')
    .orderBy('a.id')
    .execute();
}

export interface ContactSummary {
  count: number;
  last: { at: string; method: ContactMethod; outcome: ContactOutcome } | null;
}

/** How many attempts the provider has logged on each referral, and the latest: what the ASI worklist shows. */
export async function contactSummaries(db: Kysely<DB>, providerOdsCode: string, ubrns: readonly string[]): Promise<Map<string, ContactSummary>> {
  const summaries = new Map<string, ContactSummary>(ubrns.map((u) => [u, { count: 0, last: null }]));
  if (ubrns.length === 0) return summaries;
  for (const a of await attemptsOf(db, providerOdsCode, ubrns)) {
    const s = summaries.get(a.ubrn)!;
    s.count++;
    s.last = { at: new Date(a.attempted_at).toISOString(), method: a.method, outcome: a.outcome };
  }
  return summaries;
}
