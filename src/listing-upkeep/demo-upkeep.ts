// The demo's listings that need attention, so the provider's and the ICB's pages have something to show: on the first
// load only (no flag was ever raised), three West Yorkshire listings are put out of date, then the rules are run once.
//   RR801-160  Plastic Surgery, Leeds General Infirmary: a wait the provider gave 63 days ago (STALE_WAIT);
//   RWY01-430  Geriatric Medicine, Huddersfield Royal Infirmary: an RTT wait a month older than the latest (STALE_WAIT);
//   RR813-170  Cardiothoracic Surgery, St James's: its next 4 weeks' free slots withdrawn and every slot published
//              5 weeks ago (NO_SLOTS).
// Later starts add nothing: the daily job keeps the flags from then on.
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.ts';
import { londonDate } from '../domain/dates.ts';
import { addDays } from '../domain/listing-upkeep.ts';
import { evaluateListings, type UpkeepReport } from './evaluate.ts';

export const DEMO_STALE_OWN_WAIT = 'RR801-160';
export const DEMO_STALE_RTT_WAIT = 'RWY01-430';
export const DEMO_NO_SLOTS = 'RR813-170';

export async function ensureDemoListingUpkeep(db: Kysely<DB>, now: Date = new Date()): Promise<UpkeepReport | null> {
  const any = await db.selectFrom('listing_flag').select('id').limit(1).executeTakeFirst();
  if (any) return null;
  const today = londonDate(now);
  const latest = await db.selectFrom('rtt_wait').select((eb) => eb.fn.max('period').as('period')).executeTakeFirst();
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('service').set({ indicative_wait_as_of: addDays(today, -63), indicative_wait_basis: 'Given by the provider' })
      .where('id', '=', DEMO_STALE_OWN_WAIT).where('indicative_wait_weeks', 'is not', null).execute();
    if (latest?.period) {
      // The last day of the month before the latest loaded.
      const monthBefore = addDays(`${String(latest.period).slice(0, 7)}-01`, -1);
      await trx.updateTable('service').set({ indicative_wait_as_of: monthBefore }).where('id', '=', DEMO_STALE_RTT_WAIT).where('indicative_wait_weeks', 'is not', null).execute();
    }
    await sql`update slot s set withdrawn_at = ${now}
      where s.service_id = ${DEMO_NO_SLOTS} and s.withdrawn_at is null and s.starts_at < ${new Date(now.getTime() + 28 * 86_400_000)}
        and not exists (select 1 from appointment a where a.slot_id = s.id and a.cancelled_at is null)`.execute(trx);
    await trx.updateTable('slot').set({ created_at: new Date(now.getTime() - 35 * 86_400_000) }).where('service_id', '=', DEMO_NO_SLOTS).execute();
  });
  return evaluateListings(db, now);
}
