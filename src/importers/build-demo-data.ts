// `npm run build:demo-data [shared-data-dir]`: copies the public files the demo data set needs into
// reference-data/, so the running service never reads outside the repository. SOURCE.md there says what
// each file is, where it came from and under which licence.
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { REFERENCE_DATA_DIR } from './demo.ts';

const FILES: ReadonlyArray<readonly [string, string]> = [
  ['postcodes-codepoint-open-2025-10', 'gb_postcodes_codepoint_open_2025_10_latlon.csv.gz'],
  ['postcodes-codepoint-open-2025-10', 'gb_sector_centroids_codepoint_open_2025_10.csv'],
  ['postcodes-codepoint-open-2025-10', 'gb_outcode_centroids_codepoint_open_2025_10.csv'],
  ['postcodes-codepoint-open-2025-10', 'doc/licence.txt'],
  ['nhs-hospitals', 'hospitals_2020_utf8.csv'],
  ['nhs-ods', 'etr.csv'],
  ['nhs-ods', 'epraccur.csv'],
  ['nhs-rtt-2026-04', '20260430-RTT-April-2026-full-extract.csv.zip'],
  ['nhs-rtt-2026-04', 'treatment_function_codes_nhs_data_dictionary.csv'],
  ['nhs-rtt-2026-04', 'rtt_treatment_functions.csv'],
];

const shared = process.argv[2] ?? new URL('../../../shared/data/', import.meta.url).pathname;
await mkdir(REFERENCE_DATA_DIR, { recursive: true });
for (const [folder, file] of FILES) {
  const target = file === 'doc/licence.txt' ? 'codepoint-open-licence.txt' : file;
  await copyFile(join(shared, folder, file), join(REFERENCE_DATA_DIR, target));
  process.stdout.write(`copied ${folder}/${file} → reference-data/${target}\n`);
}
