// What an import did, as printed by the CLI and stored in import_run.

export interface TableCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface ImportReport extends TableCounts {
  kind: string;
  source: string;
  sha256: string;
  /** Data records read (header excluded). */
  rowsRead: number;
  /** Records not loaded, by reason. */
  skipped: Record<string, number>;
  /** Other tables the import wrote to, e.g. the organisations a hospitals file introduces. */
  alsoWritten: Record<string, TableCounts>;
  /** Anything else the operator should know (e.g. unplaced providers). */
  notes: Record<string, unknown>;
  durationMs: number;
}

export function emptyCounts(): TableCounts {
  return { inserted: 0, updated: 0, unchanged: 0 };
}

export function newReport(kind: string, source: string): ImportReport {
  return { kind, source, sha256: '', rowsRead: 0, ...emptyCounts(), skipped: {}, alsoWritten: {}, notes: {}, durationMs: 0 };
}

export function skip(report: Pick<ImportReport, 'skipped'>, reason: string, n = 1): void {
  report.skipped[reason] = (report.skipped[reason] ?? 0) + n;
}

/** The counts for a secondary table, created on first use. */
export function countsFor(report: ImportReport, table: string): TableCounts {
  return (report.alsoWritten[table] ??= emptyCounts());
}

/** One line per fact, for people. */
export function formatReport(r: ImportReport): string {
  const lines = [
    `${r.kind} from ${r.source} (sha256 ${r.sha256.slice(0, 12)}…) in ${(r.durationMs / 1000).toFixed(1)} s`,
    `  rows read ${r.rowsRead}; inserted ${r.inserted}, updated ${r.updated}, unchanged ${r.unchanged}`,
  ];
  for (const [reason, n] of Object.entries(r.skipped)) lines.push(`  skipped ${n}: ${reason}`);
  for (const [table, c] of Object.entries(r.alsoWritten)) {
    lines.push(`  ${table}: inserted ${c.inserted}, updated ${c.updated}, unchanged ${c.unchanged}`);
  }
  for (const [key, value] of Object.entries(r.notes)) {
    const json = JSON.stringify(value);
    lines.push(`  ${key}: ${json.length > 600 ? `${json.slice(0, 600)}… (--json for all)` : json}`);
  }
  return lines.join('\n');
}
