// Free slots for the demo data set ("publishes free slots for every directly bookable service for the next
// 12 weeks"). The demo has about 7,800 services, and every slot costs first-start time (each row is checked
// against its service and two indexes), so each service gets a modest clinic: one morning a week, on a
// weekday chosen from a hash of its id so a service always runs on the same day, of three 30-minute slots.
// That is 36 slots a service, about 280,000 in all (see the measurements in the commit that added this).
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.ts';
import { londonDate } from '../domain/dates.ts';
import { addDays, weekdayOf } from './london-time.ts';

export const DEMO_SLOT_WEEKS = 12;
export const DEMO_CLINIC_DAYS_PER_WEEK = 1;
export const DEMO_SLOT_TIMES = ['09:00', '09:30', '10:00'] as const;
export const DEMO_SLOT_MINUTES = 30;

/** FNV-1a: a stable hash, unlike PostgreSQL's hashtext, which may change between versions. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The weekdays (0 Monday … 4 Friday) a demo service runs its clinic: always the same, all different. */
export function demoClinicDays(serviceId: string): number[] {
  const h = fnv1a(serviceId);
  return Array.from({ length: DEMO_CLINIC_DAYS_PER_WEEK }, (_, k) => (h + k * 2) % 5);
}

/**
 * Publishes the demo slots from tomorrow (London) to 12 weeks ahead for every active, directly bookable
 * service, in one statement. Each service only gets days after its latest slot, so calling this at every
 * start tops the window up at the cost of one index probe per service; `on conflict do nothing` keeps it
 * safe against a provider's own slots. A service whose provider published further ahead than the window gets
 * nothing more: the provider runs it now. Answers how many services it covered and how many slots are new.
 */
export async function ensureDemoSlots(db: Kysely<DB>, now: Date = new Date()): Promise<{ services: number; created: number }> {
  const services = await db.selectFrom('service').select('id').where('active', '=', true).where('directly_bookable', '=', true).execute();
  if (services.length === 0) return { services: 0, created: 0 };
  const first = addDays(londonDate(now), 1);
  const last = addDays(first, DEMO_SLOT_WEEKS * 7 - 1);
  // One row per service and clinic day, with the first date of that weekday in the window.
  const clinics = services.flatMap((s) => demoClinicDays(s.id).map((day) => ({ id: s.id, firstDate: addDays(first, (day - weekdayOf(first) + 7) % 7) })));
  // A London date plus a London time, read as London time: 09:00 is 09:00 in both winter and summer.
  const result = await sql`
    insert into slot (service_id, starts_at, ends_at)
    select c.id, l.starts_at, l.starts_at + make_interval(mins => ${DEMO_SLOT_MINUTES})
    from unnest(${clinics.map((c) => c.id)}::text[], ${clinics.map((c) => c.firstDate)}::date[]) as c(id, first_date)
    cross join lateral (select max(starts_at) as latest from slot where service_id = c.id) m
    cross join lateral generate_series(c.first_date::timestamp, ${last}::timestamp, interval '7 days') as d(day)
    cross join unnest(${[...DEMO_SLOT_TIMES]}::time[]) as t(at)
    cross join lateral (select (d.day + t.at) at time zone 'Europe/London' as starts_at) l
    where m.latest is null or d.day::date > (m.latest at time zone 'Europe/London')::date
    order by c.id, l.starts_at
    on conflict (service_id, starts_at) do nothing`.execute(db);
  return { services: services.length, created: Number(result.numAffectedRows ?? 0n) };
}
