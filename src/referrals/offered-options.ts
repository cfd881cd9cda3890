// The options a referral offers, as they were shown: one way to write them, whether offered first or afresh.
import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { ShortlistOption } from '../shortlist/types.ts';

/** Writes the referral's options in rank order, each with what the patient was told about it. */
export async function insertOfferedOptions(trx: Transaction<DB>, ubrn: string, options: readonly ShortlistOption[]): Promise<void> {
  if (options.length === 0) return;
  await trx
    .insertInto('referral_option')
    .values(options.map(({ service, ...offered }) => ({ ubrn, rank: offered.rank, service_id: service.id, offered: JSON.stringify(offered) })))
    .execute();
}
