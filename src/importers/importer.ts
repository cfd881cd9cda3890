// The contract every importer kind meets.
import type { ImportReport } from './report.ts';
import type { Queryable } from './upsert.ts';

export interface ImportContext {
  /** One client, already inside the import's transaction. */
  client: Queryable;
  /** The input file; null for kinds derived from data already loaded. */
  file: string | null;
  report: ImportReport;
}

export interface Importer {
  /** One line for the CLI's help. */
  describe: string;
  needsFile: boolean;
  /** Kinds without a file set report.sha256 to a fingerprint of what they derived. */
  load(ctx: ImportContext): Promise<void>;
}
