// The contract every importer kind meets.
import type { ImportReport } from './report.ts';
import type { Queryable } from './upsert.ts';

export interface ImportContext<Read = undefined> {
  /** One client, already inside the import's transaction. */
  client: Queryable;
  /** The input file; null for kinds derived from data already loaded. */
  file: string | null;
  report: ImportReport;
  /** What the importer's read(file) gave, for one that has it. */
  read: Read;
}

export interface Importer<Read = undefined> {
  /** One line for the CLI's help. */
  describe: string;
  needsFile: boolean;
  /**
   * The part that needs the file alone and not the database (parsing it, in a worker thread). A caller may start
   * it early (importWithin's readAhead), so that it overlaps other work; else importWithin runs it before load.
   */
  read?(file: string): Promise<Read>;
  /** Kinds without a file set report.sha256 to a fingerprint of what they derived. */
  load(ctx: ImportContext<Read>): Promise<void>;
}
