// What the self-assessment (minimum standard 5) is offered from accreditation: for an ICB and a period, the
// decisions taken, how many accredited and refused, how many within the target time, and the applications still open
// past it. Counted from the append-only history, so a refusal and the later decision on its resubmission are two
// decisions, each timed from the submission it answered.
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.ts';
import { DECISION_TARGET_WORKING_DAYS, decisionClock } from '../domain/accreditation.ts';
import { londonDate } from '../domain/dates.ts';

export interface AccreditationEvidence {
  icbCode: string;
  from: string;
  to: string;
  targetWorkingDays: number;
  /** decisions (accredit or refuse) taken from `from` to `to`, London dates, inclusive */
  applicationsDecided: number;
  accredited: number;
  refused: number;
  decidedWithinTarget: number;
  /** applications awaiting a decision at the end of the period (or today, if sooner) and past their due date */
  openOverdue: number;
  /** applications awaiting a decision at that date */
  open: number;
  suspended: number;
  withdrawn: number;
}

export async function accreditationEvidence(db: Kysely<DB>, icbCode: string, from: string, to: string, now = new Date()): Promise<AccreditationEvidence> {
  const events = await db.selectFrom('accreditation_event as e')
    .innerJoin('accreditation_application as a', 'a.id', 'e.application_id')
    .select(['e.id', 'e.application_id', 'e.action', sql<string>`(e.at at time zone 'Europe/London')::date::text`.as('on')])
    .where('a.icb_code', '=', icbCode)
    .where('e.action', 'in', ['SUBMITTED', 'RESUBMITTED', 'ACCREDITED', 'REFUSED', 'SUSPENDED', 'WITHDRAWN'])
    .orderBy('e.application_id').orderBy('e.at').orderBy('e.id')
    .execute();
  const asOf = [to, londonDate(now)].sort()[0]!;
  const result: AccreditationEvidence = {
    icbCode, from, to, targetWorkingDays: DECISION_TARGET_WORKING_DAYS,
    applicationsDecided: 0, accredited: 0, refused: 0, decidedWithinTarget: 0, openOverdue: 0, open: 0, suspended: 0, withdrawn: 0,
  };
  // Per application: the submission each decision answered, and whether one was still open at `asOf`.
  const openSince = new Map<number, string | null>();
  for (const e of events) {
    const app = Number(e.application_id);
    if (e.action === 'SUBMITTED' || e.action === 'RESUBMITTED') {
      if (e.on <= asOf) openSince.set(app, e.on);
      continue;
    }
    if (e.action === 'SUSPENDED' || e.action === 'WITHDRAWN') {
      if (e.on >= from && e.on <= to) result[e.action === 'SUSPENDED' ? 'suspended' : 'withdrawn']++;
      continue;
    }
    const submitted = openSince.get(app);
    if (e.on <= asOf) openSince.set(app, null);
    if (e.on < from || e.on > to || !submitted) continue;
    result.applicationsDecided++;
    result[e.action === 'ACCREDITED' ? 'accredited' : 'refused']++;
    if (decisionClock(submitted, e.on, e.on).withinTarget) result.decidedWithinTarget++;
  }
  for (const submitted of openSince.values()) {
    if (submitted === null) continue;
    result.open++;
    if (decisionClock(submitted, asOf).overdue) result.openOverdue++;
  }
  return result;
}
