// The rules of provider accreditation (2016 guide, minimum standard 5), without I/O: how long the ICB has to decide,
// and what a decision may be given the due-diligence checklist. A provider that meets every published criterion
// may not be refused (the regulation behind MS5: any qualified provider meeting the criteria must be listed), and
// a refusal names the criteria not met.
import { isCalendarDate } from './dates.ts';

/** The ICB decides within 40 working days of the latest submission (Monday to Friday; bank holidays are not left out). */
export const DECISION_TARGET_WORKING_DAYS = 40;

const DAY_MS = 86_400_000;
const toUtc = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isWeekend = (ms: number) => [0, 6].includes(new Date(ms).getUTCDay());

function check(iso: string): void {
  if (!isCalendarDate(iso)) throw new RangeError(`not a calendar date: ${iso}`);
}

/** The date `days` working days after `from` (a weekend start counts from the Monday after). */
export function addWorkingDays(from: string, days: number): string {
  check(from);
  let ms = toUtc(from);
  let left = days;
  while (left > 0) {
    ms += DAY_MS;
    if (!isWeekend(ms)) left--;
  }
  return fromUtc(ms);
}

/** Working days after `from` up to and including `to` (0 when `to` is on or before `from`). */
export function workingDaysBetween(from: string, to: string): number {
  check(from);
  check(to);
  const start = toUtc(from);
  const end = toUtc(to);
  if (end <= start) return 0;
  const days = Math.round((end - start) / DAY_MS);
  const weeks = Math.floor(days / 7);
  let n = weeks * 5;
  for (let ms = start + weeks * 7 * DAY_MS + DAY_MS; ms <= end; ms += DAY_MS) if (!isWeekend(ms)) n++;
  return n;
}

/** When the decision is due, and whether an open application is past it on `today`. */
export function decisionClock(submittedOn: string, today: string, decidedOn: string | null = null) {
  const dueOn = addWorkingDays(submittedOn, DECISION_TARGET_WORKING_DAYS);
  const until = decidedOn ?? today;
  const elapsed = workingDaysBetween(submittedOn, until);
  return { dueOn, elapsedWorkingDays: elapsed, overdue: decidedOn === null && today > dueOn, withinTarget: decidedOn === null ? null : decidedOn <= dueOn };
}

export type Outcome = 'MET' | 'NOT_MET';
export type Decision = 'ACCREDIT' | 'REFUSE';

export interface ChecklistLine {
  criterionId: number;
  title: string;
  outcome: Outcome | null;
}

export type DecisionRuling =
  | { ok: true; unmet: { id: number; title: string }[] }
  | { ok: false; code: 'UNCHECKED' | 'REFUSE_ALL_MET' | 'ACCREDIT_UNMET' | 'NO_CRITERIA'; message: string };

/**
 * Whether `decision` may be taken on this checklist: every line must be checked first; ACCREDIT only when every
 * criterion is met; REFUSE only when at least one is not, and the refusal then names exactly those not met.
 */
export function ruleOnDecision(lines: readonly ChecklistLine[], decision: Decision): DecisionRuling {
  if (lines.length === 0) return { ok: false, code: 'NO_CRITERIA', message: 'The application has no criteria to check.' };
  const unchecked = lines.filter((l) => l.outcome === null);
  if (unchecked.length > 0) {
    return { ok: false, code: 'UNCHECKED', message: `Check every criterion before deciding: ${unchecked.map((l) => l.title).join(', ')} not yet checked.` };
  }
  const unmet = lines.filter((l) => l.outcome === 'NOT_MET').map((l) => ({ id: l.criterionId, title: l.title }));
  if (decision === 'REFUSE' && unmet.length === 0) {
    return { ok: false, code: 'REFUSE_ALL_MET', message: 'The provider meets every criterion, so it may not be refused: accredit the service.' };
  }
  if (decision === 'ACCREDIT' && unmet.length > 0) {
    return { ok: false, code: 'ACCREDIT_UNMET', message: `The service cannot be accredited while criteria are not met: ${unmet.map((u) => u.title).join(', ')}.` };
  }
  return { ok: true, unmet };
}
