// What a provider reviews: referrals booked at one of its services, or deferred to one because no slot was free,
// which it accepts or rejects (./review.ts).
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.ts';
import { REFERRAL_ACTIONS } from '../domain/referral-status.ts';
import type { StaffPrincipal } from '../http/principal.ts';

/** The referrals a provider reviews, as a query to narrow further: at its services, in a status it may review. */
function toReview(db: Kysely<DB>, provider: StaffPrincipal) {
  return db
    .selectFrom('referral as r')
    .leftJoin('appointment as a', (j) => j.onRef('a.ubrn', '=', 'r.ubrn').on('a.cancelled_at', 'is', null))
    // The service it is booked at, or else deferred to: a referral with neither is no provider's to review.
    .innerJoin('service as s', (j) => j.on(sql<boolean>`s.id = coalesce(a.service_id, r.deferred_service_id)`))
    .innerJoin('specialty as sp', 'sp.code', 'r.specialty_code')
    .where('r.status', 'in', REFERRAL_ACTIONS.ACCEPT.from)
    .where('s.provider_ods_code', '=', provider.organisation.odsCode);
}

export interface ReviewItem {
  ubrn: string;
  status: string;
  priority: 'ROUTINE' | 'URGENT' | 'TWO_WEEK_WAIT';
  specialty: string;
  service: string;
  patientName: string;
  patientNhsNumber: string;
  /** the booked appointment's start, if booked */
  appointmentStart: Date | null;
  /** while deferred */
  contactBy: string | null;
}

/** The provider's referrals to review, the most recently changed first. */
export async function referralsToReview(db: Kysely<DB>, provider: StaffPrincipal, limit: number): Promise<ReviewItem[]> {
  const rows = await toReview(db, provider)
    .select(['r.ubrn', 'r.status', 'r.priority', 'sp.name as specialty', 's.name as service', 'r.patient_given_name', 'r.patient_family_name', 'r.patient_nhs_number', 'r.contact_by', 'a.starts_at'])
    .orderBy('r.updated_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    ubrn: r.ubrn,
    status: r.status,
    priority: r.priority,
    specialty: r.specialty,
    service: r.service,
    patientName: `${r.patient_given_name} ${r.patient_family_name}`,
    patientNhsNumber: r.patient_nhs_number,
    appointmentStart: r.starts_at,
    contactBy: r.contact_by,
  }));
}

export async function countToReview(db: Kysely<DB>, provider: StaffPrincipal): Promise<number> {
  const { n } = await toReview(db, provider).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  return Number(n);
}

/** Whether the referral is one the provider reviews now. */
export async function isToReview(db: Kysely<DB>, provider: StaffPrincipal, ubrn: string): Promise<boolean> {
  return (await toReview(db, provider).select('r.ubrn').where('r.ubrn', '=', ubrn).executeTakeFirst()) !== undefined;
}
