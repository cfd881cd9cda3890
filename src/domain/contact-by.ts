// When a referral is deferred to a provider because no slot could be booked, the provider must contact the
// patient by a date set by its priority (the design notes' defaults; a deployment may configure its own).

export type Priority = 'ROUTINE' | 'URGENT' | 'TWO_WEEK_WAIT';

export const CONTACT_WITHIN_DAYS: Readonly<Record<Priority, number>> = { ROUTINE: 40, URGENT: 10, TWO_WEEK_WAIT: 5 };

/** The contact-by date for a deferral made on `deferredOn` ('YYYY-MM-DD'). */
export function contactByDate(deferredOn: string, priority: Priority, days: Readonly<Record<Priority, number>> = CONTACT_WITHIN_DAYS): string {
  const date = new Date(`${deferredOn}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days[priority]);
  return date.toISOString().slice(0, 10);
}

/** Whole days from `today` to the contact-by date: negative when overdue. */
export function daysLeft(contactBy: string, today: string): number {
  return Math.round((Date.parse(`${contactBy}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}
