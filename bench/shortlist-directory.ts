// The shortlist benchmark's directory: a national-scale synthetic directory (sites at random English postcodes,
// providers, services of the 18 RTT specialties with waits), built in PostgreSQL from a seed, or read back (--reuse).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import type pg from 'pg';
import { haversineKm } from '../src/domain/distance.ts';
import { mulberry32 } from './support.ts';

const DATA = fileURLToPath(new URL('../../shared/data/', import.meta.url));
const POSTCODES_CSV = `${DATA}postcodes-codepoint-open-2025-10/gb_postcodes_codepoint_open_2025_10_latlon.csv.gz`;
const ENGLAND = 'E92000001';
const WAITS_AS_OF = '2026-04-30';

/** The 18 treatment functions NHS England's RTT statistics report (NHS Data Dictionary titles). */
export const SPECIALTIES: readonly { code: string; name: string; weight: number; baseWait: number }[] = [
  // weight: how likely a site is to offer it; baseWait: typical indicative wait in weeks.
  { code: '100', name: 'General Surgery', weight: 1.0, baseWait: 13 },
  { code: '101', name: 'Urology', weight: 0.9, baseWait: 14 },
  { code: '110', name: 'Trauma & Orthopaedics', weight: 1.0, baseWait: 19 },
  { code: '120', name: 'ENT', weight: 0.9, baseWait: 16 },
  { code: '130', name: 'Ophthalmology', weight: 1.0, baseWait: 12 },
  { code: '140', name: 'Oral Surgery', weight: 0.6, baseWait: 17 },
  { code: '150', name: 'Neurosurgery', weight: 0.15, baseWait: 18 },
  { code: '160', name: 'Plastic Surgery', weight: 0.35, baseWait: 17 },
  { code: '170', name: 'Cardiothoracic Surgery', weight: 0.15, baseWait: 11 },
  { code: '300', name: 'General Medicine', weight: 0.9, baseWait: 7 },
  { code: '301', name: 'Gastroenterology', weight: 0.9, baseWait: 14 },
  { code: '320', name: 'Cardiology', weight: 0.9, baseWait: 11 },
  { code: '330', name: 'Dermatology', weight: 0.8, baseWait: 13 },
  { code: '340', name: 'Respiratory Medicine', weight: 0.7, baseWait: 11 },
  { code: '400', name: 'Neurology', weight: 0.6, baseWait: 15 },
  { code: '410', name: 'Rheumatology', weight: 0.6, baseWait: 12 },
  { code: '430', name: 'Geriatric Medicine', weight: 0.6, baseWait: 6 },
  { code: '502', name: 'Gynaecology', weight: 1.0, baseWait: 16 },
];

// mulberry32 (bench/support.ts): the same seed gives the same directory.
const prng = mulberry32;
const intBelow = (rand: () => number, n: number) => Math.floor(rand() * n);
export const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[intBelow(rand, xs.length)]!;
function normal(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export interface DirectorySettings {
  seed: number;
  sites: number;
  providers: number;
  servicesPerSite: number;
  postcodes: number;
}

/** How the build reports its progress: a line, and a timed phase. */
export interface Progress {
  log(line: string): void;
  phase<T>(label: string, fn: () => Promise<T>): Promise<T>;
}

export interface Postcode {
  postcode: string;
  latitude: number;
  longitude: number;
}

/** A uniform random sample of English postcodes with coordinates (reservoir sampling, one pass over the file). */
async function samplePostcodes(size: number, rand: () => number): Promise<{ sample: Postcode[]; english: number }> {
  const lines = createInterface({ input: createReadStream(POSTCODES_CSV).pipe(createGunzip()), crlfDelay: Infinity });
  const sample: Postcode[] = [];
  let english = 0;
  let header = true;
  for await (const line of lines) {
    if (header) {
      header = false;
      if (!line.startsWith('postcode,positional_quality,latitude,longitude,country_code')) {
        throw new Error(`Unexpected header in ${POSTCODES_CSV}: ${line}`);
      }
      continue;
    }
    const [postcode, , lat, lng, country] = line.split(',');
    if (country !== ENGLAND || !lat || !lng || !postcode) continue;
    english += 1;
    const row = () => ({ postcode, latitude: Number(lat), longitude: Number(lng) });
    if (sample.length < size) sample.push(row());
    else {
      const j = intBelow(rand, english);
      if (j < size) sample[j] = row();
    }
  }
  if (sample.length < size) throw new Error(`Only ${sample.length} English postcodes in ${POSTCODES_CSV}`);
  return { sample, english };
}

type Column = readonly [name: string, pgType: string];

/** Inserts rows in batches as `insert … select * from unnest($1::type[], …)`: one round trip per batch. */
async function bulkInsert(pool: pg.Pool, table: string, columns: readonly Column[], rows: readonly unknown[][], batch = 5_000) {
  const sql = `insert into ${table} (${columns.map(([n]) => n).join(', ')}) select * from unnest(${columns
    .map(([, t], i) => `$${i + 1}::${t}[]`)
    .join(', ')})`;
  for (let start = 0; start < rows.length; start += batch) {
    const chunk = rows.slice(start, start + batch);
    await pool.query(sql, columns.map((_, c) => chunk.map((r) => r[c])));
  }
}

export interface Directory {
  postcodes: Postcode[];
  services: number;
  sites: number;
  providers: number;
  specialties: number;
}

export async function buildDirectory(pool: pg.Pool, settings: DirectorySettings, { log, phase }: Progress): Promise<Directory> {
  const rand = prng(settings.seed);
  const { sample, english } = await phase(`read ${settings.postcodes.toLocaleString('en-GB')} random English postcodes`, () =>
    samplePostcodes(settings.postcodes, rand),
  );
  log(`    (sampled from ${english.toLocaleString('en-GB')} English postcodes with coordinates)`);

  // Sites at distinct random postcodes: postcodes follow where people live, so hospitals do too.
  const shuffled = [...sample];
  for (let i = 0; i < settings.sites; i++) {
    const j = i + intBelow(rand, shuffled.length - i);
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const sitePostcodes = shuffled.slice(0, settings.sites);

  // Providers are regional: each is anchored at one of the sites and runs the sites nearest its anchor.
  const providers = sitePostcodes.slice(0, settings.providers).map((anchor, i) => {
    const independent = rand() < 0.25;
    const odsCode = `${independent ? 'N' : 'R'}${String(i + 1).padStart(4, '0')}`;
    return {
      odsCode,
      anchor,
      independent,
      name: independent ? `Bench Independent Healthcare ${i + 1} Ltd` : `Bench NHS Trust ${i + 1}`,
      waitFactor: Math.exp(0.3 * normal(rand) + (independent ? -0.35 : 0)),
    };
  });
  const sites = sitePostcodes.map((pc, i) => {
    let best = providers[0]!;
    let bestKm = Infinity;
    for (const p of providers) {
      const km = haversineKm(pc, p.anchor);
      if (km < bestKm) [best, bestKm] = [p, km];
    }
    return { odsCode: `S${String(i + 1).padStart(5, '0')}`, name: `Bench Hospital ${i + 1} (${pc.postcode})`, provider: best, ...pc };
  });

  const services: unknown[][] = [];
  for (const site of sites) {
    // Weighted sampling without replacement (Efraimidis–Spirakis): common specialties are offered at more sites.
    const offered = SPECIALTIES.map((s) => ({ s, key: rand() ** (1 / s.weight) }))
      .sort((a, b) => b.key - a.key)
      .slice(0, settings.servicesPerSite)
      .map((x) => x.s);
    for (const sp of offered) {
      // Right-skewed waits: log-normal around the specialty's typical wait, scaled by the provider; 1–60 weeks.
      const weeks = Math.min(60, Math.max(1, sp.baseWait * site.provider.waitFactor * Math.exp(0.45 * normal(rand))));
      const published = rand() >= 0.02; // a few services publish no wait
      services.push([
        `${site.odsCode}-${sp.code}`,
        `${sp.name} – ${site.name}`,
        sp.code,
        site.provider.odsCode,
        site.odsCode,
        rand() < 0.1 ? 'ASSESSMENT' : 'FIRST_OUTPATIENT',
        rand() < 0.9,
        sp.code === '502' ? 'female' : 'any',
        published ? Math.round(weeks * 10) / 10 : null,
        published ? WAITS_AS_OF : null,
        published ? 'synthetic benchmark data' : null,
        'ACCREDITED',
        true,
        site.latitude,
        site.longitude,
      ]);
    }
  }

  await phase('insert specialties, postcodes, providers, sites and services', async () => {
    await bulkInsert(
      pool,
      'specialty',
      [['code', 'text'], ['name', 'text'], ['rtt_reported', 'bool']],
      SPECIALTIES.map((s) => [s.code, s.name, true]),
    );
    await bulkInsert(
      pool,
      'postcode',
      [['postcode', 'text'], ['latitude', 'float8'], ['longitude', 'float8']],
      sample.map((p) => [p.postcode, p.latitude, p.longitude]),
    );
    await bulkInsert(
      pool,
      'organisation',
      [['ods_code', 'text'], ['name', 'text'], ['kind', 'text'], ['postcode', 'text'], ['active', 'bool']],
      providers.map((p) => [p.odsCode, p.name, p.independent ? 'INDEPENDENT_PROVIDER' : 'NHS_TRUST', p.anchor.postcode, true]),
    );
    await bulkInsert(
      pool,
      'site',
      [
        ['ods_code', 'text'],
        ['name', 'text'],
        ['provider_ods_code', 'text'],
        ['sector', 'text'],
        ['postcode', 'text'],
        ['latitude', 'float8'],
        ['longitude', 'float8'],
      ],
      sites.map((s) => [s.odsCode, s.name, s.provider.odsCode, s.provider.independent ? 'INDEPENDENT' : 'NHS', s.postcode, s.latitude, s.longitude]),
    );
    await bulkInsert(
      pool,
      'service',
      [
        ['id', 'text'],
        ['name', 'text'],
        ['specialty_code', 'text'],
        ['provider_ods_code', 'text'],
        ['site_ods_code', 'text'],
        ['service_type', 'text'],
        ['directly_bookable', 'bool'],
        ['sex', 'text'],
        ['indicative_wait_weeks', 'float8'],
        ['indicative_wait_as_of', 'date'],
        ['indicative_wait_basis', 'text'],
        ['accreditation_status', 'text'],
        ['active', 'bool'],
        ['latitude', 'float8'],
        ['longitude', 'float8'],
      ],
      services,
    );
  });
  await phase('vacuum analyze', () => pool.query('vacuum analyze'));
  return { postcodes: sample, services: services.length, sites: sites.length, providers: providers.length, specialties: SPECIALTIES.length };
}

/** Reads back what an existing benchmark database holds (for --reuse). */
export async function readDirectory(pool: pg.Pool): Promise<Directory> {
  const count = async (table: string) => Number((await pool.query(`select count(*) as n from ${table}`)).rows[0].n);
  const postcodes = (await pool.query<Postcode>('select postcode, latitude, longitude from postcode order by postcode')).rows;
  return {
    postcodes,
    services: await count('service'),
    sites: await count('site'),
    providers: await count('organisation'),
    specialties: await count('specialty'),
  };
}
