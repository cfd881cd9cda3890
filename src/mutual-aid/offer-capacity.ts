// How much of an offer of capacity is left: what the provider's own page shows and what a match run may still use.
import type { ExpressionBuilder } from 'kysely';
import type { DB } from '../db/schema.ts';
import { daysBetween } from '../domain/rtt-clock.ts';
import { HOLDS_A_PLACE } from '../domain/transfer-status.ts';

/** The places of offer `o` that live proposals hold, as a column `used` of a query over `mutual_aid_offer as o`. */
export function placesTaken(eb: ExpressionBuilder<DB & { o: DB['mutual_aid_offer'] }, 'o'>) {
  return eb
    .selectFrom('proposed_transfer as t')
    .select((e) => e.fn.countAll<number>().as('n'))
    .whereRef('t.offer_id', '=', 'o.id')
    .where('t.status', 'in', HOLDS_A_PLACE)
    .as('used');
}

/** What an offer can still take: places per week for the weeks left, less the places live proposals hold. */
export function capacityLeft(o: { capacity_per_week: number; starts_on: string; ends_on: string; used: number | null }, today: string): number {
  return Math.max(0, o.capacity_per_week * weeksLeft(o.starts_on, o.ends_on, today) - Number(o.used ?? 0));
}

/** Weeks of an offer still to come, counting a part week as a week. */
export function weeksLeft(startsOn: string, endsOn: string, today: string): number {
  const from = startsOn > today ? startsOn : today;
  if (endsOn < from) return 0;
  return Math.ceil((daysBetween(from, endsOn) + 1) / 7);
}
