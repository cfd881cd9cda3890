// Runs an importer kind: one client, one transaction, a report stored in import_run.
import { basename } from 'node:path';
import type { Database } from '../db/database.ts';
import type { Importer } from './importer.ts';
import { hospitalsImporter } from './hospitals.ts';
import { gpPracticesImporter, trustsImporter } from './ods.ts';
import { outcodesImporter, postcodesImporter, sectorsImporter } from './postcodes.ts';
import { type ImportReport, newReport } from './report.ts';
import { rttImporter } from './rtt.ts';
import { servicesImporter } from './services.ts';
import { sha256File } from './source.ts';
import { specialtiesImporter } from './specialties.ts';
import type { Queryable } from './upsert.ts';

export const IMPORTERS = {
  specialties: specialtiesImporter,
  postcodes: postcodesImporter,
  'postcode-sectors': sectorsImporter,
  'postcode-outcodes': outcodesImporter,
  trusts: trustsImporter,
  'gp-practices': gpPracticesImporter,
  hospitals: hospitalsImporter,
  rtt: rttImporter,
  services: servicesImporter,
} satisfies Record<string, Importer<unknown>>;

export type ImportKind = keyof typeof IMPORTERS;

export function isImportKind(kind: string): kind is ImportKind {
  return Object.hasOwn(IMPORTERS, kind);
}

/**
 * Runs one import on a client that is already inside a transaction (the caller commits or rolls back).
 * `readAhead`: what startReading(kind, file) began, if the caller began it early.
 */
export async function importWithin(client: Queryable, kind: ImportKind, file: string | null, readAhead?: Promise<unknown>): Promise<ImportReport> {
  const importer: Importer<unknown> = IMPORTERS[kind];
  if (importer.needsFile && !file) throw new Error(`${kind} needs a file`);
  const started = new Date();
  const report = newReport(kind, file ? basename(file) : '(derived from loaded data)');
  if (file) report.sha256 = await sha256File(file);
  const read = file ? await (readAhead ?? importer.read?.(file)) : undefined;
  await importer.load({ client, file, report, read });
  report.durationMs = Date.now() - started.getTime();
  await client.query(
    'insert into import_run (kind, source, source_sha256, started_at, report) values ($1, $2, $3, $4, $5)',
    [kind, file ?? report.source, report.sha256, started, JSON.stringify(report)],
  );
  return report;
}

/** Starts the part of an import that needs only its file, where the kind has one; null where it has none. */
export function startReading(kind: ImportKind, file: string): Promise<unknown> | null {
  const importer: Importer<unknown> = IMPORTERS[kind];
  return importer.read?.(file) ?? null;
}

/**
 * Runs one import in its own transaction on one client: a bad file changes nothing. One client throughout,
 * because embedded PGlite serialises transactions and a second connection would wait for this one.
 */
export async function runImport(database: Database, kind: ImportKind, file: string | null): Promise<ImportReport> {
  const client = await database.pool.connect();
  try {
    await client.query('begin');
    try {
      const report = await importWithin(client, kind, file);
      await client.query('commit');
      return report;
    } catch (err) {
      await client.query('rollback');
      throw err;
    }
  } finally {
    client.release();
  }
}
