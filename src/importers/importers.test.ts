// Each importer against real PostgreSQL, on small slices of the public data (read from ../shared/data).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync, gunzipSync } from 'node:zlib';
import { createScratchDatabase } from '../testing/database.ts';
import { readCsv } from './csv.ts';
import { runImport, type ImportKind } from './run-import.ts';

const SHARED = new URL('../../../shared/data/', import.meta.url).pathname;
const REFERENCE = new URL('../../reference-data/', import.meta.url).pathname;

let database: Awaited<ReturnType<typeof createScratchDatabase>>;
let dir: string;

async function fixture(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function firstLines(path: string, n: number): Promise<string> {
  const text = path.endsWith('.gz') ? gunzipSync(await readFile(path)).toString('utf8') : await readFile(path, 'utf8');
  return `${text.split('\n').slice(0, n).join('\n')}\n`;
}

async function snapshot(table: string): Promise<unknown[]> {
  return (await database.pool.query(`select * from ${table} order by 1, 2`)).rows;
}

/** Imports twice: the second run must change nothing and say so. Returns the first report. */
async function importTwice(kind: ImportKind, file: string | null, table: string) {
  const first = await runImport(database, kind, file);
  const contents = await snapshot(table);
  const second = await runImport(database, kind, file);
  assert.equal(second.inserted, 0, `${kind}: second run inserted`);
  assert.equal(second.updated, 0, `${kind}: second run updated`);
  assert.equal(second.unchanged, first.inserted + first.updated + first.unchanged);
  assert.deepEqual(await snapshot(table), contents);
  return first;
}

before(async () => {
  database = await createScratchDatabase('importers');
  dir = await mkdtemp(join(tmpdir(), 'openchoice-import-'));
});
after(async () => database.drop());

describe('postcodes', () => {
  test('Code-Point Open layout, gzipped: loads, skips rows without coordinates, is idempotent', async () => {
    const slice = await firstLines(`${REFERENCE}gb_postcodes_codepoint_open_2025_10_latlon.csv.gz`, 301);
    const file = await fixture('postcodes.csv.gz', gzipSync(`${slice}ZE3 9JZ,90,,,S92000003,\n`));
    const report = await importTwice('postcodes', file, 'postcode');
    assert.equal(report.rowsRead, 301);
    assert.equal(report.inserted, 300);
    assert.deepEqual(report.skipped, { 'no coordinates': 1 });
    const { rows } = await database.pool.query(`select * from postcode where postcode = 'AB10 1AB'`);
    assert.deepEqual(rows, [{ postcode: 'AB10 1AB', latitude: 57.149606, longitude: -2.096916 }]);
    const run = await database.pool.query(`select source_sha256, report from import_run where kind = 'postcodes' order by id desc limit 1`);
    assert.match(run.rows[0].source_sha256, /^[0-9a-f]{64}$/);
    assert.equal(run.rows[0].report.unchanged, 300);
  });

  test('ONSPD layout (pcds, lat, long): terminated and unlocated postcodes are skipped', async () => {
    const report = await runImport(database, 'postcodes', `${SHARED}postcodes-io-onspd-sample/onspd_sample_postcode.csv`);
    assert.ok(report.skipped['terminated postcode']! > 1000, JSON.stringify(report.skipped));
    assert.ok(report.inserted > 100);
    const { rows } = await database.pool.query(`select latitude from postcode where postcode = 'M1 1AD'`);
    assert.equal(rows.length, 1);
  });

  test('a bad value fails the whole import, names the line and changes nothing', async () => {
    const before = await snapshot('postcode');
    const file = await fixture('bad.csv', 'postcode,positional_quality,latitude,longitude\nZZ1 1ZZ,10,51.5,-0.1\nZZ1 1ZY,10,abc,-0.1\n');
    await assert.rejects(runImport(database, 'postcodes', file), { message: 'line 3: latitude "abc" is not a number' });
    assert.deepEqual(await snapshot('postcode'), before);
    const notPostcode = await fixture('bad2.csv', 'postcode,latitude,longitude\nHELLO,51.5,-0.1\n');
    await assert.rejects(runImport(database, 'postcodes', notPostcode), /^Error: line 2: postcode "HELLO" is not a full postcode|line 2: postcode "HELLO"/);
  });

  test('sector and outcode centroids', async () => {
    const sectors = await fixture('sectors.csv', await firstLines(`${REFERENCE}gb_sector_centroids_codepoint_open_2025_10.csv`, 51));
    const outcodes = await fixture('outcodes.csv', await firstLines(`${REFERENCE}gb_outcode_centroids_codepoint_open_2025_10.csv`, 21));
    assert.equal((await importTwice('postcode-sectors', sectors, 'postcode_area')).inserted, 50);
    assert.equal((await importTwice('postcode-outcodes', outcodes, 'postcode_area')).inserted, 20);
    const { rows } = await database.pool.query(`select code, kind, postcode_count from postcode_area where code in ('AB10', 'AB10 1') order by code`);
    assert.deepEqual(rows, [{ code: 'AB10', kind: 'outcode', postcode_count: 666 }, { code: 'AB10 1', kind: 'sector', postcode_count: 198 }]);
  });
});

describe('organisations and sites', () => {
  test('trusts from etr.csv (no header); an updated name counts as an update', async () => {
    const report = await importTwice('trusts', `${REFERENCE}etr.csv`, 'organisation');
    assert.equal(report.inserted, 274);
    const { rows } = await database.pool.query(`select name, kind, postcode, open_date, active from organisation where ods_code = 'R0A'`);
    assert.deepEqual(rows, [{ name: 'Manchester University NHS Foundation Trust', kind: 'NHS_TRUST', postcode: 'M13 9WL', open_date: '2017-10-01', active: true }]);
    const changed = await fixture('etr-changed.csv', (await firstLines(`${REFERENCE}etr.csv`, 2)).replace('THE ONLINE NHS TRUST', 'THE ONLINE NHS TRUST RENAMED'));
    const again = await runImport(database, 'trusts', changed);
    assert.deepEqual([again.inserted, again.updated, again.unchanged], [0, 1, 1]);
    await runImport(database, 'trusts', `${REFERENCE}etr.csv`);
  });

  test('GP practices: prescribing setting 4 only', async () => {
    const file = await fixture('epraccur.csv', await firstLines(`${REFERENCE}epraccur.csv`, 400));
    const report = await importTwice('gp-practices', file, 'organisation');
    assert.equal(report.rowsRead, 400);
    assert.ok(report.inserted > 100 && report.inserted < 400, String(report.inserted));
    assert.equal(report.inserted + Object.values(report.skipped).reduce((a, b) => a + b, 0), 400);
    const { rows } = await database.pool.query(`select kind, name from organisation where ods_code = 'A81001'`);
    assert.deepEqual(rows, [{ kind: 'GP_PRACTICE', name: 'The Densham Surgery' }]);
  });

  test('hospitals: the raw ~-delimited Windows-1252 file loads the same sites as the UTF-8 CSV', async () => {
    const utf8 = await importTwice('hospitals', `${REFERENCE}hospitals_2020_utf8.csv`, 'site');
    assert.equal(utf8.rowsRead, 1216);
    assert.ok(utf8.inserted >= 1214);
    assert.ok(utf8.alsoWritten.organisation!.inserted > 50, 'independent parents become organisations');
    const sites = await snapshot('site');
    const raw = await runImport(database, 'hospitals', `${SHARED}nhs-hospitals/Hospital_2020_raw.csv`);
    assert.deepEqual([raw.inserted, raw.updated], [0, 0]);
    assert.deepEqual(await snapshot('site'), sites);
    const { rows } = await database.pool.query(`select s.name, s.sector, o.kind from site s join organisation o on o.ods_code = s.provider_ods_code where s.ods_code = 'NT204'`);
    assert.deepEqual(rows, [{ name: 'Nuffield Health, Brentwood Hospital', sector: 'INDEPENDENT', kind: 'INDEPENDENT_PROVIDER' }]);
    // Windows-1252 0x92 must arrive as the right single quotation mark, as in the UTF-8 copy.
    const quoted = await database.pool.query(`select count(*)::int as n from site where address like '%’s%'`);
    assert.ok(quoted.rows[0].n >= 1);
  });
});

describe('phone numbers, for letters to say whom to call', () => {
  test('trusts and practices take ODS\'s number, sites the NHS website\'s; a re-run changes nothing; none given stays none', async () => {
    const phones = async (table: string, codes: string[]) =>
      Object.fromEntries((await database.pool.query(`select ods_code, phone from ${table} where ods_code = any($1) order by 1`, [codes])).rows.map((r) => [r.ods_code, r.phone]));
    await runImport(database, 'trusts', `${REFERENCE}etr.csv`);
    assert.deepEqual(await phones('organisation', ['R0A', 'K0N6A']), { R0A: '0300 3309444', K0N6A: null });
    const first = await runImport(database, 'gp-practices', await fixture('epraccur-phones.csv', await firstLines(`${REFERENCE}epraccur.csv`, 400)));
    assert.deepEqual(await phones('organisation', ['A81001']), { A81001: '01642 672351' });
    assert.equal(first.notes.phonesRecorded ?? 0, 0, 'the practices were loaded above with their numbers');
    await runImport(database, 'hospitals', `${REFERENCE}hospitals_2020_utf8.csv`);
    assert.deepEqual(await phones('site', ['NDA07']), { NDA07: '01932 414205' });
    const again = await runImport(database, 'hospitals', `${REFERENCE}hospitals_2020_utf8.csv`);
    assert.equal(again.notes.phonesRecorded, undefined);
  });
});

describe('RTT', () => {
  test('aggregation matches the published per-provider × treatment function summary on every row', async () => {
    const report = await importTwice('rtt', `${REFERENCE}20260430-RTT-April-2026-full-extract.csv.zip`, 'rtt_wait');
    assert.equal(report.inserted, 4122);
    const ours = new Map(
      (await database.pool.query(`select * from rtt_wait where period = '2026-04-30'`)).rows.map((r) => [`${r.provider_ods_code}|${r.specialty_code}`, r]),
    );
    let compared = 0;
    let header: string[] | null = null;
    for await (const { fields } of readCsv(`${SHARED}nhs-rtt-2026-04/rtt_incomplete_provider_tfc_2026_04.csv`)) {
      if (!header) {
        header = fields;
        continue;
      }
      const ref: Record<string, string> = Object.fromEntries(header.map((h, i) => [h, fields[i]!]));
      const key = `${ref.provider_org_code}|${ref.treatment_function_code!.replace(/^C_/, '')}`;
      const row = ours.get(key);
      assert.ok(row, `missing ${key}`);
      assert.equal(row.incomplete_pathways, Number(ref.incomplete_pathways), key);
      assert.equal(row.within_18_weeks, Number(ref.within_18_weeks), key);
      assert.equal(row.over_52_weeks, Number(ref.over_52_weeks), key);
      assert.equal(row.unknown_clock_start, Number(ref.unknown_clock_start), key);
      for (const [ourCol, refCol] of [['median_wait_weeks', 'median_wait_weeks'], ['p92_wait_weeks', 'p92_wait_weeks']] as const) {
        const expected = ref[refCol]!;
        if (expected === '>104' || expected === '') assert.equal(row[ourCol], null, `${key} ${ourCol}`);
        else assert.ok(Math.abs(row[ourCol] - Number(expected)) <= 0.05 + 1e-9 /* the reference is rounded to 0.1 */, `${key} ${ourCol}: ${row[ourCol]} vs ${expected}`);
      }
      compared++;
    }
    assert.equal(compared, 4122);
  });

  test('an unzipped extract works too, and a bad count names its line', async () => {
    const { execFileSync } = await import('node:child_process');
    const head = execFileSync('sh', ['-c', `unzip -p "${REFERENCE}20260430-RTT-April-2026-full-extract.csv.zip" '*.csv' | head -50`]).toString();
    const plain = await fixture('rtt.csv', head);
    const report = await runImport(database, 'rtt', plain);
    assert.equal(report.rowsRead, 49);
    const lines = head.split('\n');
    const bad = lines.findIndex((l) => l.includes(',Part_2,'));
    lines[bad] = lines[bad]!.replace(/,Part_2,(.*?),(C_\d+|X\d+),([^,]*),\d+,/, ',Part_2,$1,$2,$3,lots,');
    const before = await snapshot('rtt_wait');
    await assert.rejects(runImport(database, 'rtt', await fixture('rtt-bad.csv', lines.join('\n'))), {
      message: `line ${bad + 1}: weekly band 0 "lots" is not a whole number`,
    });
    assert.deepEqual(await snapshot('rtt_wait'), before);
  });
});
