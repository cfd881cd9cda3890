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
  console.log(JSON.stringify({ counts, durationMs: report.durationMs, ms: Object.fromEntries(Object.entries(report.loaded).map(([k, v]) => [k, v.durationMs])), unplaced: report.unplacedProviders, sitesLeftOut: report.sitesLeftOut, skipped: report.loaded.services?.skipped }));
  assert.ok(counts.postcodes >= 1_745_000);
  assert.ok(counts.sectors >= 10_000 && counts.outcodes >= 2_800);
  assert.ok(counts.trusts >= 270 && counts.gpPractices >= 6_000);
  assert.ok(counts.sites >= 1_200);
  assert.equal(counts.rttRows, 4122);
  // One service per provider × specialty × site that plausibly runs it (src/domain/site-placement.ts).
  assert.equal(counts.services, 3289);
  const leeds = await database.pool.query(`select id from service where provider_ods_code = 'RR8' and specialty_code in ('110', '140', '150') order by id`);
  assert.deepEqual(leeds.rows.map((r) => r.id), ['RR801-110', 'RR801-150', 'RR802-140', 'RR813-110', 'RR813-150']);
  assert.ok(report.sitesLeftOut!['specialist site: runs only its own specialties']! > 0);
  const manySites = await database.pool.query(`select count(*)::int as n from (select 1 from service group by provider_ods_code, specialty_code having count(*) > 2) x`);
  assert.equal(manySites.rows[0].n, 0, 'at most two sites per provider and specialty');
  assert.ok(counts.providersWithServices >= 290);
  assert.equal(counts.specialtiesWithServices, 18);
  assert.equal(await count(`select count(*)::int as n from service where not active or accreditation_status <> 'ACCREDITED'`), 0);
  assert.equal(await count('select count(*)::int as n from import_run'), 9);

  assert.equal(await loadDemoDataIfEmpty(database), null);
});
