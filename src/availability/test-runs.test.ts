// The test shortlists job, run directly as the worker runs it: a run of one ICB records exactly the shortlists the
// real engine offers short (checked against buildShortlist for a sample of practices and specialties), with its
// totals; queueing is one open run per ICB; the monthly tick queues every ICB with practices once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDeps, type Deps } from '../deps.ts';
import { startJobs } from '../jobs/worker.ts';
import { buildShortlist } from '../shortlist/service.ts';
import { openDemoTestDatabase, type TestDatabase, testConfig } from '../testing/database.ts';
import { icbsWithPractices, practicesOf } from './practices.ts';
import { specialtiesWithServices } from './reach.ts';
import { queueMonthlyRuns, queueRun, runQueued, runsOf, testRequest } from './test-runs.ts';

const ICB = 'QOC'; // the ICB with fewest placed practices in the demo data: a run takes seconds
let database: TestDatabase;
let deps: Deps;

before(async () => {
  database = await openDemoTestDatabase('availability_runs');
  deps = createDeps(testConfig(), database, (err) => { throw err; });
});
after(async () => {
  deps.directory.close();
  deps.postcodes.close();
  await database.drop();
});

describe('test shortlist runs', () => {
  test("a run of an ICB records the engine's short shortlists, and only those, with its totals", async () => {
    const { run, queued } = await queueRun(database.db, ICB, 'REQUESTED', 'Test Commissioner');
    assert.equal(queued, true);
    assert.equal(run.state, 'queued');
    assert.equal((await queueRun(database.db, ICB, 'REQUESTED', 'Someone else')).queued, false, 'one open run per ICB');

    const started = performance.now();
    const summary = await runQueued(deps);
    console.log(`${ICB}: ${summary.shortlists} shortlists in ${Math.round(performance.now() - started)} ms, ${summary.short} short`);
    const { placed } = await practicesOf(database.db, ICB);
    const specialties = specialtiesWithServices(await deps.directory.current());
    assert.deepEqual(summary, { runs: 1, shortlists: placed.length * specialties.length, short: summary.short });

    const [done] = await runsOf(database.db, ICB);
    assert.equal(done!.state, 'finished');
    assert.equal(done!.practices, placed.length);
    assert.equal(done!.specialties, specialties.length);
    assert.equal(done!.shortlistsRun, summary.shortlists);
    assert.ok(done!.startedAt && done!.finishedAt && done!.finishedAt >= done!.startedAt);
    const results = await database.db.selectFrom('test_shortlist_result').selectAll().where('run_id', '=', done!.id).execute();
    assert.equal(results.length, done!.shortCount);
    assert.ok(results.length > 0, 'some shortlists fall short somewhere');

    // Every 7th practice and every specialty: the record is what buildShortlist answers now.
    const byKey = new Map(results.map((r) => [`${r.practice_ods_code} ${r.specialty_code}`, r]));
    let checked = 0;
    for (const practice of placed.filter((_, i) => i % 7 === 0)) {
      for (const { code } of specialties) {
        const answer = await buildShortlist(deps, testRequest(practice.postcode, code));
        const providers = new Set(answer.options.map((o) => o.service.provider.odsCode)).size;
        const short = answer.options.length < 5 || providers < 5;
        const recorded = byKey.get(`${practice.odsCode} ${code}`);
        assert.equal(recorded !== undefined, short, `${practice.odsCode} ${code}`);
        if (recorded) {
          assert.equal(recorded.options_offered, answer.options.length);
          assert.equal(recorded.providers_offered, providers);
          assert.equal(recorded.eligible_count, answer.eligibleCount);
          if (answer.shortfall) assert.equal(recorded.shortfall_reason, answer.shortfall.reason);
          else assert.match(recorded.shortfall_reason!, /from \d providers?/);
        }
        checked++;
      }
    }
    assert.ok(checked >= 50, `${checked} checked`);

    // Finished: another can be queued.
    assert.equal((await queueRun(database.db, ICB, 'REQUESTED', null)).queued, true);
    await database.db.deleteFrom('test_shortlist_run').where('finished_at', 'is', null).execute();
  });

  test('the monthly tick queues one run for every ICB with practices, and no second while they are open', async () => {
    const icbs = await icbsWithPractices(database.db);
    assert.ok(icbs.includes('QWO') && icbs.length > 20);
    assert.equal(await queueMonthlyRuns(database.db), icbs.length);
    assert.equal(await queueMonthlyRuns(database.db), 0);
    const open = await database.db.selectFrom('test_shortlist_run').select(['icb_code', 'trigger']).where('finished_at', 'is', null).execute();
    assert.deepEqual(open.map((r) => r.icb_code).sort(), [...icbs].sort());
    assert.ok(open.every((r) => r.trigger === 'SCHEDULED'));
  });

  test('a run interrupted long ago is closed as failed, so the ICB can be tested again', async () => {
    await database.db.deleteFrom('test_shortlist_run').execute();
    await database.db.insertInto('test_shortlist_run').values({ icb_code: ICB, trigger: 'SCHEDULED', started_at: new Date(Date.now() - 7 * 3600_000) }).execute();
    assert.equal((await queueRun(database.db, ICB, 'REQUESTED', null)).queued, false);
    const summary = await runQueued(deps); // closes the interrupted one; nothing else is queued
    assert.equal(summary.runs, 0);
    const [failed] = await runsOf(database.db, ICB);
    assert.equal(failed!.state, 'failed');
    assert.equal((await queueRun(database.db, ICB, 'REQUESTED', null)).queued, true);
  });

  test('the background worker does a queued run (here one queued before it started)', async () => {
    await database.db.deleteFrom('test_shortlist_run').execute();
    const { run } = await queueRun(database.db, ICB, 'REQUESTED', null);
    const quiet = { info: () => {}, warn: () => {}, error: () => {} };
    const jobs = await startJobs({ config: testConfig(), database, log: quiet as never });
    try {
      const until = Date.now() + 60_000;
      for (;;) {
        const [latest] = await runsOf(database.db, ICB);
        if (latest!.id === run.id && latest!.state === 'finished') break;
        assert.ok(latest!.state !== 'failed', latest!.error ?? 'failed');
        if (Date.now() > until) assert.fail(`the run is still ${latest!.state}`);
        await sleep(250);
      }
    } finally {
      await jobs.stop();
    }
    const [done] = await runsOf(database.db, ICB);
    assert.ok(done!.shortlistsRun > 0 && done!.shortCount > 0);
  });
});
