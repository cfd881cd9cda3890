// Placement rules of the derived directory, on a small hand-made world.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createScratchDatabase } from '../testing/database.ts';
import { runImport } from './run-import.ts';

let database: Awaited<ReturnType<typeof createScratchDatabase>>;

before(async () => {
  database = await createScratchDatabase('services');
  await database.pool.query(`
    insert into specialty (code, name, rtt_reported) values ('110', 'Trauma and Orthopaedics', true), ('502', 'Gynaecology', true);
    insert into postcode values ('LS1 3EX', 53.80, -1.55), ('M13 9WL', 53.46, -2.23);
    insert into organisation (ods_code, name, kind, postcode) values
      ('NT2', 'Nuffield Health', 'INDEPENDENT_PROVIDER', null),
      ('RR8', 'Leeds Teaching Hospitals NHS Trust', 'NHS_TRUST', 'LS1 3EX'),
      ('R0A', 'Manchester University NHS Foundation Trust', 'NHS_TRUST', 'M13 9WL'),
      ('RXX', 'Nowhere NHS Trust', 'NHS_TRUST', 'ZZ9 9ZZ');
    insert into site (ods_code, name, provider_ods_code, sector, postcode, latitude, longitude) values
      ('NT204', 'Nuffield Health, Brentwood Hospital', 'NT2', 'INDEPENDENT', 'CM15 8EH', 51.62, 0.31),
      ('RR813', 'Leeds General Infirmary', 'RR8', 'NHS', 'LS1 3EX', 53.80, -1.55),
      ('RR801', 'St James''s University Hospital', 'RR8', 'NHS', 'LS9 7TF', 53.81, -1.52),
      ('RR802', 'Leeds Dental Hospital', 'RR8', 'NHS', 'LS2 9LU', 53.80, -1.55),
      ('RR814', 'Seacroft Hospital', 'RR8', 'NHS', 'LS14 6UH', 53.82, -1.46);
    insert into rtt_wait (period, provider_ods_code, provider_name, specialty_code, incomplete_pathways, within_18_weeks, median_wait_weeks, p92_wait_weeks) values
      ('2026-04-30', 'NT204', 'NUFFIELD HEALTH, BRENTWOOD HOSPITAL', '110', 500, 400, 9.04, 20),
      ('2026-04-30', 'NT204', 'NUFFIELD HEALTH, BRENTWOOD HOSPITAL', '999', 500, 400, 9.04, 20),
      ('2026-04-30', 'RR8', 'LEEDS TEACHING HOSPITALS NHS TRUST', '110', 1200, 700, 14.26, 40),
      ('2026-04-30', 'RR8', 'LEEDS TEACHING HOSPITALS NHS TRUST', '502', 800, 600, 8, 30),
      ('2026-04-30', 'RR8', 'LEEDS TEACHING HOSPITALS NHS TRUST', 'X02', 300, 200, 8, 30),
      ('2026-04-30', 'RR8', 'LEEDS TEACHING HOSPITALS NHS TRUST', '999', 2300, 1500, 10, 35),
      ('2026-04-30', 'R0A', 'MANCHESTER UNIVERSITY NHS FOUNDATION TRUST', '110', 900, 500, 16, 50),
      ('2026-04-30', 'R0A', 'MANCHESTER UNIVERSITY NHS FOUNDATION TRUST', '502', 0, 0, null, null),
      ('2026-04-30', 'R0A', 'MANCHESTER UNIVERSITY NHS FOUNDATION TRUST', '999', 900, 500, 16, 50),
      ('2026-04-30', 'RXX', 'NOWHERE NHS TRUST', '110', 100, 50, 18, 60),
      ('2026-04-30', 'RXX', 'NOWHERE NHS TRUST', '999', 100, 50, 18, 60);
  `);
});
after(async () => database.drop());

test('services are placed at the exact site, the parent\'s sites, or the head office; never invented', async () => {
  const report = await runImport(database, 'services', null);
  const { rows } = await database.pool.query(
    `select id, name, provider_ods_code, site_ods_code, sex, indicative_wait_weeks, indicative_wait_as_of,
            indicative_wait_basis, accreditation_status, active, directly_bookable, latitude from service order by id`,
  );
  assert.deepEqual(rows.map((r) => [r.id, r.provider_ods_code, r.site_ods_code]), [
    ['NT204-110', 'NT204', 'NT204'], // (a) the hospital site whose code is the RTT provider's
    ['R0A-110', 'R0A', 'R0A'], // (c) the trust's head-office postcode
    ['RR801-110', 'RR8', 'RR801'], // (b) the parent's sites that plausibly run it: not the dental hospital
    ['RR801-502', 'RR8', 'RR801'],
    ['RR813-110', 'RR8', 'RR813'],
    ['RR813-502', 'RR8', 'RR813'],
  ]);
  const lgi = rows.find((r) => r.id === 'RR813-110')!;
  assert.equal(lgi.name, 'Trauma and Orthopaedics – Leeds General Infirmary');
  assert.equal(lgi.indicative_wait_weeks, 14.3);
  assert.equal(lgi.indicative_wait_as_of, '2026-04-30');
  assert.equal(lgi.indicative_wait_basis, 'Median wait of the 1,200 patients waiting at Leeds Teaching Hospitals NHS Trust, NHS England RTT April 2026');
  assert.deepEqual([lgi.accreditation_status, lgi.active, lgi.directly_bookable, lgi.sex], ['ACCREDITED', true, true, 'any']);
  assert.equal(rows.find((r) => r.id === 'RR813-502')!.sex, 'female');
  assert.equal(rows.find((r) => r.id === 'R0A-110')!.latitude, 53.46);

  const orgs = await database.pool.query(`select ods_code, name, kind from organisation where ods_code = 'NT204'`);
  assert.deepEqual(orgs.rows, [{ ods_code: 'NT204', name: 'Nuffield Health, Brentwood Hospital', kind: 'INDEPENDENT_PROVIDER' }]);
  const hq = await database.pool.query(`select name, sector, postcode from site where ods_code = 'R0A'`);
  assert.deepEqual(hq.rows, [{ name: 'Manchester University NHS Foundation Trust', sector: 'NHS', postcode: 'M13 9WL' }]);

  const unplaced = report.notes.unplacedProviders as { count: number; pathways: number; providers: unknown[] };
  assert.deepEqual(unplaced.providers, [{ code: 'RXX', name: 'Nowhere NHS Trust', pathways: 100 }]);
  assert.equal(unplaced.pathways, 100);
  assert.equal(report.skipped['nobody waiting'], 1);

  // What the placement rule left out, counted by reason, with examples.
  const leftOut = report.notes.sitesLeftOut as { siteSpecialtiesLeftOut: number; byReason: Record<string, { count: number; examples: string[] }> };
  assert.equal(leftOut.siteSpecialtiesLeftOut, 4);
  assert.deepEqual(leftOut.byReason['specialist site: runs only its own specialties'], {
    count: 2, examples: ['Trauma and Orthopaedics at Leeds Dental Hospital (RR802)', 'Gynaecology at Leeds Dental Hospital (RR802)'],
  });
  assert.equal(leftOut.byReason['not a main site: the provider has an acute or general site for it']?.count, 2);
});

test('re-running changes nothing, keeps product decisions, and reports services it no longer derives', async () => {
  await database.pool.query(`update service set accreditation_status = 'SUSPENDED' where id = 'RR801-110'`);
  await database.pool.query(`insert into service (id, name, specialty_code, provider_ods_code, site_ods_code, latitude, longitude)
    values ('RR813-manual', 'Added by hand', '110', 'RR8', 'RR813', 53.8, -1.55)`);
  const again = await runImport(database, 'services', null);
  assert.deepEqual([again.inserted, again.updated, again.unchanged], [0, 0, 6]);
  assert.equal(again.alsoWritten.organisation?.inserted ?? 0, 0);
  const status = await database.pool.query(`select accreditation_status from service where id = 'RR801-110'`);
  assert.equal(status.rows[0].accreditation_status, 'SUSPENDED');
  assert.deepEqual((again.notes.servicesNoLongerDerived as { ids: string[] }).ids, ['RR813-manual']);

  await database.pool.query(`update rtt_wait set median_wait_weeks = 12 where provider_ods_code = 'RR8' and specialty_code = '110'`);
  const changed = await runImport(database, 'services', null);
  assert.deepEqual([changed.inserted, changed.updated, changed.unchanged], [0, 2, 4]);
});
