// A referral seen as an RTT pathway: where the patient waits, how long they have waited, when they are likely to
// be seen, and what the 18-week standard says about it.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { DirectorySnapshot } from '../directory/snapshot.ts';
import { londonDate } from '../domain/dates.ts';
import { eighteenWeekStatus, type EighteenWeekStatus, type Forecast, forecastFirstAppointment, type RttClock } from '../domain/rtt-clock.ts';

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
  const appointment = await db
    .selectFrom('appointment')
    .select(['service_id', 'starts_at'])
    .where('ubrn', '=', r.ubrn)
    .where('cancelled_at', 'is', null)
    .executeTakeFirst();
  const currentServiceId = appointment?.service_id ?? r.deferred_service_id ?? r.current_service_id;
  let wait: number | null = null;
  if (currentServiceId) wait = directory.byId.get(currentServiceId)?.waitWeeks ?? null;
  else {
    const options = await db.selectFrom('referral_option').select('service_id').where('ubrn', '=', r.ubrn).execute();
    const waits = options.map((o) => directory.byId.get(o.service_id)?.waitWeeks).filter((w): w is number => typeof w === 'number');
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
  return { clock, currentServiceId, forecast, eighteenWeeks: eighteenWeekStatus(clock, forecast, today) };
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
] as const;
