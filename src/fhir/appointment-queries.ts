// The appointment rows the FHIR Appointment shows, live or cancelled, with what it says of their service. Who may
// see them is the referral's rule (src/referrals/queries.ts visibleReferrals), asked in appointment-access.ts.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { isUuid } from '../domain/codes.ts';

function appointmentsWithService(db: Kysely<DB>) {
  return db
    .selectFrom('appointment as a')
    .innerJoin('service as s', 's.id', 'a.service_id')
    .innerJoin('specialty as sp', 'sp.code', 's.specialty_code')
    .select(['a.id', 'a.ubrn', 'a.slot_id', 'a.service_id', 'a.starts_at', 'a.ends_at', 'a.booked_at', 'a.cancelled_at', 'a.cancel_reason'])
    .select(['s.name as service_name', 's.specialty_code', 'sp.name as specialty_name']);
}

export type AppointmentRow = Awaited<ReturnType<ReturnType<typeof appointmentsWithService>['executeTakeFirstOrThrow']>>;

export async function appointmentById(db: Kysely<DB>, id: string): Promise<AppointmentRow | null> {
  if (!isUuid(id)) return null;
  return (await appointmentsWithService(db).where('a.id', '=', id).executeTakeFirst()) ?? null;
}

/** Every appointment of a referral, live or cancelled, in the order they were booked. */
export function appointmentsOfReferral(db: Kysely<DB>, ubrn: string): Promise<AppointmentRow[]> {
  return appointmentsWithService(db).where('a.ubrn', '=', ubrn).orderBy('a.booked_at').orderBy('a.id').execute();
}
