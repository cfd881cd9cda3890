// The provider's appointment slot issue (ASI) worklist: referrals deferred to its services because no slot could
// be booked, each with the date the provider must contact the patient by.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { daysLeft } from '../domain/contact-by.ts';
import { contactSummaries, type ContactSummary } from './contact-attempts.ts';

export interface DeferralItem {
  ubrn: string;
  priority: 'ROUTINE' | 'URGENT' | 'TWO_WEEK_WAIT';
  specialty: string;
  service: { id: string; name: string };
  patientName: string;
  contactBy: string;
  /** Whole days until the contact-by date: 0 on the day, negative once it has passed. */
  daysLeft: number;
  overdue: boolean;
  /** The provider's attempts to reach the patient so far. */
  contactAttempts: ContactSummary;
}

const PRIORITY_ORDER = { TWO_WEEK_WAIT: 0, URGENT: 1, ROUTINE: 2 } as const;

/** The provider's deferred referrals, most urgent first: earliest contact-by date, then the higher priority. */
export async function deferralsForProvider(db: Kysely<DB>, providerOdsCode: string, today: string): Promise<DeferralItem[]> {
  const rows = await db
    .selectFrom('referral as r')
    .innerJoin('service as s', 's.id', 'r.deferred_service_id')
    .innerJoin('specialty as sp', 'sp.code', 'r.specialty_code')
    .select(['r.ubrn', 'r.priority', 'sp.name as specialty', 's.id as service_id', 's.name as service_name', 'r.patient_given_name', 'r.patient_family_name', 'r.contact_by'])
    .where('r.status', '=', 'DEFERRED_TO_PROVIDER')
    .where('r.contact_by', 'is not', null)
    .where('s.provider_ods_code', '=', providerOdsCode)
    .orderBy('r.contact_by')
    .orderBy('r.ubrn')
    .execute();
  const contact = await contactSummaries(db, providerOdsCode, rows.map((r) => r.ubrn));
  return rows
    .map((r) => {
      const left = daysLeft(r.contact_by!, today);
      return {
        ubrn: r.ubrn,
        priority: r.priority,
        specialty: r.specialty,
        service: { id: r.service_id, name: r.service_name },
        patientName: `${r.patient_given_name} ${r.patient_family_name}`,
        contactBy: r.contact_by!,
        daysLeft: left,
        overdue: left < 0,
        contactAttempts: contact.get(r.ubrn)!,
      };
    })
    .sort((a, b) => a.daysLeft - b.daysLeft || PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] || a.ubrn.localeCompare(b.ubrn));
}
