// A referral seen as an RTT pathway: where the patient waits, how long they have waited, when they are likely to
// be seen, and what the 18-week standard says about it.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import type { DirectorySnapshot } from '../directory/snapshot.ts';
import { londonDate } from '../domain/dates.ts';
import { nextMoveFrom, settlingUntil } from '../domain/moves.ts';
import type { ReferralStatus } from '../domain/referral-status.ts';
import type { RejectionReason } from '../domain/rejection.ts';
import { eighteenWeekStatus, type EighteenWeekStatus, type Forecast, forecastFirstAppointment, type RttClock } from '../domain/rtt-clock.ts';
import type { Principal } from '../http/principal.ts';
import { visibleReferrals } from '../referrals/queries.ts';

export interface PathwayRow {
  ubrn: string;
  status: string;
  rtt_clock_start: string;
  rtt_clock_state: 'RUNNING' | 'PAUSED' | 'STOPPED';
  rtt_paused_days: number;
  rtt_clock_stopped_on: string | null;
  next_appointment_date: string | null;
  current_service_id: string | null;
  deferred_service_id: string | null;
  /** set when the pathway moved here from another referral, which it did when this one was created */
  transferred_from_ubrn: string | null;
  created_at: Date;
}

export interface PathwayView {
  clock: RttClock;
  /** the service the patient waits at, when one is known */
  currentServiceId: string | null;
  forecast: Forecast;
  eighteenWeeks: EighteenWeekStatus;
}

export const clockOf = (r: PathwayRow): RttClock => ({
  start: r.rtt_clock_start,
  state: r.rtt_clock_state,
  pausedDays: r.rtt_paused_days,
  stoppedOn: r.rtt_clock_stopped_on,
});

/**
 * The pathway of a referral. Where no service is chosen yet, the forecast is the shortest indicative wait on
 * the shortlist: the soonest the patient could expect to be seen by booking now.
 */
export async function pathwayOf(db: Kysely<DB>, directory: DirectorySnapshot, r: PathwayRow, today = londonDate()): Promise<PathwayView> {
  return (await pathwaysOf(db, directory, [r], today)).get(r.ubrn)!;
}

/** The pathways of many referrals at once: two queries whatever their number (worklists, the matching run). */
export async function pathwaysOf(db: Kysely<DB>, directory: DirectorySnapshot, rows: readonly PathwayRow[], today = londonDate()): Promise<Map<string, PathwayView>> {
  const out = new Map<string, PathwayView>();
  if (rows.length === 0) return out;
  const ubrns = rows.map((r) => r.ubrn);
  const [appointments, options] = await Promise.all([
    db.selectFrom('appointment').select(['ubrn', 'service_id', 'starts_at']).where('ubrn', 'in', ubrns).where('cancelled_at', 'is', null).execute(),
    // Only needed where no service is chosen; cheap enough to read for all (a referral has at most 20 options).
    db.selectFrom('referral_option').select(['ubrn', 'service_id']).where('ubrn', 'in', ubrns).execute(),
  ]);
  const appointmentOf = new Map(appointments.map((a) => [a.ubrn, a]));
  const optionsOf = new Map<string, string[]>();
  for (const o of options) optionsOf.set(o.ubrn, [...(optionsOf.get(o.ubrn) ?? []), o.service_id]);
  const waitOf = (serviceId: string) => directory.byId.get(serviceId)?.waitWeeks;
  for (const r of rows) {
    const appointment = appointmentOf.get(r.ubrn);
    const currentServiceId = appointment?.service_id ?? r.deferred_service_id ?? r.current_service_id;
    let wait: number | null = null;
    if (currentServiceId) wait = waitOf(currentServiceId) ?? null;
    else {
      const waits = (optionsOf.get(r.ubrn) ?? []).map(waitOf).filter((w): w is number => typeof w === 'number');
      wait = waits.length > 0 ? Math.min(...waits) : null;
    }
    const clock = clockOf(r);
    const forecast = forecastFirstAppointment({
      // With no service chosen the patient is on no waiting list yet: booking now, they wait from today.
      clock: currentServiceId ? clock : { ...clock, start: today, pausedDays: 0 },
      today,
      bookedOn: appointment ? londonDate(new Date(appointment.starts_at)) : null,
      nextAppointmentDate: r.next_appointment_date,
      indicativeWaitWeeks: wait,
    });
    // A pathway that moved here gives the service it moved to its chance first (src/domain/moves.ts).
    const movedOn = r.transferred_from_ubrn === null ? null : londonDate(new Date(r.created_at));
    const settling = settlingUntil(nextMoveFrom(movedOn, currentServiceId ? waitOf(currentServiceId) ?? null : null), today);
    out.set(r.ubrn, { clock, currentServiceId, forecast, eighteenWeeks: eighteenWeekStatus(clock, forecast, today, settling) });
  }
  return out;
}

/** The pathway columns, for selects. */
export const PATHWAY_COLUMNS = [
  'r.ubrn',
  'r.status',
  'r.rtt_clock_start',
  'r.rtt_clock_state',
  'r.rtt_paused_days',
  'r.rtt_clock_stopped_on',
  'r.next_appointment_date',
  'r.current_service_id',
  'r.deferred_service_id',
  'r.transferred_from_ubrn',
  'r.created_at',
] as const;

/** The pathway of a referral the principal may see, with its status (and why, if rejected); null when they may not see it. */
export async function visiblePathway(deps: Deps, principal: Principal, ubrn: string): Promise<{ status: ReferralStatus; rejectionReason: RejectionReason | null; pathway: PathwayView } | null> {
  const { db } = deps.database;
  const r = await visibleReferrals(db, principal).select([...PATHWAY_COLUMNS, 'r.rejection_reason']).where('r.ubrn', '=', ubrn).executeTakeFirst();
  return r ? { status: r.status, rejectionReason: r.rejection_reason, pathway: await pathwayOf(db, await deps.directory.current(), r) } : null;
}
