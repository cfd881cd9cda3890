// A bulk write's choice facts, refreshed set-based at its end rather than row by row.
//
// The row triggers of migration 018 refresh a referral's fact, and move its counts in the rollups (019, 026, 031),
// as each row is written. In one long transaction writing many referrals of one provider and specialty, the rollups'
// upserts land on the same few rows again and again: each update leaves a row version that cannot be cleared until
// the transaction ends, and the next update has to step past all of them, so every row costs more than the one
// before (a waiting-list import's rows/s fell as its list grew). A bulk writer instead defers the triggers for its
// transaction (openchoice.defer_choice_facts), names the referrals it writes, and refreshes their facts and rollups
// at the end of the same transaction in a few statements. They read the same view (choice_fact_source) and the same
// counts (choice_fact_counts) as the triggers, so the result is the triggers' own; the cost grows with the referrals
// written, not with their square, nor with those already held (refresh_choice_facts() rebuilds every one of them).
import { sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { SUMMED_COLUMNS } from './metrics.ts';

/** A rollup of choice_fact_counts, as migrations 019, 026 and 031 keep it. */
interface Rollup {
  table: string;
  /** its key's columns, each with the expression over choice_fact_counts that gives it */
  key: readonly (readonly [column: string, expression: string])[];
  /** its counts, each with the aggregate over choice_fact_counts that gives it */
  counts: readonly (readonly [column: string, aggregate: string])[];
  /** which facts count towards it */
  counted: string;
  /** a row whose count falls to 0 is deleted (flows: 031), rather than kept at 0 (the others) */
  dropsEmpty: boolean;
}

const same = (columns: readonly string[]) => columns.map((c) => [c, c] as const);
const WEEK = ['week', "date_trunc('week', made_on)::date"] as const;
const ROLLUPS: readonly Rollup[] = [
  {
    table: 'choice_rollup',
    key: same(['icb_code', 'month', 'practice_ods_code', 'referral_centre_ods_code', 'provider_ods_code', 'specialty_code']),
    counts: SUMMED_COLUMNS.map((c) => [c, `sum(${c})`] as const),
    counted: 'true',
    dropsEmpty: false,
  },
  {
    table: 'choice_rollup_week',
    key: [['icb_code', 'icb_code'], WEEK, ['specialty_code', 'specialty_code']],
    counts: SUMMED_COLUMNS.map((c) => [c, `sum(${c})`] as const),
    counted: 'true',
    dropsEmpty: false,
  },
  {
    table: 'choice_flow_week',
    key: [['icb_code', 'icb_code'], WEEK, ...same(['practice_ods_code', 'specialty_code', 'provider_ods_code'])],
    counts: [['referrals', 'count(*)']],
    // Referrals made (source REFERRAL: choice_fact_counts.referrals is 1) with a practice and a provider known.
    counted: 'referrals = 1 and icb_code is not null and practice_ods_code is not null and provider_ods_code is not null',
    dropsEmpty: true,
  },
];

/** The referrals named for the refresh: a temporary table of the transaction's own, gone when it ends. */
const PENDING = 'choice_fact_pending';
const ofPending = `ubrn in (select ubrn from ${PENDING})`;

export interface DeferredChoiceFacts {
  /** Names referrals this transaction has written: refresh() refreshes their facts. */
  note(ubrns: readonly string[]): Promise<void>;
  /** Refreshes the named referrals' facts and rollups, and ends the deferral; answers how many facts it wrote. */
  refresh(): Promise<number>;
}

/**
 * Defers the choice-fact triggers for the rest of `trx`, until refresh(). Every referral written meanwhile must be
 * named with note(): a write to one that is not is left out of its fact and of the rollups.
 */
export async function deferChoiceFacts(trx: Transaction<DB>): Promise<DeferredChoiceFacts> {
  await sql`select set_config('openchoice.defer_choice_facts', 'on', true)`.execute(trx);
  await sql`create temporary table ${sql.raw(PENDING)} (ubrn text primary key) on commit drop`.execute(trx);
  return {
    async note(ubrns) {
      if (ubrns.length === 0) return;
      await sql`insert into ${sql.raw(PENDING)} (ubrn) select value from json_array_elements_text(${JSON.stringify(ubrns)}::json) on conflict do nothing`.execute(trx);
    },
    async refresh() {
      // The planner is to see how many referrals are named (a temporary table has no statistics until analysed), to
      // choose between looking each up and one pass over the facts' tables.
      await sql`analyze ${sql.raw(PENDING)}`.execute(trx);
      for (const rollup of ROLLUPS) await moveCounts(trx, rollup, -1);
      await sql`delete from choice_fact where ${sql.raw(ofPending)}`.execute(trx);
      const written = await sql`insert into choice_fact select * from choice_fact_source where ${sql.raw(ofPending)}`.execute(trx);
      for (const rollup of ROLLUPS) await moveCounts(trx, rollup, 1);
      await sql`drop table ${sql.raw(PENDING)}`.execute(trx);
      await sql`select set_config('openchoice.defer_choice_facts', 'off', true)`.execute(trx);
      return Number(written.numAffectedRows ?? 0);
    },
  };
}

/** Adds (1) the named referrals' counts to a rollup, as their facts stand, or takes them off (-1). */
async function moveCounts(trx: Transaction<DB>, rollup: Rollup, sign: 1 | -1): Promise<void> {
  const keyColumns = rollup.key.map(([c]) => c).join(', ');
  const keyExpressions = rollup.key.map(([c, e]) => `${e} as ${c}`).join(', ');
  const groupBy = rollup.key.map((_, i) => i + 1).join(', ');
  const counted = `from choice_fact_counts where ${ofPending} and ${rollup.counted}`;
  await sql.raw(`
    insert into ${rollup.table} as kept (${keyColumns}, ${rollup.counts.map(([c]) => c).join(', ')})
    select ${keyExpressions}, ${rollup.counts.map(([c, a]) => `${sign} * ${a} as ${c}`).join(', ')} ${counted} group by ${groupBy}
    on conflict (${keyColumns}) do update set ${rollup.counts.map(([c]) => `${c} = kept.${c} + excluded.${c}`).join(', ')}`).execute(trx);
  if (rollup.dropsEmpty && sign === -1) {
    await sql.raw(`
      delete from ${rollup.table} kept using (select distinct ${keyExpressions} ${counted}) taken
      where ${rollup.key.map(([c]) => `kept.${c} = taken.${c}`).join(' and ')} and ${rollup.counts.map(([c]) => `kept.${c} = 0`).join(' and ')}`).execute(trx);
  }
}
