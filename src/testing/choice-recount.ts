// The choice facts and their rollups as kept (by the triggers of migrations 018, 019, 026 and 031, or by a bulk
// writer's set-based refresh: src/choice/fact-refresh.ts), against a full recount from the live tables: the rows
// that differ, for each. All zeros means that what was kept is exactly what a rebuild would give.
import { type Kysely, sql } from 'kysely';
import { SUMMED_COLUMNS } from '../choice/metrics.ts';
import type { DB } from '../db/schema.ts';

export interface RecountDifferences {
  /** choice_fact against choice_fact_source, every column */
  facts: number;
  /** choice_rollup against choice_fact_counts summed by its key, every count (rows at 0 facts aside) */
  rollup: number;
  /** choice_rollup_week likewise */
  rollupWeek: number;
  /** choice_flow_week against the facts counted afresh */
  flowWeek: number;
  /** flows kept at 0, which should have been deleted */
  emptyFlows: number;
}

const differing = async (db: Kysely<DB>, kept: string, fresh: string) =>
  (await sql<{ n: number }>`
    with kept as (${sql.raw(kept)}), fresh as (${sql.raw(fresh)})
    select count(*)::int as n from ((select * from kept except all select * from fresh) union all (select * from fresh except all select * from kept)) d`.execute(db)).rows[0]!.n;

export async function choiceRecountDifferences(db: Kysely<DB>): Promise<RecountDifferences> {
  const counts = SUMMED_COLUMNS.join(', ');
  const sums = SUMMED_COLUMNS.map((c) => `sum(${c})::int as ${c}`).join(', ');
  const monthKey = 'icb_code, month, practice_ods_code, referral_centre_ods_code, provider_ods_code, specialty_code';
  const flowKey = 'icb_code, week, practice_ods_code, specialty_code, provider_ods_code';
  return {
    facts: await differing(db, 'select * from choice_fact', 'select * from choice_fact_source'),
    rollup: await differing(db, `select ${monthKey}, ${counts} from choice_rollup where facts <> 0`, `select ${monthKey}, ${sums} from choice_fact_counts group by ${monthKey}`),
    rollupWeek: await differing(db,
      `select icb_code, week, specialty_code, ${counts} from choice_rollup_week where facts <> 0`,
      `select icb_code, date_trunc('week', made_on)::date as week, specialty_code, ${sums} from choice_fact_counts group by 1, 2, 3`),
    flowWeek: await differing(db,
      `select ${flowKey}, referrals from choice_flow_week`,
      `select icb_code, date_trunc('week', made_on)::date as week, practice_ods_code, specialty_code, provider_ods_code, count(*)::int as referrals
       from choice_fact where source = 'REFERRAL' and icb_code is not null and practice_ods_code is not null and provider_ods_code is not null group by 1, 2, 3, 4, 5`),
    emptyFlows: (await sql<{ n: number }>`select count(*)::int as n from choice_flow_week where referrals = 0`.execute(db)).rows[0]!.n,
  };
}

export const NO_DIFFERENCES: RecountDifferences = { facts: 0, rollup: 0, rollupWeek: 0, flowWeek: 0, emptyFlows: 0 };
