// Withdrawing a whole day or a range of days of a service's slots, as when a clinic does not run: free slots are
// simply withdrawn; booked ones have their appointments cancelled by the provider first (the referral moves to
// APPT_CANCELLED_BY_PROVIDER and the patient is told), then are withdrawn too. Cancelling is the referrals
// feature's, which sits above this one, so the caller hands it in.
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { StaffPrincipal } from '../http/principal.ts';
import { checkPreview, previewVersion, requirePreview } from '../http/preview.ts';
import { unprocessable } from '../http/problem.ts';
import { holdsAppointment } from './free-slots.ts';
import { addDays, londonInstant } from './london-time.ts';
import { MAX_WEEKS_AHEAD } from './service.ts';

/** The most days one withdrawal may cover: a clinic closed for a fortnight's leave, with room to spare. */
export const MAX_WITHDRAWAL_DAYS = 92;

/** London dates, both days included. */
export interface DayRange {
  from: string;
  to: string;
}

export interface AffectedAppointment {
  ubrn: string;
  patientName: string;
  startsAt: Date;
  endsAt: Date;
}

export interface WithdrawalPreview {
  range: DayRange;
  free: number;
  booked: AffectedAppointment[];
  /** The fingerprint of what this preview shows, handed back to confirm (src/http/preview.ts). */
  version: string;
}

/**
 * What confirming hands back: the version of the preview the person saw. With `requiredFrom` (the API's preview
 * address, named in the refusal) a call without a version is refused when appointments would be cancelled; pages
 * always carry one.
 */
export interface WithdrawalConfirmation {
  version?: string | undefined;
  requiredFrom?: string;
}

export interface WithdrawalOutcome {
  range: DayRange;
  withdrawn: number;
  cancelled: AffectedAppointment[];
}

/** Cancels one referral's appointment as the provider, with the reason the patient is given. */
export type CancelAppointment = (ubrn: string, reason: string) => Promise<unknown>;

/** The referrals feature's cancellation, as buildApp hands it to the slots pages and routes. */
export type CancelAsProvider = (staff: StaffPrincipal, ubrn: string, reason: string) => Promise<unknown>;

/** Checks a range of days: in order, not in the past, and not too long. */
export function rangeProblems(range: DayRange, today: string): { field: 'from' | 'to'; message: string }[] {
  if (range.from < today) return [{ field: 'from', message: 'must be today or later' }];
  if (range.to < range.from) return [{ field: 'to', message: 'must be the same as or after from' }];
  if (range.to > addDays(range.from, MAX_WITHDRAWAL_DAYS - 1)) return [{ field: 'to', message: `must be within ${MAX_WITHDRAWAL_DAYS} days of from` }];
  if (range.from > addDays(today, MAX_WEEKS_AHEAD * 7)) return [{ field: 'from', message: `must be within ${MAX_WEEKS_AHEAD} weeks` }];
  return [];
}

function assertRange(range: DayRange, today: string): void {
  const problems = rangeProblems(range, today);
  if (problems.length > 0) throw unprocessable(`"${problems[0]!.field}" ${problems[0]!.message}.`, problems);
}

/** From the range's first midnight to the midnight after its last day, and never before now. */
function windowOf(range: DayRange, now: Date) {
  const from = londonInstant(range.from, '00:00');
  return { from: from < now ? now : from, to: londonInstant(addDays(range.to, 1), '00:00') };
}

function slotsIn(db: Kysely<DB>, serviceId: string, window: { from: Date; to: Date }) {
  return db.selectFrom('slot as sl')
    .where('sl.service_id', '=', serviceId)
    .where('sl.withdrawn_at', 'is', null)
    .where('sl.starts_at', '>=', window.from)
    .where('sl.starts_at', '<', window.to);
}

async function bookedIn(db: Kysely<DB>, serviceId: string, window: { from: Date; to: Date }): Promise<AffectedAppointment[]> {
  const rows = await slotsIn(db, serviceId, window)
    .innerJoin('appointment as a', (j) => j.onRef('a.slot_id', '=', 'sl.id').on('a.cancelled_at', 'is', null))
    .innerJoin('referral as r', 'r.ubrn', 'a.ubrn')
    .select(['r.ubrn', 'r.patient_given_name', 'r.patient_family_name', 'sl.starts_at', 'sl.ends_at'])
    .orderBy('sl.starts_at')
    .execute();
  return rows.map((r) => ({ ubrn: r.ubrn, patientName: `${r.patient_given_name} ${r.patient_family_name}`, startsAt: r.starts_at, endsAt: r.ends_at }));
}

/** What withdrawing these days would do: the free slots it withdraws and the appointments it cancels. */
export async function previewWithdrawal(db: Kysely<DB>, serviceId: string, range: DayRange, today: string, now = new Date()): Promise<WithdrawalPreview> {
  assertRange(range, today);
  const window = windowOf(range, now);
  const [booked, free] = await Promise.all([
    bookedIn(db, serviceId, window),
    slotsIn(db, serviceId, window).select(sql<number>`count(*)::int`.as('n')).where(sql<boolean>`not ${holdsAppointment('sl')}`).executeTakeFirstOrThrow(),
  ]);
  const version = previewVersion({ serviceId, range, free: free.n, booked: booked.map((b) => [b.ubrn, b.startsAt]) });
  return { range, free: free.n, booked, version };
}

/** Withdraws the slots of these days that hold no appointment; answers how many. */
async function withdrawFree(db: Kysely<DB>, serviceId: string, window: { from: Date; to: Date }): Promise<number> {
  const result = await db.updateTable('slot')
    .set({ withdrawn_at: sql`now()` })
    .where('service_id', '=', serviceId)
    .where('withdrawn_at', 'is', null)
    .where('starts_at', '>=', window.from)
    .where('starts_at', '<', window.to)
    .where(sql<boolean>`not exists (select 1 from appointment a where a.slot_id = slot.id and a.cancelled_at is null)`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Withdraws every slot of the service in these days. What it would do is previewed first and checked against the
 * version confirmed, so a booking made since is refused rather than cancelled unseen. The free ones go first, so
 * nobody can book into the days while their appointments are being cancelled; each appointment the preview listed
 * is then cancelled (the referral's own transaction, its history and the patient's message) and its slot, free
 * again, withdrawn with the rest. One booked in the instant between the check and the first withdrawal is left
 * alone: nobody saw it, so it is not cancelled.
 */
export async function withdrawDays(
  db: Kysely<DB>,
  serviceId: string,
  range: DayRange,
  reason: string,
  cancel: CancelAppointment,
  today: string,
  confirmation: WithdrawalConfirmation = {},
  now = new Date(),
): Promise<WithdrawalOutcome> {
  const preview = await previewWithdrawal(db, serviceId, range, today, now);
  const what = 'The slots and appointments on these days';
  if (confirmation.requiredFrom) requirePreview(confirmation.version, preview.version, preview.booked.length, { action: 'Withdrawing these days', what, previewUrl: confirmation.requiredFrom });
  else checkPreview(confirmation.version, preview.version, what);
  const seen = new Set(preview.booked.map((b) => b.ubrn));
  const window = windowOf(range, now);
  let withdrawn = await withdrawFree(db, serviceId, window);
  const cancelled: AffectedAppointment[] = [];
  for (const appointment of await bookedIn(db, serviceId, window)) {
    if (!seen.has(appointment.ubrn)) continue;
    await cancel(appointment.ubrn, reason);
    cancelled.push(appointment);
  }
  withdrawn += await withdrawFree(db, serviceId, window);
  return { range, withdrawn, cancelled };
}
