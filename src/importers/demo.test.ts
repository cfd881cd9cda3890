// The whole demo data set into a scratch PostgreSQL database (about 15 s).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createScratchDatabase } from '../testing/database.ts';
import { loadDemoDataIfEmpty } from './demo.ts';

let database: Awaited<ReturnType<typeof createScratchDatabase>>;

before(async () => {
  database = await createScratchDatabase('demo');
});
after(async () => database.drop());

test('loads the demo data set once, even when asked twice at the same time', async () => {
  const [first, second] = await Promise.all([loadDemoDataIfEmpty(database), loadDemoDataIfEmpty(database)]);
  const report = first ?? second;
  assert.ok(report, 'one call loads');
  assert.ok(first === null || second === null, 'the other finds it loaded');
  const count = async (sql: string) => (await database.pool.query(sql)).rows[0].n as number;
  const counts = {
    postcodes: await count('select count(*)::int as n from postcode'),
    sectors: await count(`select count(*)::int as n from postcode_area where kind = 'sector'`),
    outcodes: await count(`select count(*)::int as n from postcode_area where kind = 'outcode'`),
    trusts: await count(`select count(*)::int as n from organisation where kind = 'NHS_TRUST'`),
    independentProviders: await count(`select count(*)::int as n from organisation where kind = 'INDEPENDENT_PROVIDER'`),
    gpPractices: await count(`select count(*)::int as n from organisation where kind = 'GP_PRACTICE'`),
    sites: await count('select count(*)::int as n from site'),
    rttRows: await count('select count(*)::int as n from rtt_wait'),
    services: await count('select count(*)::int as n from service'),
    providersWithServices: await count('select count(distinct provider_ods_code)::int as n from service'),
    specialtiesWithServices: await count('select count(distinct specialty_code)::int as n from service'),
  };
  console.log(JSON.stringify({ counts, durationMs: report.durationMs, ms: Object.fromEntries(Object.entries(report.loaded).map(([k, v]) => [k, v.durationMs])), unplaced: report.unplacedProviders }));
  assert.ok(counts.postcodes >= 1_745_000);
  assert.ok(counts.sectors >= 10_000 && counts.outcodes >= 2_800);
  assert.ok(counts.trusts >= 270 && counts.gpPractices >= 6_000);
  assert.ok(counts.sites >= 1_200);
  assert.equal(counts.rttRows, 4122);
  assert.ok(counts.services >= 5_000);
  assert.ok(counts.providersWithServices >= 290);
  assert.equal(counts.specialtiesWithServices, 18);
  assert.equal(await count(`select count(*)::int as n from service where not active or accreditation_status <> 'ACCREDITED'`), 0);
  assert.equal(await count('select count(*)::int as n from import_run'), 9);

  assert.equal(await loadDemoDataIfEmpty(database), null);
});
