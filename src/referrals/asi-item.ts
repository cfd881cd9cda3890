// One appointment slot issue (ASI) as the provider works it: the referral deferred to one of its services, how to
// reach the patient, the contact-by date, its attempts so far, and the free slots it can book the patient into.
import type { Deps } from '../deps.ts';
import { daysLeft } from '../domain/contact-by.ts';
import type { StaffPrincipal } from '../http/principal.ts';
import { notFound } from '../http/problem.ts';
import { freeSlotsOfServices, type FreeSlot } from '../slots/free-slots.ts';
import { type ContactAttempt, contactAttemptsFor } from './contact-attempts.ts';
import { getReferral } from './queries.ts';
import type { Referral } from './schemas.ts';

type Option = Referral['shortlist'][number];

export interface ContactPreferences {
  /** How the patient asked to be contacted, when they said. */
  preferred: 'EMAIL' | 'TEXT' | 'PHONE' | 'LETTER' | null;
  support: string[];
  interpreterLanguage: string | null;
}

export interface AsiItem {
  referral: Referral;
  service: Option['service'];
  contactBy: string;
  /** Whole days until the contact-by date: 0 on the day, negative once it has passed. */
  daysLeft: number;
  overdue: boolean;
  /** What the patient told us about being contacted, where they have (today: when asking to move, PIDMAS). */
  contactPreferences: ContactPreferences | null;
  attempts: ContactAttempt[];
}

/** The referral as an ASI of this provider: deferred to one of its services; not found otherwise. */
export async function asiItem(deps: Deps, staff: StaffPrincipal, ubrn: string, today: string): Promise<AsiItem> {
  const referral = await getReferral(deps, staff, ubrn);
  const service = deferredServiceOf(referral, staff);
  if (!referral.deferral || !service) throw notFound(`Referral ${ubrn} is not deferred to one of your services.`);
  const [attempts, contactPreferences] = await Promise.all([contactAttemptsFor(deps, staff, ubrn), contactPreferencesOf(deps, ubrn)]);
  const left = daysLeft(referral.deferral.contactBy, today);
  return { referral, service, contactBy: referral.deferral.contactBy, daysLeft: left, overdue: left < 0, contactPreferences, attempts };
}

function deferredServiceOf(referral: Referral, staff: StaffPrincipal): Option['service'] | null {
  const option = referral.shortlist.find((o) => o.service.id === referral.deferral?.serviceId);
  return option && option.service.provider.odsCode === staff.organisation.odsCode ? option.service : null;
}

// The only place a patient states how they want to be contacted today is their request to move (PIDMAS); read as
// the row stands, without reaching up into that feature's code.
async function contactPreferencesOf(deps: Deps, ubrn: string): Promise<ContactPreferences | null> {
  const row = await deps.database.db
    .selectFrom('pidmas_request')
    .select(['contact_preference', 'support_needed', 'interpreter_language'])
    .where('ubrn', '=', ubrn)
    .executeTakeFirst();
  if (!row || (!row.contact_preference && row.support_needed.length === 0 && !row.interpreter_language)) return null;
  return { preferred: row.contact_preference, support: row.support_needed, interpreterLanguage: row.interpreter_language };
}

export interface BookableService {
  service: Option['service'];
  deferredHere: boolean;
  slots: FreeSlot[];
}

/**
 * Where the provider can book the patient: the deferred service first, then its other services on the shortlist
 * (all of the referral's specialty), each with its first free slots.
 */
export async function bookableServices(deps: Deps, staff: StaffPrincipal, item: AsiItem, perService: number): Promise<BookableService[]> {
  const own = item.referral.shortlist
    .map((o) => o.service)
    .filter((s) => s.provider.odsCode === staff.organisation.odsCode)
    .sort((a, b) => Number(b.id === item.service.id) - Number(a.id === item.service.id));
  const free = await freeSlotsOfServices(deps.database.db, own.map((s) => s.id), perService);
  return own.map((service) => ({ service, deferredHere: service.id === item.service.id, slots: free.get(service.id) ?? [] }));
}
