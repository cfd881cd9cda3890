// A match run reads its inputs in a fixed number of queries, however many patients wait for a place: each query is
// counted on the run's transaction, with one waiting patient and with several.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { Database } from '../db/database.ts';
import { createDirectoryCache } from '../directory/snapshot.ts';
import { londonDate } from '../domain/dates.ts';
import { PIDMAS_AWAITING_A_PLACE } from '../domain/pidmas-status.ts';
import { openDemoTestDatabase } from '../testing/database.ts';
import { readRunInputs } from './match-run.ts';

let database: Database;
before(async () => {
  database = await openDemoTestDatabase();
});
after(() => database.close());

class QueryCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.count++;
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

const ROLLED_BACK = new Error('the test leaves the database as it found it');

/** With exactly `n` of the demo's waiting-list patients awaiting a place (in a transaction rolled back after). */
async function readInputsFor(n: number): Promise<{ queries: number; patients: number }> {
  const directory = await createDirectoryCache(database.db, { maxAgeMs: 0 }).current();
  let measured: { queries: number; patients: number } | undefined;
  await database.db
    .transaction()
    .execute(async (trx) => {
      await trx.updateTable('pidmas_request').set({ status: 'WITHDRAWN' }).where('status', 'in', PIDMAS_AWAITING_A_PLACE).execute();
      const waiting = await trx
        .selectFrom('referral as r')
        .innerJoin('postcode as pc', 'pc.postcode', 'r.patient_postcode')
        .select('r.ubrn')
        .where('r.source', '=', 'WAITING_LIST')
        .where('r.current_service_id', 'is not', null)
        .orderBy('r.ubrn')
        .limit(n)
        .execute();
      assert.equal(waiting.length, n, 'the demo has enough waiting-list patients');
      for (const { ubrn } of waiting) {
        await trx
          .insertInto('pidmas_request')
          .values({ ubrn, status: 'VALIDATED', travel: 'ANYWHERE', updated_at: new Date() })
          .onConflict((oc) => oc.column('ubrn').doUpdateSet({ status: 'VALIDATED', travel: 'ANYWHERE' }))
          .execute();
      }
      const counter = new QueryCounter();
      const inputs = await readRunInputs(directory, trx.withPlugin(counter), londonDate());
      measured = { queries: counter.count, patients: inputs.patients.length };
      throw ROLLED_BACK;
    })
    .catch((err: unknown) => {
      if (err !== ROLLED_BACK) throw err;
    });
  return measured ?? assert.fail('measured');
}

test('a match run reads its inputs in the same few queries for one waiting patient as for six', async (t) => {
  const one = await readInputsFor(1);
  const six = await readInputsFor(6);
  assert.equal(one.patients, 1);
  assert.equal(six.patients, 6);
  t.diagnostic(`queries to read a match run's inputs: ${one.queries} for 1 patient, ${six.queries} for 6`);
  assert.equal(six.queries, one.queries);
  assert.ok(one.queries <= 6, `${one.queries} queries`);
});
