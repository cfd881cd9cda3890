// A small, hand-made directory around Leeds, for tests that need exact answers.
import type { Database } from '../db/database.ts';
import { createScratchDatabase } from './database.ts';
import { startTestApp, type TestApp } from './test-app.ts';

export const LEEDS = { postcode: 'LS1 4AP', latitude: 53.7965, longitude: -1.5478 };

/** Kilometres north of LEEDS as a latitude (one degree of latitude is 111.195 km on the mean sphere). */
const north = (km: number) => LEEDS.latitude + km / 111.195;

export const FIXTURE_SERVICES = [
  { id: 'S1-110', site: 'S1', km: 2, wait: 30 },
  { id: 'S2-110', site: 'S2', km: 10, wait: 12.5 },
  { id: 'S3-110', site: 'S3', km: 30, wait: 8 },
  { id: 'S4-110', site: 'S4', km: 60, wait: 4 },
  { id: 'S5-110', site: 'S5', km: 120, wait: 2 },
  { id: 'S6-110', site: 'S6', km: 200, wait: 1 },
] as const;

export async function loadDirectoryFixture(database: Database): Promise<void> {
  const { db } = database;
  await db.insertInto('specialty').values([
    { code: '110', name: 'Trauma and Orthopaedics', rtt_reported: true },
    { code: '130', name: 'Ophthalmology', rtt_reported: true },
    { code: '502', name: 'Gynaecology', rtt_reported: true },
  ]).execute();
  await db.insertInto('postcode').values([{ postcode: LEEDS.postcode, latitude: LEEDS.latitude, longitude: LEEDS.longitude }]).execute();
  await db.insertInto('postcode_area').values([
    { code: 'LS1 4', kind: 'sector', latitude: 53.797, longitude: -1.549, postcode_count: 120 },
    { code: 'LS1', kind: 'outcode', latitude: 53.798, longitude: -1.545, postcode_count: 900 },
  ]).execute();
  await db.insertInto('organisation').values([
    { ods_code: 'RXX', name: 'Fixture NHS Trust', kind: 'NHS_TRUST', region_code: null, icb_code: null, postcode: null, open_date: null, close_date: null },
  ]).execute();
  await db.insertInto('site').values(
    FIXTURE_SERVICES.map((s) => ({
      ods_code: s.site,
      name: `Site ${s.site}`,
      provider_ods_code: 'RXX',
      sector: 'NHS' as const,
      address: null,
      postcode: null,
      latitude: north(s.km),
      longitude: LEEDS.longitude,
    })),
  ).execute();
  await db.insertInto('service').values([
    ...FIXTURE_SERVICES.map((s) => ({
      id: s.id,
      name: `Trauma and Orthopaedics – Site ${s.site}`,
      specialty_code: '110',
      provider_ods_code: 'RXX',
      site_ods_code: s.site,
      clinic_type: null,
      consultant_team: null,
      min_age: null,
      max_age: null,
      indicative_wait_weeks: s.wait,
      indicative_wait_as_of: '2026-04-30',
      indicative_wait_basis: 'fixture',
      accessibility: null,
      accreditation_status: 'ACCREDITED' as const,
      latitude: north(s.km),
      longitude: LEEDS.longitude,
    })),
    // Not listed: pending accreditation, and withdrawn.
    { id: 'S1-110-pending', name: 'Pending', specialty_code: '110', provider_ods_code: 'RXX', site_ods_code: 'S1', clinic_type: null, consultant_team: null, min_age: null, max_age: null, indicative_wait_weeks: 0.5, indicative_wait_as_of: '2026-04-30', indicative_wait_basis: null, accessibility: null, accreditation_status: 'PENDING' as const, latitude: north(2), longitude: LEEDS.longitude },
    { id: 'S1-110-inactive', name: 'Inactive', specialty_code: '110', provider_ods_code: 'RXX', site_ods_code: 'S1', clinic_type: null, consultant_team: null, min_age: null, max_age: null, indicative_wait_weeks: 0.5, indicative_wait_as_of: '2026-04-30', indicative_wait_basis: null, accessibility: null, accreditation_status: 'ACCREDITED' as const, active: false, latitude: north(2), longitude: LEEDS.longitude },
    // Gynaecology sees women only; a children's ophthalmology service.
    { id: 'S2-502', name: 'Gynaecology – Site S2', specialty_code: '502', provider_ods_code: 'RXX', site_ods_code: 'S2', clinic_type: null, consultant_team: null, min_age: null, max_age: null, sex: 'female' as const, indicative_wait_weeks: 10, indicative_wait_as_of: '2026-04-30', indicative_wait_basis: null, accessibility: null, accreditation_status: 'ACCREDITED' as const, latitude: north(10), longitude: LEEDS.longitude },
    { id: 'S2-130', name: 'Paediatric Ophthalmology – Site S2', specialty_code: '130', provider_ods_code: 'RXX', site_ods_code: 'S2', clinic_type: null, consultant_team: null, min_age: 0, max_age: 17, indicative_wait_weeks: 6, indicative_wait_as_of: '2026-04-30', indicative_wait_basis: null, accessibility: null, accreditation_status: 'ACCREDITED' as const, latitude: north(10), longitude: LEEDS.longitude },
  ]).execute();
}

/** The whole app on a scratch database holding the fixture directory; `close()` stops it and drops the database. */
export async function startFixtureApp(label: string): Promise<TestApp> {
  const database = await createScratchDatabase(label);
  await loadDirectoryFixture(database);
  return startTestApp(database);
}
