// Who relies on a service just now: the patients still choosing with it on their shortlist, and the appointments
// booked with it from now on. What a person is shown before taking a service out of patients' choice (withdrawing
// its listing, suspending or withdrawing its accreditation) so they know how many patients it touches.
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { AWAITING_BOOKING } from '../domain/referral-status.ts';

export interface Reliance {
  /** Open referrals waiting to be booked whose shortlist offers the service: they can no longer book it. */
  choosing: number;
  /** Live appointments with the service that have not yet started: they are kept, not cancelled. */
  booked: number;
}

export async function relianceOn(db: Kysely<DB> | Transaction<DB>, serviceId: string, now = new Date()): Promise<Reliance> {
  const [choosing, booked] = await Promise.all([
    db.selectFrom('referral_option as o').innerJoin('referral as r', 'r.ubrn', 'o.ubrn')
      .select(sql<number>`count(distinct o.ubrn)::int`.as('n'))
      .where('o.service_id', '=', serviceId).where('r.status', 'in', AWAITING_BOOKING)
      .executeTakeFirstOrThrow(),
    db.selectFrom('appointment').select(sql<number>`count(*)::int`.as('n'))
      .where('service_id', '=', serviceId).where('cancelled_at', 'is', null).where('starts_at', '>', now)
      .executeTakeFirstOrThrow(),
  ]);
  return { choosing: choosing.n, booked: booked.n };
}
